"""Shared fixtures.

``calc``: one headless LibreOffice for the whole session (tests/lo.py), en-US;
``calc_zh``: another in zh-CN; ``calc_in``: a test runs in both.
Tests that use it are skipped when ``uno`` or ``soffice`` is missing, unless
SJTX_REQUIRE_LO=1 (set by .ci/run), where that is an error instead.

Tiers: every test that starts LibreOffice carries the ``lo`` marker (setup.cfg),
so ``pytest -m "not lo"`` is the fast tier.  Tests using ``calc`` (directly or
through another fixture) are marked here; a test that starts soffice some
other way marks itself with ``@pytest.mark.lo``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# as sjtx_xl/__init__.py does, before any test module imports openpyxl first: with lxml present,
# openpyxl would write non-ASCII text as numeric character references
os.environ.setdefault("OPENPYXL_LXML", "False")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lo  # noqa: E402  (tests/lo.py, importable from every test module)


def pytest_collection_modifyitems(config, items):
    """Mark every test that needs a LibreOffice fixture (``calc``, ``calc_zh``, ``calc_in``) as ``lo``."""
    for item in items:
        if {"calc", "calc_zh", "calc_in"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.lo)


@pytest.fixture(autouse=True)
def _soffice_only_in_the_lo_tier(request, monkeypatch):
    """Keep the tiers honest: a test without the ``lo`` marker that starts soffice, through
    tests/lo.py or as a subprocess (``soffice --convert-to`` ...), fails at once."""
    if request.node.get_closest_marker("lo") is not None:
        return

    def refuse(*_args):
        pytest.fail(f"{request.node.nodeid} starts LibreOffice but is not marked lo: use the calc "
                    "fixture or @pytest.mark.lo, so that pytest -m 'not lo' stays fast", pytrace=False)

    class NoSoffice(subprocess.Popen):
        def __init__(self, args, *rest, **kwargs):
            first = args if isinstance(args, (str, bytes, os.PathLike)) else args[0]
            name = os.path.basename(os.fsdecode(first)).lower()
            if name.startswith(("soffice", "libreoffice", "lowriter", "localc")):
                refuse()
            super().__init__(args, *rest, **kwargs)

    monkeypatch.setattr(lo._Office, "start", refuse)
    monkeypatch.setattr(subprocess, "Popen", NoSoffice)


def _session_calc(locale):
    reason = lo.unavailable_reason()
    if reason:
        if os.environ.get("SJTX_REQUIRE_LO") == "1":
            pytest.fail(f"LibreOffice required (SJTX_REQUIRE_LO=1) but unavailable: {reason}", pytrace=False)
        pytest.skip(reason)
    office = lo.Calc(locale=locale)
    try:
        yield office
    finally:
        office.close()


@pytest.fixture(scope="session")
def calc():
    yield from _session_calc("en-US")


@pytest.fixture(scope="session")
def calc_zh():
    """A second soffice whose profile runs in the zh-CN locale, as a Chinese clerk's machine."""
    yield from _session_calc("zh-CN")


@pytest.fixture(params=["en-US", "zh-CN"])
def calc_in(request):
    """The test runs once in each locale (issue 11's acceptance)."""
    return request.getfixturevalue("calc" if request.param == "en-US" else "calc_zh")
