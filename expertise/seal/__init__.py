"""The seal domain."""
