"""Dates and review intervals."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from mkdocs_sms.text import shown

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTERVAL = re.compile(r"^\s*(\d{1,4})\s*(day|week|month|year)s?\s*$", re.IGNORECASE)
# The same, for JSON Schema (whose patterns take no flags): what an editor accepts as an interval.
INTERVAL_PATTERN = (
    r"^\s*\d{1,4}\s*("
    + "|".join("".join(f"[{c}{c.upper()}]" for c in unit) for unit in ("day", "week", "month", "year"))
    + r")[sS]?\s*$"
)


@dataclass(frozen=True)
class Interval:
    """A review interval such as ``12 months``."""

    count: int
    unit: str  # day, week, month or year

    @classmethod
    def parse(cls, text: str) -> Interval:
        """Read ``N days|weeks|months|years``; raise ValueError otherwise."""
        match = _INTERVAL.match(text)
        if not match:
            raise ValueError(f"{shown(text)} is not an interval such as '12 months' or '2 years'")
        return cls(int(match.group(1)), match.group(2).lower())

    def after(self, start: dt.date) -> dt.date:
        """The date one interval after ``start`` (month ends are clamped: 31 Jan + 1 month = 28 Feb).

        A date past the last one Python can hold (31 December 9999) is that last date: never due.
        """
        if self.unit in ("day", "week"):
            days = self.count * (7 if self.unit == "week" else 1)
            return start + dt.timedelta(days=days) if days <= (dt.date.max - start).days else dt.date.max
        months = self.count * (12 if self.unit == "year" else 1)
        year, month = divmod(start.month - 1 + months, 12)
        year += start.year
        if year > dt.MAXYEAR:
            return dt.date.max
        day = min(start.day, calendar.monthrange(year, month + 1)[1])
        return dt.date(year, month + 1, day)

    def before(self, end: dt.date) -> dt.date:
        """The date one interval before ``end`` (month ends clamped as in :meth:`after`; never before 1 January 1)."""
        if self.unit in ("day", "week"):
            days = self.count * (7 if self.unit == "week" else 1)
            return end - dt.timedelta(days=days) if days < (end - dt.date.min).days else dt.date.min
        months = self.count * (12 if self.unit == "year" else 1)
        year, month = divmod(end.month - 1 - months, 12)
        year += end.year
        if year < dt.MINYEAR:
            return dt.date.min
        day = min(end.day, calendar.monthrange(year, month + 1)[1])
        return dt.date(year, month + 1, day)

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'' if self.count == 1 else 's'}"


def parse_date(value: object) -> dt.date:
    """Accept a YAML date or an ISO ``YYYY-MM-DD`` string; raise ValueError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            if _ISO_DATE.match(value.strip()):
                raise ValueError(f"{shown(value)} is not a date that exists ({exc})") from None
    raise ValueError(f"{shown(value)} is not a date in the form YYYY-MM-DD")
