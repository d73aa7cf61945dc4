"""PDFs ready to stamp: LibreOffice headless where it is installed (the workbook's button may use
Excel instead, through xlwings' Book.to_pdf in xl.py). Without either the .xlsx files are still
written and the result says why there is no PDF.

LibreOffice runs with a profile of its own in a temporary folder, so that it neither touches the
user's profile nor collides with a LibreOffice the user has open.
"""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .. import pool

BATCH = 25                     # files one LibreOffice converts (about 0.7 s each on a 2-core machine)
TIMEOUT = 600                  # seconds for one batch


def soffice():
    """The LibreOffice executable, or None."""
    for name in (os.environ.get("SJTX_SOFFICE"), "soffice", "libreoffice"):
        if name and shutil.which(name):
            return shutil.which(name)
    for p in (r"C:\Program Files\LibreOffice\program\soffice.exe",
              r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
              "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.isfile(p):
            return p
    return None


def unavailable():
    """Why PDFs cannot be made here (Chinese), or None."""
    if soffice() is None:
        return "未找到 LibreOffice（soffice），未生成PDF；请在Excel中打开各 .xlsx 文件另存为PDF，或安装 LibreOffice 后重新生成"
    return None


def convert(files, outdir, workers=None):
    """Convert .xlsx files to PDF beside them in `outdir`: {xlsx Path: pdf Path or error text}.

    In batches of at most BATCH, each a LibreOffice of its own (own profile), `workers` at a time
    (default: the CPUs, at most 4): a province's package of hundreds of enterprises is neither one batch
    against one timeout nor one core's work; a batch that fails or times out fails only its files."""
    exe = soffice()
    files = [Path(f) for f in files]
    if exe is None or not files:
        return {f: unavailable() for f in files}
    workers = max(1, workers or min(4, pool.default_workers()))
    size = max(1, min(BATCH, -(-len(files) // workers)))          # every worker busy, even on a few files
    batches = [files[i:i + size] for i in range(0, len(files), size)]
    workers = min(workers, len(batches))
    out = {}
    if workers == 1:
        for b in batches:
            out.update(_batch(exe, b, outdir))
        return out
    from concurrent.futures import ThreadPoolExecutor   # threads: each only waits on its soffice
    with ThreadPoolExecutor(workers) as threads:
        for done in threads.map(lambda b: _batch(exe, b, outdir), batches):
            out.update(done)
    return {f: out[f] for f in files}


def _batch(exe, files, outdir):
    out = {}
    with tempfile.TemporaryDirectory(prefix="sjtx-lo-") as profile:
        # absolute paths: LibreOffice runs in `outdir`, where a relative path (`-o 上报材料`) is not found
        cmd = [exe, "-env:UserInstallation=" + Path(profile).as_uri(), "--headless", "--norestore",
               "--nologo", "--convert-to", "pdf", "--outdir", str(Path(outdir).absolute())] + [
            str(Path(f).absolute()) for f in files]
        try:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT,
                                  cwd=str(outdir))
            detail = (proc.stderr or b"").decode("utf-8", "replace").strip()[-200:]
        except subprocess.TimeoutExpired:
            detail = "超过%d秒未完成" % TIMEOUT
        except (OSError, subprocess.SubprocessError) as e:
            detail = str(e)
        for f in files:
            pdf = Path(outdir) / (f.stem + ".pdf")
            out[f] = pdf if pdf.is_file() else "LibreOffice 未能转换为PDF（%s）" % (detail or "原因不明")
    return out
