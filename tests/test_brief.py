"""``brief`` (简报): a period's figures against the previous period of equal length."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.test_selfcheck import Ids, build_ledger, check_golden


@pytest.fixture
def ledger(db_path: Path) -> Ids:
    return build_ledger(db_path)


def _json(cli: Cli, *args: Any) -> Any:
    result = cli("brief", "-f", "json", *args)
    assert result.code == 0, result
    return result.json()


def test_period_and_previous_period(cli: Cli, ledger: Ids) -> None:
    data = _json(cli, "--from", "2026-05-01", "--to", "2026-05-31")
    assert (data["previous_from"], data["previous_to"]) == ("2026-03-31", "2026-04-30")  # 31 days
    assert data["no"] == 3  # 61 days after 03-01: two 31-day periods (rounded), then this one
    assert data["current"] == {
        "visits": 1,  # V2 05-05
        "visit_person_times": 1,
        "contact_cards": 10,
        "diaries": 0,
        "problems_raised": 1,  # P4 05-01
        "problems_resolved": 1,  # P2 05-20
        "conflicts_resolved": 0,
        "research_reports": 1,  # R1 05-01
        "activities": 1,  # A7 civility 05-15
        "activity_person_times": 2,
        "funds_yuan": "12345.67",
    }
    assert data["previous"] == {
        "visits": 1,  # V1 04-10
        "visit_person_times": 2,
        "contact_cards": 2,
        "diaries": 1,
        "problems_raised": 2,  # P2 04-12, P3 04-20
        "problems_resolved": 0,
        "conflicts_resolved": 0,
        "research_reports": 1,  # R6 04-01
        "activities": 1,  # A4 education 04-08
        "activity_person_times": 3,
        "funds_yuan": "0.00",
    }
    assert data["year_to_date"]["funds_yuan"] == "12845.67"  # P1 500.00 + P2 12345.67
    assert [h["id"] for h in data["highlights"]] == [ledger.problems["P2"]]


def test_markdown_is_the_default(cli: Cli, ledger: Ids) -> None:
    result = cli("brief", "--from", "2026-05-01", "--to", "2026-05-31", "--no", "5")
    assert result.code == 0, result
    text = result.out
    assert text.startswith("# 企业局“三联三解三促”活动简报\n")
    assert "**第 5 期**" in text
    assert "| 落实资金（元） | 12345.67 | 0.00 | +12345.67 | 12845.67 |" in text
    assert "| 收集问题（件） | 1 | 2 | −1 | 4 |" in text  # P2 P3 P4 P6 by 05-31
    assert "| 走访次数 | 1 | 1 | 持平 | 2 |" in text
    assert "幸福社区反映“小区路灯损坏”" in text
    assert "## 三、需要抓紧的工作" in text
    assert "【红牌】待指定责任人：问题 6" in text  # as of the period's last day


def test_golden_markdown(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    result = cli("brief", "--from", "2026-06-01", "--to", "2026-06-14")
    assert result.code == 0, result
    check_golden("brief.md", result.out)
    written = cli("brief", "--from", "2026-06-01", "--to", "2026-06-14", "-o", tmp_path / "简报.md")
    assert written.code == 0 and "已写入" in written.err
    assert (tmp_path / "简报.md").read_text(encoding="utf-8") == result.out


def test_docx(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    import docx

    path = tmp_path / "简报.docx"
    result = cli("brief", "--from", "6-1", "--to", "6月14日", "-o", path)
    assert result.code == 0, result
    data = _json(cli, "--from", "2026-06-01", "--to", "2026-06-14")
    doc = docx.Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "企业局“三联三解三促”活动简报"
    assert texts[1].startswith(f"第 {data['no']} 期")
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["项目", "本期", "上期", "增减", "年度累计"]
    body = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows[1:]}
    assert body["收集问题（件）"][:2] == [
        str(data["current"]["problems_raised"]),
        str(data["previous"]["problems_raised"]),
    ]
    # 本期 nothing; 上期 (05-18–05-31) P2; the year to 06-14 P1 and P2: yuan as the JSON writes it
    assert body["落实资金（元）"] == ["0.00", "12345.67", "−12345.67", "12845.67"]
    assert body["落实资金（元）"][3] == data["year_to_date"]["funds_yuan"]
    assert any("两户宅基地纠纷" in t for t in texts)


def test_refusals(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    bad = cli("brief", "--from", "2026-06-14", "--to", "2026-06-01")
    assert bad.code == 1 and "晚于" in bad.err
    assert cli("brief", "--from", "2026-06-01").code == 2  # --to is required
    assert cli("brief", "--from", "2026-06-01", "--to", "2026-06-14", "--no", "0").code == 1
    pdf = cli("brief", "--from", "2026-06-01", "--to", "2026-06-14", "-o", tmp_path / "a.pdf")
    assert pdf.code == 1 and ".docx" in pdf.err
    assert not (tmp_path / "a.pdf").exists()
