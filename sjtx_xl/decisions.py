"""The official's recommendation decisions: what was decided for each enterprise and platform.

    key(entry)                      -> the identity a decision follows across merges
    default(entry)                  -> Decision that follows the verdict (vocab.DEFAULT_DECISION)
    apply(entries, previous)        -> [Decision] lost: decisions carried onto `entries`, the rest

A decision follows an enterprise by its credit code (by its name when it has none) and a platform
by its name, because those are what stay the same when a form is corrected and sent again. The
decisions themselves live on the summary's 推荐决定 sheet, where the official types them
(summary/decisions.py); a re-merge reads them back and carries them over, so nothing typed is lost.
"""
from dataclasses import dataclass
from typing import Optional

from . import vocab

KIND_TEXT = {k: vocab.KIND_TEXT[k] for k in ("enterprise", "platform")}   # 类别 on 推荐决定
KIND_OF_TEXT = {v: k for k, v in KIND_TEXT.items()}
MAX_OPINION = 200                      # 推荐意见 ≤200字
DELETED_OPINION = "（已从“推荐决定”表中删除此行）"


@dataclass
class Decision:
    kind: str                          # enterprise / platform
    key: str
    name: str = ""
    uscc: str = ""
    city: str = ""
    decision: str = vocab.UNDECIDED    # vocab.DECISIONS
    rank: Optional[int] = None         # 推荐排序
    opinion: str = ""                  # 推荐意见
    verdict: str = ""                  # vocab.VERDICTS of the entry when it was written
    city_rank: Optional[int] = None    # the city's 推荐排序 (province over city summaries)
    city_opinion: str = ""
    carried: bool = False              # read back from an earlier summary (not a default)

    @property
    def recommended(self):
        return self.decision == vocab.RECOMMEND

    def to_dict(self):
        return {"kind": self.kind, "key": self.key, "name": self.name, "uscc": self.uscc, "city": self.city,
                "decision": self.decision, "rank": self.rank, "opinion": self.opinion, "verdict": self.verdict,
                "city_rank": self.city_rank, "city_opinion": self.city_opinion, "carried": self.carried}


def key(kind, uscc, name):
    """Enterprises by credit code (name when there is none), platforms by name."""
    name = (name or "").strip()
    if kind == "enterprise" and uscc:
        return "%s|uscc|%s" % (kind, uscc.strip().upper())
    return "%s|name|%s" % (kind, name)


def entry_key(e):
    return key(e.kind, e.uscc, e.name)


def verdict_of(e):
    from .verdicts import assess  # late: the verdict rules load the spec (start-up time)
    if hasattr(e, "assess"):                       # summary Entry: made once, in the worker that read it
        return e.assess().verdict
    return assess(e.kind, e.values, e.conditions, e.problems).verdict


def default(e, verdict=None):
    v = verdict or verdict_of(e)
    return Decision(kind=e.kind, key=entry_key(e), name=e.name, uscc=e.uscc or "", city=e.city,
                    decision=vocab.DEFAULT_DECISION[v], verdict=v)


def of(e):
    """The entry's decision: the one carried onto it, else the default."""
    d = getattr(e, "decision", None)
    return d if d is not None else default(e)


def deleted_rows(typed, entries):
    """A row the official deleted from 推荐决定 excludes its enterprise or platform: every entry of the
    summary without a row gets a 不推荐 decision in `typed`, so neither a re-merge nor the package
    brings it back with the default. Returns those entries. Nothing typed (an older summary without
    the sheet) deletes nothing."""
    if not typed:
        return []
    out = []
    for e in entries:
        k = entry_key(e)
        if k not in typed:
            typed[k] = Decision(kind=e.kind, key=k, name=e.name, uscc=e.uscc or "", city=e.city,
                                decision=vocab.NOT_RECOMMEND, opinion=DELETED_OPINION, carried=True)
            out.append(e)
    return out


def apply(entries, previous=None):
    """Give every entry its decision: the previous one for its key, else the default.

    Default ranks continue after the highest rank already given, in summary order, per kind.
    Returns the previous decisions whose entry is no longer in the summary.
    """
    previous = dict(previous or {})
    top = {}
    for e in entries:
        p = previous.get(entry_key(e))
        if p is not None and isinstance(p.rank, int):
            top[e.kind] = max(top.get(e.kind, 0), p.rank)
    for e in entries:
        k = entry_key(e)
        p = previous.pop(k, None)
        d = default(e)
        if p is not None:
            d.decision, d.rank, d.opinion, d.carried = p.decision, p.rank, p.opinion, True
        elif d.recommended:
            top[e.kind] = top.get(e.kind, 0) + 1
            d.rank = top[e.kind]
        d.city_rank, d.city_opinion = getattr(e, "city_rank", None), getattr(e, "city_opinion", "")
        e.decision = d
    return list(previous.values())
