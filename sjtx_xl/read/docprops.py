"""The workbook's own last-saved time (docProps/core.xml dcterms:modified).

Excel, WPS and LibreOffice write it on every save; copying or downloading a file changes the
file system's modification time but not this. Duplicate submissions are decided by it.
"""
import datetime as _dt
import re

CORE_PART = "docProps/core.xml"
MAX_CORE_BYTES = 1 << 20
_MODIFIED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?modified\b[^>]*>\s*([^<]{1,64}?)\s*</", re.S)


def saved_time(zf):
    """POSIX seconds of dcterms:modified in the open zipfile `zf`, or None when absent or unreadable."""
    try:
        info = zf.getinfo(CORE_PART)
        if info.file_size > MAX_CORE_BYTES:
            return None
        with zf.open(info) as fh:
            xml = fh.read(MAX_CORE_BYTES)
    except Exception:                     # no core part, or a damaged one: the caller falls back to mtime
        return None
    m = _MODIFIED.search(xml)
    return parse_w3cdtf(m.group(1).decode("ascii", "replace")) if m else None


def parse_w3cdtf(text):
    """'2021-08-01T10:00:00Z' (W3C date-time, any offset, optional fraction) -> POSIX seconds; None if invalid."""
    s = text.strip()
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    try:
        t = _dt.datetime.fromisoformat(s)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=_dt.timezone.utc)
    if t.year < 1980:                     # 1899/1900 placeholders some writers leave
        return None
    return t.timestamp()
