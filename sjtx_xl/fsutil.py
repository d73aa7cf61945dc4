"""Atomic output: write beside the target, then rename, so a crash never leaves half a file."""
import contextlib
import os
import re
import tempfile
from pathlib import Path

from .errors import OutputLockedError


@contextlib.contextmanager
def atomic_path(target):
    """Yield a temporary path in the target's folder; on success it replaces `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~" + target.stem[:20] + "-", suffix=target.suffix, dir=str(target.parent))
    os.close(fd)
    try:
        yield Path(tmp)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)    # mkstemp makes 0600; outputs are ordinary files
        try:
            os.replace(tmp, target)
        except PermissionError as e:
            raise OutputLockedError(
                "无法写入 %s：文件可能正在Excel或WPS中打开，请关闭后重试，或换一个文件名（例如 %s）"
                % (target, target.with_name(target.stem + "_新" + target.suffix))) from e
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_bytes(target, data):
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


# copies of a summary that a re-merge keeps beside it (merge.backup_path); never an input
BACKUP_RE = re.compile(r".+\.previous-\d{8}-\d{6}(-\d+)?\.xlsx$", re.I)
