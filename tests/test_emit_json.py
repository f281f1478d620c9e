"""JSON written as it is encoded (``supervise -f json`` at city scale) is the same text as
``to_json``, on the screen and in a file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import pytest

from sanlian.cli.output import emit_json, to_json
from sanlian.reports.common import Records

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


ODD = [
    {},
    [],
    {"a": {}, "b": [], "c": [[]], "d": [{}]},
    [None, True, False, 0, -7, 10**20, 1.5, -0.0, 1e-300, float("inf"), float("-inf")],
    {'引号"与\\反斜杠': "换行\n制表\t\u2028\x00", "": ""},
    {7: "int key", 2.5: "float key", True: "bool key", None: "null key"},
    (1, ("nested", "tuple"), {"set": {3}}),
    {"day": dt.date(2026, 1, 2), "at": dt.datetime(2026, 1, 2, 3, 4, 5), "yuan": Decimal("0.10")},
    [{"plain": 1, "nested": {"deeper": [1, {"x": None}]}}, {"plain": 2}],
    # lists of records: one template for all when the keys and value types allow it
    [{"k": "a", "n": 1, "b": True, "z": None}, {"k": 'b"%s%%', "n": -2, "b": False, "z": "x"}],
    [{"100%": "%d", 3: 4, True: "t", None: 1}, {"100%": "", 3: 5, True: "u", None: 2}],
    [{"a": 1, "b": 2}, {"b": 2, "a": 1}],  # the same keys in another order
    [{"a": 1}, {"a": 1, "b": 2}],
    [{"a": 1}, {"a": 1.5}],  # a float
    [{"a": 1}, {"a": dt.date(2026, 3, 4)}],
    [{"a": 1}, {"a": [1, 2]}],
    [{"a": 1}, {}],
    [{"a": 1}, "text"],
    [{}, {"a": 1}],
    [{"a": 1}, {"a": Decimal("2.50")}],
    {"deep": [[{"x": "层", "y": [1]}, {"x": "级", "y": [2]}], [{"x": "一"}]]},
]


@pytest.mark.parametrize("data", ODD, ids=range(len(ODD)))
def test_every_kind_of_value_as_json_writes_it(
    data: object, capsys: pytest.CaptureFixture[str]
) -> None:
    """Plain mappings and lists go out in one piece each; the text is still ``json``'s own."""
    emit_json(data, None)
    assert capsys.readouterr().out == to_json(data) + "\n"


def test_nan_as_json_writes_it(capsys: pytest.CaptureFixture[str]) -> None:
    emit_json({"x": float("nan")}, None)
    assert capsys.readouterr().out == '{\n  "x": NaN\n}\n'


class Level(StrEnum):  # a subclass of str: not written by the C encoder's map
    red = "red"


RECORDS = [
    Records(("text", "ref"), [(f"第{i}项", i) for i in range(3)]),
    Records(("a",), []),
    Records(("100%", "b"), [('引号"%s', None), ("x", True)]),
    # a row of values that are not plain: written as its dict is, the others by the template
    Records(("a", "b"), [(1, "x"), (dt.date(2026, 3, 4), Decimal("2.50")), (1.5, [1, {"y": 2}])]),
    # given as columns: each of strings only, integers only, or plain values of several types
    # (written a column at a time), or with a value that is not plain (a record at a time)
    Records(
        ("kind", "ref", "days", "ok"),
        columns=[["甲", '乙\n"丙"'], [None, 7], [3, -1], [True, False]],
    ),
    Records(("a", "b"), columns=[[1, 2], [Level.red, "x"]]),
    Records(("a", "b"), columns=[[1.5, 2], ["x", dt.date(2026, 3, 4)]]),
    Records(("a",), columns=[[]]),
    Records((), [(), ()]),
]


@pytest.mark.parametrize("records", RECORDS, ids=range(len(RECORDS)))
def test_records_are_written_as_their_dicts(
    records: Records, capsys: pytest.CaptureFixture[str]
) -> None:
    """``Records`` (``supervise``'s alerts, given as rows) are written as the list of dicts
    they stand for, at any depth, and ``to_json`` writes them so too."""
    data = {"groups": [{"section": "综合科", "alerts": records}], "n": 1}
    emit_json(data, None)
    expected = to_json({"groups": [{"section": "综合科", "alerts": records.as_list()}], "n": 1})
    assert capsys.readouterr().out == expected + "\n"
    assert to_json(data) == expected
    rows = records.rows if records.columns is None else list(zip(*records.columns, strict=True))
    assert records.as_list() == [dict(zip(records.keys, r, strict=True)) for r in rows]
