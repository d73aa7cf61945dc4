"""Every use of XlsxWriter's private members, in one place.

The summary's big sheets are rendered away from XlsxWriter (stream.py, in pool workers), so their
cells need the style indexes XlsxWriter gives the formats: `Format._get_xf_index()` is the only
way to learn them. XlsxWriter is pinned exactly in setup.cfg (PINNED); tests/test_summary.py
fails with a clear message when another version is installed, so an upgrade is checked here first.
"""
PINNED = "3.3.1"


def xf_index(fmt):
    """The cell style index XlsxWriter writes for `fmt` (fixed at the first call, in call order)."""
    return fmt._get_xf_index()
