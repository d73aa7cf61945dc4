"""What a merge's parent keeps of each file: small data in memory, the rest parked in the spill
(issue 13: the parent's memory must not grow with the number of problems or the length of texts).

A pool worker, after rendering a file's rows (summary.prerender / prerender_file), parks with
`for_parent(rec)`:

    problems    -> ProblemList: a list whose parked part is read back from the spill each time
                   it is iterated; its length, error count and counts by type stay in memory
    values      -> ParkedValues: a dict holding only the values the parent reads of every row
                   (PARENT_KEYS: name, credit code, city, industry, size); the others, long texts
                   included, are read back when asked for
    assessment  -> ParkedAssessment: the verdict in memory, its facts read back when asked for

Each of them behaves as the plain object it stands for (list, dict, verdicts.Assessment), pickles
as a reference (worker -> parent), and is made only when a spill folder is in use: without one
(`sjtx-xl missing`, tests) everything stays as it was. Nothing is lost: every problem and value
is on disk until the model that needs it is collected (the spill Store is kept alive by each
parked object, as by spill.SpilledValues).

Beware json's C encoder: it reads a list subclass's own storage, so a ProblemList must go through
list() before json.dumps without indent (summary.data.record does), or through render's streaming
writer (jsonwrite iterates it).
"""
import pickle
import weakref

from ..verdicts import Assessment
from . import spill

PARENT_KEYS = frozenset(("name", "platform_name", "uscc", "city", "industry", "size"))

_last = (None, None, None)           # (Ref, its Store, what it holds): the last blob read, one at a time


def _load(ref):
    global _last
    store = spill.store_of(ref)
    if _last[0] != ref or _last[1] is None or _last[1]() is not store:
        _last = (ref, weakref.ref(store) if store is not None else None, pickle.loads(ref.read()))
    return _last[2]


def _put(obj):
    return spill.put(pickle.dumps(obj, pickle.HIGHEST_PROTOCOL))


# --------------------------------------------------------------------------- problems

def problem_counts(problems):
    """((type, severity, n), ...) of a list of problem dicts, in first-seen order."""
    if isinstance(problems, ProblemList):
        return problems.counts
    seen = {}
    for p in problems:
        k = (p.get("type"), p.get("severity"))
        seen[k] = seen.get(k, 0) + 1
    return tuple((t, s, n) for (t, s), n in seen.items())


class ProblemList(list):
    """A list of problem dicts whose first `n` items are parked in the spill (one pickled blob);
    the list's own storage holds those added later (a duplicate found by the parent). Reading
    it (iteration, indexing, ==, +) reads the parked ones anew; len() and `counts` do not."""

    __slots__ = ("_ref", "_n", "_counts", "_keep")

    def __init__(self, ref=None, n=0, counts=(), extra=()):
        list.__init__(self, extra)
        self._ref, self._n, self._counts = ref, n, tuple(counts)
        self._keep = spill.store_of(ref)                     # keeps the spill folder as long as this list

    def parked(self):
        """The parked problems (a fresh list of fresh dicts)."""
        if self._ref is None or not self._n:
            return []
        return [dict(p) for p in _load(self._ref)]

    @property
    def counts(self):
        """((type, severity, n), ...) of every problem, parked or not."""
        if not list.__len__(self):
            return self._counts
        seen = {(t, s): n for t, s, n in self._counts}
        for p in list.__iter__(self):
            k = (p.get("type"), p.get("severity"))
            seen[k] = seen.get(k, 0) + 1
        return tuple((t, s, n) for (t, s), n in seen.items())

    def count_severity(self, severity):
        return sum(n for _, s, n in self.counts if s == severity)

    def _all(self):
        return self.parked() + list(list.__iter__(self))

    def __reduce__(self):
        return (ProblemList, (self._ref, self._n, self._counts, list(list.__iter__(self))))

    def __len__(self):
        return self._n + list.__len__(self)

    def __bool__(self):
        return len(self) > 0

    def __iter__(self):
        if self._n:
            yield from self.parked()
        yield from list.__iter__(self)

    def __reversed__(self):
        return reversed(self._all())

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self._all()[i]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("list index out of range")
        return self.parked()[i] if i < self._n else list.__getitem__(self, i - self._n)

    def __contains__(self, x):
        return any(p == x for p in self)

    def __eq__(self, other):
        if isinstance(other, list):
            return len(self) == len(other) and self._all() == list(other)
        return NotImplemented

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = None

    def __add__(self, other):
        return self._all() + list(other)

    def __radd__(self, other):
        return list(other) + self._all()

    def __mul__(self, k):
        return self._all() * k

    __rmul__ = __mul__

    def __repr__(self):
        return repr(self._all())

    def copy(self):
        return self._all()

    def index(self, x, *args):
        return self._all().index(x, *args)

    def count(self, x):
        return self._all().count(x)

    # append, extend and += add to the list's own storage; anything else reads the parked part
    # back into it first (rare: nothing in sjtx-xl does it)
    def _unpark(self):
        if self._n:
            items = self._all()
            list.clear(self)
            list.extend(self, items)
            self._ref, self._n, self._counts, self._keep = None, 0, (), None

    def insert(self, *args):
        self._unpark()
        return list.insert(self, *args)

    def pop(self, *args):
        self._unpark()
        return list.pop(self, *args)

    def remove(self, x):
        self._unpark()
        return list.remove(self, x)

    def sort(self, **kw):
        self._unpark()
        return list.sort(self, **kw)

    def reverse(self):
        self._unpark()
        return list.reverse(self)

    def clear(self):
        self._unpark()
        return list.clear(self)

    def __setitem__(self, i, v):
        self._unpark()
        return list.__setitem__(self, i, v)

    def __delitem__(self, i):
        self._unpark()
        return list.__delitem__(self, i)

    def __imul__(self, k):
        self._unpark()
        return list.__imul__(self, k)


def park_problems(problems):
    """problems (a list of dicts) parked as a ProblemList, or the list itself when no spill is in use."""
    if isinstance(problems, ProblemList) or not spill.active() or not problems:
        return problems
    items = list(problems)
    return ProblemList(_put(items), len(items), problem_counts(items))


class Errors:
    """The error-severity problems of a list, lazily: len() and bool() without reading them."""

    __slots__ = ("_problems", "_n")

    def __init__(self, problems):
        self._problems, self._n = problems, problems.count_severity("error")

    def _list(self):
        return [p for p in self._problems if p.get("severity") == "error"]

    def __len__(self):
        return self._n

    def __bool__(self):
        return self._n > 0

    def __iter__(self):
        return iter(self._list()) if self._n else iter(())

    def __getitem__(self, i):
        return self._list()[i]

    def __eq__(self, other):
        return self._list() == list(other) if isinstance(other, (list, Errors)) else NotImplemented

    def __repr__(self):
        return repr(self._list())


def errors_of(problems):
    """The error-severity problems: a list, or Errors over a ProblemList (nothing read to count them)."""
    if isinstance(problems, ProblemList):
        return Errors(problems)
    return [p for p in problems if p.get("severity") == "error"]


# --------------------------------------------------------------------------- values

class ParkedValues(spill.PartlyHeld):
    """An entry's values with only PARENT_KEYS in memory (in the dict's own storage); the others are
    read back from the spill when asked for. Iteration keeps the original order of the keys."""

    def __init__(self, kept, ref=None, order=(), inner=None):
        dict.__init__(self, kept)
        self._ref, self._order, self._inner = ref, tuple(order), inner
        self._keep = spill.store_of(ref)

    @property
    def _away_keys(self):                             # every key: the held ones are found first
        return self._order

    def _away(self):
        out = dict(_load(self._ref)) if self._ref is not None else {}
        if self._inner is not None:                   # long texts parked by spill.park_values
            out.update(self._inner.full())
        return out

    def _away_value(self, key, default):
        """Without copying the blob _load keeps (one entry's values at a time): a row rendered again
        from them (submit's comparison) reads them field by field."""
        if self._ref is not None:
            parked = _load(self._ref)
            if key in parked:
                return parked[key]
        return self._inner.get(key, default) if self._inner is not None else default

    def full(self):
        parked = self._away()
        own = self._held()
        out = {}
        for k in self._order:
            if k in own:
                out[k] = own.pop(k)
            elif k in parked:
                out[k] = parked.pop(k)
        out.update(own)
        out.update(parked)
        return out

    def __reduce__(self):
        return ParkedValues, (self._held(), self._ref, self._order, self._inner)

    def _parked_keys(self):
        return [k for k in self._order if not dict.__contains__(self, k)]

    def __len__(self):
        return len(set(self._order) | set(dict.keys(self)))

    def __eq__(self, other):
        if isinstance(other, dict):
            return self.full() == (other.full() if hasattr(other, "full") else dict(other))
        return NotImplemented

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __repr__(self):
        return repr(self.full())


def park_values(values):
    """values with only PARENT_KEYS kept in memory (ParkedValues), or values itself without a spill."""
    if not spill.active() or isinstance(values, ParkedValues):
        return values
    inner = None
    if isinstance(values, spill.SpilledValues):       # its long texts are parked already: keep their blob
        cls, (short, ref, long_keys) = values.__reduce__()[:2]
        inner = cls({}, ref, long_keys) if long_keys else None
        order, own = tuple(short) + tuple(long_keys), short        # as SpilledValues.full() orders them
    else:
        order, own = tuple(values), dict(values)
    kept = {k: v for k, v in own.items() if k in PARENT_KEYS}
    rest = {k: v for k, v in own.items() if k not in PARENT_KEYS}
    if not rest and inner is None:
        return values
    return ParkedValues(kept, _put(rest) if rest else None, _shared_order(order), inner)


_ORDERS = {}                       # equal key orders, one tuple each (a form's 94 keys, in every row)
MAX_ORDERS = 256


def _shared_order(order):
    hit = _ORDERS.get(order)
    if hit is None:
        if len(_ORDERS) >= MAX_ORDERS:
            _ORDERS.clear()
        hit = _ORDERS[order] = order
    return hit


# --------------------------------------------------------------------------- verdicts

class ParkedAssessment:
    """A verdicts.Assessment with its verdict in memory and the rest (facts, missing and erroneous
    fields) read back from the spill when asked for."""

    __slots__ = ("verdict", "_ref", "_keep")

    def __init__(self, verdict, ref):
        self.verdict, self._ref, self._keep = verdict, ref, spill.store_of(ref)

    def __reduce__(self):
        return (ParkedAssessment, (self.verdict, self._ref))

    def full(self):
        return _load(self._ref)

    label, text = Assessment.label, Assessment.text          # from the verdict alone, as the plain one

    @property
    def facts(self):
        return self.full().facts

    @property
    def missing(self):
        return self.full().missing

    @property
    def error_fields(self):
        return self.full().error_fields

    def to_dict(self):
        return self.full().to_dict()

    def __eq__(self, other):
        return self.full() == (other.full() if isinstance(other, ParkedAssessment) else other)

    __hash__ = None


def park_assessment(a):
    if not spill.active() or a is None or isinstance(a, ParkedAssessment):
        return a
    return ParkedAssessment(a.verdict, _put(a))


# --------------------------------------------------------------------------- one file

def for_parent(rec):
    """Park what the parent of a merge does not read of every file (in the pool worker, after the
    file's rows were rendered); the record itself when no spill is in use."""
    if not spill.active():
        return rec
    done = {}

    def once(problems):                # an entry of a form shares its file's list: park it once
        key = id(problems)
        if key not in done:
            done[key] = park_problems(problems)
        return done[key]

    rec.problems = once(rec.problems)
    for e in rec.entries:
        e.problems = once(e.problems)
        e.values = park_values(e.values)
        if e._assessed is not None:
            key, a = e._assessed
            e._assessed = (key, park_assessment(a))
    return rec


def share(rec, table):
    """In the parent, as results arrive: one object for equal small tuples and strings of many files
    (render keys, counts by type, the spill's folder and file names)."""
    def same(x):
        return table.setdefault(x, x)

    for obj in [rec] + list(rec.entries):
        r = obj.rendered
        if r:
            for k, v in r.items():
                if isinstance(v, spill.Ref):
                    r[k] = _share_ref(v, same)
                elif isinstance(v, tuple) and v and isinstance(v[0], spill.Ref):
                    r[k] = (_share_ref(v[0], same),) + v[1:]
                elif k in ("sig", "key"):
                    r[k] = _share_tuple(v, same)
        p = obj.problems
        if isinstance(p, ProblemList):
            p._counts = same(p._counts)
            if p._ref is not None:
                p._ref = _share_ref(p._ref, same)
    for e in rec.entries:
        if e._assessed is not None:
            key, a = e._assessed
            if e.rendered and e.rendered.get("key") == key:
                key = e.rendered["key"]
            else:
                key = _share_tuple(key, same)
            if isinstance(a, ParkedAssessment):
                a._ref = _share_ref(a._ref, same)
            e._assessed = (key, a)
        if isinstance(e.values, ParkedValues):
            e.values._order = same(e.values._order)
            if e.values._ref is not None:
                e.values._ref = _share_ref(e.values._ref, same)
    return rec


def _share_ref(ref, same):
    return type(ref)(same(ref.folder), same(ref.name), ref.offset, ref.length)


def _share_tuple(t, same):
    try:
        return same(tuple(_share_tuple(x, same) if isinstance(x, tuple) else x for x in t))
    except TypeError:                                  # something unhashable inside: leave it
        return t

