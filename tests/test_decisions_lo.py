"""Acceptance (issue 10): decisions typed in a real client survive a re-merge into the same output."""
from sjtx_xl import demo, vocab
from sjtx_xl.merge import merge
from sjtx_xl.submit import build
from sjtx_xl.summary import decisions as sheet

from decide import table
from lo import col_letter


def test_decisions_typed_in_libreoffice_survive_a_remerge(calc, tmp_path):
    src = tmp_path / "申报材料"
    demo.generate(src, seed=6, n_enterprises=6, n_platforms=1, mistake_share=0.3, extras=False)
    out = tmp_path / "汇总.xlsx"
    merge(src, output=out, recursive=True)
    rows = table(out)
    col = {h: col_letter(sheet.HEAD[h]) for h in sheet.EDITABLE}
    typed = {}
    book = calc.open(out)
    try:
        for i, row in enumerate(rows):
            r = 4 + i                                          # title, note, header, then the rows
            assert book.string(sheet.SHEET, "D%d" % r) == row["名称"]
            decision = (vocab.NOT_RECOMMEND, vocab.RECOMMEND, vocab.UNDECIDED)[i % 3]
            opinion = "经审核，%s：第%d号意见" % (decision, i)
            book.enter(sheet.SHEET, "%s%d" % (col["推荐决定"], r), decision)
            book.type(sheet.SHEET, "%s%d" % (col["推荐排序"], r), 20 - i)
            book.enter(sheet.SHEET, "%s%d" % (col["推荐意见"], r), opinion)
            typed[(row["类别"], row["名称"])] = {"推荐决定": decision, "推荐排序": 20 - i, "推荐意见": opinion}
        book.save_as_xlsx(out)
    finally:
        book.close()
    saved = out.read_bytes()
    demo.generate(tmp_path / "新增", seed=12, n_enterprises=2, n_platforms=0, mistake_share=0, extras=False)
    for p in (tmp_path / "新增").rglob("*.xlsx"):
        (src / "补报" / p.name).parent.mkdir(exist_ok=True)
        (src / "补报" / p.name).write_bytes(p.read_bytes())
    r = merge(src, output=out, recursive=True)
    after = {(row["类别"], row["名称"]): row for row in table(out)}
    for k, v in typed.items():
        assert {h: after[k][h] for h in v} == v, k
    new = [row for k, row in after.items() if k not in typed]
    assert len(new) == 2 and all(row["推荐决定"] == vocab.RECOMMEND for row in new)
    assert r.decisions["carried"] == len(typed) and r.decisions["defaults"] == 2 and not r.decisions["lost"]
    kept = list(tmp_path.glob("汇总.previous-*.xlsx"))
    assert len(kept) == 1 and kept[0].read_bytes() == saved
    # the package made from the summary as LibreOffice saved it holds exactly the typed 推荐, by rank
    pkg = build(kept[0], tmp_path / "上报材料", pdf=False)
    want = sorted((v["推荐排序"], k[1]) for k, v in typed.items() if v["推荐决定"] == vocab.RECOMMEND and k[0] == "企业")
    assert [e.name for e in pkg.enterprises] == [name for _, name in want]
    assert [e.decision.opinion for e in pkg.enterprises] == [typed[("企业", n)]["推荐意见"] for _, n in want]
