"""``python -m clientflags`` runs the command-line interface."""

import sys

from clientflags.cli import main

if __name__ == "__main__":
    sys.exit(main())
