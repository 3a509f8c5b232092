"""``python -m tokenbudget.core.countproc``: run the counting child."""

import sys

from tokenbudget.core.countproc.child import main

if __name__ == "__main__":  # pragma: no cover - the child's entry point
    sys.exit(main())
