"""A draft of the recommendation letter (推荐请示) as a Word document (python-docx).

It holds what the package holds: the counts per city, the recommended enterprises and platforms
in rank order, and blanks for the document number (文号) and the date, which the office fills in.
"""
from .. import spec

TITLE = "关于推荐第二批国家支持“专精特新”和公共服务示范平台项目的请示"
NOTICE_TITLE = "《关于推荐申报第二批国家支持“专精特新”和公共服务示范平台项目的通知》"
# who writes to whom: a city to the province (四(三)), the province on to the ministries
LEVELS = {
    "city": dict(to="吉林省工业和信息化厅、吉林省财政厅：", sender="（工信部门）　　　　（财政部门）",
                 how="经企业和平台申报、对申报材料真实性审核和择优"),
    "province": dict(to="工业和信息化部、财政部：", sender="吉林省工业和信息化厅　　　　吉林省财政厅",
                     how="经企业和平台申报、各市（州）审核推荐和省级复核择优"),
}
NUMBER = "〔    〕    号"
DATE = "        年    月    日"


def _counts(enterprises, platforms):
    """[(city, enterprises, platforms)] in the notice's city order, cities with none left out."""
    out = []
    for city in list(spec.common.CITIES) + sorted({e.city for e in enterprises + platforms} - set(spec.common.CITIES)):
        ne = sum(1 for e in enterprises if e.city == city)
        np_ = sum(1 for e in platforms if e.city == city)
        if ne or np_:
            out.append((city, ne, np_))
    return out


def _table(doc, header, rows):
    """A table of every row, made whole and filled in one pass: Table.add_row inserts each row
    after a search of the rows before it (12,576 rows took 19 s)."""
    rows = list(rows)
    t = doc.add_table(rows=1 + len(rows), cols=len(header))
    t.style = "Table Grid"
    for row, values in zip(t.rows, [header] + rows):
        for cell, v in zip(row.cells, values):
            cell.text = v
    return t


def write_letter(path, enterprises, platforms, level="city"):
    """enterprises, platforms: the recommended Entry rows in rank order; level: city or province
    (a summary of city summaries)."""
    who = dict(LEVELS[level])
    cities = {e.city for e in enterprises + platforms}
    if level == "city" and len(cities) == 1 and cities <= set(spec.common.CITIES):   # whose letter it is
        city = cities.pop()
        who["sender"] = "%s（工信部门）　　　　%s（财政部门）" % (city, city)
    from docx import Document                    # lazy: python-docx loads lxml
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt
    doc = Document()
    cp = doc.core_properties
    cp.author, cp.last_modified_by, cp.title, cp.comments = "", "", TITLE, ""
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "仿宋", Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")

    def para(text, align=None, bold=False, size=None):
        p = doc.add_paragraph()
        r = p.add_run(text)
        r.bold = bold
        if size:
            r.font.size = Pt(size)
        if align:
            p.alignment = align
        return p

    para("（草稿）", WD_ALIGN_PARAGRAPH.RIGHT)
    para(NUMBER, WD_ALIGN_PARAGRAPH.CENTER)
    para(TITLE, WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=18)
    para(who["to"])
    n_e, n_p = len(enterprises), len(platforms)
    para("　　根据%s（%s）要求，%s，现推荐重点“小巨人”企业%d家、中小企业公共服务示范平台%d个，推荐情况如下。"
         % (NOTICE_TITLE, spec.common.NOTICE, who["how"], n_e, n_p))
    para("　　一、各市（州）推荐数量", bold=True)
    counts = _counts(enterprises, platforms)
    _table(doc, ("市（州）", "重点“小巨人”企业（家）", "公共服务示范平台（个）"),
           [(city, str(ne), str(np_)) for city, ne, np_ in counts + [("合计", n_e, n_p)]])
    para("　　二、推荐的重点“小巨人”企业（按推荐排序）", bold=True)
    _table(doc, ("序号", "企业名称", "所在市（州）", "批次"),
           [(str(i), e.name, e.city, str(e.values.get("batch") or "")) for i, e in enumerate(enterprises, 1)])
    para("　　三、推荐的中小企业公共服务示范平台（按推荐排序）", bold=True)
    _table(doc, ("序号", "平台机构名称", "所在市（州）", "认定文号"),
           [(str(i), e.name, e.city, str(e.values.get("cert_doc_no") or "")) for i, e in enumerate(platforms, 1)])
    para("　　附件：1.吉林省第二批重点“小巨人”企业名单汇总表（附件3）")
    para("　　　　　2.吉林省第二批支持国家（或省级）中小企业公共服务示范平台名单汇总表（附件4）")
    para("　　　　　3.各推荐企业基本情况表和目标表（附件5、附件6，每家企业单独装订）")
    para("　　妥否，请批示。")
    para(who["sender"] + "（盖章）", WD_ALIGN_PARAGRAPH.RIGHT)
    para(DATE, WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(str(path))
    return counts
