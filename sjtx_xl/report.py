"""The result of checking many files: `Report(files)` over check.FileReport objects.

    .valid      True when no file has an error-severity problem
    .stats      counts by status, severity, problem type and kind
    .to_dict()  {"valid", "files", "stats"} (the JSON of `sjtx-xl check --json`)
    .flatten()  one row (dict) per problem, and one per file without problems, for tables
"""
from collections import Counter

from .problems import ERROR, WARNING

STATUSES = ("ok", "invalid", "rejected", "skipped")
ROW_KEYS = ("path", "file", "kind", "status", "read_by", "type", "severity", "sheet", "cell", "field", "label",
            "value", "message", "hint")


class Report:
    def __init__(self, files):
        self.files = list(files)

    def __iter__(self):
        return iter(self.files)

    def __len__(self):
        return len(self.files)

    @property
    def valid(self):
        return not any(p.severity == ERROR for f in self.files for p in f.problems)

    @property
    def stats(self):
        status = Counter(f.status for f in self.files)
        types = Counter(p.type for f in self.files for p in f.problems)
        out = {"files": len(self.files)}
        out.update({s: status.get(s, 0) for s in STATUSES})
        out["errors"] = sum(1 for f in self.files for p in f.problems if p.severity == ERROR)
        out["warnings"] = sum(1 for f in self.files for p in f.problems if p.severity == WARNING)
        out["by_type"] = dict(sorted(types.items()))
        out["by_kind"] = dict(sorted(Counter(f.kind or "unknown" for f in self.files if f.status != "skipped").items()))
        out["read_by_label"] = sum(1 for f in self.files if f.read_by == "label")
        return out

    def to_dict(self, values=False, lazy=False):
        """With `lazy`, each file's dict is made as render.write_json reaches it (15,000 error-heavy
        forms are ~900 MB of JSON: never whole in memory)."""
        files = (_Made(self.files, lambda f: f.to_dict(values=values)) if lazy
                 else [f.to_dict(values=values) for f in self.files])
        return {"valid": self.valid, "files": files, "stats": self.stats}

    def flatten(self):
        rows = []
        for f in self.files:
            base = {"path": f.path, "file": f.name, "kind": f.kind, "status": f.status, "read_by": f.read_by}
            if not f.problems:
                row = dict(base, **{k: None for k in ROW_KEYS if k not in base})
                row["message"] = f.reason or None
                rows.append(row)
                continue
            for p in f.problems:
                row = dict(base)
                for k in ROW_KEYS[5:]:
                    row[k] = getattr(p, k)
                rows.append(row)
        return rows


class _Made(list):
    """A list whose items are made from `items` as it is iterated (by jsonwrite, which
    render.write_json uses; json.dumps without indent reads a list's own storage and would see [])."""

    def __init__(self, items, make):
        super().__init__()
        self._items, self._make = items, make

    def __iter__(self):
        return map(self._make, self._items)

    def __len__(self):
        return len(self._items)
