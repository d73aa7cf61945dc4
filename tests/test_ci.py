"""CI and tiers: .ci/run is the README's test command, only pytest's exit 0 passes, setup.sh installs
what the tests need, and the fast tier cannot start LibreOffice."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = re.search(r"## Quick start.*?```sh\n(.*?)```", readme, re.S).group(1).strip().splitlines()
    assert len(quick) == 2 and quick[1].split("#")[0].split() == ["sudo", "bash", "setup.sh", "test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r'^bash "\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)/\.\./setup\.sh" test "\$@"$', ci, re.M)


@pytest.mark.parametrize("code", [0, 1, 2, 5])
def test_ci_passes_only_on_exit_0(tmp_path, code):
    """A stand-in setup.sh exits as pytest would; .ci/run must pass its code on (5 = nothing collected)."""
    (tmp_path / ".ci").mkdir()
    shutil.copy2(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    (tmp_path / "setup.sh").write_text('[ "$1" = test ] || exit 99\nshift\necho "args:$*"\nexit %d\n' % code)
    run = subprocess.run(["bash", str(tmp_path / ".ci" / "run"), "-k", "x"], capture_output=True, text=True)
    assert run.returncode == code and run.stdout.strip() == "args:-k x"
    assert ("no tests" in run.stderr) is (code == 5)


def test_setup_installs_what_the_tests_need():
    """The PDF tests need a CJK font and pdftotext; setup.sh must install them on a fresh machine."""
    setup = (ROOT / "setup.sh").read_text()
    pkgs = re.search(r"^for pkg in (.*); do$", setup, re.M).group(1).split()
    assert {"python3-uno", "fonts-wqy-zenhei", "poppler-utils"} <= set(pkgs)


def test_an_unmarked_test_cannot_start_libreoffice(tmp_path):
    """The fast tier stays free of soffice: tests/conftest.py fails an unmarked test that starts it,
    and lets a test marked lo through to the (here stubbed) start."""
    for name in ("conftest.py", "lo.py"):
        shutil.copy2(ROOT / "tests" / name, tmp_path / name)
    (tmp_path / "test_probe.py").write_text(
        "import pytest\nimport lo\n\n"
        "def test_unmarked():\n    lo._Office('soffice', 1).start()\n\n"
        "def test_unmarked_subprocess():\n    import subprocess\n"
        "    subprocess.run(['/usr/bin/soffice', '--headless', '--convert-to', 'xlsx', 'x.ods'])\n\n"
        "def test_unmarked_other_subprocess():\n    import subprocess, sys\n"
        "    assert subprocess.run([sys.executable, '-c', 'print(1)'], capture_output=True).stdout == b'1\\n'\n\n"
        "@pytest.mark.lo\ndef test_marked(monkeypatch):\n"
        "    monkeypatch.setattr(lo._Office, 'start', lambda self: 'started')  # stands in for soffice\n"
        "    assert lo._Office('soffice', 1).start() == 'started'\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    lo: starts LibreOffice\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_probe.py"],
                         cwd=str(tmp_path), capture_output=True, text=True)
    assert run.returncode == 1, run.stdout
    assert "test_unmarked starts LibreOffice but is not marked lo" in run.stdout
    assert "test_unmarked_subprocess starts LibreOffice but is not marked lo" in run.stdout
    assert "2 failed, 2 passed" in run.stdout


def test_no_test_measures_time():
    """Timings belong in bench/, never in an assertion: no test reads a stopwatch (deadlines that
    wait for a process, with time.monotonic, are fine)."""
    stopwatch = re.compile(r"\b(perf_counter|process_time|thread_time|timeit)\b|\btime\.time\(")
    found = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if stopwatch.search(line.split("#")[0]) and "stopwatch = re.compile" not in line:
                found.append(f"{path.name}:{n}: {line.strip()}")
    assert not found, "move timings to bench/:\n" + "\n".join(found)
