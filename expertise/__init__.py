"""expertise — audit and verification suite for internet voting (CNIL 2019-053)."""

__version__ = "0.1.0"
