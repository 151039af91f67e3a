"""``python -m foederis`` is the ``foederis`` command."""

import sys

from .cli import main

sys.exit(main())
