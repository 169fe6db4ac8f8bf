"""loader.timespec.parse_time: every form of the time grammar, its bounds, and its errors.

The article the times are resolved against was published on Tuesday 2024-03-26.
"""

from __future__ import annotations

import datetime as dt

import pytest

from loader.timespec import TimeError, TimeValue, parse_time, relative_time

PUBLISHED = dt.date(2024, 3, 26)
XSD = "http://www.w3.org/2001/XMLSchema#"
DATE, MONTH, YEAR = XSD + "date", XSD + "gYearMonth", XSD + "gYear"
D = dt.date
GRAMMAR = ("optionally after early/mid/late/before/after/by, 'between ... and ...', 'about YYYY', "
           "'about a decade before', 'before <fact id>', or 'ongoing', or 'planned [by] ...'")


def parse(raw, *, is_end=False) -> TimeValue:
    return parse_time(raw, published=PUBLISHED, is_end=is_end)


# (spec, lexical, datatype, earliest, latest): bounds are inclusive days.
VALUES = [
    # precision: day, month, year
    ("2024-03-26", "2024-03-26", DATE, D(2024, 3, 26), D(2024, 3, 26)),
    ("2024-02-29", "2024-02-29", DATE, D(2024, 2, 29), D(2024, 2, 29)),  # leap day
    ("2000-02-29", "2000-02-29", DATE, D(2000, 2, 29), D(2000, 2, 29)),  # 2000 is a leap year
    ("2024-03", "2024-03", MONTH, D(2024, 3, 1), D(2024, 3, 31)),
    ("2024-04", "2024-04", MONTH, D(2024, 4, 1), D(2024, 4, 30)),
    ("2024-02", "2024-02", MONTH, D(2024, 2, 1), D(2024, 2, 29)),
    ("2023-02", "2023-02", MONTH, D(2023, 2, 1), D(2023, 2, 28)),
    ("2024", "2024", YEAR, D(2024, 1, 1), D(2024, 12, 31)),
    # thirds of a month: 1-10, 11-20, 21 to the end
    ("early 2024-03", "2024-03", MONTH, D(2024, 3, 1), D(2024, 3, 10)),
    ("mid 2024-03", "2024-03", MONTH, D(2024, 3, 11), D(2024, 3, 20)),
    ("late 2024-03", "2024-03", MONTH, D(2024, 3, 21), D(2024, 3, 31)),
    ("late 2024-04", "2024-04", MONTH, D(2024, 4, 21), D(2024, 4, 30)),
    ("early 2024-02", "2024-02", MONTH, D(2024, 2, 1), D(2024, 2, 10)),
    ("mid 2024-02", "2024-02", MONTH, D(2024, 2, 11), D(2024, 2, 20)),
    ("late 2024-02", "2024-02", MONTH, D(2024, 2, 21), D(2024, 2, 29)),  # February of a leap year
    ("late 2023-02", "2023-02", MONTH, D(2023, 2, 21), D(2023, 2, 28)),
    # thirds of a year: Jan-Apr, May-Aug, Sep-Dec
    ("early 2024", "2024", YEAR, D(2024, 1, 1), D(2024, 4, 30)),
    ("mid 2024", "2024", YEAR, D(2024, 5, 1), D(2024, 8, 31)),
    ("late 2024", "2024", YEAR, D(2024, 9, 1), D(2024, 12, 31)),
    ("mid 2023", "2023", YEAR, D(2023, 5, 1), D(2023, 8, 31)),
    # before: strictly before, the literal itself is unknown
    ("before 2024-03-26", None, None, None, D(2024, 3, 25)),
    ("before 2024-03", None, None, None, D(2024, 2, 29)),
    ("before 2024-02", None, None, None, D(2024, 1, 31)),
    ("before 2024", None, None, None, D(2023, 12, 31)),
    # after: at or after, the literal itself is unknown
    ("after 2023-07", None, None, D(2023, 7, 1), None),
    ("after 2023-07-26", None, None, D(2023, 7, 26), None),
    ("after 2023", None, None, D(2023, 1, 1), None),
]


@pytest.mark.parametrize("is_end", [False, True], ids=["start", "end"])
@pytest.mark.parametrize(("spec", "lexical", "datatype", "earliest", "latest"), VALUES, ids=[v[0] for v in VALUES])
def test_value(spec, lexical, datatype, earliest, latest, is_end):
    # Apart from 'ongoing', a start and an end parse the same way.
    assert parse(spec, is_end=is_end) == TimeValue(lexical, datatype, earliest, latest, spec)


def test_ongoing_end_is_open_from_publication():
    assert parse("ongoing", is_end=True) == TimeValue(None, None, PUBLISHED, None, "ongoing")


def test_ongoing_end_follows_the_publication_date():
    value = parse_time("ongoing", published=D(2023, 8, 1), is_end=True)
    assert value == TimeValue(None, None, D(2023, 8, 1), None, "ongoing")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  mid   2024-03 ", TimeValue("2024-03", MONTH, D(2024, 3, 11), D(2024, 3, 20), "mid 2024-03")),
        ("before\t2024-03-26", TimeValue(None, None, None, D(2024, 3, 25), "before 2024-03-26")),
        (" ongoing\n", TimeValue(None, None, PUBLISHED, None, "ongoing")),
    ],
    ids=["spaces", "tab", "newline"],
)
def test_whitespace_is_normalised_in_the_text(raw, expected):
    assert parse(raw, is_end=True) == expected


# What YAML gives for an unquoted time: a date, a datetime, or an int year.
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (D(2024, 3, 26), TimeValue("2024-03-26", DATE, D(2024, 3, 26), D(2024, 3, 26), "2024-03-26")),
        (D(2024, 2, 29), TimeValue("2024-02-29", DATE, D(2024, 2, 29), D(2024, 2, 29), "2024-02-29")),
        (dt.datetime(2024, 3, 26, 10, 30), TimeValue("2024-03-26", DATE, D(2024, 3, 26), D(2024, 3, 26), "2024-03-26")),
        (2023, TimeValue("2023", YEAR, D(2023, 1, 1), D(2023, 12, 31), "2023")),
    ],
    ids=["date", "leap-date", "datetime", "int-year"],
)
def test_yaml_typed_input(raw, expected):
    assert parse(raw) == expected


ERRORS = [
    # not real dates
    ("2024-13-40", False, "'2024-13-40' is not a real date: there is no month 13"),
    ("2024-13", False, "'2024-13' is not a real date: there is no month 13"),
    ("2024-00", False, "'2024-00' is not a real date: there is no month 0"),
    ("2023-02-31", False, "'2023-02-31' is not a real date: February 2023 has 28 days"),
    ("2023-02-29", False, "'2023-02-29' is not a real date: February 2023 has 28 days"),
    ("2024-02-30", False, "'2024-02-30' is not a real date: February 2024 has 29 days"),
    ("2100-02-29", False, "'2100-02-29' is not a real date: February 2100 has 28 days"),
    ("2024-04-31", False, "'2024-04-31' is not a real date: April 2024 has 30 days"),
    ("2024-01-00", False, "'2024-01-00' is not a real date: January 2024 has 31 days"),
    ("mid 2024-13", False, "'2024-13' is not a real date: there is no month 13"),
    ("before 2023-02-31", True, "'2023-02-31' is not a real date: February 2023 has 28 days"),
    # a qualifier on a day
    ("mid 2024-03-26", False, "'mid' applies to a month or a year, not to a day"),
    ("early 2024-03-26", True, "'early' applies to a month or a year, not to a day"),
    ("late 2024-03-26", False, "'late' applies to a month or a year, not to a day"),
    # not in the grammar
    ("soon", False, "'soon' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("soon", True, "'soon' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("", False, "'' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("2024-3", False, "'2024-3' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("26/03/2024", False, "'26/03/2024' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("March 2024", False, "'March 2024' is not a time (expected YYYY[-MM[-DD]], " + GRAMMAR + ")"),
    ("before ongoing", True, "'ongoing' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("Mid 2024-03", False, "'Mid 2024-03' is not a time (expected YYYY[-MM[-DD]], " + GRAMMAR + ")"),
    ("around 2024-03", False, "'around 2024-03' is not a time (expected YYYY[-MM[-DD]], " + GRAMMAR + ")"),
    ("mid before 2024", False, "'mid before 2024' is not a time (expected YYYY[-MM[-DD]], " + GRAMMAR + ")"),
    # 'ongoing' is only an end
    ("ongoing", False, "'ongoing' can only be an end"),
    # values YAML may give that are not times
    (None, False, "None is not a time (expected e.g. 2024-03, 'mid 2024-03', 'before 2024')"),
    (True, False, "True is not a time (expected e.g. 2024-03, 'mid 2024-03', 'before 2024')"),
    (2024.5, False, "2024.5 is not a time (expected e.g. 2024-03, 'mid 2024-03', 'before 2024')"),
    (["2024"], False, "['2024'] is not a time (expected e.g. 2024-03, 'mid 2024-03', 'before 2024')"),
    (24, False, "'24' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
]


@pytest.mark.parametrize(("raw", "is_end", "message"), ERRORS, ids=[f"{e[0]!r}-{'end' if e[1] else 'start'}" for e in ERRORS])
def test_error(raw, is_end, message):
    with pytest.raises(TimeError) as caught:
        parse(raw, is_end=is_end)
    assert str(caught.value) == message


def test_time_error_is_a_value_error():
    assert issubclass(TimeError, ValueError)


# --- Years and digits outside the grammar ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0000", "'0000' is not a real date: years start at 0002 here"),
        ("0000-01", "'0000-01' is not a real date: years start at 0002 here"),
        ("0000-01-01", "'0000-01-01' is not a real date: years start at 0002 here"),
        ("after 0000", "'0000' is not a real date: years start at 0002 here"),
        ("0001", "'0001' is not a real date: years start at 0002 here"),
        ("before 0001", "'0001' is not a real date: years start at 0002 here"),
        ("before 0001-01-01", "'0001-01-01' is not a real date: years start at 0002 here"),
    ],
)
def test_out_of_range_year_is_a_time_error(raw, message):
    with pytest.raises(TimeError) as caught:
        parse(raw)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("0002", TimeValue("0002", YEAR, D(2, 1, 1), D(2, 12, 31), "0002")),
        ("before 0002", TimeValue(None, None, None, D(1, 12, 31), "before 0002")),
        ("before 0002-01-01", TimeValue(None, None, None, D(1, 12, 31), "before 0002-01-01")),
    ],
)
def test_years_start_at_0002(spec, expected):
    assert parse(spec) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("２０２４", "'２０２４' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("٢٠٢٤-٠٣", "'٢٠٢٤-٠٣' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("2024-０３", "'2024-０３' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("mid ２０２４", "'２０２４' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
    ],
)
def test_non_ascii_digits_are_rejected(raw, message):
    with pytest.raises(TimeError) as caught:
        parse(raw)
    assert str(caught.value) == message


# --- More of the words articles use ---------------------------------------------------------------
# (spec, earliest, latest, text): none of these states a value, only bounds.
WORDS = [
    # "by early August": an upper bound, the end of what follows 'by'
    ("by early 2024-08", None, D(2024, 8, 10), "by early 2024-08"),
    ("by 2024-03-20", None, D(2024, 3, 20), "by 2024-03-20"),
    ("by late 2023", None, D(2023, 12, 31), "by late 2023"),
    # before and after a third
    ("before late 2021", None, D(2021, 8, 31), "before late 2021"),
    ("after mid 2023-07", D(2023, 7, 11), None, "after mid 2023-07"),
    # between X and Y: from the first day of X to the last day of Y
    ("between 2024-01 and mid 2024-02", D(2024, 1, 1), D(2024, 2, 20), "between 2024-01 and mid 2024-02"),
    ("between late 2021 and 2022-02-03", D(2021, 9, 1), D(2022, 2, 3), "between late 2021 and 2022-02-03"),
    ("between 2023-07-26 and 2023-07-26", D(2023, 7, 26), D(2023, 7, 26), "between 2023-07-26 and 2023-07-26"),
    # approximate years, and times counted back from the publication day (2024-03-26)
    ("about 2014", D(2013, 1, 1), D(2015, 12, 31), "about 2014"),
    ("about a decade before", D(2012, 1, 1), D(2016, 12, 31), "about a decade before 2024-03-26"),
    ("about 10 years before", D(2012, 1, 1), D(2016, 12, 31), "about 10 years before 2024-03-26"),
    ("about two decades before", D(2000, 1, 1), D(2008, 12, 31), "about two decades before 2024-03-26"),
    ("about a year before", D(2022, 1, 1), D(2024, 3, 26), "about a year before 2024-03-26"),
    ("two years before", D(2022, 1, 1), D(2022, 12, 31), "two years before 2024-03-26"),
    ("three months before", D(2023, 12, 1), D(2023, 12, 31), "three months before 2024-03-26"),
    ("about 3 months before", D(2023, 11, 1), D(2024, 1, 31), "about 3 months before 2024-03-26"),
    # ... or back from a day the fact file gives
    ("about a decade before 2023-07", D(2011, 1, 1), D(2015, 12, 31), "about a decade before 2023-07"),
]


@pytest.mark.parametrize(("spec", "earliest", "latest", "text"), WORDS, ids=[w[0] for w in WORDS])
def test_words(spec, earliest, latest, text):
    assert parse(spec) == TimeValue(None, None, earliest, latest, text)


def test_late_2021_keeps_its_year_and_its_words():
    assert parse("late 2021") == TimeValue("2021", YEAR, D(2021, 9, 1), D(2021, 12, 31), "late 2021")


@pytest.mark.parametrize(("spec", "relation", "ref"), [
    ("before the-revocation", "before", "the-revocation"),
    ("after coup-2023", "after", "coup-2023"),
    ("by us-withdrawal", "by", "us-withdrawal"),
])
def test_a_time_taken_from_another_fact_waits_for_it(spec, relation, ref):
    assert parse(spec) == TimeValue(None, None, None, None, spec, relative_to=ref, relation=relation)


REVOCATION = TimeValue("2024-03", MONTH, D(2024, 3, 1), D(2024, 3, 16), "mid 2024-03")


@pytest.mark.parametrize(("spec", "expected"), [
    # before: the day before the other fact's time may end, since it may have been on its last day
    ("before the-revocation", TimeValue(None, None, None, D(2024, 3, 15), "before the-revocation (mid 2024-03)")),
    ("by the-revocation", TimeValue(None, None, None, D(2024, 3, 16), "by the-revocation (mid 2024-03)")),
    ("after the-revocation", TimeValue(None, None, D(2024, 3, 1), None, "after the-revocation (mid 2024-03)")),
])
def test_relative_time_takes_its_bound_from_the_other_facts_time(spec, expected):
    assert relative_time(parse(spec), REVOCATION, "the-revocation") == expected


def test_relative_time_needs_a_bound_on_that_side():
    undated = TimeValue(None, None, None, D(2024, 3, 25), "before 2024-03-26")
    with pytest.raises(TimeError) as caught:
        relative_time(parse("after the-revocation"), undated, "the-revocation")
    assert str(caught.value) == "'the-revocation' has no earliest time ('before 2024-03-26') to be after"


@pytest.mark.parametrize(("raw", "message"), [
    ("between 2024-05 and 2024-03", "'between 2024-05 and 2024-03' goes back in time: '2024-03' is before '2024-05'"),
    ("between 2024-05 and soon", "'soon' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("about 2024-03", "'about 2024-03': 'about' takes a year (about 2014), not a month or a day"),
    ("0 years before", "'0 years before' goes back no time at all"),
    ("about 3000 years before", "'about 3000 years before' is before the year 0002"),
    ("by mid 2024-03-26", "'mid' applies to a month or a year, not to a day"),
    ("before ongoing", "'ongoing' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("by by 2024", "'by by 2024' is not a time (expected YYYY[-MM[-DD]], " + GRAMMAR + ")"),
    ("before the revocation", "'the revocation' is not a time (expected YYYY[-MM[-DD]], " + GRAMMAR + ")"),
])
def test_errors_in_the_words(raw, message):
    with pytest.raises(TimeError) as caught:
        parse(raw)
    assert str(caught.value) == message
