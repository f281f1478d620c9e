"""JSON written as it is encoded (``supervise -f json`` at city scale) is the same text as
``to_json``, on the screen and in a file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from sanlian.cli.output import emit_json, to_json

DATA = {
    "year": 2026,
    "as_of": dt.date(2026, 12, 31),
    "sum": Decimal("12.50"),
    "groups": [
        {"section": "综合科", "alerts": [{"text": f"第{i}项", "ref": i} for i in range(9000)]}
    ],
    "empty": [],
}


def test_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    emit_json(DATA, None)
    out = capsys.readouterr().out
    assert out == to_json(DATA) + "\n"
    assert '"as_of": "2026-12-31"' in out and '"text": "第8999项"' in out


def test_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "督促.json"
    emit_json(DATA, path)
    assert path.read_text(encoding="utf-8") == to_json(DATA) + "\n"
    captured = capsys.readouterr()
    assert captured.out == "" and "已写入" in captured.err
