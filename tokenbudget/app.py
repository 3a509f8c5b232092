"""Composition root: decide between the window and the command line.

``tokenbudget`` with a command runs the command line (which never imports Qt). With no
arguments it opens the window once the GUI exists; until then it prints the command help.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tokenbudget`` script."""
    from tokenbudget import cli

    args = list(sys.argv[1:] if argv is None else argv)
    return cli.run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
