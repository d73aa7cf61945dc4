"""Forms as LibreOffice saves them after a user typed "100%" or a formula: read as the user saw."""
import pytest

from sjtx_xl import samples, spec, template
from sjtx_xl.check import check_file
from sjtx_xl.fill import fill_bytes
from sjtx_xl.merge import merge

pytestmark = pytest.mark.lo


def _form(tmp_path, seed):
    values = samples.complete("enterprise", seed)
    values.pop("main_ratio_base")
    src = tmp_path / "src.xlsx"
    src.write_bytes(fill_bytes(template.build("enterprise"), values))
    return src


def test_percent_typed_in_libreoffice_is_read_as_100(calc, tmp_path):
    with calc.open(_form(tmp_path, 21)) as book:
        book.enter("F_main_ratio_base", "100%")                   # Calc stores 1 with a % format
        assert book.value("F_main_ratio_base") == 1
        saved = book.save_as_xlsx(tmp_path / "百分比.xlsx")
    rep = check_file(saved)
    a6 = spec.layout("enterprise").sheet_title["a6"]
    assert rep.values["main_ratio_base"] == 100
    notes = [(p.type, p.sheet, p.cell) for p in rep.problems if p.field == "main_ratio_base"]
    assert notes == [("normalised", a6, "C7")]
    assert rep.conditions["specialisation"] == 1                  # 专业化 passes


def test_formula_saved_by_libreoffice_merges_with_its_value(calc, tmp_path):
    """A target typed as =C6*1.1 (one year's target from the base year), as people do."""
    folder = tmp_path / "报送"
    folder.mkdir()
    src = tmp_path / "src.xlsx"
    src.write_bytes(fill_bytes(template.build("enterprise"), samples.complete("enterprise", 22)))
    with calc.open(src) as book:
        book.type_formula("F_main_revenue_y1", "=C6*1.1")
        book.recalc()
        shown = book.value("F_main_revenue_y1")
        saved = book.save_as_xlsx(folder / "公式.xlsx")
    assert shown == pytest.approx(samples.complete("enterprise", 22)["main_revenue_base"] * 1.1)
    rep = check_file(saved)
    assert rep.values["main_revenue_y1"] == pytest.approx(shown) and rep.status == "ok"
    hits = [p for p in rep.problems if p.field == "main_revenue_y1"]
    assert [(p.type, p.cell) for p in hits] == [("formula-cached", "D6")] and "C6*1.1" in hits[0].message
    result = merge(folder, output=tmp_path / "汇总.xlsx", workers=1)
    (entry,) = result.model.enterprises
    assert entry.values["main_revenue_y1"] == pytest.approx(shown)
    assert "formula-cached" in {p["type"] for p in entry.problems}
