"""Duplicate submissions, decided once for `check` and `merge`.

Two rows are duplicates when they are of the same kind and carry the same credit code that
passes the GB 32100 check: a code such as 暂无, or one with a wrong check character, says nothing
about who the enterprise is, so such rows are never grouped (each is kept, with its own error).

The newest row is decided by a time that survives copying: the workbook's own last-saved time
(docProps/core.xml, read.docprops) where it has one, else the file's modification time; a tie
falls to the modification time, then to the path. `newest` says which of the two decided.
"""
import datetime as _dt

from .uscc import check_uscc

SAVED, MTIME, ORDER = "saved", "mtime", "order"
BASIS_TEXT = {SAVED: "工作簿保存时间（文档属性）", MTIME: "文件修改时间", ORDER: "最先找到"}


def identifies(code):
    """Does this credit code say who the enterprise is (passes the GB 32100 check)?"""
    return isinstance(code, str) and bool(code) and check_uscc(code).ok


def groups(items, kind_of, code_of):
    """{(kind, code): [item, ...]} for every valid credit code shared by two or more items, in item order."""
    by = {}
    for it in items:
        code = code_of(it)
        if identifies(code):
            by.setdefault((kind_of(it), code), []).append(it)
    return {k: g for k, g in by.items() if len(g) > 1}


def stamp(saved, mtime):
    """The time a row is dated by, and which time it is."""
    return (saved, SAVED) if saved else (mtime or 0.0, MTIME)


def newest(group, saved_of, mtime_of, path_of):
    """(winner, basis): the latest by `stamp`; basis is SAVED when the saved time alone decided."""
    def key(it):
        return (-stamp(saved_of(it), mtime_of(it))[0], -(mtime_of(it) or 0.0), path_of(it))
    ordered = sorted(group, key=key)
    w, runner = ordered[0], ordered[1]
    ws, rs = stamp(saved_of(w), mtime_of(w)), stamp(saved_of(runner), mtime_of(runner))
    basis = SAVED if ws[1] == SAVED and ws[0] != rs[0] else MTIME
    return w, basis


def reason(basis, saved, mtime):
    """Why the winner was kept, in Chinese: '工作簿保存时间（文档属性）2021-08-01 10:00:00 较新'."""
    if basis == ORDER:
        return BASIS_TEXT[ORDER]
    return "%s %s 较新" % (BASIS_TEXT[basis], time_text(saved if basis == SAVED else mtime))


def time_text(ts):
    if not ts:
        return ""
    return _dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")
