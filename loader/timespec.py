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
    by early 2024-08    on or before the end of that time ("by early August")
    between 2024-03 and mid 2024-05   from the first of these to the end of the second
    about 2014          an approximate year: a year either side (2013-2023)
    about a decade before   an approximate time before the publication date (or before a date given
                        after it: 'about 2 years before 2023-07'): 'a decade', 'N years', 'N months',
                        'a year', with or without 'about'; exact ones mean that calendar year (or
                        month), approximate ones widen it by a fifth of the amount, at least one unit
    before <fact id>    strictly before the time of another fact of the same file ("before the
                        revocation"); also 'after <fact id>', 'by <fact id>'. A fact's time is its date,
                        or a situation's start. Resolved once the file is read (``relative_to``).
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
RELATIONS = ("before", "after", "by")
_FACT_ID = re.compile(r"^(?=[a-z0-9-]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*$")  # a fact id has a letter; a date has none
_RESERVED = {"ongoing", "planned", "about", "between", "and", *QUALIFIERS, *RELATIONS}
_AMOUNT = re.compile(r"^(?:(about) )?(a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[0-9]+) "
                     r"(years?|decades?|months?) before(?: (.+))?$")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
APPROXIMATE_SHARE = 5  # "about N years": N/5 years either way, at least one
GRAMMAR = ("expected YYYY[-MM[-DD]], optionally after early/mid/late/before/after/by, 'between ... and ...', "
           "'about YYYY', 'about a decade before', 'before <fact id>', or 'ongoing', or 'planned [by] ...'")


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
    relative_to: str | None = None  # the id of the fact of the same file whose time this one is taken from
    relation: str | None = None  # before, after or by: how it relates to that fact's time


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


def _point(text: str) -> tuple[str, str, dt.date, dt.date]:
    """A value, or a third of one ('late 2021'): its literal, datatype and bounds."""
    words = text.split(" ")
    if len(words) == 2 and words[0] in QUALIFIERS:
        lexical, datatype, earliest, latest = _parse_value(words[1])
        return (lexical, datatype, *_third(words[0], datatype, earliest, latest))
    if len(words) == 1:
        return _parse_value(text)
    raise TimeError(f"'{text}' is not a time ({GRAMMAR})")


def _months_back(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - months
    return index // 12, index % 12 + 1


def _amount_before(match: re.Match, text: str, published: dt.date) -> TimeValue:
    """'about a decade before', '2 years before 2023-07': a time that far back from the anchor."""
    about, count, unit, anchor_text = match.groups()
    amount = _NUMBERS.get(count) or int(count)
    if amount < 1:
        raise TimeError(f"'{text}' goes back no time at all")
    anchor = _point(anchor_text)[2] if anchor_text else published
    months = amount * (120 if unit.startswith("decade") else 12 if unit.startswith("year") else 1)
    widen = max(months // APPROXIMATE_SHARE, 1 if unit.startswith("month") else 12) if about else 0
    if _months_back(anchor, months + widen)[0] < 2:
        raise TimeError(f"'{text}' is before the year 0002")
    if not anchor_text:
        text = f"{text} {published.isoformat()}"  # the phrase keeps the day it is counted from
    if unit.startswith("month"):
        y, m = _months_back(anchor, months + widen)
        earliest = dt.date(y, m, 1)
        y, m = _months_back(anchor, months - widen)
        latest = dt.date(y, m, calendar.monthrange(y, m)[1])
    else:
        years = months // 12
        earliest = dt.date(anchor.year - years - widen // 12, 1, 1)
        latest = dt.date(anchor.year - years + widen // 12, 12, 31)
    return TimeValue(None, None, earliest, min(latest, anchor), text)


def parse_time(raw: object, *, published: dt.date, is_end: bool = False) -> TimeValue:
    """Parse a time spec; ``published`` resolves ``ongoing`` and caps reported events. A time taken
    from another fact ('before <fact id>') comes back with ``relative_to`` set and no bounds:
    ``relative_time`` gives them once that fact's time is known."""
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
    if len(words) == 2 and words[0] in QUALIFIERS:
        return TimeValue(*_point(text), text)
    amount = _AMOUNT.match(text)
    if amount:
        return _amount_before(amount, text, published)
    if len(words) == 2 and words[0] == "about":
        lexical, datatype, earliest, latest = _parse_value(words[1])
        if datatype != XSD + "gYear":
            raise TimeError(f"'{text}': 'about' takes a year (about 2014), not a month or a day")
        return TimeValue(None, None, earliest.replace(year=earliest.year - 1), latest.replace(year=latest.year + 1),
                         text)
    if words[0] == "between" and " and " in text:
        first, _, second = text.removeprefix("between ").partition(" and ")
        a, b = _point(first), _point(second)
        if b[3] < a[2]:
            raise TimeError(f"'{text}' goes back in time: '{second}' is before '{first}'")
        return TimeValue(None, None, a[2], b[3], text)
    if len(words) >= 2 and words[0] in RELATIONS and words[1] not in RELATIONS:
        rest = " ".join(words[1:])
        if len(words) == 2 and _FACT_ID.match(rest) and rest not in _RESERVED:
            return TimeValue(None, None, None, None, text, relative_to=rest, relation=words[0])
        _, _, earliest, latest = _point(rest)
        if words[0] == "before":
            return TimeValue(None, None, None, earliest - dt.timedelta(days=1), text)
        if words[0] == "after":
            return TimeValue(None, None, earliest, None, text)
        return TimeValue(None, None, None, latest, text)
    raise TimeError(f"'{text}' is not a time ({GRAMMAR})")


def relative_time(value: TimeValue, other: TimeValue, other_id: str) -> TimeValue:
    """A time taken from another fact's (``value.relative_to``): 'before' ends the day before that
    fact's time may end (it may have been on its last possible day), 'after' starts when that time
    may start, 'by' ends when it may end."""
    text = f"{value.text} ({other.text})"
    if value.relation == "after":
        if other.earliest is None:
            raise TimeError(f"'{other_id}' has no earliest time ('{other.text}') to be after")
        return TimeValue(None, None, other.earliest, None, text)
    if other.latest is None:
        raise TimeError(f"'{other_id}' has no latest time ('{other.text}') to be {value.relation}")
    shift = dt.timedelta(days=1 if value.relation == "before" else 0)
    return TimeValue(None, None, None, other.latest - shift, text)
