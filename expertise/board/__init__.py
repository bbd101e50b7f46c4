"""The board domain."""
