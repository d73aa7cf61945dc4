"""Setuptools shim; the package metadata is in setup.cfg.

One build step lives here. The VBA sources of the officials' workbook (macros/*.bas) sit at the
repository root because they are not Python, yet `sjtx-xl install-workbook` rebuilds the workbook
from them at run time. So build_py copies them into the built package as sjtx_xl/vba/*.bas, which
setup.cfg lists as package data and sjtx_xl.workbook.default_bas_dir() falls back to when there
is no repository around the package. An editable install reads macros/ in place instead.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MACROS = Path(__file__).resolve().parent / "macros"


class build_py_with_macros(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        sources = sorted(MACROS.glob("*.bas"))
        if not sources:
            raise SystemExit("setup.py: no macros/*.bas next to setup.py; the workbook cannot be built without them")
        dest = Path(self.build_lib) / "sjtx_xl" / "vba"
        self.mkpath(str(dest))
        for src in sources:
            self.copy_file(str(src), str(dest / src.name))


setup(cmdclass={"build_py": build_py_with_macros})
