"""All tables. Dates are dates; money is integer fen (exact), shown as Decimal yuan.

Enumerated columns hold the ASCII keys of ``sanlian.i18n.labels``.
Registry records are never deleted while referenced: ``retired_on`` retires them instead.
"""

import datetime as dt
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

# Start-up cost (issue 7): pydantic builds each table's validator on first use, not when the
# class is defined (a command uses few of them; rows are built by SQLAlchemy, not validated),
# and the annotations below are real types, not strings to evaluate (no __future__ import).
SQLModel.model_config["defer_build"] = True


# A record's number (编号) is never given out twice on SQLite: exported files, the change journal
# and hints already shown name records by it, and a number taken again after the highest record
# was removed would let them name another record (a re-import would write over it). SQLite's
# AUTOINCREMENT keeps the highest number ever used in ``sqlite_sequence`` (migration 10 made
# the tables so); PostgreSQL's sequences never go back.
NUMBERED = {"sqlite_autoincrement": True}


def _fk(target: str, *, ondelete: str | None = None, nullable: bool = True) -> Any:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


class Campaign(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True)
    unit: str
    name: str
    household_pairs_per_cadre: int = 1
    problem_days: int = 30
    yellow_days: int = 0
    red_days: int = 15
    stale_days: int = 14
    visit_cadence_days: int = 30
    research_warn_days: int = 30
    created_at: dt.datetime


class Phase(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(sa_column=_fk("campaign.id", ondelete="CASCADE", nullable=False))
    key: str
    seq: int
    name: str
    start_on: dt.date
    end_on: dt.date


class Section(SQLModel, table=True):
    __table_args__ = NUMBERED
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    note: str | None = None
    retired_on: dt.date | None = None
    created_at: dt.datetime


class Cadre(SQLModel, table=True):
    __table_args__ = NUMBERED
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    section_id: int = Field(sa_column=_fk("section.id", nullable=False))
    gender: str | None = None
    title: str | None = None
    party: str | None = None
    is_leader: bool = False
    role: str | None = None
    phone: str | None = None
    id_number: str | None = Field(default=None, index=True)
    note: str | None = None
    retired_on: dt.date | None = None
    created_at: dt.datetime


class Community(SQLModel, table=True):
    __table_args__ = NUMBERED
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    kind: str = "community"
    town: str | None = None
    grid: str | None = None
    contact: str | None = None
    phone: str | None = None
    note: str | None = None
    retired_on: dt.date | None = None
    created_at: dt.datetime


class Enterprise(SQLModel, table=True):
    __table_args__ = NUMBERED
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    uscc: str | None = Field(default=None, index=True)
    industry: str | None = None
    address: str | None = None
    contact: str | None = None
    phone: str | None = None
    note: str | None = None
    retired_on: dt.date | None = None
    created_at: dt.datetime


class Household(SQLModel, table=True):
    __table_args__ = NUMBERED
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    community_id: int = Field(sa_column=_fk("community.id", nullable=False))
    phone: str | None = None
    id_number: str | None = Field(default=None, index=True)
    members: int | None = None
    needs: str | None = None
    address: str | None = None
    note: str | None = None
    retired_on: dt.date | None = None
    created_at: dt.datetime


class SearchKey(SQLModel, table=True):
    """Pinyin readings of a name, written with the name so that reads never need pypinyin."""

    __tablename__ = "search_key"
    __table_args__ = (Index("ix_search_key_lookup", "kind", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str
    ref_id: int = Field(index=True)
    key: str


class Link(SQLModel, table=True):
    """A standing relationship, with history: ``end_on`` is the last day (inclusive), None = open.

    kind ``community``: ``section_id`` (None = the bureau itself) with ``community_id``;
    kind ``enterprise``: ``cadre_id`` (a leadership member) with ``enterprise_id``;
    kind ``household``: ``cadre_id`` with ``household_id``, one row per cadre, so a many-to-one
    pair (多对一) is several rows with one household. A link is active on day D when
    ``start_on <= D`` and (``end_on`` is None or ``end_on >= D``).
    """

    __table_args__ = (Index("ix_link_cadre_kind", "cadre_id", "kind"), NUMBERED)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    section_id: int | None = Field(default=None, sa_column=_fk("section.id"))
    cadre_id: int | None = Field(default=None, sa_column=_fk("cadre.id"))
    community_id: int | None = Field(default=None, sa_column=_fk("community.id"))
    enterprise_id: int | None = Field(default=None, sa_column=_fk("enterprise.id"))
    household_id: int | None = Field(default=None, sa_column=_fk("household.id"))
    start_on: dt.date
    end_on: dt.date | None = None
    note: str | None = None
    created_at: dt.datetime


class Visit(SQLModel, table=True):
    """A visit (走访/民情访谈): exactly one of the three target ids is set, as ``target_kind`` says.

    The cadres who went are rows of ``visit_cadre``; ``diary`` is the 民情日记 text (a visit
    "has a diary" when it is not None/empty); ``cards`` counts contact cards handed out.
    """

    __table_args__ = (Index("ix_visit_household_on", "household_id", "visited_on"), NUMBERED)
    id: int | None = Field(default=None, primary_key=True)
    visited_on: dt.date = Field(index=True)
    target_kind: str
    community_id: int | None = Field(default=None, sa_column=_fk("community.id"))
    enterprise_id: int | None = Field(default=None, sa_column=_fk("enterprise.id"))
    household_id: int | None = Field(default=None, sa_column=_fk("household.id"))
    form: str
    cards: int = 0
    diary: str | None = None
    note: str | None = None
    created_at: dt.datetime


class VisitCadre(SQLModel, table=True):
    __tablename__ = "visit_cadre"
    __table_args__ = (Index("ix_visit_cadre_cadre_visit", "cadre_id", "visit_id"),)
    visit_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    cadre_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cadre.id"), primary_key=True, index=True)
    )


class VisitSection(SQLModel, table=True):
    """Derived: each visit's sections (the cadres' current sections) with how many of their
    cadres went, what ``visit_cadre`` JOIN ``cadre`` grouped by (visit, section) gives. Written
    only by database triggers (migration 4) on ``visit_cadre`` and ``cadre.section_id``, so
    every write path keeps it right; the journal and ``db copy`` leave it to them."""

    __tablename__ = "visit_section"
    __table_args__ = {"info": {"derived": True}}
    visit_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    section_id: int = Field(sa_column=Column(Integer, primary_key=True, nullable=False))
    cadres: int = Field(sa_column=Column(Integer, nullable=False))


class _VisitTally(SQLModel):
    """What the reports count of some visits: each once, by kind; their contact cards; those
    with a diary that is not blank; person-times."""

    visits: int
    visits_community: int
    visits_enterprise: int
    visits_household: int
    contact_cards: int
    diaries: int
    person_times: int


class VisitDay(_VisitTally, table=True):
    """Derived: each day's visits, counted as ``_VisitTally`` says (person-times: every cadre
    who went). Written only by database triggers (migration 12) on ``visit`` and
    ``visit_cadre``, so every write path keeps it right; a day without visits has no row. A
    year's report reads some 365 rows instead of every visit."""

    __tablename__ = "visit_day"
    __table_args__ = {"info": {"derived": True}}
    visited_on: dt.date = Field(primary_key=True)


class VisitDaySection(_VisitTally, table=True):
    """Derived: each day's visits by section, from the pairs of ``visit_section`` (a visit
    counts once for each section whose cadres went; person-times: those cadres). Written only
    by database triggers (migration 12) on ``visit`` and ``visit_section``; a (day, section)
    without visits has no row."""

    __tablename__ = "visit_day_section"
    __table_args__ = {"info": {"derived": True}}
    visited_on: dt.date = Field(primary_key=True)
    section_id: int = Field(primary_key=True)


class Problem(SQLModel, table=True):
    """A problem raised (问题/诉求) against exactly one target, with a timeline in ``problem_step``.

    ``status``: pending (raised, no step since but extensions and handovers) → in_progress (a
    progress step that is no handover, or reopen) →
    resolved (``resolved_on`` = date of the latest resolve step) or unresolvable (``closed_on``
    = date of the close step, a reason required). Reopen clears ``resolved_on``/``closed_on``
    and returns to in_progress. ``due_on`` is the current due date (extend moves it; the
    default is raised_on + campaign.problem_days). ``last_step_on`` is the date of the latest
    step of any kind, the raise included. ``is_conflict`` marks a social conflict (矛盾纠纷).
    Money and measures live on the resolve steps: ``problem_step.amount_fen`` and
    ``step_measure``.
    """

    __table_args__ = NUMBERED
    id: int | None = Field(default=None, primary_key=True)
    target_kind: str
    community_id: int | None = Field(default=None, sa_column=_fk("community.id"))
    enterprise_id: int | None = Field(default=None, sa_column=_fk("enterprise.id"))
    household_id: int | None = Field(default=None, sa_column=_fk("household.id"))
    visit_id: int | None = Field(default=None, sa_column=_fk("visit.id"))
    category: str
    text: str
    owner_id: int | None = Field(default=None, sa_column=_fk("cadre.id"))
    raised_on: dt.date = Field(index=True)
    due_on: dt.date
    is_conflict: bool = False
    status: str = Field(default="pending", index=True)
    resolved_on: dt.date | None = None
    closed_on: dt.date | None = None
    last_step_on: dt.date
    created_at: dt.datetime


class ProblemStep(SQLModel, table=True):
    """One dated row of a problem's timeline; ``kind`` is a key of ``labels.PROBLEM_STEP``.

    raise (the first row), progress (note), resolve (note = what was done, amount_fen, measures),
    close (note = the reason it cannot be solved), reopen (note = reason), extend (due_on = the
    new due date, note = reason). A progress step that handed the open problem to another
    cadre (``problem edit --owner``) holds the new owner in ``owner_id`` and the one before in
    ``previous_owner_id`` (``None``: nobody), so that a report of an earlier day counts the
    problem to whoever had it then; no other step has ``owner_id``.
    """

    __tablename__ = "problem_step"
    __table_args__ = (
        Index("ix_problem_step_problem_on", "problem_id", "step_on"),
        Index("ix_problem_step_owner", "owner_id", "step_on"),
        # the handovers from a cadre (``cadre show``'s 次问题移交, a leaving day's check): few
        # steps have one, so only those are in it (a scan of 525,000 steps at city scale took
        # 41 ms of every ``cadre show``). Migration 11 makes it partial on PostgreSQL too; its
        # ``postgresql_where`` is not repeated here: the keyword loads SQLAlchemy's PostgreSQL
        # dialect (50 ms on a 2-core machine) in every command, whatever the database
        Index(
            "ix_problem_step_previous_owner",
            "previous_owner_id",
            "step_on",
            sqlite_where=text("previous_owner_id IS NOT NULL"),
        ),
        NUMBERED,
    )
    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(sa_column=_fk("problem.id", ondelete="CASCADE", nullable=False))
    kind: str
    step_on: dt.date
    note: str | None = None
    due_on: dt.date | None = None
    amount_fen: int | None = None
    operator: str | None = None
    created_at: dt.datetime
    owner_id: int | None = None
    previous_owner_id: int | None = None


class StepMeasure(SQLModel, table=True):
    __tablename__ = "step_measure"
    step_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("problem_step.id", ondelete="CASCADE"),
            primary_key=True,
            nullable=False,
        )
    )
    measure: str = Field(primary_key=True)


class Activity(SQLModel, table=True):
    """An event of the campaign; ``kind`` is a key of ``labels.ACTIVITY_KIND``.

    The partner of an org-life (a linked community or enterprise) is ``community_id`` or
    ``enterprise_id``; ``section_id`` is the organising section when one is named; the cadres
    who took part are rows of ``activity_cadre``.
    """

    __table_args__ = NUMBERED
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    held_on: dt.date = Field(index=True)
    title: str | None = None
    community_id: int | None = Field(default=None, sa_column=_fk("community.id"))
    enterprise_id: int | None = Field(default=None, sa_column=_fk("enterprise.id"))
    section_id: int | None = Field(default=None, sa_column=_fk("section.id"))
    note: str | None = None
    created_at: dt.datetime


class ActivityCadre(SQLModel, table=True):
    __tablename__ = "activity_cadre"
    activity_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("activity.id", ondelete="CASCADE"),
            primary_key=True,
            nullable=False,
        )
    )
    cadre_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cadre.id"), primary_key=True, index=True)
    )


class Research(SQLModel, table=True):
    __table_args__ = NUMBERED
    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(sa_column=_fk("cadre.id", nullable=False))
    title: str
    written_on: dt.date = Field(index=True)
    topic: str | None = None
    created_at: dt.datetime


class Journal(SQLModel, table=True):
    """Who changed what, and when.

    ``kind``: change (a command's writes, rows in ``journal_change``), undo (``undoes`` = the
    entry it took back, whose ``undone_by`` points here), reveal (full ID/phone numbers were
    shown), purge (personal fields erased), legacy (written before the change journal existed:
    no rows to undo). Summaries name records by name and number, never by ID or phone number.
    """

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    operator: str
    command: str
    summary: str
    kind: str = "change"
    undoes: int | None = None
    undone_by: int | None = None


class JournalChange(SQLModel, table=True):
    """One row written by a journaled command: its values before and after (JSON objects of
    column → value; an update holds the changed columns and the key). ``record_id`` is the
    row's ``id`` (None for tables keyed by two columns, whose key is in the JSON).

    A run (``last_record_id`` set): the records ``record_id`` to ``last_record_id``, all of
    them, inserted (or deleted by an undo) together, without their values (an import's new
    records)."""

    __tablename__ = "journal_change"
    __table_args__ = (
        Index("ix_journal_change_record", "table_name", "record_id"),
        Index("ix_journal_change_run", "table_name", "last_record_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    journal_id: int = Field(sa_column=_fk("journal.id", ondelete="CASCADE", nullable=False))
    seq: int
    table_name: str
    record_id: int | None = None
    last_record_id: int | None = None
    action: str
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


REGISTRY_MODELS: dict[str, type[SQLModel]] = {
    "section": Section,
    "cadre": Cadre,
    "community": Community,
    "enterprise": Enterprise,
    "household": Household,
}


class SchemaMigration(SQLModel, table=True):
    """The migrations applied to this database, in order (created by the runner itself)."""

    __tablename__ = "schema_migrations"
    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    name: str
    applied_at: dt.datetime
