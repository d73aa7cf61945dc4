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


def convert(files, outdir):
    """Convert .xlsx files to PDF beside them in `outdir`: {xlsx Path: pdf Path or error text}."""
    exe = soffice()
    files = [Path(f) for f in files]
    if exe is None or not files:
        return {f: unavailable() for f in files}
    out = {}
    with tempfile.TemporaryDirectory(prefix="sjtx-lo-") as profile:
        cmd = [exe, "-env:UserInstallation=" + Path(profile).as_uri(), "--headless", "--norestore",
               "--nologo", "--convert-to", "pdf", "--outdir", str(outdir)] + [str(f) for f in files]
        try:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT,
                                  cwd=str(outdir))
            detail = (proc.stderr or b"").decode("utf-8", "replace").strip()[-200:]
        except (OSError, subprocess.SubprocessError) as e:
            detail = str(e)
        for f in files:
            pdf = Path(outdir) / (f.stem + ".pdf")
            out[f] = pdf if pdf.is_file() else "LibreOffice 未能转换为PDF（%s）" % (detail or "原因不明")
    return out
