"""The hidden _meta sheet: how a reader recognises a template's kind and version."""
META_SHEET = "_meta"


def meta_from_calamine(wb):
    """{key: value} from a python-calamine workbook; {} when there is no _meta sheet."""
    if META_SHEET not in wb.sheet_names:
        return {}
    out = {}
    for row in wb.get_sheet_by_name(META_SHEET).to_python():
        if len(row) >= 2 and isinstance(row[0], str) and row[0]:
            out[row[0]] = row[1]
    if isinstance(out.get("template_version"), float):
        out["template_version"] = int(out["template_version"])
    return out


def read_meta(source):
    """_meta of a workbook given as bytes, a path or a zipfile.ZipFile."""
    import io  # late: calamine loads only when a _meta is read this way
    import zipfile

    from python_calamine import CalamineWorkbook
    if isinstance(source, zipfile.ZipFile):
        source.fp.seek(0)
        source = source.fp.read()
    if isinstance(source, (bytes, bytearray)):
        wb = CalamineWorkbook.from_filelike(io.BytesIO(source))
    else:
        wb = CalamineWorkbook.from_path(str(source))
    return meta_from_calamine(wb)
