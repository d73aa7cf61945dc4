"""sjtx-xl: the command line. Each command parses its arguments, calls one use case of app.py
and prints its result through render.py; every job of the officials' workbook is also here.

Exit codes (vocab.py): 0 success; 1 a report is not valid (or a lint found problems, or listed
enterprises have not submitted); 2 usage errors.
"""
import argparse
import re
import signal
import sys

from . import app, render
from .errors import SjtxError, UsageError
from .vocab import EXIT_INVALID, EXIT_OK, EXIT_USAGE

__all__ = ["main", "run", "parser", "data_dictionary", "EXIT_OK", "EXIT_INVALID", "EXIT_USAGE"]

data_dictionary = app.fields            # the name tests and older scripts use


def _out(text):
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _write_lines(lines, batch=1 << 12):
    """Lines to stdout as they are made, a batch at a time (a report of 15,000 forms is never whole)."""
    out = []
    for line in lines:
        out.append(line)
        if len(out) >= batch:
            sys.stdout.write("\n".join(out) + "\n")
            out = []
    if out:
        sys.stdout.write("\n".join(out) + "\n")


def cmd_templates(args):
    result = app.templates(args.output, enterprise_list=args.enterprise_list)
    if args.json:
        _out(render.json_text(result.to_dict()))
    elif args.enterprise_list:
        _out(render.templates_text(result))
    else:
        for t in result.files:                     # one path per line, as always
            print(t.path)
    return EXIT_OK


def cmd_prefill(args):
    result = app.templates(args.output, enterprise_list=args.enterprise_list, blank=not args.no_blank)
    _out(render.json_text(result.to_dict()) if args.json else render.templates_text(result))
    return EXIT_OK


def cmd_fields(args):
    d = app.fields()
    _out(render.json_text(d) if args.json else render.fields_text(d))
    return EXIT_OK


def cmd_fill(args):
    result = app.fill(args.template, args.values, args.output, strict=args.strict)
    for p in result.problems:
        print("警告：%s（%s!%s）%s  [%s]" % (p.label, p.sheet, p.cell, p.message, p.type), file=sys.stderr)
    if result.path is None:
        print("有 %d 个值不符合填写要求，未写入（--strict）" % len(result.problems), file=sys.stderr)
        return EXIT_INVALID
    print(result.path)
    return EXIT_OK


def cmd_lint(args):
    result = app.lint(args.files)
    out, err = render.lint_text(result)
    if out:
        _out(out)
    if err:
        sys.stderr.write(err + "\n")
    return result.exit_code


def cmd_build_workbook(args):
    print(app.build_workbook(args.output))
    return EXIT_OK


def cmd_install_workbook(args):
    print(app.install_workbook(args.dest))
    return EXIT_OK


def cmd_check(args):
    result = app.check(args.paths, official_list=args.official_list, feedback=args.feedback)
    if args.json:                     # streamed, as merge's
        render.write_json(result.to_dict(lazy=True), sys.stdout)
    else:
        _write_lines(render.check_lines(result.report))
        if result.feedback_dir is not None:
            print("反馈表已写入 %s（%d 个）" % (result.feedback_dir.absolute(), len(result.feedback)))
    return result.exit_code


def cmd_merge(args):
    result = app.merge(args.folder, output=args.output, recursive=args.recursive, official_list=args.official_list,
                       keep=args.keep, enterprise_list=args.enterprise_list, previous=args.previous)
    if args.json:                     # streamed: 15,000 error-heavy forms hold 1.4 M problems
        render.write_json(result.to_dict(lazy=True), sys.stdout)
    else:
        _out(render.merge_text(result))
    if args.strict and result.rejected_or_errors:
        return EXIT_INVALID
    return EXIT_OK


def cmd_missing(args):
    result = app.missing(args.enterprise_list, args.sources)
    _out(render.json_text(result.to_dict()) if args.json else render.missing_text(result))
    return result.exit_code


def cmd_submit(args):
    result = app.submit(args.summary, output=args.output, pdf=not args.no_pdf)
    _out(render.json_text(result.to_dict()) if args.json else render.submit_text(result))
    return result.exit_code


def cmd_demo(args):
    _out(render.demo_text(app.demo(args.dir)))
    return EXIT_OK


# argparse's own messages (Python 3.8-3.13), in the language of everything else the command prints
_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (.*)"), "缺少必需的参数：\\1"),
    (re.compile(r"unrecognized arguments: (.*)"), "无法识别的参数：\\1"),
    (re.compile(r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)"), "参数 \\1 的值 \\2 无效（可选：\\3）"),
    (re.compile(r"argument (.*?): expected one argument"), "参数 \\1 需要一个值"),
    (re.compile(r"argument (.*?): expected at least one argument"), "参数 \\1 至少需要一个值"),
    (re.compile(r"argument (.*?): (.*)"), "参数 \\1：\\2"),
)


JSON_HELP = "以 JSON 输出结果（供脚本和 CI 使用）"


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help frame and usage errors are in Chinese; a usage error exits 2
    (vocab.EXIT_USAGE) with the usage line and 错误：…, as every other usage error of the command."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title, self._optionals.title = "位置参数", "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message):
        for pattern, text in _ARGPARSE_MESSAGES:
            if pattern.fullmatch(message):
                message = pattern.sub(text, message)
                break
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, "错误：%s（用 %s -h 查看用法）\n" % (message, self.prog))


def parser():
    p = _Parser(prog="sjtx-xl", description="专精特新申报模板、校验与汇总（吉工信办联〔2021〕34号）")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", title="命令")

    def add(name, fn, help):
        sp = sub.add_parser(name, help=help, description=help)
        sp.set_defaults(func=fn)
        return sp

    sp = add("templates", cmd_templates, "生成企业和平台申报模板（.xlsx）；给出企业名单时另为名单中每家企业生成预填模板")
    sp.add_argument("-o", "--output", default="templates", help="输出目录（默认 templates）")
    sp.add_argument("--enterprise-list", metavar="XLSX", help="企业名单（企业名称，可选统一社会信用代码、批次）")
    sp.add_argument("--json", action="store_true", help=JSON_HELP)
    sp = add("prefill", cmd_prefill, "按企业名单为每家企业生成预填了名称、信用代码和批次的企业申报模板（同宏工作簿“生成模板”）")
    sp.add_argument("enterprise_list", metavar="名单.xlsx", help="企业名单：含“企业名称”列，可选“统一社会信用代码”“批次”列")
    sp.add_argument("-o", "--output", default=None, help="输出文件夹（默认 ~/sjtx-xl/模板）")
    sp.add_argument("--no-blank", action="store_true", help="只生成预填模板，不另写空白模板")
    sp.add_argument("--json", action="store_true", help=JSON_HELP)
    sp = add("fields", cmd_fields, "打印数据字典（字段、单元格、定义名称、校验规则和自检输出）")
    sp.add_argument("--json", action="store_true", help=JSON_HELP)
    sp = add("fill", cmd_fill, "按字段ID把 JSON 中的值写入模板副本（预填企业名称、信用代码等）")
    sp.add_argument("template", help="模板 .xlsx（如 templates/企业申报表.xlsx）")
    sp.add_argument("values", help="JSON 文件：{字段ID: 值}")
    sp.add_argument("-o", "--output", required=True, help="写出的申报表 .xlsx")
    sp.add_argument("--strict", action="store_true", help="有不符合填写要求的值时不写入（退出码1）")
    sp = add("lint", cmd_lint, "检查 .xlsx 是否超出 Excel 限制（数据验证长度、x14 扩展、_xlfn. 等）")
    sp.add_argument("files", nargs="+")
    sp = add("build-workbook", cmd_build_workbook, "生成主管部门用的宏工作簿 workbook/sjtx_xl.xlsm")
    sp.add_argument("-o", "--output", default="workbook/sjtx_xl.xlsm")
    sp = add("install-workbook", cmd_install_workbook, "把宏工作簿复制到用户目录并配置 Python 解释器")
    sp.add_argument("--dest", default=None)
    sp = add("check", cmd_check, "读取并重新校验已填写的申报表，输出问题清单（同宏工作簿“校验文件”）；"
                                 "给出文件夹时总是包括其子文件夹（merge 只在加 --recursive 时包括）")
    sp.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    sp.add_argument("--json", action="store_true", help=JSON_HELP)
    sp.add_argument("--feedback", metavar="DIR", help="为每个文件生成一份反馈工作簿，便于退回企业修改")
    sp.add_argument("--official-list", metavar="XLSX", help="工信部公布的“小巨人”名单（企业名称、统一社会信用代码）")
    sp = add("merge", cmd_merge, "把文件夹中所有已填写的申报表汇总为附件3、4、5、6等汇总表（同宏工作簿“合并汇总”）")
    sp.add_argument("folder")
    sp.add_argument("-o", "--output", default=None, help="汇总工作簿路径（默认 FOLDER/汇总.xlsx）")
    sp.add_argument("--recursive", action="store_true",
                    help="包括子文件夹（按市州分文件夹时使用；不加时子文件夹在汇总中列为“跳过”。check 总是包括子文件夹）")
    sp.add_argument("--json", action="store_true", help=JSON_HELP)
    sp.add_argument("--strict", action="store_true", help="有文件被拒收或有错误时返回1")
    sp.add_argument("--official-list", metavar="XLSX", help="工信部公布的“小巨人”名单（企业名称、统一社会信用代码）")
    sp.add_argument("--keep", choices=("newest", "first"), default="newest",
                    help="同一信用代码多份文件时保留哪份（newest：工作簿保存时间最新，无则按文件修改时间）")
    sp.add_argument("--previous", metavar="XLSX", help="上次的汇总表：从中带回推荐决定（默认为 -o 指定的已有汇总表）")
    sp.add_argument("--enterprise-list", metavar="XLSX", help="企业名单：同时列出名单中未报送的企业")
    sp = add("missing", cmd_missing, "对照企业名单，列出未报送的企业（名单中有、文件夹或汇总表中没有；有未报送时返回1）")
    sp.add_argument("enterprise_list", metavar="名单.xlsx", help="企业名单：含“企业名称”列，可选“统一社会信用代码”列")
    sp.add_argument("sources", nargs="+", metavar="FOLDER_OR_XLSX", help="报送文件夹、申报表或汇总表")
    sp.add_argument("--json", action="store_true", help=JSON_HELP)
    sp = add("submit", cmd_submit, "按汇总表“推荐决定”生成上报材料：附件3、附件4（只含推荐的，按排序）及PDF、"
             "每家企业的附件5和附件6、推荐请示草稿、未推荐名单")
    sp.add_argument("summary", metavar="汇总.xlsx")
    sp.add_argument("-o", "--output", default=None, help="输出文件夹（默认为汇总表旁的“上报材料”）")
    sp.add_argument("--no-pdf", action="store_true", help="不生成PDF")
    sp.add_argument("--json", action="store_true", help=JSON_HELP)
    sp = add("demo", cmd_demo, "生成示例数据并汇总（演示）")
    sp.add_argument("dir", nargs="?", default="demo", help="演示文件夹（默认 ./demo；再次运行时重新生成并重新汇总）")
    return p


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
    except OSError as e:            # an unwritable or vanished place: a message, never a traceback
        where = e.filename if e.filename is not None else ""
        print("错误：无法读写 %s（%s）：请确认文件夹存在、有写入权限、磁盘未满，或换一个位置" % (where, e.strerror or e),
              file=sys.stderr)
        return EXIT_USAGE


def run():
    """The console script. Only a whole process may take the default SIGPIPE action (so that
    `sjtx-xl fields | head` ends quietly); main() itself is also called in-process by tests."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())


if __name__ == "__main__":
    run()
