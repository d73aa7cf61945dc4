"""LibreOffice Calc, headless over UNO, as a real spreadsheet client for tests.

One ``soffice`` process serves a whole test session (see ``conftest.py``'s
``calc`` fixture).  Tests open generated workbooks, type into cells the way a
user would, recalculate, and read back results, validation rules, the verdict
of Calc's own validation ("Mark Invalid Data"), conditional formats,
protection and visibility.

Addressing
    Every cell helper takes ``(sheet, a1)`` -- a sheet name and an A1
    reference such as ``"C5"`` or ``"$C$5"`` -- or a single reference:
    ``"Sheet1!C5"``, ``"'My sheet'!C5"`` or a workbook-level defined name
    (``"F_xxx"``), e.g. ``book.value("F_total")``.

Typing semantics (``Book.type``)
    * ``str``: parsed the way Calc's input line parses what a user types, in
      the en-US locale the harness configures: ``"12"`` -> number, ``"50%"``
      -> 0.5, ``"2024-01-15"`` / ``"1/15/2024"`` -> date serial, ``"12:30"``
      -> time, ``"TRUE"`` -> boolean, ``"'007"`` -> the text ``007``,
      anything else -> text.  As in Calc, a recognised date/time/percent/
      scientific/currency/boolean entry gives a General cell that number
      format, and a cell formatted as Text (``@``) keeps ``"123"`` as text.
      (Implemented with ``XCell.setFormula`` + ``XNumberFormatter.
      detectNumberFormat``: fast, and it needs no view.)
    * A string starting with ``=`` would become a formula, so ``type``
      refuses it unless ``allow_formula=True`` (then it is read as Excel
      syntax, like ``type_formula``); ``type_text`` stores it verbatim.
    * ``int``/``float``: ``setValue`` (no number-format change).
    * ``bool``: typed as ``TRUE``/``FALSE``.  ``date``/``datetime``/``time``:
      typed in ISO form, so the cell gets a date/time format as in Calc.
    * ``None``: ``clear``.
    * Typing into a locked cell of a protected sheet raises
      ``CellProtectedError`` (a user is refused there); ``force=True`` writes
      anyway (the UNO API itself ignores protection).
    * Data validation never blocks typing here; ask ``is_valid`` whether Calc
      accepts the content (a "Stop" alert would have refused exactly those).

Typing through Calc's own input path (``Book.enter``)
    Goes to the cell in the document's (hidden) view as the Name Box does
    (``.uno:GoToCell``) and dispatches ``.uno:EnterString``, exactly what the
    input line does when a person presses Enter: Calc's parser, its automatic
    number formats ("85%" in a General cell -> 0.85 with a percent format;
    in a cell already formatted as a percentage, "85" stays 85 and shows as
    8500.00%).  Detective
    circles are removed first (``clearArrows``: with them on the sheet this
    path once crashed soffice 7.4), and the frame's layout manager is dropped
    (with it, any dispatch aborted soffice 7.4 seconds later).  A "Stop"
    validation alert does not refuse the entry: alerts and input help are off
    while typing (headless they would be windows); ask ``is_valid``.

Locale (``Calc(locale=...)``)
    The throw-away profile sets ``ooSetupSystemLocale`` (the locale Calc
    parses input and picks default formats with) to ``en-US`` unless told
    otherwise; ``Calc(locale="zh-CN")`` runs a session as a Chinese clerk's
    machine does ("2021/5/31" is a date, "5/31/2021" stays text).
    ``Calc.config_locale()`` reads the setting back from the running soffice.

Printing (``Book.export_pdf``, ``pdftotext``, ``Book.needed_heights``)
    ``export_pdf`` writes what Calc would print (print ranges, page setup,
    hidden sheets skipped) with the ``calc_pdf_Export`` filter; ``pdftotext``
    returns a PDF's text (poppler-utils) and ``squash`` drops all whitespace
    so texts can be compared across line breaks.  ``needed_heights`` asks
    Calc's own text layout how tall each wrapped cell must be at its
    (merged) width, to compare with the stored row heights.

Validation verdicts (``Book.is_valid`` / ``Book.invalid_cells``)
    ``XSheetAuditing.showInvalid`` draws a detective ellipse on the sheet's
    DrawPage (layer ``intern``) over every cell whose content fails its
    validation; each ellipse is anchored to its cell, so the anchor gives the
    address.  A small Basic function installed in the session's throw-away
    profile does mark-and-collect inside soffice (one round trip).  Calc
    circles *every* empty cell under a rule whose "ignore blank" is off,
    without evaluating it, and stops at 1000 circles; so while marking, such
    rules get "ignore blank" switched on (and restored right after), and
    blank cells are judged from the rule itself -- the same verdict, and it
    keeps required-field templates fast and under the limit.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as _dt
import html.parser
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Set, Tuple

try:  # python3-uno; a venv needs --system-site-packages to see it
    import uno  # type: ignore
    from com.sun.star.beans import PropertyValue  # type: ignore
    from com.sun.star.connection import NoConnectException  # type: ignore
    from com.sun.star.table import CellAddress  # type: ignore

    UNO_IMPORT_ERROR: Optional[BaseException] = None
except ImportError as _exc:  # pragma: no cover - depends on the machine
    uno = None  # type: ignore
    UNO_IMPORT_ERROR = _exc


# --------------------------------------------------------------------------
# errors


class LOError(RuntimeError):
    """Something went wrong talking to LibreOffice."""


class LOUnavailable(LOError):
    """uno cannot be imported or soffice is not installed."""


class CellProtectedError(LOError):
    """A user cannot type into this cell: the sheet is protected and the cell locked."""


class CircleOverflowError(LOError):
    """More invalid cells than Calc's 1000 detective circles can show."""


# --------------------------------------------------------------------------
# small pure helpers (usable without LibreOffice)

MAX_CIRCLES = 1000  # SC_DET_MAXCIRCLE in Calc's detective

# com.sun.star.util.NumberFormat type bits
_NF_DEFINED, _NF_DATE, _NF_TIME, _NF_TEXT = 1, 2, 4, 256

_A1_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


def col_letter(col: int) -> str:
    """0-based column index -> letters (0 -> 'A', 26 -> 'AA')."""
    if col < 0:
        raise ValueError(col)
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def a1_to_rc(a1: str) -> Tuple[int, int]:
    """'C5' or '$C$5' -> (row, col), both 0-based."""
    m = _A1_RE.match(a1.strip())
    if not m:
        raise ValueError(f"not a single-cell A1 reference: {a1!r}")
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + (ord(ch) - 64)
    return int(m.group(2)) - 1, col - 1


def rc_to_a1(row: int, col: int) -> str:
    """(row, col) 0-based -> 'C5'."""
    return f"{col_letter(col)}{row + 1}"


def _split_ref(ref: str) -> Tuple[Optional[str], str]:
    """"'My sheet'!C5" -> ("My sheet", "C5"); "F_x" -> (None, "F_x")."""
    if "!" not in ref:
        return None, ref
    sheet, _, addr = ref.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, addr


def _split_list_formula(text: str) -> Optional[List[str]]:
    """Calc's inline list formula '"a";"b";3' -> ['a', 'b', '3']; None if not inline."""
    items: List[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == '"':
            j, buf = i + 1, []
            while True:
                if j >= n:
                    return None
                if text[j] == '"':
                    if j + 1 < n and text[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(text[j])
                j += 1
            items.append("".join(buf))
            i = j + 1
        else:
            m = re.match(r"-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?", text[i:])
            if not m:
                return None
            items.append(m.group(0))
            i += m.end()
        if i < n:
            if text[i] != ";":
                return None
            i += 1
    return items


# A few Calc error codes (formula/errorcodes.hxx) and what Calc displays.
# 502 "Err:502" (invalid argument) is where Excel says #NUM! (SQRT(-1)) or
# #REF! (INDEX/OFFSET out of range).
ERROR_CODES = {
    "#NUM!": 503,
    "#VALUE!": 519,
    "#REF!": 524,
    "#NAME?": 525,
    "#DIV/0!": 532,
    "#N/A": 32767,
}

_VTYPE = {
    "ANY": "any",
    "WHOLE": "whole",
    "DECIMAL": "decimal",
    "DATE": "date",
    "TIME": "time",
    "TEXT_LEN": "textLength",
    "LIST": "list",
    "CUSTOM": "custom",
}

_OPERATOR = {
    "NONE": None,
    "EQUAL": "equal",
    "NOT_EQUAL": "notEqual",
    "GREATER": "greaterThan",
    "GREATER_EQUAL": "greaterThanOrEqual",
    "LESS": "lessThan",
    "LESS_EQUAL": "lessThanOrEqual",
    "BETWEEN": "between",
    "NOT_BETWEEN": "notBetween",
    "FORMULA": "expression",
}

_ALERT = {"STOP": "stop", "WARNING": "warning", "INFO": "information", "MACRO": "macro"}


class CondFormat(NamedTuple):
    """One classic conditional-format entry that applies to a cell."""

    operator: Optional[str]  # 'greaterThan', ..., 'expression' for formula rules
    formula1: str  # Excel syntax, relative to ``source``
    formula2: str
    style: str  # Calc cell style applied when the condition holds
    background: Optional[str]  # that style's background '#RRGGBB', None = none
    source: str  # A1 of the cell the formulas are relative to


# --------------------------------------------------------------------------
# process management


def unavailable_reason(soffice: Optional[str] = None) -> Optional[str]:
    """Why LibreOffice tests cannot run here, or None if they can."""
    if uno is None:
        return (
            f"python 'uno' module not importable ({UNO_IMPORT_ERROR}); install python3-uno "
            "and use a venv created with --system-site-packages (bash .ci/run does both)"
        )
    exe = soffice or os.environ.get("SJTX_SOFFICE") or "soffice"
    if shutil.which(exe) is None and not Path(exe).is_file():
        return f"'{exe}' not found; install libreoffice-calc-nogui (bash .ci/run does)"
    return None


def _pv(name: str, value: Any) -> "PropertyValue":
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
{items}
</oor:items>
"""

# (path, property, xml value): a deterministic profile independent of $LANG.
_PROFILE_SETTINGS = [
    # no .~lock files next to the opened workbooks (the tree may be read-only)
    ("/org.openoffice.Office.Common/Misc", "UseLocking", "false"),
    ("/org.openoffice.Office.Recovery/AutoSave", "Enabled", "false"),
    ("/org.openoffice.Office.Recovery/RecoveryInfo", "Enabled", "false"),
    # typing is parsed in the session's locale (see _profile_settings), whatever the machine's
    # recalculate xlsx/ods formulas on load, as Excel does for openpyxl files
    ("/org.openoffice.Office.Calc/Formula/Load", "OOXMLRecalcMode", "0"),
    ("/org.openoffice.Office.Calc/Formula/Load", "ODFRecalcMode", "0"),
    # no idle-time spell checking or AutoInput completion in the document views that Book.enter
    # types into: one of those timers aborted soffice 7.4 ("Unspecified Application Error")
    ("/org.openoffice.Office.Linguistic/SpellChecking", "IsSpellAuto", "false"),
    ("/org.openoffice.Office.Calc/Input", "AutoInput", "false"),
    # VBA in .xlsm: load it and let it run (only with Calc.open(macros=True))
    ("/org.openoffice.Office.Calc/Filter/Import/VBA", "Load", "true"),
    ("/org.openoffice.Office.Calc/Filter/Import/VBA", "Executable", "true"),
    ("/org.openoffice.Office.Calc/Filter/Import/VBA", "Save", "true"),
]


DEFAULT_LOCALE = "en-US"


def _profile_settings(locale: str = DEFAULT_LOCALE) -> List[Tuple[str, str, str]]:
    """The fixed settings plus the locale: ``ooSetupSystemLocale`` decides how input is parsed
    and which default formats Calc picks; ``ooLocale`` is the UI language (falls back to en-US
    when that language pack is not installed)."""
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Z]{2})?", locale):
        raise ValueError(f"not a locale like 'zh-CN': {locale!r}")
    return _PROFILE_SETTINGS + [
        ("/org.openoffice.Setup/L10N", "ooSetupSystemLocale", locale),
        ("/org.openoffice.Setup/L10N", "ooLocale", locale),
    ]


def _write_profile(profile_dir: Path, locale: str = DEFAULT_LOCALE) -> None:
    user = profile_dir / "user"
    user.mkdir(parents=True, exist_ok=True)
    items = "\n".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>'
        for path, name, value in _profile_settings(locale)
    )
    (user / "registrymodifications.xcu").write_text(_PROFILE_XCU.format(items=items), encoding="utf-8")


_AUDIT_LIBRARY = "SjtxHarness"
# Runs inside soffice (one UNO round trip per call).  With bSkipBlanks, rules
# whose "ignore blank" is off get it switched on while Calc marks the sheet,
# then restored: Calc would otherwise circle every empty cell under them
# (0.5 ms each, at most 1000 in all), a verdict that needs no Calc at all.
# Where that switch is refused (locked cells of a protected sheet), circles on
# empty cells are still dropped here.  Output: "#<circles drawn>;", then
# "col,row;" per circled non-empty cell (all circled cells unless
# bSkipBlanks), then "col1,row1,col2,row2;" per block of empty cells under
# ignore-blank-off rules (only with bBlanks); or "ERROR:<text>".
_AUDIT_BASIC = """
Function CircledCells(oSheet As Object, bSkipBlanks As Boolean, bBlanks As Boolean) As String
    Dim oFormats As Object, oRanges As Object, oVal As Object, oPage As Object
    Dim oShape As Object, oAnchor As Object, aAddr As Object, aEmpty As Object
    Dim aTouched() As Object, aOriginal() As Object
    Dim sOut As String, sBlocks As String, i As Long, j As Long, n As Long, nCircles As Long
    sOut = ""
    sBlocks = ""
    n = 0
    nCircles = 0
    On Error GoTo Failed
    If bSkipBlanks Or bBlanks Then
        oFormats = oSheet.getUniqueCellFormatRanges()
        ReDim aTouched(oFormats.getCount())
        ReDim aOriginal(oFormats.getCount())
        For i = 0 To oFormats.getCount() - 1
            oRanges = oFormats.getByIndex(i)
            oVal = oRanges.Validation
            If oVal.Type <> com.sun.star.sheet.ValidationType.ANY And Not oVal.IgnoreBlankCells Then
                If bBlanks Then
                    aEmpty = oRanges.queryEmptyCells().getRangeAddresses()
                    For j = LBound(aEmpty) To UBound(aEmpty)
                        sBlocks = sBlocks & aEmpty(j).StartColumn & "," & aEmpty(j).StartRow & "," _
                                  & aEmpty(j).EndColumn & "," & aEmpty(j).EndRow & ";"
                    Next j
                End If
                If bSkipBlanks Then
                    aTouched(n) = oRanges
                    aOriginal(n) = oRanges.Validation
                    n = n + 1
                    oVal.IgnoreBlankCells = True
                    oRanges.Validation = oVal
                End If
            End If
        Next i
    End If
    oSheet.clearArrows()
    oSheet.showInvalid()
    oPage = oSheet.getDrawPage()
    For i = 0 To oPage.getCount() - 1
        oShape = oPage.getByIndex(i)
        If oShape.getShapeType() = "com.sun.star.drawing.EllipseShape" Then
            If oShape.LayerName = "intern" Then
                oAnchor = oShape.Anchor
                If Not IsNull(oAnchor) Then
                    If HasUnoInterfaces(oAnchor, "com.sun.star.sheet.XCellAddressable") Then
                        nCircles = nCircles + 1
                        If Not bSkipBlanks Or oAnchor.getType() <> com.sun.star.table.CellContentType.EMPTY Then
                            aAddr = oAnchor.getCellAddress()
                            sOut = sOut & aAddr.Column & "," & aAddr.Row & ";"
                        End If
                    End If
                End If
            End If
        End If
    Next i
    oSheet.clearArrows()
    For i = n - 1 To 0 Step -1
        aTouched(i).Validation = aOriginal(i)
    Next i
    CircledCells = "#" & nCircles & ";" & sOut & sBlocks
    Exit Function
Failed:
    CircledCells = "ERROR:" & Error$ & " (line " & Erl & ")"
    On Error Resume Next
    For i = n - 1 To 0 Step -1
        aTouched(i).Validation = aOriginal(i)
    Next i
End Function
"""


class _Office:
    """One soffice process with its own throw-away profile, and the UNO bridge to it."""

    def __init__(self, soffice: str, startup_timeout: float, locale: str = DEFAULT_LOCALE):
        self.soffice = soffice
        self.startup_timeout = startup_timeout
        self.locale = locale
        self.proc: Optional[subprocess.Popen] = None
        self.profile: Optional[Path] = None
        self.log_path: Optional[Path] = None
        self.ctx = None
        self.smgr = None
        self.desktop = None
        self._audit: Any = None

    # -- lifecycle
    def start(self) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="sjtx-lo-"))
        _write_profile(self.profile, self.locale)
        self.log_path = self.profile / "soffice.log"
        deadline = time.monotonic() + self.startup_timeout
        last_error: Optional[BaseException] = None
        for _attempt in range(3):  # a new port if another process grabbed ours
            port = _free_port()
            cmd = [
                self.soffice,
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                "--nolockcheck",
                f"--accept=socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext",
                f"-env:UserInstallation={self.profile.as_uri()}",
            ]
            env = dict(os.environ)
            env.setdefault("HOME", str(self.profile))
            env["SAL_USE_VCLPLUGIN"] = "svp"
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,  # its own process group: we end soffice.bin too
                )
            try:
                self._connect(port, deadline)
                return
            except LOError as exc:
                last_error = exc
                self._kill()
                if time.monotonic() >= deadline:
                    break
        raise LOError(f"could not start LibreOffice: {last_error}\n{self.log_tail()}")

    def _connect(self, port: int, deadline: float) -> None:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        url = f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise LOError(f"soffice exited with code {self.proc.returncode} before accepting connections")
            try:
                self.ctx = resolver.resolve(url)
                break
            except NoConnectException:
                if time.monotonic() >= deadline:
                    raise LOError(f"no UNO connection on port {port} within the startup timeout")
                time.sleep(0.25)
        self.smgr = self.ctx.ServiceManager
        self.desktop = self.smgr.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)

    def audit_script(self) -> Any:
        """A Basic function, run inside soffice, that marks invalid data on a
        sheet and returns the circled cells as 'col,row;...' -- one UNO round
        trip instead of several per circle.  None if Basic is unavailable."""
        if self._audit is None:
            try:
                libs = self.smgr.createInstanceWithContext(
                    "com.sun.star.script.ApplicationScriptLibraryContainer", self.ctx
                )
                if not libs.hasByName(_AUDIT_LIBRARY):
                    libs.createLibrary(_AUDIT_LIBRARY).insertByName("Audit", _AUDIT_BASIC)
                libs.loadLibrary(_AUDIT_LIBRARY)
                factory = self.smgr.createInstanceWithContext(
                    "com.sun.star.script.provider.MasterScriptProviderFactory", self.ctx
                )
                provider = factory.createScriptProvider("")
                self._audit = provider.getScript(
                    f"vnd.sun.star.script:{_AUDIT_LIBRARY}.Audit.CircledCells?language=Basic&location=application"
                )
            except Exception:
                self._audit = False
        return self._audit or None

    def alive(self) -> bool:
        if self.proc is None or self.proc.poll() is not None or self.desktop is None:
            return False
        try:
            self.desktop.getComponents()
            return True
        except Exception:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None and self.desktop is not None:
            desktop = self.desktop

            def _terminate() -> None:
                with contextlib.suppress(Exception):
                    desktop.terminate()

            t = threading.Thread(target=_terminate, daemon=True)
            t.start()
            t.join(10)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(10)
        self._kill()
        self.ctx = self.smgr = self.desktop = None
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None

    def _kill(self) -> None:
        """End our soffice and its soffice.bin child: its own process group, by id."""
        proc = self.proc
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        # soffice.bin may outlive the launcher for a moment
        for _ in range(50):
            try:
                os.killpg(proc.pid, 0)
            except (ProcessLookupError, PermissionError):
                break
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.1)

    def log_tail(self, lines: int = 20) -> str:
        if self.log_path and self.log_path.exists():
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


_LIVE_OFFICES: "set[_Office]" = set()


@atexit.register
def _reap_offices() -> None:  # safety net if a session was interrupted
    for office in list(_LIVE_OFFICES):
        with contextlib.suppress(Exception):
            office._kill()
            if office.profile is not None:
                shutil.rmtree(office.profile, ignore_errors=True)


class Calc:
    """A LibreOffice instance, started at construction and restarted if it dies."""

    def __init__(self, soffice: Optional[str] = None, startup_timeout: float = 60.0,
                 locale: str = DEFAULT_LOCALE):
        reason = unavailable_reason(soffice)
        if reason:
            raise LOUnavailable(reason)
        _profile_settings(locale)  # refuse a malformed locale before starting anything
        self.soffice = soffice or os.environ.get("SJTX_SOFFICE") or "soffice"
        self.startup_timeout = startup_timeout
        self.locale = locale
        self.starts = 0
        self._office: Optional[_Office] = None
        self._ensure()

    # -- process
    def _ensure(self) -> _Office:
        office = self._office
        if office is not None and office.alive():
            return office
        if office is not None:
            office.stop()
            _LIVE_OFFICES.discard(office)
        office = _Office(self.soffice, self.startup_timeout, self.locale)
        _LIVE_OFFICES.add(office)
        try:
            office.start()
        except BaseException:
            office.stop()
            _LIVE_OFFICES.discard(office)
            raise
        self._office = office
        self.starts += 1
        return office

    @property
    def pid(self) -> Optional[int]:
        """Process id (and process-group id) of the soffice launcher we started."""
        return self._office.proc.pid if self._office and self._office.proc else None

    def alive(self) -> bool:
        return self._office is not None and self._office.alive()

    def config_locale(self) -> str:
        """``ooSetupSystemLocale`` as the running soffice sees it (proof the profile took)."""
        office = self._ensure()
        provider = office.smgr.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", office.ctx)
        access = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationAccess", (_pv("nodepath", "/org.openoffice.Setup/L10N"),)
        )
        return str(access.getByName("ooSetupSystemLocale"))

    def close(self) -> None:
        if self._office is not None:
            self._office.stop()
            _LIVE_OFFICES.discard(self._office)
            self._office = None

    def __enter__(self) -> "Calc":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- documents
    def open(self, path: "os.PathLike[str] | str", macros: bool = False) -> "Book":
        """Load a workbook hidden; the file on disk is never written.

        ``macros=True`` opens with MacroExecutionMode ALWAYS_EXECUTE_NO_WARN
        (for .xlsm/.ods macro tests); otherwise macros never run.
        """
        p = Path(path).resolve()
        if not p.is_file():
            raise FileNotFoundError(p)
        mode = 4 if macros else 0  # MacroExecutionMode ALWAYS_EXECUTE_NO_WARN / NEVER_EXECUTE
        props = (
            _pv("Hidden", True),
            _pv("MacroExecutionMode", mode),
            _pv("UpdateDocMode", 0),  # NO_UPDATE: external links stay as saved
        )
        url = uno.systemPathToFileUrl(str(p))
        for attempt in (1, 2):
            office = self._ensure()
            try:
                doc = office.desktop.loadComponentFromURL(url, "_blank", 0, props)
                break
            except Exception as exc:
                if attempt == 2 or office.alive():
                    raise LOError(f"LibreOffice could not open {p}: {exc}") from exc
                # soffice died under us: restart once and retry
        if doc is None or not hasattr(doc, "Sheets"):
            if doc is not None:
                with contextlib.suppress(Exception):
                    doc.close(True)
            raise LOError(f"LibreOffice could not open {p} as a spreadsheet")
        _quiet_undo(doc)
        return Book(self, office, doc, p)

    def new(self) -> "Book":
        """An empty Calc document (handy for scratch computations)."""
        office = self._ensure()
        doc = office.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (_pv("Hidden", True),))
        _quiet_undo(doc)
        return Book(self, office, doc, None)


# --------------------------------------------------------------------------
# documents


class _HTMLGrid(html.parser.HTMLParser):
    """Cell background colours from Calc's HTML export: one grid per <table>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: List[Tuple[Optional[str], Dict[Tuple[int, int], Optional[str]]]] = []
        self._anchor: Optional[str] = None
        self._grid: Optional[Dict[Tuple[int, int], Optional[str]]] = None
        self._row = -1
        self._col = 0
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        a = {k.lower(): v for k, v in attrs}
        if tag == "a" and a.get("name"):
            self._anchor = a["name"]
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self._grid = {}
                self.tables.append((self._anchor, self._grid))
                self._anchor = None
                self._row = -1
        elif self._grid is not None and self._depth == 1 and tag == "tr":
            self._row += 1
            self._col = 0
        elif self._grid is not None and self._depth == 1 and tag == "td":
            while (self._row, self._col) in self._grid:
                self._col += 1
            colour = a.get("bgcolor")
            colour = colour.upper() if colour else None
            for dr in range(int(a.get("rowspan") or 1)):
                for dc in range(int(a.get("colspan") or 1)):
                    self._grid[(self._row + dr, self._col + dc)] = colour
            self._col += int(a.get("colspan") or 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._depth -= 1
            if self._depth == 0:
                self._grid = None


class Book:
    """An open workbook.  Use as a context manager or call ``close()``."""

    def __init__(self, calc: Calc, office: _Office, doc: Any, path: Optional[Path]):
        self.calc = calc
        self.path = path
        self.doc = doc
        self._office = office
        self._sheets: Dict[str, Any] = {}
        self._cells: Dict[Tuple[str, str], Any] = {}
        self._parser = None
        self._formatter = None
        self._fmt_types: Dict[int, int] = {}
        self._dispatcher: Any = None
        self._toolkit: Any = None

    # -- lifecycle
    def close(self) -> None:
        doc, self.doc = self.doc, None
        self._sheets.clear()
        self._cells.clear()
        if doc is not None:
            with contextlib.suppress(Exception):
                doc.close(True)

    def __enter__(self) -> "Book":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- addressing
    def sheet_names(self) -> List[str]:
        return list(self.doc.Sheets.ElementNames)

    def sheet(self, name: str) -> Any:
        """The UNO XSpreadsheet named ``name``."""
        sh = self._sheets.get(name)
        if sh is None:
            sheets = self.doc.Sheets
            if not sheets.hasByName(name):
                raise KeyError(f"no sheet {name!r}; sheets are {list(sheets.ElementNames)}")
            sh = self._sheets[name] = sheets.getByName(name)
        return sh

    def named_cell(self, name: str, sheet: Optional[str] = None) -> Tuple[str, str]:
        """Defined name -> (sheet, 'C5') or (sheet, 'C5:C9').

        ``sheet`` looks the name up among that sheet's local names.
        """
        container = self.sheet(sheet).NamedRanges if sheet else self.doc.NamedRanges
        if not container.hasByName(name):
            raise KeyError(f"no defined name {name!r}")
        rng = container.getByName(name).ReferredCells
        if rng is None:
            raise KeyError(f"defined name {name!r} is not a cell reference")
        ra = rng.RangeAddress
        sheet_name = self.doc.Sheets.getByIndex(ra.Sheet).Name
        a1 = rc_to_a1(ra.StartRow, ra.StartColumn)
        if (ra.StartRow, ra.StartColumn) != (ra.EndRow, ra.EndColumn):
            a1 += ":" + rc_to_a1(ra.EndRow, ra.EndColumn)
        return sheet_name, a1

    def defined_names(self) -> List[str]:
        return list(self.doc.NamedRanges.ElementNames)

    def ref(self, sheet: str, a1: Optional[str] = None) -> Tuple[str, str]:
        """Normalise the (sheet, a1) / 'Sheet!A1' / defined-name forms to (sheet, a1)."""
        if a1 is not None:
            return sheet, a1.replace("$", "")
        sh, addr = _split_ref(sheet)
        if sh is not None:
            return sh, addr.replace("$", "")
        return self.named_cell(addr)

    def cell(self, sheet: str, a1: Optional[str] = None) -> Any:
        """The UNO cell (or range, for 'A1:B2') object."""
        key = self.ref(sheet, a1)
        c = self._cells.get(key)
        if c is None:
            c = self._cells[key] = self.sheet(key[0]).getCellRangeByName(key[1])
        return c

    # -- typing
    def type(self, *args: Any, allow_formula: bool = False, force: bool = False) -> None:
        """Enter a value as a user would type it (see the module docstring).

        ``type(sheet, a1, value)`` or ``type(ref, value)`` with ``ref`` =
        'Sheet!A1' or a defined name.
        """
        sname, addr, value = self._where_and_value(args)
        if value is None:
            self.clear(sname, addr)
            return
        c = self.cell(sname, addr)
        if not force:
            self._check_editable(sname, c, addr)
        if isinstance(value, bool):
            text = "TRUE" if value else "FALSE"
        elif isinstance(value, (int, float)):
            c.setValue(float(value))
            return
        elif isinstance(value, _dt.datetime):
            text = value.strftime("%Y-%m-%d %H:%M:%S")
        elif isinstance(value, _dt.date):
            text = value.isoformat()
        elif isinstance(value, _dt.time):
            text = value.strftime("%H:%M:%S")
        elif isinstance(value, str):
            text = value
        else:
            raise TypeError(f"cannot type a {type(value).__name__}")
        if text.startswith("="):
            if not allow_formula:
                raise ValueError(
                    f"{text!r} would be entered as a formula; pass allow_formula=True, "
                    "or use type_text() for the literal text / type_formula() for Excel syntax"
                )
            self.type_formula(sname, addr, text)
            return
        self._enter(c, text)

    def enter(self, *args: Any) -> None:
        """Type ``text`` through Calc's own input path, as a person does: go to the cell and
        dispatch ``.uno:EnterString`` (see the module docstring).  ``enter(sheet, a1, text)``
        or ``enter(ref, text)``.  Refused on a locked cell of a protected sheet."""
        sname, addr, text = self._where_and_value(args)
        if not isinstance(text, str):
            raise TypeError(f"enter() types text, not a {type(text).__name__}")
        c = self.cell(sname, addr)
        self._check_editable(sname, c, addr)
        self.sheet(sname).clearArrows()  # detective circles + EnterString crashed soffice 7.4
        controller = self.doc.getCurrentController()
        if controller is None:
            raise LOError("the document has no view to type into")
        # Headless, the Stop alert of an invalid entry and the input-help popup of a selected cell
        # would be windows; both are off while typing (the entry is kept as typed: ask is_valid)
        # and restored right after.
        rule = c.Validation
        noisy = bool(rule.ShowErrorMessage or rule.ShowInputMessage)
        if noisy:
            quiet = c.Validation
            quiet.ShowErrorMessage = False
            quiet.ShowInputMessage = False
            c.Validation = quiet
        try:
            self._dispatch(controller.getFrame(), sname, addr, text)
        finally:
            if noisy:
                c.Validation = rule

    def _dispatch(self, frame: Any, sheet: str, a1: str, text: str) -> None:
        """Go to the cell as the Name Box does (``.uno:GoToCell``), then Enter."""
        if self._dispatcher is None:
            # Any dispatch on a hidden frame of headless soffice 7.4 left its layout manager
            # (toolbars, status bar) a timer that aborted soffice seconds later ("Unspecified
            # Application Error"); a frame without one types the same and lives on.
            frame.LayoutManager = None
            self._dispatcher = self._office.smgr.createInstanceWithContext(
                "com.sun.star.frame.DispatchHelper", self._office.ctx
            )
        col, row = a1_to_rc(a1)[1], a1_to_rc(a1)[0]
        target = "$'%s'.$%s$%d" % (sheet.replace("'", "''"), col_letter(col), row + 1)
        self._dispatcher.executeDispatch(frame, ".uno:GoToCell", "", 0, (_pv("ToPoint", target),))
        self._dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0, (_pv("StringName", text),))
        self._idle()

    def _idle(self) -> None:
        """Let soffice finish what the dispatch queued (input handling, recalculation) before the
        next API call reads or touches the cells."""
        if self._toolkit is None:
            self._toolkit = self._office.smgr.createInstanceWithContext("com.sun.star.awt.Toolkit", self._office.ctx)
        self._toolkit.processEventsToIdle()

    def _format_type(self, key: int) -> int:
        t = self._fmt_types.get(key)
        if t is None:
            t = self._fmt_types[key] = self.doc.NumberFormats.getByKey(key).Type
        return t

    def _enter(self, c: Any, text: str) -> None:
        """Calc's input rules: Text-formatted cells keep text; otherwise parse
        (en-US) and, like the input line, give the cell the recognised format
        (date, time, percent, scientific, currency, boolean) unless its
        current format is already of that family."""
        current = self._format_type(c.NumberFormat)
        if current & _NF_TEXT:
            c.setString(text)
            return
        c.setFormula(text)
        if self._formatter is None:
            self._formatter = self._office.smgr.createInstanceWithContext(
                "com.sun.star.util.NumberFormatter", self._office.ctx
            )
            self._formatter.attachNumberFormatsSupplier(self.doc)
        try:
            detected = self._formatter.detectNumberFormat(0, text)
        except Exception:  # NotNumericException: plain text
            return
        if detected == 0:
            return
        family = self._format_type(detected) & ~_NF_DEFINED
        have = current & ~_NF_DEFINED
        datetime_family = _NF_DATE | _NF_TIME
        if family == have or (family & datetime_family and have & datetime_family):
            return
        c.NumberFormat = detected

    def _where_and_value(self, args: Sequence[Any]) -> Tuple[str, str, Any]:
        if len(args) == 3:
            sname, addr = self.ref(args[0], args[1])
            return sname, addr, args[2]
        if len(args) == 2:
            sname, addr = self.ref(args[0])
            return sname, addr, args[1]
        raise TypeError("expected (sheet, a1, value) or (ref, value)")

    def _check_editable(self, sheet: str, c: Any, a1: str) -> None:
        if self.sheet(sheet).isProtected() and c.CellProtection.IsLocked:
            raise CellProtectedError(f"{sheet}!{a1} is locked on a protected sheet")

    def type_text(self, *args: Any) -> None:
        """Store text verbatim (like typing it after an apostrophe): (sheet, a1, text) or (ref, text)."""
        sname, addr, text = self._where_and_value(args)
        self.cell(sname, addr).setString("" if text is None else str(text))

    def type_formula(self, *args: Any) -> None:
        """Enter an Excel-syntax formula such as '=SUM(A1,Sheet2!B2)' (leading '=' optional).

        (sheet, a1, formula) or (ref, formula).
        """
        sname, addr, formula = self._where_and_value(args)
        c = self.cell(sname, addr)
        body = formula[1:] if formula.startswith("=") else formula
        tokens = self._formula_parser("xl").parseFormula(body, c.CellAddress)
        c.setTokens(tokens)

    def clear(self, sheet: str, a1: Optional[str] = None) -> None:
        """Delete the content (values, text, formulas), keep formats and validation."""
        # VALUE | DATETIME | STRING | FORMULA (com.sun.star.sheet.CellFlags)
        self.cell(sheet, a1).clearContents(1 | 2 | 4 | 16)

    def write(self, sheet: str, a1_range: str, rows: Sequence[Sequence[Any]]) -> None:
        """Bulk raw write (setDataArray): numbers stay numbers, strings stay text."""
        data = tuple(
            tuple(float(v) if isinstance(v, (int, float)) else ("" if v is None else str(v)) for v in row)
            for row in rows
        )
        self.cell(sheet, a1_range).setDataArray(data)

    def type_many(self, sheet: str, a1_range: str, rows: Sequence[Sequence[Any]]) -> None:
        """Bulk input (setFormulaArray): entries are parsed (en-US) like ``type``
        but no number format is applied and Text-formatted cells are not
        special-cased.  Strings starting with '=' become formulas in Calc's
        API syntax; use ``write`` for raw text.
        """
        def text(v: Any) -> str:
            if v is None:
                return ""
            if isinstance(v, bool):
                return "TRUE" if v else "FALSE"
            if isinstance(v, (int, float)):
                return repr(float(v))
            return str(v)

        data = tuple(tuple(text(v) for v in row) for row in rows)
        self.cell(sheet, a1_range).setFormulaArray(data)

    # -- reading
    def recalc(self) -> None:
        self.doc.calculateAll()

    def value(self, sheet: str, a1: Optional[str] = None) -> float:
        """Numeric value (formula result for formulas; 0.0 for text/empty)."""
        return self.cell(sheet, a1).getValue()

    def string(self, sheet: str, a1: Optional[str] = None) -> str:
        """The text Calc displays (formatted value / formula result)."""
        return self.cell(sheet, a1).getString()

    def formula(self, sheet: str, a1: Optional[str] = None, excel: bool = True) -> str:
        """The formula: Excel syntax ('=SUM(A1,B1)') by default, Calc's with excel=False.

        For non-formula cells this is the cell's input text, as Calc shows it.
        """
        c = self.cell(sheet, a1)
        raw = c.getFormula()
        if not excel or not raw.startswith("=") or c.getType().value != "FORMULA":
            return raw
        return "=" + self._formula_parser("xl").printFormula(c.getTokens(), c.CellAddress)

    def error(self, sheet: str, a1: Optional[str] = None) -> int:
        """Calc's error code of a formula cell (0 = no error), e.g. 532 = #DIV/0!."""
        return self.cell(sheet, a1).getError()

    def error_name(self, sheet: str, a1: Optional[str] = None) -> Optional[str]:
        """The error text Calc displays ('#DIV/0!', '#N/A', 'Err:502', ...), None if no error."""
        c = self.cell(sheet, a1)
        return c.getString() if c.getError() != 0 else None

    def kind(self, sheet: str, a1: Optional[str] = None) -> str:
        """'empty' | 'value' | 'text' | 'formula'."""
        return self.cell(sheet, a1).getType().value.lower()

    def number_format(self, sheet: str, a1: Optional[str] = None) -> str:
        c = self.cell(sheet, a1)
        return self.doc.NumberFormats.getByKey(c.NumberFormat).FormatString

    def set_number_format(self, sheet: str, a1: str, code: str) -> None:
        """Give a cell the number format ``code`` (as a paste with formats does; protection aside)."""
        from com.sun.star.lang import Locale

        formats, locale = self.doc.NumberFormats, Locale()
        key = formats.queryKey(code, locale, False)
        if key == -1:
            key = formats.addNew(code, locale)
        self.cell(sheet, a1).NumberFormat = key

    def read(self, sheet: str, a1_range: str) -> Tuple[Tuple[Any, ...], ...]:
        """Bulk read (getDataArray): floats for numbers/results, str for text, '' empty."""
        return self.cell(sheet, a1_range).getDataArray()

    def read_formulas(self, sheet: str, a1_range: str) -> Tuple[Tuple[str, ...], ...]:
        """Bulk read of formulas/inputs in Calc syntax (getFormulaArray)."""
        return self.cell(sheet, a1_range).getFormulaArray()

    # -- formulas in Excel syntax
    def _formula_parser(self, lang: str) -> Any:
        """A FormulaParser set to OOXML ('xl') or Calc's API grammar ('api')."""
        if self._parser is None:
            self._parser = {}
        p = self._parser.get(lang)
        if p is None:
            p = self.doc.createInstance("com.sun.star.sheet.FormulaParser")
            mapper = self.doc.createInstance("com.sun.star.sheet.FormulaOpCodeMapper")
            language = uno.getConstantByName(
                "com.sun.star.sheet.FormulaLanguage." + ("OOXML" if lang == "xl" else "API")
            )
            mapping = mapper.getAvailableMappings(language, 0x7FFFFFFF) + mapper.getAvailableMappings(language, 0)
            p.OpCodeMap = mapping
            p.FormulaConvention = uno.getConstantByName(
                "com.sun.star.sheet.AddressConvention." + ("XL_OOX" if lang == "xl" else "OOO")
            )
            p.CompileEnglish = True
            self._parser[lang] = p
        return p

    def to_excel(self, lo_formula: str, sheet: str, a1: str) -> str:
        """Calc API-grammar formula text (as validation/CF report it) -> Excel syntax."""
        if lo_formula == "":
            return ""
        r, c = a1_to_rc(a1)
        addr = CellAddress(self._sheet_index(sheet), c, r)
        tokens = self._formula_parser("api").parseFormula(lo_formula, addr)
        return self._formula_parser("xl").printFormula(tokens, addr)

    def _sheet_index(self, sheet: str) -> int:
        return self.sheet(sheet).RangeAddress.Sheet

    # -- validation
    def validation(self, sheet: str, a1: Optional[str] = None) -> Dict[str, Any]:
        """The data-validation rule of a cell, as Calc understood the file.

        Keys: type (any/whole/decimal/date/time/list/textLength/custom),
        operator (between/notBetween/equal/notEqual/greaterThan/lessThan/
        greaterThanOrEqual/lessThanOrEqual; 'expression' for custom; None),
        formula1/formula2 (Excel syntax, relative to ``source``),
        formula1_lo/formula2_lo (Calc's own text), source (A1 the relative
        references are anchored at; Calc pools identical rules, so this can
        be the anchor of another range with the same rule), show_input, input_title, input_message,
        show_error, error_style (stop/warning/information/macro), error_title,
        error_message, ignore_blank, show_list (in-cell dropdown shown),
        list_values (inline entries, or the values of the referenced
        range/name; None if not resolvable), list_source (Excel-syntax
        reference/name for range lists, None for inline lists).
        """
        sname, addr = self.ref(sheet, a1)
        v = self.cell(sname, addr).Validation
        src = v.getSourcePosition()
        source = rc_to_a1(src.Row, src.Column)
        f1, f2 = v.getFormula1(), v.getFormula2()
        vtype = _VTYPE.get(v.Type.value, v.Type.value.lower())
        out: Dict[str, Any] = {
            "type": vtype,
            "operator": _OPERATOR.get(v.getOperator().value, v.getOperator().value),
            "formula1_lo": f1,
            "formula2_lo": f2,
            "source": source,
            "show_input": bool(v.ShowInputMessage),
            "input_title": v.InputTitle,
            "input_message": v.InputMessage,
            "show_error": bool(v.ShowErrorMessage),
            "error_style": _ALERT.get(v.ErrorAlertStyle.value, v.ErrorAlertStyle.value.lower()),
            "error_title": v.ErrorTitle,
            "error_message": v.ErrorMessage,
            "ignore_blank": bool(v.IgnoreBlankCells),
            "show_list": bool(v.ShowList),
            "list_values": None,
            "list_source": None,
        }
        if vtype in ("any", "list", "custom"):
            out["operator"] = None  # Calc reports BETWEEN/FORMULA here; Excel has none
        uses_f2 = out["operator"] in ("between", "notBetween")
        out["formula1"] = self._safe_excel(f1, sname, source) if vtype != "any" else ""
        out["formula2"] = self._safe_excel(f2, sname, source) if uses_f2 else ""
        if vtype == "list":
            inline = _split_list_formula(f1)
            if inline is not None:
                out["list_values"] = inline
            else:
                out["list_source"] = out["formula1"]
                out["list_values"] = self._resolve_list(f1)
        return out

    def _safe_excel(self, f: str, sheet: str, a1: str) -> str:
        try:
            return self.to_excel(f, sheet, a1)
        except Exception:
            return f

    def _resolve_list(self, f: str) -> Optional[List[str]]:
        """Values of a list validation that points at a range or a defined name."""
        rng = None
        names = self.doc.NamedRanges
        if names.hasByName(f):
            rng = names.getByName(f).ReferredCells
        else:
            m = re.match(r"^\$?('(?:[^']|'')+'|[^.]+)\.(\$?[A-Z]+\$?[0-9]+(?::\$?[A-Z]+\$?[0-9]+)?)$", f)
            if m:
                sh = m.group(1).lstrip("$")
                if sh.startswith("'"):
                    sh = sh[1:-1].replace("''", "'")
                if self.doc.Sheets.hasByName(sh):
                    rng = self.sheet(sh).getCellRangeByName(m.group(2).replace("$", ""))
        if rng is None:
            return None
        return [str(x) if not isinstance(x, float) else _fmt_num(x) for row in rng.getDataArray() for x in row]

    def _audit(self, sh: Any, skip_blanks: bool, blanks: bool, limit: int) -> Tuple[Set[str], Set[str]]:
        """(cells Calc circles -- non-empty only if ``skip_blanks`` --,
        empty cells under ignore-blank-off rules if ``blanks``)."""
        script = self._office.audit_script()
        if script is None:  # no Basic: the same walk over UNO, without the blank trick
            found = self._circled_uno(sh)
            if len(found) >= MAX_CIRCLES:
                raise CircleOverflowError(f"Calc marks at most {MAX_CIRCLES} invalid cells per sheet")
            if skip_blanks:
                found = {a for a in found if sh.getCellRangeByName(a).getType().value != "EMPTY"}
            return found, set()
        text = script.invoke((sh, skip_blanks, blanks), (), ())[0]
        if text.startswith("ERROR:"):
            raise LOError(f"marking invalid data failed inside LibreOffice: {text[6:]}")
        circled: Set[str] = set()
        empty: Set[str] = set()
        drawn = 0
        for item in text.split(";"):
            if not item:
                continue
            if item.startswith("#"):
                drawn = int(item[1:])
                continue
            nums = [int(x) for x in item.split(",")]
            if len(nums) == 2:
                circled.add(rc_to_a1(nums[1], nums[0]))
                continue
            c1, r1, c2, r2 = nums
            if len(empty) + (r2 - r1 + 1) * (c2 - c1 + 1) > limit:
                raise CircleOverflowError(
                    f"more than {limit} blank cells under 'ignore blank = false' rules; "
                    "use invalid_cells(..., blanks=False)"
                )
            empty.update(rc_to_a1(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        if drawn >= MAX_CIRCLES:
            raise CircleOverflowError(
                f"Calc marks at most {MAX_CIRCLES} invalid cells per sheet and drew that many"
            )
        return circled, empty

    def _circled(self, sh: Any) -> Set[str]:
        """Cells Calc circles, blank ones included (Calc's plain "Mark Invalid Data")."""
        script = self._office.audit_script()
        if script is None:
            return self._circled_uno(sh)
        text = script.invoke((sh, False, False), (), ())[0]
        if text.startswith("ERROR:"):
            raise LOError(text)
        return {rc_to_a1(int(r), int(c)) for c, r in (x.split(",") for x in text.split(";") if x and x[0] != "#")}

    @staticmethod
    def _circled_uno(sh: Any) -> Set[str]:
        """The same walk over UNO from here: several round trips per circle."""
        sh.clearArrows()
        sh.showInvalid()
        found = set()
        page = sh.DrawPage
        for i in range(page.Count):
            shape = page.getByIndex(i)
            if shape.getShapeType() != "com.sun.star.drawing.EllipseShape" or shape.LayerName != "intern":
                continue
            anchor = shape.Anchor
            if anchor is None or not hasattr(anchor, "CellAddress"):
                continue
            ca = anchor.CellAddress
            found.add(rc_to_a1(ca.Row, ca.Column))
        sh.clearArrows()
        return found

    def invalid_cells(self, sheet: str, blanks: bool = True, limit: int = 200_000) -> Set[str]:
        """A1 addresses whose content Calc's validation rejects ("Mark Invalid Data").

        Empty cells count only under rules with "ignore blank" off (as in
        Calc); ``blanks=False`` leaves them out.  ``limit`` caps how many such
        blank cells are listed.
        """
        circled, empty = self._audit(self.sheet(sheet), True, blanks, limit)
        return circled | empty

    def is_valid(self, sheet: str, a1: Optional[str] = None) -> bool:
        """Does Calc's validation accept the cell's current content?

        True for cells without validation.  An empty cell is invalid exactly
        when its rule has "ignore blank" off (Calc circles those unchecked).
        """
        sname, addr = self.ref(sheet, a1)
        c = self.cell(sname, addr)
        if c.getType().value == "EMPTY":
            v = c.Validation
            return v.Type.value == "ANY" or bool(v.IgnoreBlankCells)
        circled, _ = self._audit(self.sheet(sname), True, False, 0)
        return addr not in circled

    # -- conditional formatting
    def conditional_formats(self, sheet: str, a1: Optional[str] = None) -> List[CondFormat]:
        """Classic (cell-value / formula) conditional formats on the cell, in priority order.

        Colour scales, data bars and icon sets are not listed.
        """
        sname, addr = self.ref(sheet, a1)
        entries = self.cell(sname, addr).ConditionalFormat
        styles = self.doc.StyleFamilies.getByName("CellStyles")
        out = []
        for i in range(entries.Count):
            e = entries.getByIndex(i)
            src = e.getSourcePosition()
            source = rc_to_a1(src.Row, src.Column)
            op = _OPERATOR.get(e.getOperator().value, e.getOperator().value)
            style = e.getStyleName()
            bg = None
            if styles.hasByName(style):
                st = styles.getByName(style)
                if not st.IsCellBackgroundTransparent:
                    bg = _rgb(st.CellBackColor)
            f2 = e.getFormula2() if op in ("between", "notBetween") else ""
            out.append(
                CondFormat(op, self._safe_excel(e.getFormula1(), sname, source), self._safe_excel(f2, sname, source), style, bg, source)
            )
        return out

    def cell_background(self, sheet: str, a1: Optional[str] = None) -> Optional[str]:
        """Effective background '#RRGGBB' after conditional formatting, None if none."""
        sname, addr = self.ref(sheet, a1)
        return self.backgrounds(sname, [addr])[addr]

    def backgrounds(self, sheet: str, cells: Iterable[str]) -> Dict[str, Optional[str]]:
        """Effective backgrounds of several cells on one sheet (one HTML export).

        UNO has no "effective format" query, so Calc renders the sheet with
        its HTML filter (which applies conditional formats) into a temp file.
        Notes are added temporarily to A1 and the farthest cell so the export
        covers them; hidden rows/columns/sheets are shown during the export.
        """
        cells = [c.replace("$", "") for c in cells]
        sh = self.sheet(sheet)
        rcs = [a1_to_rc(c) for c in cells]
        max_r = max(r for r, _ in rcs)
        max_c = max(c for _, c in rcs)
        tab = self._sheet_index(sheet)
        undo: List[Any] = []
        try:
            for r, c in {(0, 0), (max_r, max_c)}:
                cell = sh.getCellByPosition(c, r)
                if cell.Annotation.String == "":
                    sh.Annotations.insertNew(CellAddress(tab, c, r), "sjtx-probe")
                    undo.append(("note", cell))
            if not sh.IsVisible:
                sh.IsVisible = True
                undo.append(("sheet", sh))
            rows_hidden, cols_hidden = [], []
            for r in range(max_r + 1):
                row = sh.Rows.getByIndex(r)
                if not row.IsVisible:
                    row.IsVisible = True
                    rows_hidden.append(row)
            for c in range(max_c + 1):
                col = sh.Columns.getByIndex(c)
                if not col.IsVisible:
                    col.IsVisible = True
                    cols_hidden.append(col)
            undo.extend(("dim", x) for x in rows_hidden + cols_hidden)
            with tempfile.TemporaryDirectory(prefix="sjtx-html-") as tmp:
                out = Path(tmp) / "export.html"
                self.doc.storeToURL(uno.systemPathToFileUrl(str(out)), (_pv("FilterName", "HTML (StarCalc)"),))
                text = out.read_text(encoding="utf-8", errors="replace")
        finally:
            for kind, obj in reversed(undo):
                with contextlib.suppress(Exception):
                    if kind == "note":
                        self._remove_note(sh, obj)
                    elif kind in ("sheet", "dim"):
                        obj.IsVisible = False
        parser = _HTMLGrid()
        parser.feed(text)
        grid = None
        if len(parser.tables) == 1:
            grid = parser.tables[0][1]
        else:
            for anchor, g in parser.tables:
                if anchor == f"table{tab}":
                    grid = g
        if grid is None:
            raise LOError(f"sheet {sheet!r} not found in Calc's HTML export")
        return {a1: grid.get(rc) for a1, rc in zip(cells, rcs)}

    @staticmethod
    def _remove_note(sh: Any, cell: Any) -> None:
        target = cell.CellAddress
        notes = sh.Annotations
        for i in range(notes.Count - 1, -1, -1):
            pos = notes.getByIndex(i).Position
            if pos.Row == target.Row and pos.Column == target.Column:
                notes.removeByIndex(i)
                return

    def direct_background(self, sheet: str, a1: Optional[str] = None) -> Optional[str]:
        """The cell's own background (CellBackColor), ignoring conditional formats."""
        c = self.cell(sheet, a1)
        return None if c.IsCellBackgroundTransparent else _rgb(c.CellBackColor)

    # -- protection / visibility
    def protected(self, sheet: str) -> bool:
        return bool(self.sheet(sheet).isProtected())

    def cell_locked(self, sheet: str, a1: Optional[str] = None) -> bool:
        return bool(self.cell(sheet, a1).CellProtection.IsLocked)

    def formula_hidden(self, sheet: str, a1: Optional[str] = None) -> bool:
        return bool(self.cell(sheet, a1).CellProtection.IsFormulaHidden)

    def sheet_visible(self, sheet: str) -> bool:
        return bool(self.sheet(sheet).IsVisible)

    # -- saving / macros
    def save_as(self, path: "os.PathLike[str] | str", filter_name: str) -> Path:
        """Write a copy with Calc's export filter; the opened file is untouched."""
        p = Path(path).resolve()
        p.parent.mkdir(parents=True, exist_ok=True)
        self.doc.storeToURL(uno.systemPathToFileUrl(str(p)), (_pv("FilterName", filter_name), _pv("Overwrite", True)))
        return p

    def save_as_xlsx(self, path: "os.PathLike[str] | str") -> Path:
        """A 'saved by LibreOffice' .xlsx copy (filter "Calc MS Excel 2007 XML")."""
        return self.save_as(path, "Calc MS Excel 2007 XML")

    def export_pdf(self, path: "os.PathLike[str] | str") -> Path:
        """What Calc would print, as PDF (print ranges and page setup honoured, hidden sheets
        left out)."""
        return self.save_as(path, "calc_pdf_Export")

    def needed_heights(self, sheet: str) -> List["RowFit"]:
        """For every non-empty cell of ``sheet``: the height its (merged) rows have and the
        height Calc's own text layout needs for its displayed text at its (merged) width and
        font -- measured in a scratch document, since Calc's optimal row height ignores merged
        cells.  Points."""
        sh = self.sheet(sheet)
        cols, rows = sh.getColumns(), sh.getRows()
        flags = 1 | 2 | 4 | 16  # VALUE | DATETIME | STRING | FORMULA
        cells = []
        enum = sh.queryContentCells(flags).getCells().createEnumeration()
        while enum.hasMoreElements():
            cells.append(enum.nextElement())
        out: List[RowFit] = []
        if not cells:
            return out
        scratch = self.calc.new()
        try:
            probe_sheet = scratch.doc.Sheets.getByIndex(0)
            probe = probe_sheet.getCellByPosition(0, 0)
            probe_col = probe_sheet.getColumns().getByIndex(0)
            probe_row = probe_sheet.getRows().getByIndex(0)
            for c in cells:
                text = c.getString()
                if not text:
                    continue
                cursor = sh.createCursorByRange(c)
                cursor.collapseToMergedArea()
                a = cursor.getRangeAddress()
                width = sum(cols.getByIndex(i).Width for i in range(a.StartColumn, a.EndColumn + 1)
                            if cols.getByIndex(i).IsVisible)
                stored = sum(rows.getByIndex(i).Height for i in range(a.StartRow, a.EndRow + 1)
                             if rows.getByIndex(i).IsVisible)
                if width <= 0 or stored <= 0:
                    continue  # hidden: never printed
                probe_col.Width = width
                for prop in _FONT_PROPS:
                    try:  # not contextlib.suppress: pyuno exceptions refuse its traceback reset
                        setattr(probe, prop, getattr(c, prop))
                    except Exception:
                        pass
                probe.setString(text)
                probe_row.OptimalHeight = True
                needed = probe_row.Height
                addr = c.getCellAddress()
                out.append(RowFit(rc_to_a1(addr.Row, addr.Column), a.EndRow - a.StartRow + 1, text,
                                  bool(c.IsTextWrapped), _pt(stored), _pt(needed)))
        finally:
            scratch.close()
        return out

    def run_macro(self, uri: str, *args: Any) -> Any:
        """Invoke a script by URI and return its result, e.g.
        'vnd.sun.star.script:VBAProject.Module1.Fill?language=Basic&location=document'
        (open the book with ``calc.open(path, macros=True)`` for document macros).
        """
        script = self.doc.getScriptProvider().getScript(uri)
        result = script.invoke(tuple(args), (), ())
        return result[0] if isinstance(result, tuple) else result


class RowFit(NamedTuple):
    """One cell's printed fit: ``stored`` is the height of its rows, ``needed`` what its text
    takes (points)."""

    cell: str
    rows: int
    text: str
    wrapped: bool
    stored: float
    needed: float

    @property
    def fits(self) -> bool:
        return self.needed <= self.stored + 0.5  # half a point: 1/100 mm rounding


# cell properties that decide how tall a text is laid out
_FONT_PROPS = ("CharFontName", "CharFontNameAsian", "CharFontNameComplex", "CharHeight", "CharHeightAsian",
               "CharHeightComplex", "CharWeight", "CharWeightAsian", "CharPosture", "IsTextWrapped",
               "ParaIndent", "ParaTopMargin", "ParaBottomMargin", "ParaLeftMargin", "ParaRightMargin",
               "Orientation", "RotateAngle")


def _pt(mm100: float) -> float:
    return mm100 * 72 / 2540


def pdftotext(path: "os.PathLike[str] | str") -> str:
    """The text of a PDF (poppler-utils' pdftotext, UTF-8, reading order)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise LOUnavailable("pdftotext not found; install poppler-utils")
    done = subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False)
    if done.returncode != 0:
        raise LOError(f"pdftotext failed on {path}: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode("utf-8")


def squash(text: str) -> str:
    """``text`` without any whitespace (line breaks, full-width spaces), to compare a typed text
    with what a PDF shows of it."""
    return "".join(text.split())


def _quiet_undo(doc: Any) -> None:
    """No undo history: thousands of typed values and detective circles would
    otherwise pile up undo actions for the life of the document."""
    with contextlib.suppress(Exception):
        doc.getUndoManager().lock()


def macro_uri(name: str, location: str = "document", language: str = "Basic") -> str:
    """'Standard.Module1.Main' -> a script URI for ``Book.run_macro``."""
    return f"vnd.sun.star.script:{name}?language={language}&location={location}"


def _rgb(colour: int) -> Optional[str]:
    if colour is None or colour < 0:
        return None
    return f"#{colour & 0xFFFFFF:06X}"


def _fmt_num(x: float) -> str:
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)
