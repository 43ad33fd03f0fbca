"""Allow ``python -m mkdocs_sms``."""

import sys

from mkdocs_sms.cli import main

sys.exit(main())
