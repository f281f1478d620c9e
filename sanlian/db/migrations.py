"""Ordered, transactional migrations, recorded in ``schema_migrations``.

Each migration is a function of an Alembic ``Operations`` object; the runner in
``sanlian.db.engine`` applies the pending ones in order, each in its own transaction, and
records it. A migration is frozen once released: later changes are new migrations, never
edits (and never ``create_all``). ``tests/test_db.py`` checks that the migrated schema
equals ``sanlian.db.models``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:  # alembic is imported only when a migration is pending
    from alembic.operations import Operations


def m0001_initial(op: Operations) -> None:
    """The campaign, its registry and the year's records."""
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("household_pairs_per_cadre", sa.Integer(), nullable=False),
        sa.Column("problem_days", sa.Integer(), nullable=False),
        sa.Column("yellow_days", sa.Integer(), nullable=False),
        sa.Column("red_days", sa.Integer(), nullable=False),
        sa.Column("stale_days", sa.Integer(), nullable=False),
        sa.Column("visit_cadence_days", sa.Integer(), nullable=False),
        sa.Column("research_warn_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year"),
    )
    op.create_table(
        "community",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("town", sa.String(), nullable=True),
        sa.Column("grid", sa.String(), nullable=True),
        sa.Column("contact", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_community_name"), "community", ["name"], unique=False)
    op.create_table(
        "enterprise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("uscc", sa.String(), nullable=True),
        sa.Column("industry", sa.String(), nullable=True),
        sa.Column("address", sa.String(), nullable=True),
        sa.Column("contact", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_enterprise_name"), "enterprise", ["name"], unique=False)
    op.create_index(op.f("ix_enterprise_uscc"), "enterprise", ["uscc"], unique=False)
    op.create_table(
        "journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("command", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "search_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_search_key_lookup", "search_key", ["kind", "key"], unique=False)
    op.create_index(op.f("ix_search_key_ref_id"), "search_key", ["ref_id"], unique=False)
    op.create_table(
        "section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_section_name"), "section", ["name"], unique=False)
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("section_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["section.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_activity_community_id"), "activity", ["community_id"], unique=False)
    op.create_index(op.f("ix_activity_enterprise_id"), "activity", ["enterprise_id"], unique=False)
    op.create_index(op.f("ix_activity_held_on"), "activity", ["held_on"], unique=False)
    op.create_index(op.f("ix_activity_kind"), "activity", ["kind"], unique=False)
    op.create_index(op.f("ix_activity_section_id"), "activity", ["section_id"], unique=False)
    op.create_table(
        "cadre",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("gender", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("party", sa.String(), nullable=True),
        sa.Column("is_leader", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("id_number", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["section.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_cadre_id_number"), "cadre", ["id_number"], unique=False)
    op.create_index(op.f("ix_cadre_name"), "cadre", ["name"], unique=False)
    op.create_index(op.f("ix_cadre_section_id"), "cadre", ["section_id"], unique=False)
    op.create_table(
        "household",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("id_number", sa.String(), nullable=True),
        sa.Column("members", sa.Integer(), nullable=True),
        sa.Column("needs", sa.String(), nullable=True),
        sa.Column("address", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_household_community_id"), "household", ["community_id"], unique=False)
    op.create_index(op.f("ix_household_id_number"), "household", ["id_number"], unique=False)
    op.create_index(op.f("ix_household_name"), "household", ["name"], unique=False)
    op.create_table(
        "phase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "key"),
    )
    op.create_index(op.f("ix_phase_campaign_id"), "phase", ["campaign_id"], unique=False)
    op.create_table(
        "activity_cadre",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["activity_id"], ["activity.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["cadre_id"],
            ["cadre.id"],
        ),
        sa.PrimaryKeyConstraint("activity_id", "cadre_id"),
    )
    op.create_index(
        op.f("ix_activity_cadre_cadre_id"), "activity_cadre", ["cadre_id"], unique=False
    )
    op.create_table(
        "link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=True),
        sa.Column("cadre_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cadre_id"],
            ["cadre.id"],
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["section.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_link_cadre_id"), "link", ["cadre_id"], unique=False)
    op.create_index(op.f("ix_link_community_id"), "link", ["community_id"], unique=False)
    op.create_index(op.f("ix_link_enterprise_id"), "link", ["enterprise_id"], unique=False)
    op.create_index(op.f("ix_link_household_id"), "link", ["household_id"], unique=False)
    op.create_index(op.f("ix_link_kind"), "link", ["kind"], unique=False)
    op.create_index(op.f("ix_link_section_id"), "link", ["section_id"], unique=False)
    op.create_table(
        "research",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cadre_id"],
            ["cadre.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_research_cadre_id"), "research", ["cadre_id"], unique=False)
    op.create_index(op.f("ix_research_written_on"), "research", ["written_on"], unique=False)
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("target_kind", sa.String(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("form", sa.String(), nullable=False),
        sa.Column("cards", sa.Integer(), nullable=False),
        sa.Column("diary", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_visit_community_id"), "visit", ["community_id"], unique=False)
    op.create_index(op.f("ix_visit_enterprise_id"), "visit", ["enterprise_id"], unique=False)
    op.create_index(op.f("ix_visit_household_id"), "visit", ["household_id"], unique=False)
    op.create_index(op.f("ix_visit_visited_on"), "visit", ["visited_on"], unique=False)
    op.create_table(
        "problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("is_conflict", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("last_step_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["cadre.id"],
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_problem_community_id"), "problem", ["community_id"], unique=False)
    op.create_index(op.f("ix_problem_enterprise_id"), "problem", ["enterprise_id"], unique=False)
    op.create_index(op.f("ix_problem_household_id"), "problem", ["household_id"], unique=False)
    op.create_index(op.f("ix_problem_owner_id"), "problem", ["owner_id"], unique=False)
    op.create_index(op.f("ix_problem_raised_on"), "problem", ["raised_on"], unique=False)
    op.create_index(op.f("ix_problem_status"), "problem", ["status"], unique=False)
    op.create_index(op.f("ix_problem_visit_id"), "problem", ["visit_id"], unique=False)
    op.create_table(
        "visit_cadre",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cadre_id"],
            ["cadre.id"],
        ),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("visit_id", "cadre_id"),
    )
    op.create_index(op.f("ix_visit_cadre_cadre_id"), "visit_cadre", ["cadre_id"], unique=False)
    op.create_table(
        "problem_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("step_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("amount_fen", sa.Integer(), nullable=True),
        sa.Column("operator", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["problem_id"], ["problem.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_problem_step_problem_id"), "problem_step", ["problem_id"], unique=False
    )
    op.create_table(
        "step_measure",
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["step_id"], ["problem_step.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("step_id", "measure"),
    )


def m0002_change_journal(op: Operations) -> None:
    """The change journal: kinds of entries, undo links, and each row's values before/after.

    Entries written before it have no rows to undo: they become kind ``legacy``.
    """
    op.add_column(
        "journal", sa.Column("kind", sa.String(), nullable=False, server_default="change")
    )
    op.add_column("journal", sa.Column("undoes", sa.Integer(), nullable=True))
    op.add_column("journal", sa.Column("undone_by", sa.Integer(), nullable=True))
    journal = sa.table("journal", sa.column("kind", sa.String()))
    op.execute(journal.update().values(kind="legacy"))
    op.create_index(op.f("ix_journal_at"), "journal", ["at"], unique=False)
    op.create_table(
        "journal_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journal_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["journal_id"], ["journal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_journal_change_journal_id"), "journal_change", ["journal_id"], unique=False
    )
    op.create_index(
        "ix_journal_change_record", "journal_change", ["table_name", "record_id"], unique=False
    )


def m0003_report_indexes(op: Operations) -> None:
    """Indexes the reports need at city scale (measured in bench/RESULTS.md).

    A cadre's links by kind (progress --by cadre, supervise, the self-inspection's cadre
    sheet look them up per cadre); a cadre's visits with the visit's id in the index (no
    lookup of the pair row); a household's visits by date (supervise: paired households not
    visited); a problem's steps in date order (the state of a problem on a past day).
    """
    op.create_index("ix_link_cadre_kind", "link", ["cadre_id", "kind"], unique=False)
    op.create_index(
        "ix_visit_cadre_cadre_visit", "visit_cadre", ["cadre_id", "visit_id"], unique=False
    )
    op.create_index("ix_visit_household_on", "visit", ["household_id", "visited_on"], unique=False)
    op.create_index(
        "ix_problem_step_problem_on", "problem_step", ["problem_id", "step_on"], unique=False
    )


# The (visit, section) pairs of ``visit_section``, kept by triggers on every write path: a cadre
# added to a visit adds one to the pair of the cadre's section, a cadre removed takes one off
# (the pair goes at 0), a cadre moved to another section moves the pairs of its visits.
_VISIT_SECTION_ADD = """
    INSERT INTO visit_section (visit_id, section_id, cadres)
    SELECT {visit}, section_id, 1 FROM cadre WHERE id = {cadre}
    ON CONFLICT (visit_id, section_id) DO UPDATE SET cadres = visit_section.cadres + 1"""
_VISIT_SECTION_TAKE = """
    UPDATE visit_section SET cadres = cadres - 1
    WHERE visit_id = OLD.visit_id
      AND section_id = (SELECT section_id FROM cadre WHERE id = OLD.cadre_id);
    DELETE FROM visit_section WHERE visit_id = OLD.visit_id AND cadres <= 0"""
_VISIT_SECTION_MOVE = """
    UPDATE visit_section SET cadres = cadres - 1
    WHERE section_id = OLD.section_id
      AND visit_id IN (SELECT visit_id FROM visit_cadre WHERE cadre_id = OLD.id);
    DELETE FROM visit_section
    WHERE section_id = OLD.section_id AND cadres <= 0
      AND visit_id IN (SELECT visit_id FROM visit_cadre WHERE cadre_id = OLD.id);
    INSERT INTO visit_section (visit_id, section_id, cadres)
    SELECT visit_id, NEW.section_id, 1 FROM visit_cadre WHERE cadre_id = NEW.id
    ON CONFLICT (visit_id, section_id) DO UPDATE SET cadres = visit_section.cadres + 1"""

_VISIT_SECTION_SQLITE = [
    "CREATE TRIGGER visit_section_insert AFTER INSERT ON visit_cadre BEGIN"
    + _VISIT_SECTION_ADD.format(visit="NEW.visit_id", cadre="NEW.cadre_id")
    + "; END",
    "CREATE TRIGGER visit_section_delete AFTER DELETE ON visit_cadre BEGIN"
    + _VISIT_SECTION_TAKE
    + "; END",
    "CREATE TRIGGER visit_section_update AFTER UPDATE OF visit_id, cadre_id ON visit_cadre BEGIN"
    + _VISIT_SECTION_TAKE
    + ";"
    + _VISIT_SECTION_ADD.format(visit="NEW.visit_id", cadre="NEW.cadre_id")
    + "; END",
    "CREATE TRIGGER visit_section_move AFTER UPDATE OF section_id ON cadre"
    " WHEN OLD.section_id IS NOT NEW.section_id BEGIN" + _VISIT_SECTION_MOVE + "; END",
]

_VISIT_SECTION_TRIGGERS_PG = (
    ("visit_cadre", "visit_section_pairs"),
    ("cadre", "visit_section_move"),
)

_VISIT_SECTION_POSTGRESQL = [
    "CREATE FUNCTION visit_section_pairs() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF TG_OP IN ('DELETE', 'UPDATE') THEN"
    + _VISIT_SECTION_TAKE
    + "; END IF; IF TG_OP IN ('INSERT', 'UPDATE') THEN"
    + _VISIT_SECTION_ADD.format(visit="NEW.visit_id", cadre="NEW.cadre_id")
    + "; END IF; RETURN NULL; END $$",
    "CREATE TRIGGER visit_section_pairs AFTER INSERT OR DELETE OR UPDATE OF visit_id, cadre_id"
    " ON visit_cadre FOR EACH ROW EXECUTE FUNCTION visit_section_pairs()",
    "CREATE FUNCTION visit_section_move() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    + _VISIT_SECTION_MOVE
    + "; RETURN NULL; END $$",
    "CREATE TRIGGER visit_section_move AFTER UPDATE OF section_id ON cadre FOR EACH ROW"
    " WHEN (OLD.section_id IS DISTINCT FROM NEW.section_id)"
    " EXECUTE FUNCTION visit_section_move()",
    # also for a session writing as a replica (session_replication_role, which skips the
    # reference checks): the pairs follow every write to the rows they are made of
    *(
        f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}"
        for table, name in _VISIT_SECTION_TRIGGERS_PG
    ),
]


def m0004_visit_section(op: Operations) -> None:
    """``visit_section``: each visit's sections with how many of their cadres went (the cadre's
    current section), what the per-section visit count otherwise aggregates from
    ``visit_cadre`` JOIN ``cadre`` on every report; written only by the triggers created here
    (SQLite: SQL triggers; PostgreSQL: plpgsql trigger functions), filled from the existing
    rows once."""
    op.create_table(
        "visit_section",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("cadres", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("visit_id", "section_id"),
    )
    op.execute(
        "INSERT INTO visit_section (visit_id, section_id, cadres)"
        " SELECT vc.visit_id, c.section_id, count(*) FROM visit_cadre vc"
        " JOIN cadre c ON c.id = vc.cadre_id GROUP BY vc.visit_id, c.section_id"
    )
    dialect = op.get_bind().dialect.name
    for statement in (
        _VISIT_SECTION_POSTGRESQL if dialect == "postgresql" else _VISIT_SECTION_SQLITE
    ):
        op.execute(statement)


def m0005_journal_runs(op: Operations) -> None:
    """``journal_change.last_record_id``: a row with it set stands for the records
    ``record_id`` to ``last_record_id`` inserted together (an import's new records), without
    their values; the rows written before keep one record each (the column left empty)."""
    op.add_column("journal_change", sa.Column("last_record_id", sa.Integer(), nullable=True))
    op.create_index(
        "ix_journal_change_run", "journal_change", ["table_name", "last_record_id"], unique=False
    )


def m0006_name_readings(op: Operations) -> None:
    """Every record's pinyin search keys worked out again under the readings names use
    (``sanlian.services.pinyin.NAME_READINGS``, else pypinyin's first reading): the keys
    written before held every reading pypinyin knows, so 方志强 was found by ``wang…``."""
    from sanlian.services.pinyin import keys

    conn = op.get_bind()
    table = sa.table(
        "search_key", sa.column("kind", sa.String), sa.column("ref_id"), sa.column("key")
    )
    conn.execute(sa.delete(table))
    for kind in ("section", "cadre", "community", "enterprise", "household"):
        batch: list[dict[str, object]] = []
        for ref_id, name in conn.execute(sa.text(f"SELECT id, name FROM {kind} ORDER BY id")):
            batch.extend({"kind": kind, "ref_id": ref_id, "key": k} for k in sorted(keys(name)))
            if len(batch) >= 20_000:
                conn.execute(sa.insert(table), batch)
                batch = []
        if batch:
            conn.execute(sa.insert(table), batch)


def m0007_problem_handovers(op: Operations) -> None:
    """``problem_step.owner_id`` and ``previous_owner_id``: the cadres a handover step (``problem
    edit --owner`` of an open problem, a progress step) gave the problem to and took it from.
    Filled for the handovers made before from the change journal, which holds each one as the
    step's insert and the problem's update of ``owner_id`` in one entry; a step is marked
    only while it is still the one the journal wrote (same problem, kind, day and note)."""
    import json

    op.add_column("problem_step", sa.Column("owner_id", sa.Integer(), nullable=True))
    op.add_column("problem_step", sa.Column("previous_owner_id", sa.Integer(), nullable=True))
    op.create_index("ix_problem_step_owner", "problem_step", ["owner_id", "step_on"], unique=False)
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            'SELECT journal_id, table_name, record_id, "before", "after" FROM journal_change'
            " WHERE (table_name = 'problem' AND action = 'update'"
            "  AND \"after\" LIKE '%owner_id%')"
            " OR (table_name = 'problem_step' AND action = 'insert'"
            "  AND \"after\" LIKE '%progress%')"
            " ORDER BY journal_id, seq"
        )
    ).all()
    mark = sa.text(
        "UPDATE problem_step SET owner_id = :new, previous_owner_id = :old"
        " WHERE id = :id AND problem_id = :problem AND kind = 'progress'"
        " AND step_on = :on AND note = :note"
    )
    # one journal entry at a time: its owner changes (problem: old, new) and progress steps
    owners: dict[int, tuple[object, object]] = {}
    steps: dict[int, dict[str, object]] = {}

    def flush() -> None:
        for problem, (old_owner, new_owner) in owners.items():
            step = steps.get(problem)
            if step is None or new_owner is None:
                continue  # a correction of a finished problem's owner: no step, no handover
            conn.execute(
                mark,
                {
                    "new": new_owner,
                    "old": old_owner,
                    "id": step["id"],
                    "problem": problem,
                    "on": step.get("step_on"),
                    "note": step.get("note"),
                },
            )
        owners.clear()
        steps.clear()

    entry = None
    for journal_id, table_name, record_id, before, after in rows:
        if journal_id != entry:
            flush()
            entry = journal_id
        old = json.loads(before) if isinstance(before, str) else before
        new = json.loads(after) if isinstance(after, str) else after
        if not isinstance(new, dict):
            continue
        if table_name == "problem":
            if (
                isinstance(old, dict)
                and "owner_id" in new
                and old.get("owner_id") != new["owner_id"]
            ):
                owners[record_id] = (old.get("owner_id"), new["owner_id"])
        elif new.get("kind") == "progress" and new.get("problem_id") is not None:
            steps[int(new["problem_id"])] = {**new, "id": record_id}
    flush()


def m0008_name_dots(op: Operations) -> None:
    """Names written with another dot between their parts (买买提•艾力, 阿依古丽・买买提) as
    every name is now written (``validate.fold_name_dots``: the middle dot ·), so that the
    name typed either way finds the record and is not registered a second time."""
    from sanlian.services.validate import fold_name_dots

    conn = op.get_bind()
    dots = ("•", "・", "‧", "∙", "⋅", ".")
    for kind in ("section", "cadre", "community", "enterprise", "household"):
        table = sa.table(kind, sa.column("id"), sa.column("name", sa.String))
        found = conn.execute(
            sa.select(table.c.id, table.c.name).where(
                sa.or_(*(table.c.name.contains(d, autoescape=True) for d in dots))
            )
        ).all()
        for ref_id, name in found:
            folded = fold_name_dots(name)
            if folded != name:
                conn.execute(sa.update(table).where(table.c.id == ref_id).values(name=folded))


def m0009_handover_status(op: Operations) -> None:
    """A handover (``problem edit --owner`` of an open problem: a progress step with the new
    owner) is no progress: the status stays as it was. Handovers of pending problems made
    before set them in progress; those whose latest step but handovers and extensions is the
    raise are pending again, as their steps give (``db check``, reports of past days)."""
    import json

    conn = op.get_bind()
    reset = [
        int(pid)
        for (pid,) in conn.execute(
            sa.text(
                "SELECT id FROM problem WHERE status = 'in_progress' AND ("
                "SELECT s.kind FROM problem_step s WHERE s.problem_id = problem.id"
                " AND s.kind IN ('raise', 'progress', 'reopen', 'resolve', 'close')"
                " AND (s.kind <> 'progress' OR s.owner_id IS NULL)"
                " ORDER BY s.step_on DESC, s.id DESC LIMIT 1) = 'raise'"
            )
        )
    ]
    set_pending = sa.text("UPDATE problem SET status = 'pending' WHERE id = :id")
    # The journal wrote the handover's update of the problem as 待办 → 办理中: as it stands,
    # undo would find the status not what the entry left (办理中) and refuse, blaming a later
    # change nobody made. The entry's update keeps its owner change, without the status.
    updates = sa.text(
        'SELECT id, "before", "after" FROM journal_change WHERE table_name = \'problem\''
        " AND record_id = :id AND action = 'update'"
    )
    rewrite = sa.text(
        'UPDATE journal_change SET "before" = :before, "after" = :after WHERE id = :id'
    )
    for pid in reset:
        conn.execute(set_pending, {"id": pid})
        for change_id, before, after in conn.execute(updates, {"id": pid}).all():
            old = json.loads(before) if isinstance(before, str) else before
            new = json.loads(after) if isinstance(after, str) else after
            if not (isinstance(old, dict) and isinstance(new, dict)):
                continue
            if (old.get("status"), new.get("status")) != ("pending", "in_progress"):
                continue
            if "owner_id" not in new:
                continue
            old.pop("status")
            new.pop("status")
            conn.execute(
                rewrite,
                {
                    "id": change_id,
                    "before": json.dumps(old, ensure_ascii=False),
                    "after": json.dumps(new, ensure_ascii=False),
                },
            )


# The tables whose records have numbers a clerk sees (编号: listed, exported, named in the change
# journal and in hints), which must never be given out again once used.
_NUMBERED = (
    "section",
    "cadre",
    "community",
    "enterprise",
    "household",
    "link",
    "visit",
    "problem",
    "problem_step",
    "activity",
    "research",
)


def _with_autoincrement(sql: str) -> str:
    """A numbered table's ``CREATE TABLE`` as migration 1 wrote it (columns added since
    included), its key ``id`` declared ``PRIMARY KEY AUTOINCREMENT`` as SQLAlchemy writes it
    for ``sqlite_autoincrement`` (the table's ``PRIMARY KEY (id)`` clause dropped)."""
    import re

    made, columns = re.subn(
        r"\(\s*id INTEGER NOT NULL,", "(\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,", sql
    )
    made, clauses = re.subn(r"PRIMARY KEY \(id\)(, \n\t|(?=\n\)$))", "", made)
    made = re.sub(r", \n\t\n\)$", "\n)", made)  # (the key's clause was the last one)
    if (columns, clauses) != (1, 1):
        raise RuntimeError(f"unexpected table definition: {sql}")
    return made


def _remake(run: Callable[..., Any], table: str, create: str, stat1: bool) -> None:
    """``table`` made again by ``create`` (the same columns and references), with its rows,
    its indexes in the order they were made, and its statistics (``sqlite_stat1``)."""
    old = f"_old_{table}"
    indexes = run(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
        " AND sql IS NOT NULL ORDER BY rowid",
        (table,),
    ).all()
    stats = (
        run("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = ?", (table,)).all()
        if stat1
        else []
    )
    columns = run(f'PRAGMA table_info("{table}")').all()
    keys = run(f'PRAGMA foreign_key_list("{table}")').all()
    for name, _sql in indexes:  # first: the copy reuses their pages
        run(f'DROP INDEX "{name}"')
    run(f'ALTER TABLE "{table}" RENAME TO "{old}"')
    run(create)
    made = run(f'PRAGMA table_info("{table}")').all()
    if (made, run(f'PRAGMA foreign_key_list("{table}")').all()) != (columns, keys):
        raise RuntimeError(f"table {table} not remade as it was")
    run(f'INSERT INTO "{table}" SELECT * FROM "{old}"')
    run(f'DROP TABLE "{old}"')
    for _name, sql in indexes:
        run(sql)
    if stat1:
        run("DELETE FROM sqlite_stat1 WHERE tbl IN (?, ?)", (table, old))
        for row in stats:
            run("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", tuple(row))


def m0010_numbers_never_reused(op: Operations) -> None:
    """A record's number is never given out again: on SQLite a number freed by removing the
    record that had the largest one (``remove``, the undo of an add) was given to the next
    new record, which old exported files, the change journal and hints shown before then
    named instead (a re-import wrote the old row over it). The numbered tables are remade
    with ``AUTOINCREMENT`` (SQLite's procedure: the foreign keys off, ``WITHOUT_FOREIGN_KEYS``)
    keeping every row with its number, every index (in the order made: see
    ``importing._Deferred``), the triggers and statistics; ``sqlite_sequence`` then holds
    each table's largest number ever used: its largest record's, or a larger one the change
    journal names (a record removed). PostgreSQL's sequences never go back: nothing to do."""
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    run = conn.exec_driver_sql
    if run("PRAGMA foreign_keys").scalar():  # dropping a table would delete what refers to it
        raise RuntimeError("migration 10 runs with the foreign keys off")
    schema = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name <> 'sqlite_sequence'"
    kept = {r for r in run(schema) if not (r[0] == "table" and r[1] in _NUMBERED)}
    triggers = run(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid"
    ).all()
    for name, _sql in triggers:  # (made again at the end, as they were)
        run(f'DROP TRIGGER "{name}"')
    stat1 = run("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None
    legacy = run("PRAGMA legacy_alter_table").scalar()
    # renamed, a table's references from other tables stay as they are written (to the new one)
    run("PRAGMA legacy_alter_table = ON")
    try:
        for table in _NUMBERED:
            made = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?"
            create = str(run(made, (table,)).scalar_one())
            if "AUTOINCREMENT" not in create.upper():
                _remake(run, table, _with_autoincrement(create), stat1)
            highest = run(
                "SELECT max(n) FROM (SELECT max(id) AS n FROM " + f'"{table}"'
                " UNION ALL SELECT max(record_id) FROM journal_change WHERE table_name = ?"
                " UNION ALL SELECT max(last_record_id) FROM journal_change WHERE table_name = ?"
                " UNION ALL SELECT max(seq) FROM sqlite_sequence WHERE name = ?)",
                (table, table, table),
            ).scalar()
            run("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
            if highest:
                run("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, highest))
    finally:
        run(f"PRAGMA legacy_alter_table = {1 if legacy else 0}")
    for _name, sql in triggers:
        run(sql)
    if {r for r in run(schema) if not (r[0] == "table" and r[1] in _NUMBERED)} != kept:
        raise RuntimeError("migration 10 changed what it was to keep")


def m0011_handover_index(op: Operations) -> None:
    """An index of the handover steps by the cadre each took a problem from (``problem_step.
    previous_owner_id``, only the steps that have one): ``cadre show`` counts them for every
    cadre shown, and a cadre's leaving day is checked against the last one; both read every
    step of the ledger without it (41 ms at city scale, 525,000 steps)."""
    where = sa.text("previous_owner_id IS NOT NULL")
    op.create_index(
        "ix_problem_step_previous_owner",
        "problem_step",
        ["previous_owner_id", "step_on"],
        unique=False,
        sqlite_where=where,
        postgresql_where=where,
    )


# The day tallies of ``visit_day`` and ``visit_day_section`` (migration 12), kept by triggers on
# every write path. A visit row X adds its figures with the sign S; a change subtracts the old
# row's and adds the new one's; a (day[, section]) whose visits come to 0 goes. A visit's own
# delete takes off everything it brought (its cadres' person-times and its section pairs) before
# the row goes, so the cascades that follow (to ``visit_cadre``, then ``visit_section``) find no
# visit and change nothing; plain SQL that deletes them in the other order does the same.
TALLY_COLUMNS = (
    "visits",
    "visits_community",
    "visits_enterprise",
    "visits_household",
    "contact_cards",
    "diaries",
    "person_times",
)


def _tally(row: str, sign: str, people: str, source: str, section: str | None = None) -> str:
    """Add visit ``row``'s figures times ``sign`` (person-times ``people``) to ``visit_day``,
    or with ``section`` to that section's row of ``visit_day_section``."""
    table = "visit_day" if section is None else "visit_day_section"
    keys = "visited_on" if section is None else "visited_on, section_id"
    values = (
        f"{sign}",
        f"{sign} * (CASE WHEN {row}.target_kind = 'community' THEN 1 ELSE 0 END)",
        f"{sign} * (CASE WHEN {row}.target_kind = 'enterprise' THEN 1 ELSE 0 END)",
        f"{sign} * (CASE WHEN {row}.target_kind = 'household' THEN 1 ELSE 0 END)",
        f"{sign} * coalesce({row}.cards, 0)",
        f"{sign} * (CASE WHEN {row}.diary IS NOT NULL AND trim({row}.diary) <> '' THEN 1 ELSE 0 END)",
        f"{sign} * ({people})",
    )
    columns = ", ".join(TALLY_COLUMNS)
    update = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in TALLY_COLUMNS)
    return (
        f" INSERT INTO {table} ({keys}, {columns}) SELECT {row}.visited_on, "
        + ("" if section is None else f"{section}, ")
        + ", ".join(values)
        + f" {source} ON CONFLICT ({keys}) DO UPDATE SET {update};"
    )


def _day(row: str, sign: str) -> str:
    """Visit ``row``'s figures to its day's totals and its sections, with the cadres its pairs
    hold (what ``visit_cadre`` gives: a cadre written in the same statement, whose row trigger
    runs after this one on PostgreSQL, is counted by that trigger, not twice)."""
    return _tally(
        row,
        sign,
        f"SELECT coalesce(sum(cadres), 0) FROM visit_section WHERE visit_id = {row}.id",
        "WHERE true",
    ) + _tally(
        row, sign, "s.cadres", f"FROM visit_section s WHERE s.visit_id = {row}.id", "s.section_id"
    )


def _pair(row: str, sign: str) -> str:
    """A ``visit_section`` pair ``row``: its visit's figures to the (day, section)."""
    return _tally(
        "v", sign, f"{row}.cadres", f"FROM visit v WHERE v.id = {row}.visit_id", f"{row}.section_id"
    )


def _person(visit: str, sign: str) -> str:
    """One cadre of visit ``visit`` added (+1) or taken off (-1) its day's person-times."""
    return (
        " INSERT INTO visit_day (visited_on, "
        + ", ".join(TALLY_COLUMNS)
        + f") SELECT v.visited_on, 0, 0, 0, 0, 0, 0, {sign} FROM visit v WHERE v.id = {visit}"
        " ON CONFLICT (visited_on) DO UPDATE"
        " SET person_times = visit_day.person_times + excluded.person_times;"
    )


def _gone(day: str, section: str | None = None) -> str:
    """Drop the rows of ``day`` (and ``section``) whose visits came to 0."""
    where = f"visited_on = {day} AND visits = 0"
    if section is not None:
        return f" DELETE FROM visit_day_section WHERE {where} AND section_id = {section};"
    return f" DELETE FROM visit_day WHERE {where}; DELETE FROM visit_day_section WHERE {where};"


_PAIR_DAY = "(SELECT visited_on FROM visit WHERE id = {row}.visit_id)"
_TALLY_VISIT_DELETE = _day("OLD", "-1") + _gone("OLD.visited_on")
_TALLY_VISIT_INSERT = _day("NEW", "1")
_TALLY_VISIT_UPDATE = _day("OLD", "-1") + _day("NEW", "1") + _gone("OLD.visited_on")
_TALLY_CADRE_INSERT = _person("NEW.visit_id", "1")
_TALLY_CADRE_DELETE = _person("OLD.visit_id", "-1")
_TALLY_PAIR_INSERT = _pair("NEW", "1")
_TALLY_PAIR_DELETE = _pair("OLD", "-1") + _gone(_PAIR_DAY.format(row="OLD"), "OLD.section_id")
_TALLIED = "id, visited_on, target_kind, cards, diary"

_TALLY_SQLITE = [
    f"CREATE TRIGGER visit_day_insert AFTER INSERT ON visit BEGIN{_TALLY_VISIT_INSERT} END",
    f"CREATE TRIGGER visit_day_update AFTER UPDATE OF {_TALLIED} ON visit"
    f" BEGIN{_TALLY_VISIT_UPDATE} END",
    f"CREATE TRIGGER visit_day_delete BEFORE DELETE ON visit BEGIN{_TALLY_VISIT_DELETE} END",
    f"CREATE TRIGGER visit_day_cadre_insert AFTER INSERT ON visit_cadre"
    f" BEGIN{_TALLY_CADRE_INSERT} END",
    f"CREATE TRIGGER visit_day_cadre_delete AFTER DELETE ON visit_cadre"
    f" BEGIN{_TALLY_CADRE_DELETE} END",
    "CREATE TRIGGER visit_day_cadre_update AFTER UPDATE OF visit_id ON visit_cadre"
    f" BEGIN{_TALLY_CADRE_DELETE}{_TALLY_CADRE_INSERT} END",
    f"CREATE TRIGGER visit_day_pair_insert AFTER INSERT ON visit_section"
    f" BEGIN{_TALLY_PAIR_INSERT} END",
    f"CREATE TRIGGER visit_day_pair_delete AFTER DELETE ON visit_section"
    f" BEGIN{_TALLY_PAIR_DELETE} END",
    "CREATE TRIGGER visit_day_pair_update AFTER UPDATE ON visit_section"
    f" BEGIN{_TALLY_PAIR_DELETE}{_TALLY_PAIR_INSERT} END",
]


# a transaction that writes many visits says ``SET LOCAL sanlian.tallies = 'paused'`` and fills
# the tallies once at its end (``tallies_paused``): every trigger of theirs then does nothing
_PAUSED = "coalesce(current_setting('sanlian.tallies', true), '') = 'paused'"


def _plpgsql(name: str, body: str, returns: str = "NULL") -> str:
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF {_PAUSED} THEN RETURN {returns}; END IF;{body} RETURN {returns}; END $$"
    )


def _branches(delete: str, insert: str) -> str:
    return (
        f" IF TG_OP IN ('DELETE', 'UPDATE') THEN{delete} END IF;"
        f" IF TG_OP IN ('INSERT', 'UPDATE') THEN{insert} END IF;"
    )


_TALLY_TRIGGERS_PG = (
    ("visit", "visit_day_visit"),
    ("visit", "visit_day_delete"),
    ("visit", "visit_day_truncate"),
    ("visit_cadre", "visit_day_cadre"),
    ("visit_section", "visit_day_pair"),
)

_TALLY_POSTGRESQL = [
    _plpgsql(
        "visit_day_visit",
        " IF TG_OP = 'INSERT' THEN"
        + _TALLY_VISIT_INSERT
        + " ELSE"
        + _TALLY_VISIT_UPDATE
        + " END IF;",
    ),
    f"CREATE TRIGGER visit_day_visit AFTER INSERT OR UPDATE OF {_TALLIED} ON visit"
    " FOR EACH ROW EXECUTE FUNCTION visit_day_visit()",
    # before the row goes: the cascades to its cadres and pairs run as the statement ends
    _plpgsql("visit_day_delete", _TALLY_VISIT_DELETE, returns="OLD"),
    "CREATE TRIGGER visit_day_delete BEFORE DELETE ON visit"
    " FOR EACH ROW EXECUTE FUNCTION visit_day_delete()",
    _plpgsql("visit_day_cadre", _branches(_TALLY_CADRE_DELETE, _TALLY_CADRE_INSERT)),
    "CREATE TRIGGER visit_day_cadre AFTER INSERT OR DELETE OR UPDATE OF visit_id"
    " ON visit_cadre FOR EACH ROW EXECUTE FUNCTION visit_day_cadre()",
    _plpgsql("visit_day_pair", _branches(_TALLY_PAIR_DELETE, _TALLY_PAIR_INSERT)),
    "CREATE TRIGGER visit_day_pair AFTER INSERT OR DELETE OR UPDATE ON visit_section"
    " FOR EACH ROW EXECUTE FUNCTION visit_day_pair()",
    # TRUNCATE fires no row trigger, and the tallies hold no reference for its CASCADE
    _plpgsql("visit_day_truncate", " DELETE FROM visit_day; DELETE FROM visit_day_section;"),
    "CREATE TRIGGER visit_day_truncate AFTER TRUNCATE ON visit"
    " FOR EACH STATEMENT EXECUTE FUNCTION visit_day_truncate()",
    *(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}" for table, name in _TALLY_TRIGGERS_PG),
]


def _filled(keys: str, people: str, source: str) -> str:
    """The tally rows as the visits give them, one per ``keys`` (the fill; ``db check``)."""
    kinds = ", ".join(
        f"sum(CASE WHEN v.target_kind = '{k}' THEN 1 ELSE 0 END)"
        for k in ("community", "enterprise", "household")
    )
    diary = "CASE WHEN v.diary IS NOT NULL AND trim(v.diary) <> '' THEN 1 ELSE 0 END"
    return (
        f"SELECT {keys}, count(*), {kinds}, coalesce(sum(v.cards), 0), sum({diary}),"
        f" {people} {source} GROUP BY {keys}"
    )


VISIT_DAY_FILLED = _filled(
    "v.visited_on",
    "coalesce(sum(c.n), 0)",
    "FROM visit v LEFT JOIN (SELECT visit_id, count(*) AS n FROM visit_cadre"
    " GROUP BY visit_id) c ON c.visit_id = v.id",
)
VISIT_DAY_SECTION_FILLED = _filled(
    "v.visited_on, s.section_id",
    "sum(s.cadres)",
    "FROM visit_section s JOIN visit v ON v.id = s.visit_id",
)


# the tallies as the visits give them, written into the empty tables
_FILL = [
    f"INSERT INTO visit_day (visited_on, {', '.join(TALLY_COLUMNS)}) {VISIT_DAY_FILLED}",
    f"INSERT INTO visit_day_section (visited_on, section_id, {', '.join(TALLY_COLUMNS)})"
    f" {VISIT_DAY_SECTION_FILLED}",
]


def tallies_paused(dialect: str) -> tuple[list[str], list[str]]:
    """Statements that pause the day tallies' triggers, and those that fill the tallies from
    the rows and end the pause: for writing many visits in one transaction (``db copy``, a
    visit import, undoing one), where PostgreSQL would otherwise keep every version of each
    day's row, updated again and again, until the end and step over them all on each update
    (20,000 visits copied 8.5 s, 80,000 74 s; without the triggers 3.0 and 10.4 s). On
    PostgreSQL a setting of this transaction (``SET LOCAL``: other sessions' writes keep their
    tallies, and a rollback ends the pause); on SQLite, whose updates cost the same however
    many came before, the triggers dropped and made again (``db copy``'s time). In the same
    transaction as the writes; the fill reads every visit (about 1 s at city scale)."""
    fill = ["DELETE FROM visit_day", "DELETE FROM visit_day_section", *_FILL]
    if dialect == "postgresql":
        return (
            ["SET LOCAL sanlian.tallies = 'paused'"],
            [*fill, "SET LOCAL sanlian.tallies = 'on'"],
        )
    # IF EXISTS: one dropped by another program is made again at the end (``db check --repair``)
    drop = [f"DROP TRIGGER IF EXISTS {_trigger_of(sql)[1]}" for sql in _TALLY_SQLITE]
    return drop, [*fill, *_TALLY_SQLITE]


def _trigger_of(statement: str) -> tuple[str, str]:
    """``CREATE TRIGGER name … ON table …`` → (table, name)."""
    words = statement.split()
    return words[words.index("ON") + 1], words[2]


def kept_by_triggers(dialect: str) -> list[tuple[str, str]]:
    """The triggers that keep the derived tables (``visit_section``, ``visit_day`` and
    ``visit_day_section``), as (table, trigger name): what ``db check`` looks for."""
    if dialect == "postgresql":
        return [*_VISIT_SECTION_TRIGGERS_PG, *_TALLY_TRIGGERS_PG]
    return [_trigger_of(sql) for sql in (*_VISIT_SECTION_SQLITE, *_TALLY_SQLITE)]


def triggers_made_again(dialect: str) -> list[str]:
    """Statements that drop those triggers where they are and make them all again as the
    migrations made them (``db check --repair``: one dropped or disabled by another program,
    or on PostgreSQL no longer ``ENABLE ALWAYS``); the same transaction then counts the
    tables again from the rows."""
    if dialect != "postgresql":
        made = [*_VISIT_SECTION_SQLITE, *_TALLY_SQLITE]
        return [f"DROP TRIGGER IF EXISTS {_trigger_of(sql)[1]}" for sql in made] + made
    drop = [f"DROP TRIGGER IF EXISTS {n} ON {t}" for t, n in kept_by_triggers(dialect)]
    again = [
        sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
        for sql in (*_VISIT_SECTION_POSTGRESQL, *_TALLY_POSTGRESQL)
    ]
    return drop + again


def m0012_visit_days(op: Operations) -> None:
    """``visit_day`` and ``visit_day_section``: the visits' figures by day (and section), what
    every report otherwise counted from all the year's visits (1,000,000 at city scale, 2–3 s on
    a 2-core machine); written only by the triggers created here, filled from the rows once."""

    def tally() -> list[sa.Column[int]]:
        return [sa.Column(c, sa.Integer(), nullable=False) for c in TALLY_COLUMNS]

    op.create_table(
        "visit_day",
        sa.Column("visited_on", sa.Date(), nullable=False),
        *tally(),
        sa.PrimaryKeyConstraint("visited_on"),
    )
    op.create_table(
        "visit_day_section",
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        *tally(),
        sa.PrimaryKeyConstraint("visited_on", "section_id"),
    )
    dialect = op.get_bind().dialect.name
    triggers = _TALLY_POSTGRESQL if dialect == "postgresql" else _TALLY_SQLITE
    for statement in [*_FILL, *triggers]:
        op.execute(statement)


MIGRATIONS: list[tuple[int, str, Callable[[Operations], None]]] = [
    (1, "initial", m0001_initial),
    (2, "change_journal", m0002_change_journal),
    (3, "report_indexes", m0003_report_indexes),
    (4, "visit_section", m0004_visit_section),
    (5, "journal_runs", m0005_journal_runs),
    (6, "name_readings", m0006_name_readings),
    (7, "problem_handovers", m0007_problem_handovers),
    (8, "name_dots", m0008_name_dots),
    (9, "handover_status", m0009_handover_status),
    (10, "numbers_never_reused", m0010_numbers_never_reused),
    (11, "handover_index", m0011_handover_index),
    (12, "visit_days", m0012_visit_days),
]

# Migrations that remake tables: on SQLite the runner applies them with the foreign keys off (as
# SQLite's procedure for remaking a table has it; the pragma does nothing inside a transaction),
# so that dropping a table's old copy neither deletes nor refuses the rows that refer to it.
WITHOUT_FOREIGN_KEYS = frozenset({10})
