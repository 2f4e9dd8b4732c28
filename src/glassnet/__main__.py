"""``python -m glassnet``: the command line (see ``glassnet.cli``)."""

import sys

from glassnet.cli import main

if __name__ == "__main__":
    sys.exit(main())
