"""A real client: LibreOffice opens the merged summary; the sheets, the rows and the native chart are there."""
from sjtx_xl import demo
from sjtx_xl.merge import merge
from sjtx_xl.summary import annex3, annex4, sheet_names, stats
from sjtx_xl.summary.data import DATA_SHEET


def test_libreoffice_opens_the_summary_and_the_chart_is_present(calc, tmp_path):
    demo.generate(tmp_path / "in", seed=4, n_enterprises=10, n_platforms=4)
    out = tmp_path / "汇总.xlsx"
    result = merge(tmp_path / "in", output=out, recursive=True)
    book = calc.open(out)
    try:
        assert book.sheet_names() == sheet_names()
        assert not book.sheet(DATA_SHEET).IsVisible and book.sheet(annex3.SHEET).IsVisible
        assert book.string(annex3.SHEET, "A2") == annex3.TITLE
        names = [book.string(annex3.SHEET, "B%d" % (5 + i)) for i in range(len(result.model.enterprises))]
        assert names == [e.name for e in result.model.enterprises]
        assert book.string(annex3.SHEET, "A%d" % (5 + len(names))).startswith("注：")
        assert book.string(annex4.SHEET, "B5") == result.model.platforms[0].name
        charts = book.sheet(stats.SHEET).getCharts()
        assert charts.getCount() >= 1
        chart = charts.getByIndex(0).getEmbeddedObject()
        series = chart.getFirstDiagram().getCoordinateSystems()[0].getChartTypes()[0].getDataSeries()
        assert len(series) >= 1
        values = series[0].getDataSequences()[0].getValues().getData()
        assert sum(values) == len(result.model.enterprises)      # the city chart adds up to the rows
    finally:
        book.close()
