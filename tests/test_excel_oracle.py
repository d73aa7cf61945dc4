"""The Excel-saved oracle: every cell of 300 workbooks that Microsoft Excel itself saved
(../shared/excel-saved, from XlsxWriter's comparison corpus) reads as openpyxl reads it, with
data_only=True so that a formula is its cached result: numbers, text from shared strings and
rich text, UTF-8, booleans, errors, dates in both date systems. No hostile-input guard may
reject any of these real files.

Deliberately not compared the same way (openpyxl is not Excel here):
* text with _xHHHH_ escapes (escapes09, optimize06, optimize07, shared_strings01, shared_strings03):
  openpyxl leaves the escapes of control characters undecoded, Excel decodes them; our text is
  compared with openpyxl's after decoding them (ooxml.unescape_text);
* shared_strings02!A8, stored as _x005F_x005F_: Excel shows "_x005F_" (an escaped underscore
  followed by "x005F_"), openpyxl decodes it twice to "_".
"""
import warnings
from pathlib import Path

import pytest

from sjtx_xl import ooxml
from sjtx_xl.read.reader import Xlsx

FOLDER = Path(__file__).resolve().parents[1].parent / "shared" / "excel-saved"
FILES = sorted(p for p in FOLDER.glob("*.xls*")) if FOLDER.is_dir() else []
UNDECODED = {"escapes09.xlsx", "optimize06.xlsx", "optimize07.xlsx", "shared_strings01.xlsx", "shared_strings03.xlsx"}
EXCEL_SHOWS = {("shared_strings02.xlsx", "Sheet1", "A8"): "_x005F_"}


def ours(path):
    book = Xlsx(path.read_bytes())           # FileProblem here: a guard rejected a real file
    out = {}
    for title in book.parts:
        out[title] = {}
        for a1, c in book.cells(title).items():
            v = book.value(c)
            if v is not None:
                out[title][a1] = v
    return out


def theirs(path):
    from openpyxl import load_workbook
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path, data_only=True)
    # the stored cells only: iterating a sheet whose dimension says A1:XFD1048576 would take hours
    return {ws.title: {c.coordinate: c.value for c in ws._cells.values() if c.value is not None}
            for ws in wb.worksheets}


def test_the_oracle_is_there():
    if not FILES:
        pytest.skip("../shared/excel-saved is absent (it lives beside the repository, not in it): %s" % FOLDER)
    assert len(FILES) >= 300


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_cell_reads_as_openpyxl_reads_it(path):
    mine, expected = ours(path), theirs(path)
    for title, cells in expected.items():
        got = mine.get(title, {})
        assert set(got) == set(cells), (title, set(got) ^ set(cells))
        for a1, v in cells.items():
            want = EXCEL_SHOWS.get((path.name, title, a1), v)
            if path.name in UNDECODED and isinstance(want, str):
                want = ooxml.unescape_text(want)
            assert got[a1] == want and type(got[a1]) is type(want) or (
                isinstance(want, float) and got[a1] == want and isinstance(got[a1], int)), (title, a1, got[a1], want)
    for title in set(mine) - set(expected):          # chart sheets: openpyxl lists no cells, nor do we
        assert mine[title] == {}, title


def test_the_1904_files_say_which_date_system_they_use():
    if not FILES:
        pytest.skip("../shared/excel-saved is absent: %s" % FOLDER)
    from openpyxl import load_workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    systems = {}
    for name in ("date_1904_01.xlsx", "date_1904_02.xlsx"):
        assert Xlsx((FOLDER / name).read_bytes()).date1904 == (load_workbook(FOLDER / name).epoch == CALENDAR_MAC_1904)
        systems[name] = Xlsx((FOLDER / name).read_bytes()).date1904
    assert True in systems.values()
