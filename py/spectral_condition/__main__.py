"""``python -m spectral_condition``: see :mod:`spectral_condition.cli`."""

import sys

from .cli import main

sys.exit(main())
