"""Times as precise as an article gives them, with the earliest and latest day they can mean.

A fact file writes a time as one of:

    2024-03-26          a day (xsd:date)
    2024-03             a month (xsd:gYearMonth)
    2024                a year (xsd:gYear)
    early 2024-03       first third of the month (days 1-10), or of the year (Jan-Apr)
    mid 2024-03         middle third (days 11-20), or May-Aug
    late 2024-03        last third (day 21 to the end), or Sep-Dec
    before 2024-03-26   strictly before that time; the literal itself is unknown
    after 2023-07       at or after that time; the literal itself is unknown
    ongoing             (ends only) still true when the article was published
    planned 2024-08     (ends only) a plan: to end then; may be after publication
    planned by 2024-09-15  (ends only) a deadline: to end on or before that day

Bounds are inclusive days. For an end, the bound is the last day the situation still held.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .namespaces import XSD

_VALUE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
QUALIFIERS = ("early", "mid", "late")


class TimeError(ValueError):
    """A time that is not written in the grammar above, or is not a real date."""


@dataclass(frozen=True)
class TimeValue:
    lexical: str | None  # the stated value, None when only bounds are known
    datatype: str | None  # xsd:date, xsd:gYearMonth or xsd:gYear
    earliest: dt.date | None
    latest: dt.date | None
    text: str  # the spec as written
    planned: bool = False  # a plan or a deadline, not something that has happened


def _parse_value(text: str) -> tuple[str, str, dt.date, dt.date]:
    match = _VALUE.match(text)
    if not match:
        raise TimeError(f"'{text}' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = match.groups()
    y = int(year)
    if y < 2:  # year 0 does not exist, and "before 0001" would have no day to end on
        raise TimeError(f"'{text}' is not a real date: years start at 0002 here")
    if month is None:
        return text, XSD + "gYear", dt.date(y, 1, 1), dt.date(y, 12, 31)
    m = int(month)
    if not 1 <= m <= 12:
        raise TimeError(f"'{text}' is not a real date: there is no month {m}")
    last = calendar.monthrange(y, m)[1]
    if day is None:
        return text, XSD + "gYearMonth", dt.date(y, m, 1), dt.date(y, m, last)
    d = int(day)
    if not 1 <= d <= last:
        raise TimeError(
            f"'{text}' is not a real date: {calendar.month_name[m]} {y} has {last} days"
        )
    day_value = dt.date(y, m, d)
    return text, XSD + "date", day_value, day_value


def _third(qualifier: str, datatype: str, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    index = QUALIFIERS.index(qualifier)
    if datatype == XSD + "gYearMonth":
        starts = (1, 11, 21)
        ends = (10, 20, last.day)
        return first.replace(day=starts[index]), first.replace(day=ends[index])
    if datatype == XSD + "gYear":
        months = ((1, 4), (5, 8), (9, 12))[index]
        end_day = calendar.monthrange(first.year, months[1])[1]
        return first.replace(month=months[0]), first.replace(month=months[1], day=end_day)
    raise TimeError(f"'{qualifier}' applies to a month or a year, not to a day")


def parse_time(raw: object, *, published: dt.date, is_end: bool = False) -> TimeValue:
    """Parse a time spec; ``published`` resolves ``ongoing`` and caps reported events."""
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        raw = raw.isoformat()
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise TimeError(f"{raw!r} is not a time (expected e.g. 2024-03, 'mid 2024-03', 'before 2024')")
    text = " ".join(raw.split())
    if text.startswith("planned "):
        if not is_end:
            raise TimeError("only an end can be planned ('planned 2024-08', 'planned by 2024-09-15')")
        rest = text.removeprefix("planned ")
        deadline = rest.startswith("by ")
        plan = parse_time(rest.removeprefix("by "), published=published, is_end=False)
        if plan.text == "ongoing" or plan.planned or plan.lexical is None:
            raise TimeError(f"'{text}' is not a plan (expected 'planned 2024-08' or 'planned by 2024-09-15')")
        if deadline:
            return TimeValue(None, None, None, plan.latest, text, planned=True)
        return TimeValue(plan.lexical, plan.datatype, plan.earliest, plan.latest, text, planned=True)
    if text == "ongoing":
        if not is_end:
            raise TimeError("'ongoing' can only be an end")
        return TimeValue(None, None, published, None, text)
    words = text.split(" ")
    if len(words) == 1:
        lexical, datatype, earliest, latest = _parse_value(text)
        return TimeValue(lexical, datatype, earliest, latest, text)
    if len(words) == 2 and words[0] in (*QUALIFIERS, "before", "after"):
        qualifier, value = words
        lexical, datatype, earliest, latest = _parse_value(value)
        if qualifier in QUALIFIERS:
            earliest, latest = _third(qualifier, datatype, earliest, latest)
            return TimeValue(lexical, datatype, earliest, latest, text)
        if qualifier == "before":
            return TimeValue(None, None, None, earliest - dt.timedelta(days=1), text)
        if qualifier == "after":
            return TimeValue(None, None, earliest, None, text)
    raise TimeError(
        f"'{text}' is not a time (expected YYYY[-MM[-DD]], optionally after early/mid/late/before/after, "
        "or 'ongoing', or 'planned [by] ...')"
    )
