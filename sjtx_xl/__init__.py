"""sjtx-xl: spec-driven Excel templates, checks and summaries for 吉工信办联〔2021〕34号."""

__version__ = "0.1.0"

import os as _os

# openpyxl with lxml writes Chinese as &#NNNNN; references; its plain writer keeps UTF-8 text.
# Must be set before openpyxl is first imported.
_os.environ.setdefault("OPENPYXL_LXML", "False")
