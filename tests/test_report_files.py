"""自查报告.xlsx and 自查报告.docx, read back and checked against ``selfcheck -f json``."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, location
from tests.test_selfcheck import YEAR_END, Ids, build_ledger

MEASURE_LABELS = {
    "policy": "送政策",
    "information": "送信息",
    "funds": "送资金",
    "technology": "送技术",
    "talent": "送人才",
    "health": "送健康",
    "culture": "送文化",
    "law": "送法律",
}


@pytest.fixture
def ledger(db_path: Path) -> Ids:
    return build_ledger(db_path)


@pytest.fixture
def figures(cli: Cli, ledger: Ids) -> Any:
    result = cli("selfcheck", "-f", "json", "--as-of", "2026-12-31")
    assert result.code == 0, result
    data = result.json()
    assert data["figures"] == YEAR_END
    return data


def _flat(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures with measures spread to ``measures.<key>`` and money as Decimal."""
    out: dict[str, Any] = {}
    for key, value in figures.items():
        if key == "measures":
            out.update({f"measures.{m}": n for m, n in value.items()})
        elif key == "funds_yuan":
            out[key] = Decimal(value)
        else:
            out[key] = value
    return out


# --- xlsx -----------------------------------------------------------------------------------


@pytest.fixture
def workbook(cli: Cli, figures: Any, tmp_path: Path) -> Any:
    import openpyxl

    path = tmp_path / "自查报告.xlsx"
    result = cli("selfcheck", "--as-of", "2026-12-31", "-o", path)
    assert result.code == 0, result
    assert "已写入" in result.err and result.out == ""
    return openpyxl.load_workbook(path)


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_xlsx_sheets_and_style(workbook: Any) -> None:
    assert workbook.sheetnames == ["汇总", "按科室", "按干部", "问题台账", "走访台账"]
    for ws in workbook.worksheets:
        header_row = 3 if ws.title == "汇总" else 1
        headers = [c for c in ws[header_row] if c.value is not None]
        assert headers and all(c.font.bold for c in headers), ws.title
        for cell in headers:
            width = ws.column_dimensions[cell.column_letter].width
            assert width and width >= 4, (ws.title, cell.value)


def test_xlsx_summary_equals_json(workbook: Any, figures: Any) -> None:
    ws = workbook["汇总"]
    rows = {r[1]: r[2] for r in ws.iter_rows(min_row=4, values_only=True)}
    expected = _flat(figures["figures"])
    assert set(rows) == set(expected)
    for key, value in expected.items():
        got = rows[key]
        if key == "funds_yuan":
            assert isinstance(got, int | float) and _money(got) == value
        else:
            assert isinstance(got, int) and got == value, key


def test_xlsx_by_section_equals_json(workbook: Any, figures: Any) -> None:
    ws = workbook["按科室"]
    rows = list(ws.iter_rows(values_only=True))
    headers = rows[0]
    assert headers[:2] == ("编号", "科室")
    blank = rows.index((None,) * len(headers))  # the table, then a note under it
    by_name = {r[1]: dict(zip(headers, r, strict=True)) for r in rows[1:blank]}
    assert set(by_name) == {"办公室", "综合科", "全局"}
    # a visit of two sections' cadres counts in each: the sheet says why they add up to more
    assert sum(s["visits"] for s in figures["by_section"]) > figures["figures"]["visits"]
    assert rows[blank + 1][0].endswith("所以各科室之和可能大于全局。")
    scopes = [(s["section"], s) for s in figures["by_section"]]
    scopes.append(("全局", figures["figures"]))
    labels = {
        "visits": "走访次数",
        "visit_person_times": "走访人次",
        "households_paired": "结对户",
        "problems_resolved": "已解决",
        "activity_person_times": "参加活动人次",
        "eight_ones_done": "八个一完成项",
    }
    for name, expected in scopes:
        row = by_name[name]
        for key, label in labels.items():
            assert row[label] == expected[key], (name, key)
        assert _money(row["资金(元)"]) == Decimal(expected["funds_yuan"])
        for m, label in MEASURE_LABELS.items():
            assert row[label] == expected["measures"][m], (name, m)


def test_xlsx_ledgers(workbook: Any, ledger: Ids) -> None:
    import datetime as dt

    problems = list(workbook["问题台账"].iter_rows(values_only=True))
    head = problems[0]
    rows = [dict(zip(head, r, strict=True)) for r in problems[1:]]
    # P1 (resolved in the year), P2–P7 (raised in it): every problem of the year with its state
    assert sorted(r["编号"] for r in rows) == sorted(ledger.problems.values())
    state = {r["编号"]: r["状态"] for r in rows}
    assert state[ledger.problems["P4"]] == "办理中"
    assert state[ledger.problems["P5"]] == "无法解决"
    assert state[ledger.problems["P6"]] == "待办"
    p2 = next(r for r in rows if r["编号"] == ledger.problems["P2"])
    assert isinstance(p2["提出日期"], dt.datetime) and p2["提出日期"].date() == dt.date(2026, 4, 12)
    assert _money(p2["资金(元)"]) == Decimal("12345.67")
    assert p2["措施"] == "送资金、送技术"
    p4 = next(r for r in rows if r["编号"] == ledger.problems["P4"])
    assert p4["超期天数"] == 214  # due 05-31, as of 12-31
    visits = list(workbook["走访台账"].iter_rows(values_only=True))
    assert len(visits) == 1 + 4  # V1–V4
    v1 = dict(zip(visits[0], visits[1], strict=True))
    assert (v1["走访干部"], v1["人数"], v1["联系卡"]) == ("李娜、赵敏", 2, 2)
    cadres = list(workbook["按干部"].iter_rows(values_only=True))
    # 刘退 left on 09-30: his report R6 and his activity are in the year's figures, so he has
    # his row, with the day he left
    assert [r[1] for r in cadres[1:]] == ["张伟", "李娜", "孙闲", "王强", "赵敏", "刘退"]
    left = {r[1]: dict(zip(cadres[0], r, strict=True))["停用日期"] for r in cadres[1:]}
    assert left.pop("刘退") == dt.datetime(2026, 9, 30) and set(left.values()) == {None}


def test_xlsx_problem_finished_late_shows_the_days_it_was_late(base: Cli, tmp_path: Path) -> None:
    """A problem due 03-31 and resolved on 05-10 was 40 days late: the ledger said 0, as for
    one settled in time. Open ones: days past due on the as-of day."""
    import openpyxl

    add = ("problem", "add", "--household", "1", "--category", "就学", "--owner", "单丽")
    for text, due in (
        ("晚解决", "3-31"),
        ("晚办结", "3-31"),
        ("按时解决", "6-30"),
        ("未办", "3-31"),
    ):
        assert base(*add, "--text", text, "--date", "3-1", "--due", due).code == 0
    assert base("problem", "resolve", "1", "--how", "已协调", "--date", "5-10").code == 0
    assert base("problem", "close", "2", "--reason", "政策不允许", "--date", "4-10").code == 0
    assert base("problem", "resolve", "3", "--how", "已协调", "--date", "4-1").code == 0
    path = tmp_path / "自查报告.xlsx"
    assert base("selfcheck", "--as-of", "2026-06-15", "-o", path).code == 0
    rows = list(openpyxl.load_workbook(path)["问题台账"].iter_rows(values_only=True))
    late = next(i for i, h in enumerate(rows[0]) if str(h).startswith("超期天数"))
    assert {r[0]: r[late] for r in rows[1:]} == {1: 40, 2: 10, 3: 0, 4: 76}
    listed = base("problem", "list", "--as-of", "2026-06-15", "-f", "json").json()
    assert {r["id"]: r["overdue_days"] for r in listed} == {1: 40, 2: 10, 3: None, 4: 76}


def test_xlsx_ledger_longer_than_a_sheet(
    cli: Cli, ledger: Ids, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past Excel's row limit a ledger goes on in …（续） sheets with the header again, and
    汇总 says so; here a sheet holds a header and three rows."""
    import openpyxl

    from sanlian.io import report_xlsx
    from sanlian.reports import ledgers

    monkeypatch.setattr(report_xlsx, "MAX_ROWS", 4)
    monkeypatch.setattr(ledgers, "BATCH", 2)  # problems read two at a time, measures too
    path = tmp_path / "自查报告.xlsx"
    result = cli("selfcheck", "--as-of", "2026-12-31", "-o", path)
    assert result.code == 0, result
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "汇总",
        "按科室",
        "按干部",  # 5 cadres: not a ledger, never split
        "问题台账",  # 7 problems: 3 + 3 + 1
        "问题台账（续）",
        "问题台账（续2）",
        "走访台账",  # 4 visits: 3 + 1
        "走访台账（续）",
    ]
    assert book["按干部"].max_row == 1 + 6
    sheets = {n: list(book[n].iter_rows(values_only=True)) for n in book.sheetnames[3:]}
    assert [len(rows) for rows in sheets.values()] == [4, 4, 2, 4, 2]
    head = sheets["问题台账"][0]
    assert head[:2] == ("编号", "提出日期")
    assert sheets["问题台账（续2）"][0] == head
    assert sheets["走访台账（续）"][0] == sheets["走访台账"][0]
    for name in book.sheetnames[3:]:
        ws = book[name]
        assert ws.freeze_panes == "A2" and all(c.font.bold for c in ws[1]), name
        assert ws.column_dimensions["A"].width >= 4, name
    problems = [
        r[0] for n in ("问题台账", "问题台账（续）", "问题台账（续2）") for r in sheets[n][1:]
    ]
    assert sorted(problems) == sorted(ledger.problems.values())
    by_id = {
        r[0]: r for n in ("问题台账", "问题台账（续）", "问题台账（续2）") for r in sheets[n][1:]
    }
    assert by_id[ledger.problems["P2"]][head.index("措施")] == "送资金、送技术"
    assert by_id[ledger.problems["P4"]][head.index("超期天数")] == 214
    visits = sheets["走访台账"][1:] + sheets["走访台账（续）"][1:]
    assert len({v[0] for v in visits}) == 4
    assert [v[1] for v in visits] == sorted(v[1] for v in visits)  # still by date
    notes = [r[0] for r in book["汇总"].iter_rows(values_only=True) if str(r[0]).startswith("注：")]
    assert notes == [
        "注：问题台账共 7 行，超出 Excel 一张工作表的行数上限（4 行），"
        "其余接续写在问题台账（续）、问题台账（续2）（表头相同）。",
        "注：走访台账共 4 行，超出 Excel 一张工作表的行数上限（4 行），"
        "其余接续写在走访台账（续）（表头相同）。",
    ]


def test_xlsx_widths_from_the_first_rows(workbook: Any) -> None:
    """Columns are sized on the header and the first rows: the 走访干部 column fits 李娜、赵敏
    (10 wide, +2), the 编号 column its header (4 wide, +2)."""
    ws = workbook["走访台账"]
    head = [c.value for c in ws[1]]
    letter = ws.cell(row=1, column=head.index("走访干部") + 1).column_letter
    assert ws.column_dimensions[letter].width == 12
    assert ws.column_dimensions["A"].width == 6
    assert workbook["汇总"].freeze_panes == "A4"


# --- docx -----------------------------------------------------------------------------------


@pytest.fixture
def document(cli: Cli, figures: Any, tmp_path: Path) -> Any:
    import docx

    path = tmp_path / "自查报告.docx"
    result = cli("selfcheck", "--as-of", "2026-12-31", "-o", path)
    assert result.code == 0, result
    return docx.Document(str(path))


def _sections(doc: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"": []}
    current = ""
    for p in doc.paragraphs:
        if p.style.name.startswith("Heading"):
            current = p.text
            out[current] = []
        elif p.text.strip():
            out[current].append(p.text)
    return out


def test_docx_form(document: Any) -> None:
    parts = _sections(document)
    assert parts[""] == ["企业局2026年“三联三解三促”活动自查报告"]
    assert list(parts)[1:] == [
        "一、基本情况",
        "二、主要做法和成效",
        "三、存在的问题",
        "四、下一步打算",
    ]
    assert parts["四、下一步打算"][0] == "【请填写下一步打算】"
    assert parts["四、下一步打算"][-1] == "2026年12月31日"
    intro, *items = parts["二、主要做法和成效"]
    assert intro.startswith("活动按照实施意见分动员部署、组织实施、总结三个阶段推进")
    for i, label in enumerate(
        [
            "（一）开展一次群众观念专题教育。",
            "（二）共同过一次组织生活。",
            "（三）开展一次民情民意访谈。",
            "（四）撰写一份调研报告。",
            "（五）组织一次文明行动进社区。",
            "（六）解决一些实际问题。",
            "（七）化解一些社会矛盾。",
            "（八）建立一个长效机制。",
        ]
    ):
        assert items[i].startswith(label)
    practical = items[5]
    assert "小区路灯损坏" in practical and "陈家儿子想找工作" in practical  # concrete problems
    assert "两户宅基地纠纷" in items[6]
    problems = "".join(parts["三、存在的问题"])
    # what supervise finds, as a report says it: whose, what, how late; no ledger number
    assert "陈家“想参加培训”超期" in problems and "李娜负责的王秀英“邻里漏水纠纷" in problems
    assert "问题6" not in problems and "问题 6" not in problems
    assert not re.search(r"\d{4}-\d{2}-\d{2}", problems)  # dates as a report writes them


def test_points_are_counted_in_chinese_numerals() -> None:
    from sanlian.io.report_docx import ordinal

    assert [ordinal(n) for n in (1, 9, 10, 11, 16, 19, 20, 21, 99)] == [
        "一", "九", "十", "十一", "十六", "十九", "二十", "二十一", "九十九",
    ]  # fmt: skip


def test_docx_problems_read_as_a_report() -> None:
    """三、存在的问题 from ``supervise``'s alerts: a sentence said of many people is said once
    of them all, dates are Chinese, no space parts Chinese from a number, no command is
    shown, and a long list ends with how many there are."""
    from types import SimpleNamespace

    from sanlian.io.report_docx import problem_paragraphs, report_sentence
    from sanlian.reports.common import OFFICE
    from sanlian.reports.supervise import Alert

    assert report_sentence("总结阶段已于 2026-11-01 开始", 2026) == "总结阶段已于11月1日开始"
    assert report_sentence("最近一次 2025-12-30，共 3 次", 2026) == "最近一次2025年12月30日，共3次"
    assert report_sentence("ABC Co. 联系 1—3 家", 2026) == "ABC Co. 联系1—3家"

    def alert(kind: str, actor: str, text: str, ref: int | None = None) -> Alert:
        return Alert(kind, "red", 1, "综合科", actor, text, ref=ref)

    def late(i: int, actor: str = "李娜") -> Alert:
        subject = f"王家“诉求{i}”"
        text = f"问题 {i} 超期 {40 - i} 天（5月1日到期）：{subject}"
        problem = (subject, "5月1日", 40 - i, 0, "")
        return Alert("red_card", "red", 1, "综合科", actor, text, 40 - i, i, problem=problem)

    research = "尚未撰写调研报告（总结阶段已于 2026-11-01 开始）"
    names = [
        "甲一",
        "乙二",
        "丙三",
        "丁四",
        "戊五",
        "己六",
        "庚七",
        "辛八",
        "壬九",
        "癸十",
        "子十一",
    ]
    alerts = (
        [late(i) for i in range(1, 7)]
        + [
            Alert(
                "red_card",
                "red",
                None,
                OFFICE,
                "待指定责任人",
                "问题 7 超期 33 天（5月1日到期）：陈家“培训”，60 天无进展",
                33,
                7,
                problem=("陈家“培训”", "5月1日", 33, 60, ""),
            )
        ]
        + [
            Alert(
                "stale",
                "urge",
                1,
                "综合科",
                "张伟（已停用，待改派）",
                "问题 8 已 20 天无进展（已超期 3 天）：李家“修路”",
                20,
                8,
                problem=("李家“修路”", "5月1日", 3, 20, ""),
            )
        ]
        + [alert("research_due", name, research) for name in names]
        + [alert("section_no_community", "规划科", "无法结对；请用 sanlian link community")]
        + [alert("section_no_community", f"第{i}科", "无法结对；请用 sanlian …") for i in range(11)]
        + [alert("leader_no_enterprise", OFFICE, "尚未指定领导小组组长")]
        + [alert("org_life_missed", OFFICE, "七一前未……（“八个一”第 2 项），请说明原因并尽快开展")]
        # the office's checklist: every item listed, however many
        + [alert("eight_one", OFFICE, f"“八个一”之“第{i}项”尚未完成") for i in range(1, 7)]
        # the report itself not yet on record: not a problem the report states
        + [
            Alert(
                "phase_item",
                "urge",
                None,
                OFFICE,
                OFFICE,
                "总结阶段已结束，“写出自查报告”尚未完成（八个一完成 8/8，尚无“自查报告”记录）",
                item="selfcheck",
            )
        ]
    )
    detail = SimpleNamespace(
        supervision=SimpleNamespace(alerts=tuple(alerts)), report=SimpleNamespace(year=2026)
    )
    assert problem_paragraphs(detail, per_kind=5) == [  # type: ignore[arg-type]
        "一是超期问题（红牌）方面：李娜负责的王家“诉求1”超期39天（5月1日到期）；"
        "李娜负责的王家“诉求2”超期38天（5月1日到期）；李娜负责的王家“诉求3”超期37天（5月1日到期）；"
        "李娜负责的王家“诉求4”超期36天（5月1日到期）；李娜负责的王家“诉求5”超期35天（5月1日到期）。"
        "此类共7项，以上为最急的5项。",
        "二是问题久无进展方面：张伟（已停用，待改派）负责的李家“修路”已20天无进展（已超期3天）。",
        # no "等11名干部：…" after the heading's colon: who, then what they have not done
        "三是调研报告方面：甲一、乙二、丙三、丁四、戊五、己六、庚七、辛八、壬九、癸十等11名干部"
        "尚未撰写调研报告（总结阶段已于11月1日开始）。",
        "四是部门联系社区(村)方面：规划科、第0科、第1科、第2科、第3科、第4科、第5科、第6科、第7科、"
        "第8科等12个科室和局机关都没有联系社区(村)，科室干部无法结对帮扶。",
        "五是班子成员联系企业方面：尚未指定领导小组组长。",
        "六是七一前组织生活方面：七一前未与联系社区(村)或企业共同过组织生活。",
        "七是“八个一”方面："
        + "；".join(f"“八个一”之“第{i}项”尚未完成" for i in range(1, 7))
        + "。",
    ]
    # the one without an owner, when it is among those shown
    first = problem_paragraphs(detail, per_kind=7)[0]  # type: ignore[arg-type]
    assert first.endswith("陈家“培训”超期33天（5月1日到期），已60天无进展，尚未指定责任人。")


def test_docx_numbers_equal_json(document: Any, figures: Any) -> None:
    f = figures["figures"]
    basic = "".join(_sections(document)["一、基本情况"])
    said = 0
    for phrase in (
        f"在册干部{f['cadres_total']}名",
        f"其中党员{f['party_members']}名",
        f"参与活动干部{f['cadres_participating']}名",
        f"联系社区(村){f['communities_linked']}个",
        f"联系企业{f['enterprises_linked']}家",
        f"与{f['households_paired']}户群众",
        f"开展走访{f['visits']}次",
        f"走访社区(村){f['visits_community']}次",
        f"企业{f['visits_enterprise']}次",
        f"联系户{f['visits_household']}次",
        f"、{f['visit_person_times']}人次",
        f"发放联系卡{f['contact_cards']}张",
        f"记民情日记{f['diaries']}篇",
        f"反映的问题{f['problems_raised']}件",
        f"已解决{f['problems_resolved']}件",
        f"无法解决{f['problems_unresolvable']}件",
        f"尚未办结{f['problems_open']}件",
        f"超期{f['problems_overdue']}件",
        f"排查矛盾纠纷{f['conflicts_raised']}件",
        f"已化解{f['conflicts_resolved']}件",
        f"落实资金{f['funds_yuan']}元",
        f"送政策{f['measures']['policy']}次",
        f"撰写调研报告{f['research_reports']}篇",
        f"在册干部{f['cadres_total']}名中已有{f['cadres_with_research']}名撰写",
        f"专题教育{f['education_sessions']}次",
        f"共同过组织生活{f['org_life_sessions']}次",
        f"七一前{f['org_life_before_july']}次",
        f"文明行动进社区{f['civility_actions']}次",
        f"交流体会{f['exchanges']}次",
        f"建立长效机制{f['mechanisms']}项",
        f"参加活动{f['activity_person_times']}人次",
        f"已完成{f['eight_ones_done']}项",
    ):
        # a figure of none is left out (no "无法解决0件"): every other one is said
        number = re.findall(r"\d+(?:\.\d+)?", phrase)[-1]
        if float(number) or "在册干部" in phrase or "已完成" in phrase or "反映的问题" in phrase:
            assert phrase in basic, phrase
            said += 1
        else:
            assert phrase not in basic, phrase
    assert said >= 25  # (the fixture has most figures above none: a check that can fail)
    assert not re.search(r"[^\d.]0(件|次|篇|张|项|人次|元)", basic), basic
    # every other number of the section is a figure too (dates and the year aside)
    values = {str(v) for v in f.values() if not isinstance(v, dict)}
    values |= {str(v) for v in f["measures"].values()}
    bare = re.sub(r"\d{4}年(\d{1,2}月\d{1,2}日)?", "", basic)
    assert set(re.findall(r"\d+(?:\.\d+)?", bare)) <= values
    # P1, raised in 2025, resolved in 2026: 4 + 1 + 2 settled or open of 6 raised, said so
    assert f["problems_raised"] < (
        f["problems_resolved"] + f["problems_unresolvable"] + f["problems_open"]
    )
    assert "（其中超期2件），已解决、无法解决和尚未办结的含以前年度提出的问题；" in basic


def test_docx_problems_of_the_year_alone_need_no_word_on_earlier_years(
    base: Cli, tmp_path: Path
) -> None:
    import docx

    for text in ("孙子上学路远", "路灯坏了"):
        add = ("problem", "add", "--household", "1", "--category", "就学", "--text", text)
        assert base(*add, "--owner", "单丽", "--date", "4-3").code == 0
    assert base("problem", "resolve", "1", "--how", "已协调", "--date", "4-20").code == 0
    path = tmp_path / "自查报告.docx"
    assert base("selfcheck", "-o", path).code == 0
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    said = re.search("收集[^。]*。", text)
    assert said and "反映的问题2件，已解决1件，尚未办结1件（其中超期" in said[0], said
    assert "以前年度" not in text


def test_docx_tables_equal_json(document: Any, figures: Any) -> None:
    f = figures["figures"]
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["项目", "数值"]
    got = {r.cells[0].text: r.cells[1].text for r in table.rows[1:]}
    labels = {
        "cadres_total": "在册干部",
        "visit_person_times": "走访人次",
        "problems_overdue": "超期",
        "funds_yuan": "资金(元)",
        "org_life_before_july": "七一前组织生活",
        "eight_ones_done": "八个一完成项",
    }
    for key, label in labels.items():
        assert got[label] == str(f[key]), key
    for m, label in MEASURE_LABELS.items():
        assert got[label] == str(f["measures"][m])
    sections = document.tables[1]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in sections.rows[1:]}
    for s in figures["by_section"]:
        row = rows[s["section"]]
        assert row[1] == str(s["cadres_total"]) and row[3] == str(s["visits"])
        assert row[-1] == str(s["eight_ones_done"])


def test_xlsx_by_cadre_counts_the_year(workbook: Any) -> None:
    """按干部 counts like the figures: links active on any day of the year; of the problems
    raised in the year with the cadre as owner, those resolved."""
    rows = list(workbook["按干部"].iter_rows(values_only=True))
    head = rows[0]
    by_name = {r[1]: dict(zip(head, r, strict=True)) for r in rows[1:]}

    def counts(name: str) -> tuple[Any, ...]:
        row = by_name[name]
        return (row["结对户"], row["联系企业"], row["负责问题"], row["其中已解决"])

    assert counts("王强") == (1, 0, 1, 1)  # L8 to H3 ended 07-31; P7 (P1 was raised in 2025)
    assert counts("张伟") == (0, 1, 2, 1)  # L4 to E1 (L5 ended in 2025); P2 P5, P2 resolved
    assert counts("李娜") == (1, 0, 1, 0)  # L6; P4 open
    assert counts("赵敏") == (1, 0, 1, 1)  # L7; P3


def test_docx_title_style_and_properties(document: Any) -> None:
    title = document.paragraphs[0]
    assert title.style.name == "Title"
    assert title.text == "企业局2026年“三联三解三促”活动自查报告"
    props = document.core_properties
    assert props.title == title.text
    assert props.author == "企业局“三联三解三促”活动领导小组办公室"
    assert props.created is not None and props.created.date().isoformat() == "2026-12-31"


def _research_item(doc: Any) -> str:
    return next(t for t in _sections(doc)["二、主要做法和成效"] if t.startswith("（四）"))


def test_docx_cites_no_retired_cadre(cli: Cli, ledger: Ids, document: Any, tmp_path: Path) -> None:
    import docx

    # 刘退 retired on 09-30: his report R6 (04-01) counts in the figures but is not cited
    research = _research_item(document)
    assert "刘退" not in research
    assert "如张伟《关于中小企业融资难的调研》、李娜《社区养老服务调研》" in research
    path = tmp_path / "年中.docx"
    assert cli("selfcheck", "--as-of", "2026-06-15", "-o", path).code == 0
    assert "刘退《退休前的调研》" in _research_item(docx.Document(str(path)))  # still serving


def test_docx_research_sentence_is_true_when_a_writer_left(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three cadres wrote one report each and one left: 3 reports, 2 writers on the roster of
    2 — not "2名干部撰写调研报告3篇", which has one of them write two."""
    import docx

    monkeypatch.setenv("SANLIAN_TODAY", "2026-08-15")
    assert cli("init", "--year", "2026").code == 0
    assert cli("section", "add", "甲科").code == 0
    for name in ("张伟", "李强", "周杰"):
        assert cli("cadre", "add", name, "--section", "甲科").code == 0
        add = ("research", "add", "--cadre", name, "--title", f"{name}的调研", "--date", "7-1")
        assert cli(*add).code == 0
    assert cli("cadre", "remove", "周杰", "--force").code == 0
    monkeypatch.setenv("SANLIAN_TODAY", "2026-12-20")
    f = cli("selfcheck", "-f", "json").json()["figures"]
    assert (f["research_reports"], f["cadres_with_research"], f["cadres_total"]) == (3, 2, 2)
    path = tmp_path / "自查报告.docx"
    assert cli("selfcheck", "-o", path).code == 0
    doc = docx.Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "名干部撰写调研报告" not in text and "名干部完成撰写" not in text
    assert "撰写调研报告3篇，在册干部2名均已撰写；" in "".join(_sections(doc)["一、基本情况"])
    assert _research_item(doc).startswith(
        "（四）撰写一份调研报告。干部共撰写调研报告3篇，在册干部2名均已撰写，如"
    )
    # a third on the roster who has not written: two of the three have
    assert cli("cadre", "add", "王芳", "--section", "甲科").code == 0
    later = tmp_path / "自查报告-2.docx"
    assert cli("selfcheck", "-o", later).code == 0
    item = _research_item(docx.Document(str(later)))
    assert "干部共撰写调研报告3篇，在册干部3名中已有2名撰写，如" in item, item
    assert "尚未撰写的干部：王芳。" in item


def test_docx_says_it_in_words(cli: Cli, ledger: Ids, db_path: Path, tmp_path: Path) -> None:
    import docx

    from sanlian.db import models as m
    from sanlian.db.engine import open_database

    db = open_database(location(db_path))
    with db.session() as s:
        head = s.get(m.Cadre, ledger.cadres["C1"])
        assert head is not None
        head.role = "deputy"
        s.add(head)
    db.dispose()
    path = tmp_path / "自查报告.docx"
    assert cli("selfcheck", "--as-of", "2026-12-31", "-o", path).code == 0
    doc = docx.Document(str(path))
    problems = "".join(_sections(doc)["三、存在的问题"])
    assert "尚未指定领导小组组长" in problems
    text = "\n".join(p.text for p in doc.paragraphs)
    assert not re.search(r"--[a-z]|sanlian ", text)


def test_docx_of_an_empty_year_says_what_is_not_done(cli: Cli, tmp_path: Path) -> None:
    """No cadre, no visit: nobody is said to owe a report, no visit is told as done."""
    import docx

    assert cli("init", "--year", "2026").code == 0
    path = tmp_path / "自查报告.docx"
    assert cli("selfcheck", "-o", path).code == 0
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "尚有干部未完成撰写" not in text
    assert "尚无走访记录。该项尚未开展，须抓紧组织。" in text
    assert "座谈交流、入户走访了解社情民意" not in text


def test_docx_examples_write_money_as_the_report_does(
    cli: Cli, ledger: Ids, tmp_path: Path
) -> None:
    import docx

    path = tmp_path / "自查报告.docx"
    assert cli("selfcheck", "--as-of", "2026-12-31", "-o", path).code == 0
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "落实资金12345.67元" in text and "落实资金 " not in text


def test_docx_says_earlier_years_problems_are_counted_even_when_the_sums_agree(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As of a day after the year's end: one problem of 2025 resolved in 2026, one of 2026
    resolved in 2027 — raised 1, resolved 1, open 0 add up, yet the one resolved is 2025's."""
    import docx

    monkeypatch.setenv("SANLIAN_TODAY", "2027-01-10")

    for year in ("2025", "2027"):
        assert base("init", "--year", year).code == 0
    add = ("problem", "add", "--household", "1", "--category", "就学", "--owner", "单丽")
    assert base(*add, "--text", "去年的问题", "--date", "2025-11-01").code == 0
    assert base(*add, "--text", "今年的问题", "--date", "2026-12-01").code == 0
    assert base("problem", "resolve", "1", "--how", "已协调", "--date", "2026-03-01").code == 0
    assert base("problem", "resolve", "2", "--how", "已协调", "--date", "2027-01-05").code == 0
    args = ("selfcheck", "--year", "2026", "--as-of", "2027-01-10")
    f = base(*args, "-f", "json").json()["figures"]
    assert (f["problems_raised"], f["problems_resolved"], f["problems_open"]) == (1, 1, 0)
    path = tmp_path / "自查报告.docx"
    assert base(*args, "-o", path).code == 0
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "已解决、无法解决和尚未办结的含以前年度提出的问题" in text


def test_docx_is_a4_and_says_only_the_visits_recorded(base: Cli, tmp_path: Path) -> None:
    """The report prints on A4 (python-docx's blank is US Letter), and （三） says what the
    visits were — not forms of visit nobody recorded, not "0 张" cards as an achievement."""
    import docx

    link = ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-5")
    assert base(*link).code == 0
    visit = ("visit", "add", "--date", "5-1", "--cadre", "单丽", "--community", "幸福社区")
    assert base(*visit, "--form", "phone").code == 0
    path = tmp_path / "r.docx"
    assert base("selfcheck", "-o", path).code == 0
    doc = docx.Document(str(path))
    for section in doc.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    interview = next(p.text for p in doc.paragraphs if p.text.startswith("（三）"))
    body = interview.split("。", 1)[1]
    assert body == "干部联系社区(村)、企业和群众走访1次、1人次，了解社情民意。"


def test_docx_title_has_no_blue_rule(document: Any) -> None:
    """Word's default Title style draws a blue line under the title (``pBdr``, 4F81BD): an
    official report prints none."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    title = document.paragraphs[0]
    assert title.style.name == "Title"
    assert title.style._element.findall(f"{w}pPr/{w}pBdr") == []
    assert title._p.findall(f"{w}pPr/{w}pBdr") == []


def test_a_report_says_whose_thing_it_is_and_no_instruction_to_the_office() -> None:
    from sanlian.io.report_docx import alert_sentence
    from sanlian.reports.supervise import Alert

    def said(kind: str, actor: str, text: str) -> str:
        return alert_sentence(Alert(kind, "urge", 1, "综合科", actor, text), 2026)

    assert (
        said(
            "household_unpaired",
            "综合科",
            "联系户王秀英（幸福社区）自7月1日起没有结对干部，须另行安排干部结对",
        )
        == "综合科的联系户王秀英（幸福社区）自7月1日起没有结对干部"
    )
    assert (
        said("no_household", "单丽", "帮扶对子已在本年度内结束，目前没有结对户")
        == "单丽的帮扶对子已在本年度内结束，目前没有结对户"
    )
    assert said("no_visit", "李娜", "已 30 天没有走访") == "李娜已30天没有走访"
    assert (
        said("leader_no_enterprise", "顾明", "尚未联系企业（领导班子成员应联系 1—3 家）")
        == "顾明尚未联系企业（领导班子成员应联系1—3家）"
    )


def test_households_the_office_took_over_are_cut_like_any_other_kind() -> None:
    """Unpaired households of sections gone are the office's: not its handful of checklist
    items listed whole (a reorganisation may leave thousands), but the first five."""
    from types import SimpleNamespace

    from sanlian.io.report_docx import problem_paragraphs
    from sanlian.reports.supervise import Alert

    text = "联系户王{}（幸福社区）自7月1日起没有结对干部，须另行安排干部结对"
    alerts = [
        Alert("household_unpaired", "urge", None, "领导小组办公室", "领导小组办公室",
              text.format(i), ref=i)
        for i in range(8)
    ]  # fmt: skip
    detail = SimpleNamespace(
        supervision=SimpleNamespace(alerts=tuple(alerts)), report=SimpleNamespace(year=2026)
    )
    (said,) = problem_paragraphs(detail, per_kind=5)  # type: ignore[arg-type]
    assert said.startswith("一是联系户结对方面：联系户王0（幸福社区）自7月1日起没有结对干部；")
    assert said.endswith("此类共8项，以上为最急的5项。") and "须另行安排" not in said
