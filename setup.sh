#!/usr/bin/env bash
# Installs everything sjtx-xl needs on Debian/Ubuntu, then runs one job:
#     sudo bash setup.sh demo [DIR]          sample forms for Jilin cities, merged into a summary
#     sudo bash setup.sh test [pytest args]  the test suite, LibreOffice included (CI: .ci/run)
# It installs LibreOffice Calc (headless), python3-uno, a CJK font and pdftotext when missing, builds .venv with the
# system site packages (so the venv imports Debian's `uno`), and installs this package into it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
job="${1:-}"
[ $# -gt 0 ] && shift
case "$job" in demo|test) ;; *) echo "usage: sudo bash setup.sh demo|test [args]" >&2; exit 2 ;; esac

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "setup.sh: root or sudo is needed to run: $*" >&2
        return 1
    fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

missing=()
# either Calc flavour will do; the GUI one conflicts with -nogui, so keep it if present
installed libreoffice-calc-nogui || installed libreoffice-calc || missing+=(libreoffice-calc-nogui)
# fonts-wqy-zenhei: a CJK font, or PDFs exported by LibreOffice show boxes for Chinese;
# poppler-utils: pdftotext, with which the tests read those PDFs back
for pkg in python3-uno python3-venv python3-pip fonts-wqy-zenhei poppler-utils; do
    installed "$pkg" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup.sh: installing ${missing[*]}" >&2
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Rebuild the venv if it is missing or cannot see uno (e.g. made without system site packages).
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import uno" >/dev/null 2>&1; then
    rm -rf .venv
    /usr/bin/python3 -m venv --system-site-packages .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,pandas]'

if [ "$job" = demo ]; then
    exec .venv/bin/sjtx-xl demo "$@"
fi
# LibreOffice tests must run, not skip: SJTX_REQUIRE_LO=1 turns a missing LibreOffice into a failure.
export SJTX_REQUIRE_LO=1
exec .venv/bin/python -m pytest -q "$@"
