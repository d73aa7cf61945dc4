"""统计: counts by 市（州）, by industry division and by size class, with native Excel charts."""
import re

from .. import reference, spec
from ..vocab import ELIGIBLE
from .model import CITY_SOURCES, UNKNOWN_CITY

SHEET = "统计"
UNKNOWN = "未填或无效"


def industry_key(v):
    """'35 专用设备制造业' -> ('35', '35 专用设备制造业'); anything else -> None."""
    if isinstance(v, str):
        m = re.match(r"^\s*(\d{2})(?!\d)", v)
        if m:
            try:
                return m.group(1), reference.division_label(m.group(1))
            except KeyError:
                return None
    return None


def by_city(model):
    """[(city, enterprises, of which eligible, platforms, how the city was found)], all cities listed."""
    rows = {c: [0, 0, 0, {}] for c in spec.common.CITIES}
    for kind, entries in (("enterprise", model.enterprises), ("platform", model.platforms)):
        for e in entries:
            r = rows.setdefault(e.city, [0, 0, 0, {}])
            if kind == "enterprise":
                r[0] += 1
                r[1] += e.assess().verdict == ELIGIBLE
            else:
                r[2] += 1
            src = CITY_SOURCES.get(e.city_source, e.city_source)
            r[3][src] = r[3].get(src, 0) + 1
    out = []
    for city, (n, ok, p, src) in rows.items():
        if city == UNKNOWN_CITY and not (n or p):
            continue
        out.append((city, n, ok, p, "、".join("%s %d" % kv for kv in sorted(src.items()))))
    return out


def by_industry(model):
    counts, labels = {}, {}
    for e in model.enterprises:
        k = industry_key(e.values.get("industry"))
        code, label = k if k else ("99z", UNKNOWN)
        counts[code] = counts.get(code, 0) + 1
        labels[code] = label
    return [(labels[c], counts[c]) for c in sorted(counts)]


def by_size(model):
    classes = spec.form("enterprise").lists["size_class"]
    counts = {c: 0 for c in classes}
    counts[UNKNOWN] = 0
    for e in model.enterprises:
        v = e.values.get("size")
        counts[v if v in classes else UNKNOWN] += 1
    return list(counts.items())


def _table(ws, st, row, title, headers, data, total=True):
    ws.write_string(row, 0, title, st.table_title)
    row += 1
    for col, h in enumerate(headers):
        ws.write_string(row, col, h, st.header)
    first = row + 1
    for rec in data:
        row += 1
        for col, v in enumerate(rec):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(row, col, v, st.integer)
            else:
                ws.write_string(row, col, str(v), st.text)
    last = row
    if total:
        row += 1
        ws.write_string(row, 0, "合计", st.header)
        for col in range(1, len(headers)):
            if data and all(isinstance(rec[col], (int, float)) for rec in data):
                ws.write_number(row, col, sum(rec[col] for rec in data), st.integer)
            else:
                ws.write_blank(row, col, None, st.header)
    return first, last, row + 2


def write(wb, st, model):
    ws = wb.add_worksheet(SHEET)
    for col, w in enumerate((30, 12, 16, 12, 30)):
        ws.set_column(col, col, w)
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, 4, "统计", st.title)
    c = model.counts()
    files = [("发现文件", c["found"]), ("已汇总", c["merged"]), ("拒收", c["rejected"]),
             ("跳过", c["skipped"]), ("其中：重复信用代码", c["duplicates"]),
             ("汇总企业（家）", c["enterprises"]), ("汇总平台（个）", c["platforms"])]
    _, _, row = _table(ws, st, 2, "一、文件处理情况", ("项目", "数量"), files, total=False)
    ws.merge_range(row - 1, 0, row - 1, 4, "重复处理规则：" + model.keep_rule + "。", st.note)
    row += 1
    cities = by_city(model)
    c_first, c_last, row = _table(ws, st, row, "二、按市（州）（子文件夹优先，其次为填报的所在市州、信用代码登记地）",
                                  ("市（州）", "企业（家）", "其中审查结论为符合", "平台（个）", "归属依据"), cities)
    industries = by_industry(model)
    i_first, i_last, row = _table(ws, st, row, "三、按所属行业（GB/T 4754-2017 大类）", ("所属行业", "企业（家）"),
                                  industries)
    sizes = by_size(model)
    s_first, s_last, row = _table(ws, st, row, "四、按企业规模（填报）", ("企业规模", "企业（家）"), sizes)

    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "企业（家）", "categories": [SHEET, c_first, 0, c_last, 0],
                      "values": [SHEET, c_first, 1, c_last, 1], "data_labels": {"value": True}})
    chart.add_series({"name": "平台（个）", "categories": [SHEET, c_first, 0, c_last, 0],
                      "values": [SHEET, c_first, 3, c_last, 3]})
    chart.set_title({"name": "按市（州）汇总"})
    chart.set_y_axis({"name": "数量", "major_gridlines": {"visible": True}})
    chart.set_size({"width": 640, "height": 320})
    ws.insert_chart(2, 6, chart)
    if industries:
        bar = wb.add_chart({"type": "bar"})
        bar.add_series({"name": "企业（家）", "categories": [SHEET, i_first, 0, i_last, 0],
                        "values": [SHEET, i_first, 1, i_last, 1], "data_labels": {"value": True}})
        bar.set_title({"name": "按所属行业"})
        bar.set_legend({"none": True})
        bar.set_y_axis({"reverse": True})                   # categories top to bottom, like the table
        bar.set_size({"width": 640, "height": max(240, 22 * len(industries) + 80)})
        ws.insert_chart(20, 6, bar)
    pie = wb.add_chart({"type": "pie"})
    pie.add_series({"name": "企业规模", "categories": [SHEET, s_first, 0, s_last, 0],
                    "values": [SHEET, s_first, 1, s_last, 1], "data_labels": {"value": True, "category": True}})
    pie.set_title({"name": "按企业规模"})
    pie.set_size({"width": 480, "height": 300})
    ws.insert_chart(max(40, 22 + len(industries)), 6, pie)
    ws.set_paper(9)
    ws.set_landscape()
    return ws
