"""The declarative base every table shares: constraint names, UTC datetimes, ``IN`` checks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Dialect, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.schema import conv
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names, so migrations can refer to them on both backends.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, naive UTC in the database (portable across backends).

    Naive datetimes are refused on the way in: their time zone is a guess, and a wrong
    guess silently shifts reminders and leases by hours.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)

    @property
    def python_type(self) -> type[Any]:
        return datetime


def one_of(table: str, column: str, values: tuple[str, ...]) -> CheckConstraint:
    """``column IN (values)``, under the name the migrations gave the constraint.

    They passed the full name ``ck_<table>_<column>`` and Alembic applied the naming
    convention to it once more, so every migrated database has ``ck_<table>_ck_<table>_<column>``.
    ``conv`` keeps that name as it is, so a schema built from these models (a new
    database) is the same as a migrated one."""
    sql = f"{column} IN ({', '.join(repr(v) for v in values)})"
    return CheckConstraint(sql, name=conv(f"ck_{table}_ck_{table}_{column}"))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}
