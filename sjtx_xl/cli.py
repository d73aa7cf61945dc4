"""sjtx-xl: the command line. Each command is a thin layer over a plain function.

Exit codes: 0 success; 1 a report is not valid (or a lint found problems); 2 usage errors.
"""
import argparse
import json
import signal
import sys

from .errors import SjtxError, UsageError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _print_json(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def cmd_templates(args):
    from .template import write_templates
    for p in write_templates(args.output):
        print(p)
    return EXIT_OK


def data_dictionary():
    """The data dictionary of both forms: every field and every 自检 output cell."""
    from . import spec
    from .rules import FIELD_RULES
    out = {"template_versions": dict(spec.TEMPLATE_VERSIONS), "fields": [], "selfcheck": []}
    for kind in spec.KINDS:
        f, lay = spec.form(kind), spec.layout(kind)
        for fl in f.fields:
            rule = FIELD_RULES[fl.type]
            dv = rule.validation(fl, fl.cell, lay.names)
            out["fields"].append({
                "id": fl.id, "label": fl.label, "kind": kind, "sheet": lay.sheet_title[fl.sheet],
                "cell": fl.cell, "name": fl.name, "type": fl.type, "unit": fl.unit,
                "required": fl.required, "required_if": list(fl.required_if) if fl.required_if else None,
                "form_part": fl.form_part, "aid": fl.aid, "indicator": fl.indicator, "period": fl.period,
                "clause": fl.clause, "choices": list(f.lists[fl.choices]) if fl.choices else None,
                "rules": {"validation": dv, "accepts": rule.describe(fl),
                          "valid_formula": rule.valid_formula(fl, fl.cell, lay.names)},
                "help": fl.help,
            })
        for o in lay.outputs():
            out["selfcheck"].append(dict(o, kind=kind))
    return out


def cmd_fields(args):
    d = data_dictionary()
    if args.json:
        _print_json(d)
        return EXIT_OK
    rows = [(f["kind"], f["id"], f["label"], f["sheet"] + "!" + f["cell"], f["type"],
             "必填" if f["required"] else ("条件必填" if f["required_if"] else "选填")) for f in d["fields"]]
    for r in rows:
        print("\t".join(r))
    print()
    for o in d["selfcheck"]:
        print("\t".join((o["kind"], o["id"], o["label"], o["sheet"] + "!" + o["cell"], o["texts"]["pass"],
                         o["texts"]["fail"])))
    return EXIT_OK


def cmd_fill(args):
    from .fill import fill
    try:
        with open(args.values, encoding="utf-8") as fh:
            values = json.load(fh)
    except (OSError, ValueError) as e:
        raise UsageError("无法读取 %s：%s" % (args.values, e))
    print(fill(args.template, values, args.output))
    return EXIT_OK


def cmd_lint(args):
    from .lint import main as lint_main
    return lint_main(args.files)


def cmd_build_workbook(args):
    from .workbook import build_workbook
    print(build_workbook(args.output))
    return EXIT_OK


def cmd_install_workbook(args):
    from .workbook import install_workbook
    print(install_workbook(args.dest))
    return EXIT_OK


def parser():
    p = argparse.ArgumentParser(prog="sjtx-xl", description="专精特新申报模板、校验与汇总（吉工信办联〔2021〕34号）")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def add(name, fn, help):
        sp = sub.add_parser(name, help=help, description=help)
        sp.set_defaults(func=fn)
        return sp

    sp = add("templates", cmd_templates, "生成企业和平台申报模板（.xlsx）")
    sp.add_argument("-o", "--output", default="templates", help="输出目录（默认 templates）")
    sp = add("fields", cmd_fields, "打印数据字典（字段、单元格、定义名称、校验规则和自检输出）")
    sp.add_argument("--json", action="store_true")
    sp = add("fill", cmd_fill, "按字段ID把 JSON 中的值写入模板副本（预填企业名称、信用代码等）")
    sp.add_argument("template")
    sp.add_argument("values", help="JSON 文件：{字段ID: 值}")
    sp.add_argument("-o", "--output", required=True)
    sp = add("lint", cmd_lint, "检查 .xlsx 是否超出 Excel 限制（数据验证长度、x14 扩展、_xlfn. 等）")
    sp.add_argument("files", nargs="+")
    sp = add("build-workbook", cmd_build_workbook, "生成主管部门用的宏工作簿 workbook/sjtx_xl.xlsm")
    sp.add_argument("-o", "--output", default="workbook/sjtx_xl.xlsm")
    sp = add("install-workbook", cmd_install_workbook, "把宏工作簿复制到用户目录并配置 Python 解释器")
    sp.add_argument("--dest", default=None)
    sp = add("check", _lazy("check", "cli_check"), "读取并重新校验已填写的申报表，输出问题清单")
    sp.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--feedback", metavar="DIR", help="为每个文件生成一份反馈工作簿，便于退回企业修改")
    sp.add_argument("--official-list", metavar="XLSX", help="工信部公布的“小巨人”名单（企业名称、统一社会信用代码）")
    sp = add("merge", _lazy("merge", "cli_merge"), "把文件夹中所有已填写的申报表汇总为附件3、4、5、6等汇总表")
    sp.add_argument("folder")
    sp.add_argument("-o", "--output", default=None, help="汇总工作簿路径（默认 FOLDER/汇总.xlsx）")
    sp.add_argument("--recursive", action="store_true", help="包括子文件夹（按市州分文件夹时使用）")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--strict", action="store_true", help="有文件被拒收或有错误时返回1")
    sp.add_argument("--official-list", metavar="XLSX")
    sp.add_argument("--keep", choices=("newest", "first"), default="newest", help="同一信用代码多份文件时保留哪份")
    sp.add_argument("--previous", metavar="XLSX", help="上次的汇总表：从中带回推荐决定（默认为 -o 指定的已有汇总表）")
    sp = add("demo", _lazy("demo", "cli_demo"), "生成示例数据并汇总（演示）")
    sp.add_argument("dir", nargs="?", default="demo")
    return p


def _lazy(module, func):
    """Import a command's module only when it runs, so `sjtx-xl fields` starts fast."""
    def run(args):
        import importlib
        return getattr(importlib.import_module("sjtx_xl." + module), func)(args)
    return run


def main(argv=None):
    p = parser()
    args = p.parse_args(argv)
    if not getattr(args, "func", None):
        p.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except UsageError as e:
        print("错误：%s" % e, file=sys.stderr)
        return EXIT_USAGE
    except SjtxError as e:
        print("错误：%s" % e, file=sys.stderr)
        return EXIT_INVALID


def run():
    """The console script. Only a whole process may take the default SIGPIPE action (so that
    `sjtx-xl fields | head` ends quietly); main() itself is also called in-process by tests."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())


if __name__ == "__main__":
    run()
