"""`sjtx-xl demo`: runs as a command, is deterministic, and covers every class of mistake."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from sjtx_xl import cli, demo, reference, spec
from sjtx_xl.summary import annex3
from sjtx_xl.uscc import check_uscc


def tree_hashes(root):
    out = {}
    for p in sorted(Path(root).rglob("*")):
        if p.is_file():
            out[p.relative_to(root).as_posix()] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime)
    return out


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sjtx_xl.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_demo_command_builds_merges_and_prints_the_summary(tmp_path, capsys):
    """Without a folder it makes ./demo; run again on that folder (named this time), it replaces its
    own files; it never writes into a folder it did not make."""
    p = run("demo", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    summary = tmp_path / "demo" / demo.SUMMARY_NAME
    assert "汇总表：%s" % summary.resolve() in out
    assert summary.exists() and (tmp_path / "demo" / demo.TEMPLATE_DIR / "企业申报表.xlsx").exists()
    assert "已汇总" in out and "拒收" in out and "跳过" in out
    rows = openpyxl.load_workbook(summary)[annex3.SHEET].iter_rows(min_row=5, values_only=True)
    names = [r[1] for r in rows if isinstance(r[0], int)]
    assert len(names) >= 30
    # again in the same folder, named (in this process: the command's entry was run above): replaces
    # its own files; the summary, which may hold an official's decisions, is re-merged and its
    # earlier file kept as a dated copy
    first = summary.read_bytes()
    assert cli.main(["demo", str(tmp_path / "demo")]) == 0
    again = capsys.readouterr().out
    assert "汇总表：%s" % summary.resolve() in again and summary.exists()
    kept = list((tmp_path / "demo").glob("%s.previous-*.xlsx" % summary.stem))
    assert [k.read_bytes() == first for k in kept] == [True]
    assert "上次的汇总表已另存为 %s" % kept[0].name in again
    # never overwrites a folder it did not make
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "重要.xlsx").write_bytes(b"x")
    p = run("demo", str(tmp_path / "mine"))
    assert p.returncode == 2 and "错误" in p.stderr
    assert (tmp_path / "mine" / "重要.xlsx").read_bytes() == b"x"


def test_generation_is_deterministic(tmp_path):
    small = dict(n_enterprises=12, n_platforms=2, mistake_share=0.5)     # every kind of file, fewer of each
    demo.generate(tmp_path / "a", seed=42, **small)
    demo.generate(tmp_path / "b", seed=42, **small)
    demo.generate(tmp_path / "c", seed=43, **small)
    a, b, c = (tree_hashes(tmp_path / x) for x in "abc")
    assert a == b
    assert a != c


def test_realistic_content(tmp_path):
    m = demo.generate(tmp_path, seed=1)
    ents = m.by_role("enterprise")
    assert 30 <= len(ents) <= 60
    mistakes = {x["mistake"] for x in ents if x["mistake"]}
    assert mistakes == set(demo.ENTERPRISE_MISTAKES)            # every class of mistake is present
    assert 0.2 <= len([x for x in ents if x["mistake"]]) / len(ents) <= 0.5
    clean = [x for x in ents if not x["mistake"]]
    for x in clean:
        v = x["values"]
        assert check_uscc(v["uscc"])[0] is True
        assert reference.city_of_area(v["uscc"][2:8]) == x["city"] == v["city"]
        assert Path(x["path"]).parent.name == x["city"]
        assert v["industry"] in spec.form("enterprise").lists["industry"]
        assert len(v["advanced_desc"]) <= 100
        assert v["main_revenue_base"] < v["main_revenue_y1"] < v["main_revenue_y2"]
    names = [x["values"]["name"] for x in ents]
    assert len(set(names)) == len(names)
    platforms = m.by_role("platform")
    assert platforms
    annex2 = set(reference.platform_names())
    assert all(x["values"]["platform_name"] in annex2 for x in platforms if x["mistake"] != "name_typo")
    roles = {x["role"] for x in m}
    assert {"duplicate", "hostile", "lock", "hidden", "other"} <= roles
    assert any(os.path.basename(x["path"]).startswith("~$") for x in m.by_role("lock"))


def test_bulk_generation_for_the_benchmark(tmp_path):
    paths = demo.generate_bulk(tmp_path, 20, processes=2)
    assert len(paths) == len(set(paths)) == 20
    assert {Path(p).parent.name for p in paths} <= set(reference.cities())
