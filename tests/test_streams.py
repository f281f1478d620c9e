"""The program's own streams carry every character a name may hold, whatever the system's
encoding: a listing redirected on a Chinese Windows (GBK) or read through a non-Unicode
terminal finishes instead of stopping at the first rare character with an internal error."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import Cli


def _sanlian(*args: str, encoding: str) -> subprocess.CompletedProcess[bytes]:
    """``sanlian ARGS…`` as its own process, its streams in ``encoding`` (as the system would
    set them for a redirected stream)."""
    env = dict(os.environ, PYTHONIOENCODING=encoding)
    return subprocess.run(
        [sys.executable, "-m", "sanlian", *args], capture_output=True, env=env, timeout=120
    )


def _roster(cli: Cli) -> None:
    assert cli("init", "--year", "2026").code == 0
    assert cli("section", "add", "综合科").code == 0
    # 䶮 (CJK extension A) and 𠮷 (extension B): neither is in GBK
    for name in ("王䶮", "李𠮷", "张伟"):
        assert cli("cadre", "add", name, "--section", "综合科").code == 0


def test_a_gbk_stream_writes_every_name(cli: Cli) -> None:
    """GBK becomes GB18030: the rare names arrive whole, and every GBK character is written as
    GBK writes it (so Excel and Notepad open the redirected file as before)."""
    _roster(cli)
    done = _sanlian("cadre", "list", "-f", "csv", encoding="gbk")
    assert done.returncode == 0, done.stderr.decode("gb18030")
    text = done.stdout.decode("gb18030")
    assert "王䶮" in text and "李𠮷" in text
    assert "张伟,综合科".encode("gbk") in done.stdout
    assert done.stderr == b""


def test_a_gbk_stream_carries_an_error_about_a_rare_name(cli: Cli) -> None:
    _roster(cli)
    done = _sanlian("cadre", "show", "赵䶮", encoding="gbk")
    assert done.returncode == 1
    message = done.stderr.decode("gb18030")
    assert "赵䶮" in message and "内部错误" not in message
    assert done.stdout == b""


def test_a_stream_that_is_not_unicode_escapes_what_it_cannot_hold(cli: Cli) -> None:
    """An ASCII terminal: the output is escaped, not cut short by an internal error."""
    _roster(cli)
    done = _sanlian("cadre", "show", "2", "-f", "plain", encoding="ascii")
    assert done.returncode == 0, done.stderr
    assert b"\\u674e\\U00020bb7" in done.stdout  # 李𠮷
