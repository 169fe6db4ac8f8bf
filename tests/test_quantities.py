"""loader.quantities.parse_troops: every form of a troop strength, its bounds, its words and its source."""

from __future__ import annotations

import pytest

from loader.quantities import Strength, parse_troops

# (as written, text kept, low, high, the one number, approximate, attribution)
FORMS = [
    (1000, "1000", 1000, 1000, 1000, False, None),
    ("1,000", "1,000", 1000, 1000, 1000, False, None),
    ({"about": 1000}, "about 1000", 900, 1100, 1000, True, None),
    ({"between": [1000, 1500]}, "between 1000 and 1500", 1000, 1500, None, True, None),
    ({"at_least": 100}, "at least 100", 100, None, None, True, None),
    ({"at_most": 100}, "up to 100", 1, 100, None, True, None),
    ({"about": 2000, "according_to": "officials"}, "about 2000", 1800, 2200, 2000, True, "officials"),
    # the article's words, kept as written
    ("several hundred", "several hundred", 200, 800, None, True, None),
    ("Several  hundred", "several hundred", 200, 800, None, True, None),
    ("dozens", "dozens", 24, 99, None, True, None),
    ("some 1,000", "some 1,000", 900, 1100, 1000, True, None),
    ("around 2,000", "around 2,000", 1800, 2200, 2000, True, None),
    ("an estimated 1,500", "an estimated 1,500", 1350, 1650, 1500, True, None),
    ("between 1,000 and 1,500", "between 1,000 and 1,500", 1000, 1500, None, True, None),
    ("nearly 1,000", "nearly 1,000", 900, 1000, None, True, None),
    ("more than 100", "more than 100", 101, None, None, True, None),
    ("at least 100", "at least 100", 100, None, None, True, None),
    ("fewer than 100", "fewer than 100", 1, 99, None, True, None),
    ("up to 100", "up to 100", 1, 100, None, True, None),
    # whose figure it is stays, apart from the figure
    ("around 2,000 (per officials)", "around 2,000", 1800, 2200, 2000, True, "officials"),
    ("several hundred (according to  the army)", "several hundred", 200, 800, None, True, "the army"),
    ("1,200 (per a security source)", "1,200", 1200, 1200, 1200, False, "a security source"),
]


@pytest.mark.parametrize(("raw", "text", "low", "high", "number", "approximate", "attribution"), FORMS,
                         ids=[str(f[0]) for f in FORMS])
def test_form(raw, text, low, high, number, approximate, attribution):
    assert parse_troops(raw) == Strength(text, low, high, number, approximate, attribution)


def test_vague_strengths_compare_by_their_bounds():
    several_hundred, some_thousand = parse_troops("several hundred"), parse_troops("some 1,000")
    assert not several_hundred.overlaps(some_thousand)
    assert parse_troops("between 1,000 and 1,500").overlaps(some_thousand)
    assert parse_troops("more than 100").overlaps(parse_troops("around 2,000 (per officials)"))
    assert not parse_troops("dozens").overlaps(parse_troops("at least 100"))


def test_the_words_name_the_source():
    assert parse_troops("around 2,000 (per officials)").words == "around 2,000 per officials"
    assert parse_troops("dozens").words == "dozens"


@pytest.mark.parametrize(("raw", "message"), [
    ("some thousand", "troop strength 'some thousand' is not understood"),
    ("1,00", "troop strength '1,00' is not understood"),
    ("between 1,500 and 1,000", "troop strength 'between 1,500 and 1,000' goes from high to low (between 1500 and 1000)"),
    ("between 0 and 10", "troop strength 0 is not a positive whole number"),
    ("fewer than 1", "troop strength 'fewer than 1' leaves no positive whole number"),
    ("around 2,000 (per )", "troop strength 'around 2,000 (per )' is not understood"),
    ({"about": 1000, "according_to": ""}, "'according_to' of a troop strength is the words naming its source, "
     "e.g. 'officials'"),
    ({"according_to": "officials"}, "troop strength {} has no number"),
    ({"about": 1000, "at_least": 900}, "troop strength {'about': 1000, 'at_least': 900} has several forms at once"),
])
def test_error(raw, message):
    with pytest.raises(ValueError) as caught:
        parse_troops(raw)
    assert str(caught.value).split(" (expected")[0] == message
