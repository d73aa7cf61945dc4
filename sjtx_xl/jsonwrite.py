"""The text json.dumps(obj, ensure_ascii=False, indent=2, default=str) makes, written as it is made,
several times faster.

With `indent`, json falls back to its pure-Python encoder: a generator per list and dict and a
yield per token, ~2.5 s of `sjtx-xl check --json` on 1,000 error-heavy forms (59 MB of JSON). This
encoder walks the same objects in the same order (lists may be lazy, as summary.parked.ProblemList:
iterated once), escapes strings with json's own C function, and writes a flat dict of texts (a
problem: its ~90 repeat in every error-heavy form) once per process. tests/test_jsonwrite.py compares
its text with json's on random structures and a real report.
"""
import io
import json.encoder

_STRING = json.encoder.encode_basestring          # the C escaper json itself uses (ensure_ascii=False)
_INT = int.__repr__
_FLOAT = float.__repr__
INDENT = "  "
FLUSH = 1 << 15           # pieces of text (a few hundred KB) written at a time
MAX_MEMO = 50000


def _float(o):
    if o != o:
        return "NaN"
    if o == float("inf"):
        return "Infinity"
    if o == float("-inf"):
        return "-Infinity"
    return _FLOAT(o)


def _key(k):
    if isinstance(k, str):
        return _STRING(k)
    if isinstance(k, float):
        return _STRING(_float(k))
    if k is True:
        return '"true"'
    if k is False:
        return '"false"'
    if k is None:
        return '"null"'
    if isinstance(k, int):
        return _STRING(_INT(k))
    raise TypeError("keys must be str, int, float, bool or None, not %s" % k.__class__.__name__)


class _Writer:
    def __init__(self, out, flush):
        self.out, self.flush, self.parts = out, flush, []
        self.add = self.parts.append
        self.memo = {}

    def drain(self):
        if self.parts:
            self.out.write("".join(self.parts))
            self.parts.clear()

    def value(self, o, level):
        add = self.add
        if isinstance(o, str):
            add(_STRING(o))
        elif o is None:
            add("null")
        elif o is True:
            add("true")
        elif o is False:
            add("false")
        elif isinstance(o, int):
            add(_INT(o))
        elif isinstance(o, float):
            add(_float(o))
        elif isinstance(o, (list, tuple)):
            self.list(o, level)
        elif isinstance(o, dict):
            self.dict(o, level)
        else:
            self.value(str(o), level)                    # default=str

    def list(self, o, level):
        add, parts = self.add, self.parts
        if not o:
            add("[]")
            return
        inner = "\n" + INDENT * (level + 1)
        add("[" + inner)
        first = True
        for v in o:
            if not first:
                add("," + inner)
            first = False
            self.value(v, level + 1)
            if len(parts) >= self.flush:                 # an item at a time: out gets pieces as they are made
                self.drain()
        add("\n" + INDENT * level + "]")

    def dict(self, o, level):
        add = self.add
        if not o:
            add("{}")
            return
        try:                                             # a flat dict seen before (flat: equal means same text)
            key = (level, tuple(o.items()))
            text = self.memo.get(key)
        except TypeError:                                # an unhashable value: not flat
            key = text = None
        if text is not None:
            add(text)
            return
        if key is not None and flat(o):
            text = _flat_text(key[1], level)
            if len(self.memo) >= MAX_MEMO:
                self.memo.clear()
            self.memo[key] = text
            add(text)
            return
        inner = "\n" + INDENT * (level + 1)
        add("{" + inner)
        first = True
        for k, v in o.items():
            if not first:
                add("," + inner)
            first = False
            add(_key(k) + ": ")
            self.value(v, level + 1)
        add("\n" + INDENT * level + "}")


def flat(d):
    """Every key a str and every value a str or None: a tuple of such items equals another only when
    their text is the same (no 1 == True == 1.0 among them), so a text made of them can be kept by
    the items (here, and a _data record's problems: summary.data)."""
    for k, v in d.items():
        if type(k) is not str or (v is not None and type(v) is not str):
            return False
    return True


def _flat_text(items, level):
    inner = "\n" + INDENT * (level + 1)
    return "{" + inner + ("," + inner).join(
        _STRING(k) + ": " + ("null" if v is None else _STRING(v)) for k, v in items) + "\n" + INDENT * level + "}"


def write(obj, out, flush=FLUSH):
    """json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\\n", written to `out` as it is
    made (every `flush` pieces of text, at the end of a list's item), never whole in memory."""
    w = _Writer(out, flush)
    w.value(obj, 0)
    w.add("\n")
    w.drain()


def dumps(obj):
    """json.dumps(obj, ensure_ascii=False, indent=2, default=str), faster."""
    buf = io.StringIO()
    w = _Writer(buf, FLUSH)
    w.value(obj, 0)
    w.drain()
    return buf.getvalue()
