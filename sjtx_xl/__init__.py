"""sjtx-xl: spec-driven Excel templates, checks and summaries for 吉工信办联〔2021〕34号.

In a notebook (`pip install sjtx-xl[pandas]`):

    import sjtx_xl
    frames = sjtx_xl.merge_folder("报送", recursive=True).frames()   # {"附件3": DataFrame, ...}
    frames = sjtx_xl.summary_frames("汇总.xlsx")                      # a summary written earlier
    report = sjtx_xl.check_files(["某公司.xlsx"]).frames()["问题"]

The use cases live in sjtx_xl.app; these names are loaded on first use, so importing the package
stays cheap.
"""

__version__ = "0.1.0"

import os as _os

# openpyxl with lxml writes Chinese as &#NNNNN; references; its plain writer keeps UTF-8 text.
# Must be set before openpyxl is first imported.
_os.environ.setdefault("OPENPYXL_LXML", "False")

_APP = {"merge_folder": "merge", "check_files": "check", "summary_frames": "summary_frames",
        "build_templates": "templates", "find_missing": "missing"}


def __getattr__(name):
    """sjtx_xl.merge_folder and friends: the use cases of sjtx_xl.app, imported when first used."""
    if name in _APP:
        from . import app                     # late: `import sjtx_xl` stays cheap for the CLI and Excel
        return getattr(app, _APP[name])
    raise AttributeError("module 'sjtx_xl' has no attribute %r" % name)
