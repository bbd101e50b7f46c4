"""The probe domain."""
