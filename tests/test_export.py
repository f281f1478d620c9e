"""``export`` and ``template``: tables out in the importer's columns; an export imported back
changes nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Cli, dump, location
from tests.test_import_registry import MAN, MAN2, WOMAN, idn, write_csv

TODAY = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC)


def read_back(path: Path, sheet: str | None = None) -> list[list[Any]]:
    from sanlian.io.readers import open_table

    table = open_table(path, sheet=sheet)
    try:
        return [cells for _n, cells in table]
    finally:
        table.close()


@pytest.fixture
def people(base: Cli) -> Cli:
    """The base fixture, with ID numbers and phones to hide or reveal."""
    for args in (
        ("cadre", "edit", "张伟@办公室", "--id-number", MAN),
        ("household", "edit", "王秀英", "--id-number", WOMAN, "--phone", "13912345678"),
        ("household", "add", "李四", "--community", "前河湾村", "--needs", "就医，\n就学"),
        ("community", "add", "幸福社区", "--town", "枣园镇"),  # a name shared by two
        ("household", "add", "王五", "--community", "3", "--id-number", MAN2),
    ):
        result = base(*args)
        assert result.code == 0, result
    return base


# --- export -----------------------------------------------------------------------------------


def test_export_xlsx_hides_personal_numbers(people: Cli, tmp_path: Path) -> None:
    path = tmp_path / "干部.xlsx"
    result = people("export", "cadre", "-o", path)
    assert result.code == 0, result
    assert f"已导出干部 4 条到 {path}" in result.err
    assert "未导出" in result.err and "--reveal" in result.err
    rows = read_back(path)
    assert rows[0] == [
        "台账编号",
        "姓名",
        "科室",
        "性别",
        "职务",
        "政治面貌",
        "领导班子成员",
        "领导小组职务",
        "备注",
    ]
    assert rows[1] == ["1", "张伟", "办公室", "男", None, "中共党员", "是", "组长"]
    assert not any("*" in str(c) for row in rows for c in row)


def test_export_reveal_writes_numbers_as_text(people: Cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "联系户.xlsx"
    result = people("export", "household", "-o", path, "--reveal")
    assert result.code == 0, result
    assert "未导出" not in result.err
    sheet = load_workbook(path).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["台账编号", "户主姓名", "所在社区(村)", "联系电话", "身份证号码"]
    id_cell = sheet.cell(row=2, column=5)
    assert id_cell.value == WOMAN and id_cell.data_type == "s" and id_cell.number_format == "@"
    rows = read_back(path)
    # 幸福社区 is the name of two: the township tells them apart
    assert rows[1][:6] == ["1", "王秀英", "幸福社区@兰山街道", "13912345678", WOMAN, "3"]
    assert rows[2][:3] == ["2", "李四", "前河湾村"]
    assert rows[2][6] == "就医，\n就学"


def test_export_csv_has_bom_and_keeps_id_numbers_from_excel(people: Cli, tmp_path: Path) -> None:
    path = tmp_path / "联系户.csv"
    assert people("export", "联系户", "-o", path, "--reveal").code == 0
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert f"\t{WOMAN}" in text  # a tab keeps Excel from turning it into 1.10101E+17
    assert "\t13912345678" not in text


def test_export_to_stdout(people: Cli) -> None:
    result = people("export", "community")
    assert result.code == 0, result
    assert result.out.splitlines()[0] == "台账编号,名称,类别,乡镇(街道),网格,联系人,备注"
    assert "1,幸福社区,社区,兰山街道,第一网格,," in result.out


@pytest.mark.parametrize(
    ("word", "label"),
    [
        ("走访", "走访记录"),
        ("活动", "活动记录"),
        ("调研", "调研报告"),
        ("联系", "联系记录"),
        ("村", "社区(村)"),
        ("群众", "联系户"),
    ],
)
def test_kinds_by_the_words_clerks_use(people: Cli, tmp_path: Path, word: str, label: str) -> None:
    result = people("export", word, "-o", tmp_path / "x.csv")
    assert result.code == 0 and f"已导出{label} " in result.err, result
    if word != "活动":  # activities are recorded one by one: no template
        result = people("template", word, "-o", tmp_path / "t.xlsx")
        assert result.code == 0 and f"已写入{label}导入模板" in result.err, result


def test_export_refusals(people: Cli, tmp_path: Path) -> None:
    result = people("export", "worker")
    assert (
        result.code == 1 and "不认识的类别“worker”" in result.err and "cadre（干部）" in result.err
    )
    result = people("export", "cadre", "-o", tmp_path / "x.json")
    assert result.code == 1 and ".xlsx 或 .csv" in result.err


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("kind", ["section", "cadre", "community", "enterprise", "household"])
def test_export_imported_back_changes_nothing(
    people: Cli, tmp_path: Path, db_path: Path, kind: str, suffix: str
) -> None:
    for reveal in ((), ("--reveal",)):
        path = tmp_path / f"{kind}{len(reveal)}{suffix}"
        assert people("export", kind, "-o", path, *reveal).code == 0
        before = dump(db_path)
        result = people(kind, "import", path)
        assert result.code == 0, result
        assert "新增 0，更新 0，未变" in result.out
        assert "不认识" not in result.err
        assert dump(db_path) == before


def test_masked_listing_cannot_be_imported(people: Cli, tmp_path: Path, unchanged: Any) -> None:
    path = tmp_path / "名单.csv"
    assert people("household", "list", "-o", path).code == 0
    assert "*" in path.read_text(encoding="utf-8-sig")
    result = unchanged(lambda: people("household", "import", path))
    assert "是遮蔽过的号码（含 *），不能作为真实号码写入" in result.err
    assert "--reveal" in result.err


# --- template ---------------------------------------------------------------------------------


def test_a_template_example_row_overwritten_but_for_its_number(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    """The example row written over with a name only: its gender agrees with its ID number
    (no refusal about the 17th digit), and the example's number is not taken as the person's."""
    from openpyxl import load_workbook

    path = tmp_path / "模板.xlsx"
    assert base("template", "cadre", "-o", path).code == 0
    book = load_workbook(path)
    book["干部"]["A2"] = "牛三"
    book.save(path)
    result = unchanged(lambda: base("cadre", "import", path))
    assert result.code == 1 and "第 17 位" not in result.err, result
    assert "“身份证号码”还是模板示例行的号码，不是本人的" in result.err
    # an earlier version's template (its example a woman's number): the same
    rows = [["姓名", "科室", "性别", "身份证号码"], ["牛四", "办公室", "女", "11010519491231002X"]]
    result = unchanged(lambda: base("cadre", "import", write_csv(tmp_path / "旧模板.csv", rows)))
    assert "还是模板示例行的号码" in result.err


def test_template(cli: Cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "模板.xlsx"
    result = cli("template", "cadre", "-o", path)
    assert result.code == 0, result
    assert "第 2 行是示例" in result.err
    book = load_workbook(path)
    assert book.sheetnames == ["干部", "说明"]
    sheet = book["干部"]
    assert [c.value for c in sheet[1]] == [
        "姓名", "科室", "性别", "职务", "政治面貌", "领导班子成员", "领导小组职务", "手机号码",
        "身份证号码", "备注",
    ]  # fmt: skip
    assert sheet["I2"].value == "110105194912310011"  # a man's, as 性别 says
    assert sheet["I3"].number_format == "@"  # the ID column is text before anyone types
    assert sheet["H3"].number_format == "@"
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert '"男,女"' in lists and '"是,否"' in lists
    guide = [[c.value for c in row] for row in book["说明"].iter_rows()]
    assert guide[0] == ["列名", "是否必填", "说明", "可选值", "也可写作"]
    assert guide[1][:2] == ["姓名", "必填"] and "名字" in guide[1][4]
    # 必填 said once, in its column (not again in the explanation beside it)
    assert all("必填" not in str(r[2]) for r in guide[1:] if r[1] in ("必填", "选填"))
    id_row = next(r for r in guide if r[0] == "身份证号码")
    assert "文本" in id_row[2] and "公民身份号码" in id_row[4]
    assert any("--dry-run" in str(r[0]) for r in guide)


def test_template_default_name_and_kinds(cli: Cli, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("template", "社区").code == 0
    assert (tmp_path / "社区村导入模板.xlsx").exists()
    result = cli("template", "brief")
    assert result.code == 1 and "没有导入模板" in result.err


def test_template_does_not_overwrite_a_filled_one(
    cli: Cli, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    filled = tmp_path / "干部导入模板.xlsx"
    filled.write_bytes(b"the clerk's rows")
    result = cli("template", "cadre")
    assert result.code == 1 and "已存在（可能是已填写的模板），未覆盖" in result.err
    assert "--force" in result.err and filled.read_bytes() == b"the clerk's rows"
    assert cli("template", "cadre", "--force").code == 0
    assert filled.read_bytes().startswith(b"PK")


def test_untouched_template_imports_nothing(base: Cli, tmp_path: Path, db_path: Path) -> None:
    for kind in ("section", "cadre", "community", "enterprise", "household"):
        path = tmp_path / f"{kind}.xlsx"
        assert base("template", kind, "-o", path).code == 0
        before = dump(db_path)
        result = base(kind, "import", path)
        assert result.code == 1, result
        assert "只有模板第 2 行的示例，没有要导入的数据" in result.err and not result.out
        assert dump(db_path) == before


def test_filled_template_imports(base: Cli, tmp_path: Path, db_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "cadre.xlsx"
    assert base("template", "cadre", "-o", path).code == 0
    book = load_workbook(path)
    sheet = book["干部"]
    sheet.append(["刘洋", "综合科", "女", "科员", "中共党员", "否", None, "13800001111", WOMAN])
    book.save(path)
    result = base("cadre", "import", path)
    assert result.code == 0, result
    assert "新增 1，更新 0，未变 0" in result.out


# --- Hypothesis: export → import round trips with awkward text -------------------------------

PROSE = st.text(
    alphabet=st.sampled_from(list("幸福路号就医学，。、“”‘’,\"' \n=+-*/;|\t\rabcXYZ0129·（）()")),
    max_size=30,
)
NAME = st.text(
    alphabet=st.sampled_from(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗·")),
    min_size=1,
    max_size=6,
)
PHONE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


def _ids() -> Any:
    weights = [2 ** (17 - i) % 11 for i in range(17)]

    def build(birth: dt.date, serial: int) -> str:
        body = f"110101{birth:%Y%m%d}{serial:03d}"
        return (
            body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
        )

    return st.builds(
        build,
        st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2005, 12, 31)),
        st.integers(0, 999),
    )


HOUSEHOLD = st.fixed_dictionaries(
    {
        "name": NAME,
        "community": st.sampled_from(["幸福社区", "#2", "#3", "前河湾村@枣园镇"]),
        "phone": st.none() | PHONE,
        "id_number": st.none() | _ids(),
        "members": st.none() | st.integers(1, 12).map(str),
        "needs": st.none() | PROSE,
        "address": st.none() | PROSE,
        "note": st.none() | PROSE,
    }
)
CADRE = st.fixed_dictionaries(
    {
        "name": NAME,
        "section": st.sampled_from(["办公室", "综合科"]),
        "title": st.none() | PROSE,
        "party": st.none() | st.sampled_from(["中共党员", "群众", "共青团员"]),
        "is_leader": st.booleans(),
        "role": st.none() | st.sampled_from(["组长", "成员"]),
        "phone": st.none() | PHONE,
        "note": st.none() | PROSE,
    }
)


@contextlib.contextmanager
def fresh_database() -> Any:
    from sanlian.db.engine import open_database
    from sanlian.services import registry

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(str(Path(folder) / "x.db"), create=True)
        with db.session() as session:
            for kind, values in (
                ("section", {"name": "办公室"}),
                ("section", {"name": "综合科"}),
                ("community", {"name": "幸福社区", "town": "兰山街道"}),
                ("community", {"name": "前河湾村", "kind": "村", "town": "兰山街道"}),
                ("community", {"name": "前河湾村", "kind": "村", "town": "枣园镇"}),
            ):
                registry.add(session, kind, values, today=TODAY, now=NOW)
        try:
            yield db, Path(folder)
        finally:
            db.dispose()


def _round_trip(kind: str, records: list[dict[str, Any]], suffix: str) -> None:
    from sanlian.errors import SanlianError
    from sanlian.io.readers import open_table
    from sanlian.services import exporting, importing, registry

    with fresh_database() as (db, folder):
        added = {"section": 2, "community": 3}.get(kind, 0)  # made by fresh_database
        for values in records:
            try:
                with db.session() as session:
                    registry.add(session, kind, values, today=TODAY, now=NOW)
                added += 1
            except SanlianError:
                pass  # a duplicate the generator made: the add command refuses it too
        path = folder / f"out{suffix}"
        with db.session() as session:
            table = exporting.export_table(session, kind, reveal=True, today=TODAY)
            assert exporting.write_export(table, path) == added
        before = dump(folder / "x.db")
        if not added:  # an empty table's export is a header alone: its import is refused
            with db.session() as session, pytest.raises(SanlianError) as refused:
                importing.run_import(session, kind, open_table(path), today=TODAY, now=NOW)
            assert refused.value.key == "import_header_only"
            assert dump(folder / "x.db") == before
            return
        with db.session() as session:
            result = importing.run_import(session, kind, open_table(path), today=TODAY, now=NOW)
        assert [(b.line, b.problems) for b in result.bad] == []
        assert (result.added, result.updated, result.unchanged) == (0, 0, added)
        assert dump(folder / "x.db") == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(HOUSEHOLD, max_size=6), suffix=st.sampled_from([".xlsx", ".csv"]))
def test_household_round_trip(records: list[dict[str, Any]], suffix: str) -> None:
    _round_trip("household", records, suffix)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(CADRE, max_size=6), suffix=st.sampled_from([".xlsx", ".csv"]))
def test_cadre_round_trip(records: list[dict[str, Any]], suffix: str) -> None:
    _round_trip("cadre", records, suffix)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(
        st.fixed_dictionaries({"name": NAME, "town": st.none() | PROSE, "grid": st.none() | PROSE}),
        max_size=5,
    ),
    suffix=st.sampled_from([".xlsx", ".csv"]),
)
def test_community_round_trip(records: list[dict[str, Any]], suffix: str) -> None:
    _round_trip("community", records, suffix)


def test_refused_values_round_trip_as_refusals(base: Cli, tmp_path: Path) -> None:
    """A value the add command refuses is refused by the import with the same sentence."""
    added = base("household", "add", "李四", "--community", "幸福社区", "--members", "0")
    rows = [["户主姓名", "社区", "家庭人口"], ["李四", "幸福社区", "0"]]
    imported = base("household", "import", write_csv(tmp_path / "x.csv", rows))
    assert added.code == imported.code == 1
    assert added.err.strip() in imported.err


def test_template_suffix(cli: Cli, tmp_path: Path) -> None:
    result = cli("template", "cadre", "-o", tmp_path / "x.csv")
    assert result.code == 1 and ".xlsx" in result.err
    assert not (tmp_path / "x.csv").exists()


# --- 台账编号: an edited export updates its records ------------------------------------------

MAN3 = idn("11010119900303005")


def _edit_csv(path: Path, edit: Any) -> Path:
    """Read an exported CSV, let ``edit`` change its rows (header first), write it back."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    return write_csv(path, rows)


def test_edited_default_export_updates_instead_of_adding(
    people: Cli, tmp_path: Path, db_path: Path
) -> None:
    from tests.test_import_registry import rows_of

    path = tmp_path / "e.csv"
    assert people("export", "cadre", "-o", path).code == 0  # no --reveal: no ID column

    def edit(rows: list[list[str]]) -> None:
        assert rows[0][:3] == ["台账编号", "姓名", "科室"]
        by_name = {row[1]: row for row in rows[1:]}
        by_name["曾强"][2] = "综合科"  # moved to another section
        by_name["单丽"][1] = "单莉"  # a typo corrected

    _edit_csv(path, edit)
    result = people("cadre", "import", path)
    assert result.code == 0, result
    assert "干部：新增 0，更新 2，未变 2。" in result.out
    assert rows_of(db_path, "select id, name, section_id from cadre order by id") == [
        (1, "张伟", 1),
        (2, "张伟", 2),
        (3, "单莉", 2),
        (4, "曾强", 2),
    ]
    assert people("cadre", "show", "dl", "-f", "json").json()["name"] == "单莉"  # keys renewed


def test_record_number_refusals(people: Cli, tmp_path: Path, unchanged: Any) -> None:
    rows = [
        ["台账编号", "姓名", "科室"],
        ["99", "新人", "办公室"],  # no cadre 99
        ["x1", "新人", "综合科"],  # not a number
        ["3", "单丽", "综合科"],
        ["#3", "单丽", "综合科"],  # the same record twice
    ]
    result = unchanged(lambda: people("cadre", "import", write_csv(tmp_path / "x.csv", rows)))
    err = result.err
    assert "3 行不合格" in err
    assert "2       台账编号  99" in err and "“台账编号”99 在台账中找不到对应的干部" in err
    assert "新增的行请留空" in err
    assert "3       台账编号  x1" in err and "不是记录编号" in err
    assert "5       台账编号  #3" in err and "与第 4 行是同一干部" in err


def test_record_number_of_another_party_refused(
    people: Cli, tmp_path: Path, db_path: Path, unchanged: Any
) -> None:
    # A 台账编号 from another database's export (or copied to the wrong row) names a record
    # of this one: taken as an edit, it would write one person over another.
    rows = [["台账编号", "姓名", "科室"], ["3", "李建国", "综合科"]]
    result = unchanged(lambda: people("cadre", "import", write_csv(tmp_path / "c.csv", rows)))
    assert "2       台账编号  3" in result.err
    assert "“台账编号”3 是干部“单丽”，本行却是“李建国”，不像同一条记录" in result.err
    assert "确要改名请用 cadre edit 3 --name 李建国。" in result.err
    header = ["台账编号", "户主姓名", "所在社区(村)", "身份证号码"]
    rows = [header, ["1", "赵六", "幸福社区@枣园镇", MAN3]]
    result = unchanged(lambda: people("household", "import", write_csv(tmp_path / "h.csv", rows)))
    assert "本行却是“赵六”，身份证号码也不同，不像同一条记录" in result.err
    # The same ID number says it is the same person renamed; one character is a typo fixed.
    rows = [header, ["1", "陈晓红", "幸福社区@枣园镇", WOMAN], ["3", "单莉", "", ""]]
    rows[2][1:3] = ["王小五", "3"]
    result = people("household", "import", write_csv(tmp_path / "ok.csv", rows))
    assert result.code == 0, result
    assert "更新 2" in result.out
    from tests.test_import_registry import rows_of

    assert rows_of(db_path, "select name from household where id in (1, 3) order by id") == [
        ("陈晓红",),
        ("王小五",),
    ]


def test_record_number_of_another_kind_or_retired(
    people: Cli, tmp_path: Path, unchanged: Any
) -> None:
    # enterprise 1 exists, but a 台账编号 is a number among records of the file's own kind
    assert people("household", "remove", "李四").code == 0  # household 2 deleted
    rows = [["台账编号", "户主姓名", "所在社区(村)"], ["2", "李四", "前河湾村"]]
    result = unchanged(lambda: people("household", "import", write_csv(tmp_path / "x.csv", rows)))
    assert "“台账编号”2 的联系户已经删除（变更日志第 " in result.err  # (its number not reused)
    assert "本行不能再修改它；要作为新记录重新登记，请清空这一行的台账编号再导入。" in result.err
    rows = [["台账编号", "户主姓名", "所在社区(村)"], ["9", "李四", "前河湾村"]]
    result = unchanged(lambda: people("household", "import", write_csv(tmp_path / "x.csv", rows)))
    assert "“台账编号”9 在台账中找不到对应的联系户" in result.err  # never given
    assert people("link", "community", "--section", "办公室", "--community", "前河湾村").code == 0
    assert people("community", "remove", "前河湾村", "--force").code == 0
    rows = [["台账编号", "名称", "乡镇(街道)"], ["2", "前河湾村", "新桥镇"]]
    result = unchanged(lambda: people("community", "import", write_csv(tmp_path / "y.csv", rows)))
    assert "“台账编号”2 的社区(村)“前河湾村”已停用" in result.err
    rows[1][2] = "枣园镇"  # the row as the ledger has it: nothing to change, skipped
    result = people("community", "import", write_csv(tmp_path / "z.csv", rows))
    assert (
        result.code == 0
        and "社区(村)“前河湾村”（编号 2）已停用，这一行与台账中的相同" in result.err
    )


def test_own_serial_columns_stay_ignored(base: Cli, tmp_path: Path, db_path: Path) -> None:
    from tests.test_import_registry import rows_of

    rows = [["序号", "编号", "姓名", "科室"], ["1", "3", "新人", "办公室"]]
    result = base("cadre", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 0, result
    assert "新增 1，更新 0，未变 0" in result.out  # 编号 3 is the roster's, not cadre 3
    assert rows_of(db_path, "select name from cadre where id = 3") == [("单丽",)]


def test_a_listing_written_by_list_o_and_imported_says_its_numbers_were_not_used(
    base: Cli, tmp_path: Path
) -> None:
    """``cadre list -o`` writes 编号 (the record's number), but it is not an export: a row
    renamed in it comes in as a new cadre; the clerk is told, and how to do it instead."""
    from openpyxl import load_workbook

    path = tmp_path / "列表.xlsx"
    assert base("cadre", "list", "-o", path).code == 0
    book = load_workbook(path)
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    for column in ("手机号码", "身份证号码"):  # (masked in a listing: left out)
        if column in headers:
            sheet.delete_cols(headers.index(column) + 1)
            headers.remove(column)
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index("姓名")].value == "曾强":
            row[headers.index("姓名")].value = "曾墙"
    book.save(path)
    result = base("cadre", "import", path)
    assert result.code == 0 and "新增 1" in result.out, result
    assert "提示：这份文件像是用 list -o 写出的列表，其中的“编号”列没有用来对应" in result.err
    assert "sanlian export cadre -o 文件.xlsx" in result.err.replace("\n", "")


def test_template_has_no_record_number(cli: Cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "模板.xlsx"
    assert cli("template", "household", "-o", path).code == 0
    book = load_workbook(path)
    assert "台账编号" not in [c.value for c in book["联系户"][1]]
    guide = " ".join(str(row[0].value) for row in book["说明"].iter_rows())
    assert "台账编号" in guide and "新增的行请留空" in guide


def test_namesake_households_in_a_default_export(
    people: Cli, tmp_path: Path, db_path: Path
) -> None:
    # Two 王五 in one community, told apart only by their ID numbers, which a default export
    # leaves out: the 台账编号 tells them apart.
    assert people("household", "add", "王五", "--community", "3", "--id-number", MAN3).code == 0
    path = tmp_path / "h.xlsx"
    assert people("export", "household", "-o", path).code == 0
    before = dump(db_path)
    result = people("household", "import", path)
    assert result.code == 0, result
    assert "新增 0，更新 0，未变 4" in result.out
    assert dump(db_path) == before
    # Without the column, the hint names what tells households apart, and only that.
    rows = [["户主姓名", "所在社区(村)", "家庭人口"], ["王五", "幸福社区@枣园镇", "5"]]
    result = people("household", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 1
    assert "与多条已登记的联系户都对得上" in result.err
    assert "请补填身份证号码以区分" in result.err
    assert "乡镇" not in result.err.split("都对得上")[1] and "信用代码" not in result.err


# --- retired records in exports ----------------------------------------------------------------


def test_retired_records_named_so_that_they_resolve(people: Cli, db_path: Path) -> None:
    from sanlian.db.engine import open_database
    from sanlian.services import exporting

    for args in (
        ("cadre", "add", "李强", "--section", "办公室"),
        ("cadre", "add", "李强", "--section", "综合科"),
        ("link", "community", "--section", "综合科", "--community", "#1"),
        ("link", "household", "--cadre", "李强@综合科", "--household", "王秀英"),
        ("cadre", "remove", "李强@综合科", "--force"),  # retired, a namesake still active
        ("link", "household", "--cadre", "单丽", "--household", "王秀英"),
        ("cadre", "remove", "单丽", "--force"),  # retired, the only one of the name
        ("cadre", "add", "曾强", "--section", "综合科"),
        ("cadre", "remove", "曾强@综合科"),  # never used: deleted
    ):
        result = people(*args)
        assert result.code == 0, result
    db = open_database(location(db_path))
    with db.session() as session:
        names = exporting.ref_names(session, "cadre")
        communities = exporting.ref_names(session, "community")
        households = exporting.ref_names(session, "household")
    db.dispose()
    assert names[3] == "单丽"
    assert names[5] == "李强" and names[6] == "李强@综合科"  # a plain name prefers the active
    assert names[1] == "张伟@办公室" and names[4] == "曾强"
    assert communities == {1: "幸福社区@兰山街道", 2: "前河湾村", 3: "幸福社区@枣园镇"}
    assert households[1] == "王秀英"


def test_names_that_would_read_as_something_else(base: Cli, db_path: Path) -> None:
    from sanlian.db.engine import open_database
    from sanlian.services import exporting

    for args in (
        ("community", "add", "12", "--town", "东镇"),  # would read as community 12
        ("household", "add", "王五", "--community", "12@东镇"),
        ("household", "add", "王五", "--community", "幸福社区"),
    ):
        result = base(*args)
        assert result.code == 0, result
    db = open_database(location(db_path))
    with db.session() as session:
        communities = exporting.ref_names(session, "community")
        households = exporting.ref_names(session, "household")
    db.dispose()
    assert communities[3] == "12@东镇"
    assert households[2] == "王五@12@东镇" and households[3] == "王五@幸福社区"
    from sanlian.db.engine import open_database as again
    from sanlian.services import refs

    db = again(location(db_path))
    with db.session() as session:
        for kind, table in (("community", communities), ("household", households)):
            for record_id, name in table.items():
                assert refs.resolve(session, kind, name, include_retired=True).id == record_id
    db.dispose()


def test_export_to_an_unwritable_place(people: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "文件"
    blocker.write_text("x")
    for suffix in (".csv", ".xlsx"):
        result = people("export", "cadre", "-o", blocker / f"干部{suffix}")
        assert result.code == 1, result
        assert "无法写入文件" in result.err and "换一个路径" in result.err
        assert "Error" not in result.err


def test_contacts_fixed_lines_import_export_and_are_hidden(base: Cli, tmp_path: Path) -> None:
    """A village committee's or a company's contact reached by a fixed line: imported as
    written with its area code, listed masked, left out of an export (which says which
    column), and back in full with ``--reveal``; a round trip changes nothing."""
    rows = [
        ["名称", "类别", "乡镇(街道)", "联系人", "联系电话"],
        ["石桥村", "村", "枣园镇", "王五", "(0539)8123456"],
        ["东关社区", "社区", "兰山街道", "李六", "13912345678"],
    ]
    result = base("community", "import", write_csv(tmp_path / "社区.csv", rows))
    assert result.code == 0, result.err
    listed = base("community", "list", "-f", "csv").out
    assert "石桥村,村,枣园镇,,王五,053*****3456" in listed and "8123456" not in listed
    hidden = base("export", "community")
    assert "联系电话" not in hidden.out.splitlines()[0] and "8123456" not in hidden.out
    assert "提示：联系电话未导出" in hidden.err
    path = tmp_path / "导出.csv"
    assert base("export", "community", "--reveal", "-o", path).code == 0
    text = path.read_text(encoding="utf-8-sig")
    assert "王五,0539-8123456" in text
    again = base("community", "import", path)
    assert again.code == 0 and "未变 4" in again.out, again
    refused = base("enterprise", "add", "甲公司", "--phone", "8123456")
    assert refused.code == 1 and "固定电话连区号写" in refused.err
    assert base("enterprise", "add", "甲公司", "--phone", "010-65123456").code == 0
    assert base("community", "edit", "石桥村", "--phone", "0539-8123400").code == 0
    shown = base("history", "--detail").out
    assert "联系电话：053*****3456 → 053*****3400" in shown


def test_an_export_does_not_write_over_a_file_unless_forced(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    """A roster exported, edited in Excel and not yet imported was wiped out by the same
    export run again from the shell's history."""
    path = tmp_path / "干部.xlsx"
    assert base("export", "cadre", "-o", path).code == 0
    path.write_bytes(b"edited")
    result = unchanged(lambda: base("export", "cadre", "-o", path, "--reveal"))
    assert result.err.strip() == (
        f"文件 {path} 已存在（可能已在 Excel 中改过、还没导入），未覆盖；请换一个文件名"
        f"（如 -o {tmp_path / '干部-2.xlsx'}），或加 --force 覆盖它。"
    )
    assert path.read_bytes() == b"edited"
    assert base("export", "cadre", "-o", path, "--force").code == 0
    assert path.read_bytes() != b"edited"
