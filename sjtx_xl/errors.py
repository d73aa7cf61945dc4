"""One small exception hierarchy. Problems in user files are *data* (see check.py), not exceptions."""


class SjtxError(Exception):
    """Base of every error sjtx-xl raises on purpose."""


class SpecError(SjtxError):
    """The spec breaks an Excel limit or is inconsistent; raised when the spec compiles."""


class UsageError(SjtxError):
    """The caller asked for something impossible (bad path, unknown field id)."""


class OutputLockedError(SjtxError):
    """The output file is open in another program or not writable."""
