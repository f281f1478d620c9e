"""Fuzzing whole commands: whatever a clerk types as an option's value, ``sanlian`` exits 0, 1
or 2 with no traceback and no internal error, and a refused command leaves the database as it
was (byte for byte in its dump).

One populated database is built per module; every example runs on a fresh copy of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Cli
from tests.fuzz_common import NASTY, check, examples, fresh_copies, nasty_text

CLI_RUNS = settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def fresh(cli: Cli, tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    return fresh_copies(cli, tmp_path_factory)


opt = st.one_of(nasty_text, st.sampled_from(NASTY))
refs = st.one_of(
    opt,
    st.sampled_from(["张伟", "zw", "zhangwei", "单丽", "shanli", "danli", "1", "#2", "99", "0"]),
    st.sampled_from(["张伟@办公室", "张伟@", "@综合科", "张伟@@", "王秀英@幸福社区", "x@y@z"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=12),
    st.text(alphabet="0123456789#", max_size=25),
)
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["1", "2", "0", "-1", "1e3", "1.0", "9" * 40, "１"]),
    opt,
)


@CLI_RUNS
@given(date=opt)
def test_visit_add_date(cli: Cli, fresh: Any, date: str) -> None:
    check(
        cli, fresh(), "visit", "add", "--date", date, "--cadre", "单丽", "--household", "王秀英",
        "--form", "入户走访",
    )  # fmt: skip


@CLI_RUNS
@given(
    cadre=refs,
    target=refs,
    kind=st.sampled_from(["--community", "--enterprise", "--household"]),
    form=opt,
    cards=numbers,
)
def test_visit_add_refs_and_numbers(
    cli: Cli, fresh: Any, cadre: str, target: str, kind: str, form: str, cards: str
) -> None:
    check(
        cli, fresh(), "visit", "add", "--date", "6-3", "--cadre", cadre, kind, target,
        "--form", form, "--cards", cards,
    )  # fmt: skip


@CLI_RUNS
@given(problem=numbers, amount=opt, date=opt, measure=opt)
def test_problem_resolve(
    cli: Cli, fresh: Any, problem: str, amount: str, date: str, measure: str
) -> None:
    check(
        cli, fresh(), "problem", "resolve", problem, "--how", "协调解决", "--amount", amount,
        "--date", date, "--measure", measure,
    )  # fmt: skip


@CLI_RUNS
@given(amount=opt)
def test_problem_resolve_amount(cli: Cli, fresh: Any, amount: str) -> None:
    check(cli, fresh(), "problem", "resolve", "1", "--how", "协调解决", "--amount", amount)


@CLI_RUNS
@given(name=opt, section=refs, id_number=opt, phone=opt, gender=opt, party=opt)
def test_cadre_add(
    cli: Cli, fresh: Any, name: str, section: str, id_number: str, phone: str, gender: str,
    party: str,
) -> None:  # fmt: skip
    check(
        cli, fresh(), "cadre", "add", name, "--section", section, "--id-number", id_number,
        "--phone", phone, "--gender", gender, "--party", party,
    )  # fmt: skip


@CLI_RUNS
@given(id_number=opt)
def test_cadre_add_id_number(cli: Cli, fresh: Any, id_number: str) -> None:
    check(cli, fresh(), "cadre", "add", "李明", "--section", "办公室", "--id-number", id_number)


@CLI_RUNS
@given(name=opt, community=refs, members=numbers, uscc=opt)
def test_household_and_enterprise_add(
    cli: Cli, fresh: Any, name: str, community: str, members: str, uscc: str
) -> None:
    db = fresh()
    check(cli, db, "household", "add", name, "--community", community, "--members", members)
    check(cli, db, "enterprise", "add", name, "--uscc", uscc)


@CLI_RUNS
@given(
    command=st.sampled_from(
        [
            ("progress",),
            ("supervise",),
            ("selfcheck", "-f", "json"),
            ("problem", "list"),
            ("link", "list"),
        ]
    ),
    as_of=opt,
)
def test_as_of(cli: Cli, fresh: Any, command: tuple[str, ...], as_of: str) -> None:
    check(cli, fresh(), *command, "--as-of", as_of)


@CLI_RUNS
@given(
    noun=st.sampled_from(["section", "cadre", "community", "enterprise", "household"]),
    ref=refs,
)
def test_show_any_reference(cli: Cli, fresh: Any, noun: str, ref: str) -> None:
    check(cli, fresh(), noun, "show", ref)


@CLI_RUNS
@given(
    command=st.sampled_from(
        [("problem", "show"), ("visit", "show"), ("link", "end"), ("problem", "progress")]
    ),
    number=numbers,
)
def test_record_numbers(cli: Cli, fresh: Any, command: tuple[str, ...], number: str) -> None:
    extra = ("--note", "跟进") if command[-1] == "progress" else ()
    check(cli, fresh(), *command, number, *extra)


# --- references, straight to the service ------------------------------------------------------

REF_RUNS = settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def session(fresh: Callable[[], Path]) -> Iterator[Any]:
    from sanlian.db.engine import open_database

    db = open_database(str(fresh()))
    with db.session(commit=False) as opened:
        yield opened
    db.dispose()


@REF_RUNS
@given(
    kind=st.sampled_from(["section", "cadre", "community", "enterprise", "household"]),
    ref=refs,
    include_retired=st.booleans(),
)
def test_any_reference_finds_one_record_or_says_why(
    session: Any, kind: str, ref: str, include_retired: bool
) -> None:
    from sanlian.errors import AmbiguousError, NotFoundError, ValidationError
    from sanlian.services import refs as service

    try:
        record = service.resolve(session, kind, ref, include_retired=include_retired)
    except (NotFoundError, AmbiguousError) as exc:
        assert exc.message.strip()
    except ValidationError as exc:  # an empty reference, or one naming a retired record
        assert exc.key in ("ref_empty", "ref_retired"), exc.message
    else:
        assert record.id >= 1 and record.name


def test_references_of_every_form_find_their_record(session: Any) -> None:
    from sanlian.errors import AmbiguousError
    from sanlian.services import refs as service

    found = {
        ref: service.resolve(session, "cadre", ref).id
        for ref in ("单丽", "shanli", "danli", "sl", "3", "#3", "３", " 单 丽 ", "单丽@综合科")
    }
    assert set(found.values()) == {3}, found
    assert service.resolve(session, "cadre", "张伟@办公室").id == 1
    with pytest.raises(AmbiguousError, match=r"\[1\] 张伟（办公室）；\[2\] 张伟（综合科）"):
        service.resolve(session, "cadre", "zw")
