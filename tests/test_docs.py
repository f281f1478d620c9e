"""docs/cli.md is generated from the app and kept current."""

from __future__ import annotations

from pathlib import Path

from sanlian.cli.docs import generate

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == generate(), (
        "docs/cli.md 已过期：请运行 python -m sanlian.cli.docs 重新生成。"
    )


def test_every_command_is_documented_in_chinese() -> None:
    text = generate()
    for command in (
        "init",
        "campaign",
        "section",
        "cadre",
        "community",
        "enterprise",
        "household",
        "demo",
    ):
        assert f"`sanlian {command}" in text
    assert "Show this message" not in text
