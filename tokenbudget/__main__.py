"""``python -m tokenbudget``."""

import sys

from tokenbudget.app import main

sys.exit(main())
