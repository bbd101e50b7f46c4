"""`python -m expertise` and the `expertise` command."""

import sys


def run() -> None:
    """Start the CLI. Ctrl-C while it is still loading (half a second of imports) ends as quietly
    as later on — exit 130, no traceback — rather than with Python's KeyboardInterrupt dump."""
    try:
        from .cli import main
    except KeyboardInterrupt:
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
