"""Rendered rows and long texts parked on disk while a merge runs (issue 13: the parent's memory
must not grow with text length). Pool workers append blobs to a file of their own and send back
only references; the parent keeps the references and sort keys, and reads each blob when the
summary is written.

    store = Store()                     # in the parent; its folder goes when the store is collected
    use(store.folder)                   # in each process that reads files (merge's pool initializer)
    ref = put(b"...")                   # a Ref, or None when no folder is in use (rows stay in memory)
    resolve(x)                          # x with every Ref in it replaced by its bytes

Entry values longer than LONG characters move into the spill too (SpilledValues), read back when
asked for, so an entry's values still hold every character typed.
"""
import json
import os
import shutil
import tempfile
import weakref
from collections import namedtuple

LONG = 256            # characters: longer texts are parked
ROWS = b"\x01"        # separates rows in one blob (a raw U+0001 never survives cell escaping)

_STORES = weakref.WeakValueDictionary()      # folder -> Store, in the process that made it
_writer = None
_last = (None, None)                         # (Ref, its long values): the last ones read


class Store:
    """A temporary folder of blob files; removed when the store (held by the model and by every
    spilled value) is collected, or at exit."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="sjtx-spill-")
        self._files = {}
        _STORES[self.folder] = self
        self._finalizer = weakref.finalize(self, _remove, self.folder, self._files)

    def read(self, name, offset, length):
        _flush_for(self.folder, name)
        fh = self._files.get(name)
        if fh is None:
            fh = self._files[name] = open(os.path.join(self.folder, name), "rb")
        return os.pread(fh.fileno(), length, offset) if hasattr(os, "pread") else _seek_read(fh, offset, length)


def _seek_read(fh, offset, length):
    fh.seek(offset)
    return fh.read(length)


def _remove(folder, files):
    for fh in files.values():
        fh.close()
    shutil.rmtree(folder, ignore_errors=True)


MAX_PENDING = 8 << 20           # bytes of blobs a writer holds before it writes them


class _Writer:
    """Blobs are gathered and written at once by flush() (merge.read_file does, before a worker sends
    its record on; closing and reading a blob back do too): one write per file, not per blob; and
    whenever MAX_PENDING bytes wait (submit parks a whole summary's long texts in one process)."""

    def __init__(self, folder):
        self.folder = folder
        self.name = _own_name()
        self.fh = open(os.path.join(folder, self.name), "ab")
        self.end = self.fh.seek(0, os.SEEK_END)
        self.pending, self.waiting = [], 0

    def put(self, data):
        offset = self.end
        self.pending.append(data)
        self.end += len(data)
        self.waiting += len(data)
        if self.waiting > MAX_PENDING:
            self.flush()
        return Ref(self.folder, self.name, offset, len(data))

    def flush(self):
        if self.pending:
            self.fh.write(b"".join(self.pending))
            self.pending.clear()
            self.waiting = 0
            self.fh.flush()                  # the parent may read it as soon as the reference arrives

    def mine(self):
        """Made by this process, not a parent's writer inherited by a fork (its blobs are the parent's)."""
        return self.name == _own_name()

    def close(self):
        if self.mine():
            self.flush()
        self.fh.close()


def _own_name():
    return "%d.bin" % os.getpid()


def flush():
    """Write what this process has put: before a reference leaves the process (merge.read_file)."""
    if _writer is not None and _writer.mine():
        _writer.flush()


def _flush_for(folder, name):
    """A blob this process put and has not written yet is written before it is read back."""
    if _writer is not None and _writer.pending and _writer.name == name and _writer.folder == folder \
            and _writer.mine():
        _writer.flush()


def use(folder):
    """Park blobs in `folder` from now on in this process (None: keep everything in memory)."""
    global _writer
    if _writer is not None and (folder is None or _writer.folder != folder or not _writer.mine()):
        _writer.close()
        _writer = None
    if folder is not None and _writer is None:
        _writer = _Writer(folder)


def active():
    return _writer is not None


def put(data):
    return _writer.put(data) if _writer is not None else None


class Ref(namedtuple("Ref", "folder name offset length")):
    """Where a blob is: the spill folder, the file in it, offset and length."""

    def read(self):
        store = _STORES.get(self.folder)
        if store is not None:
            return store.read(self.name, self.offset, self.length)
        _flush_for(self.folder, self.name)
        with open(os.path.join(self.folder, self.name), "rb") as fh:
            return _seek_read(fh, self.offset, self.length)


class RowsRef(Ref):
    """A blob of rows joined by ROWS."""

    def read(self):
        return Ref.read(self).split(ROWS)


def put_many(blobs):
    """Refs of several blobs written at once (or the blobs themselves when nothing is spilled)."""
    if _writer is None:
        return list(blobs)
    whole = _writer.put(b"".join(blobs))
    out, at = [], whole.offset
    for b in blobs:
        out.append(Ref(whole.folder, whole.name, at, len(b)))
        at += len(b)
    return out


def resolve(x):
    if isinstance(x, Ref):
        return x.read()
    if isinstance(x, tuple):
        return tuple(resolve(v) for v in x)
    return x


def park_rows(rows):
    """A list of row blobs as one RowsRef (or the list itself when nothing is spilled)."""
    if _writer is None:
        return rows
    r = _writer.put(ROWS.join(rows))
    return RowsRef(*r)


class FullViews:
    """The dict views of a dict that keeps some of its items elsewhere: they show full()."""

    def keys(self):
        return self.full().keys()

    def items(self):
        return self.full().items()

    def values(self):
        return self.full().values()

    def __iter__(self):
        return iter(self.full())


def store_of(ref):
    """The Store a Ref's folder belongs to, in this process (None elsewhere): holding it keeps the
    folder alive as long as the thing that refers into it."""
    return _STORES.get(ref.folder) if ref is not None else None


_NONE = object()


class PartlyHeld(FullViews, dict):
    """A dict holding some of its items in its own storage; the others (keys `_away_keys`) are read
    back from the spill by `_away()` when asked for, anew each time."""

    _away_keys = ()

    def _away(self):
        raise NotImplementedError

    def _held(self):
        return {k: dict.__getitem__(self, k) for k in dict.keys(self)}

    def _away_value(self, key, default):
        """The value of a key not held, read back (`default` when there is none)."""
        return self._away().get(key, default) if key in self._away_keys else default

    def __missing__(self, key):
        value = self._away_value(key, _NONE)
        if value is _NONE:
            raise KeyError(key)
        return value

    def get(self, key, default=None):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        return self._away_value(key, default)

    def __contains__(self, key):
        return dict.__contains__(self, key) or key in self._away_keys

    __hash__ = None

    def copy(self):
        return self.full()


class SpilledValues(PartlyHeld):
    """An entry's values with the long texts parked: a dict of the short ones, which reads the
    long ones from the spill when they are asked for."""

    def __init__(self, short, ref=None, long_keys=()):
        dict.__init__(self, short)
        self._ref, self._away_keys = ref, tuple(long_keys)
        self._store = store_of(ref)

    def _away(self):
        global _last
        if self._ref is None:
            return {}
        if _last[0] != self._ref:                        # one entry's texts at a time: field by field is cheap
            _last = (self._ref, _unpack_texts(self._ref.read()))
        return _last[1]

    def __reduce__(self):
        return SpilledValues, (self._held(), self._ref, self._away_keys)

    def full(self):
        out = self._held()
        out.update(self._away())
        return out

    def __len__(self):
        return dict.__len__(self) + len(self._away_keys)

    def __eq__(self, other):
        return self.full() == (other.full() if isinstance(other, SpilledValues) else other)


def park_values(values):
    """values with texts longer than LONG parked (SpilledValues), or values itself (also when they
    are parked already)."""
    if _writer is None or isinstance(values, SpilledValues):
        return values
    long = {k: v for k, v in values.items() if isinstance(v, str) and len(v) > LONG}
    if not long:
        return values
    ref = _writer.put(_pack_texts(long))
    return SpilledValues({k: v for k, v in values.items() if k not in long}, ref, long)


def _pack_texts(texts):
    """{key: text} as bytes: a JSON line of [key, UTF-8 length] pairs, then the texts' UTF-8 bytes (the
    texts are encoded once and never escaped; a lone surrogate survives)."""
    blobs = [v.encode("utf-8", "surrogatepass") for v in texts.values()]
    head = json.dumps([[k, len(b)] for k, b in zip(texts, blobs)]).encode("ascii")
    return head + b"\n" + b"".join(blobs)


def _unpack_texts(data):
    cut = data.index(b"\n")
    out, at = {}, cut + 1
    for k, n in json.loads(data[:cut]):
        out[k] = data[at:at + n].decode("utf-8", "surrogatepass")
        at += n
    return out
