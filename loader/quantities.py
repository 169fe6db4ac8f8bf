"""Troop strengths as vague as an article gives them, each with the numbers it can mean.

A fact file writes a strength as one of:

    1000                     exactly
    {about: 1000}            "some 1,000", "around 1,000": 900 to 1,100
    {between: [1000, 1500]}  "between 1,000 and 1,500"
    {at_least: 100}          "more than 100", "at least 100"
    {at_most: 100}           "up to 100"
    dozens, hundreds, a few hundred, several hundred, thousands, several thousand

The words keep their vagueness in the graph (skg:troopsText) and get inclusive bounds
(skg:troopsMin, skg:troopsMax), so that two reports can be compared: "several hundred" (200-800)
and "about 1,000" (900-1,100) do not overlap, so they disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

# "about N" means within 10% either way: close enough for "some", "around", "nearly"
ABOUT = 0.1

WORDS = {
    "dozens": (24, 99),
    "a few hundred": (200, 500),
    "several hundred": (200, 800),
    "hundreds": (200, 999),
    "several thousand": (2000, 9000),
    "thousands": (2000, 9999),
}

FORMS = "a number, {about: N}, {between: [LOW, HIGH]}, {at_least: N}, {at_most: N} or one of: " + ", ".join(WORDS)


@dataclass(frozen=True)
class Strength:
    text: str  # as the article gives it: "about 1000", "several hundred"
    low: int
    high: int | None  # None: no upper bound ("at least 100")
    number: int | None = None  # the strength as one number, when the article gives one (exact or "about")
    approximate: bool = False

    def overlaps(self, other: Strength) -> bool:
        return (self.high is None or other.low <= self.high) and (other.high is None or self.low <= other.high)


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"troop strength {value!r} is not a positive whole number")
    return value


def parse_troops(raw: object) -> Strength:
    """A Strength, or ValueError saying what the forms are."""
    if isinstance(raw, str):
        words = " ".join(raw.split()).lower()
        if words not in WORDS:
            raise ValueError(f"troop strength '{raw}' is not understood (expected {FORMS})")
        low, high = WORDS[words]
        return Strength(words, low, high, approximate=True)
    if isinstance(raw, dict):
        if len(raw) != 1:
            raise ValueError(f"troop strength {dict(raw)!r} has several forms at once (expected {FORMS})")
        (form, value), = raw.items()
        if form == "about":
            number = _count(value)
            low, high = round(number * (1 - ABOUT)), round(number * (1 + ABOUT))
            return Strength(f"about {number}", max(low, 1), high, number, approximate=True)
        if form == "between":
            if not isinstance(value, list) or len(value) != 2:
                raise ValueError("'between' takes two numbers, [LOW, HIGH]")
            low, high = _count(value[0]), _count(value[1])
            if low > high:
                raise ValueError(f"'between' goes from low to high, not [{low}, {high}]")
            return Strength(f"between {low} and {high}", low, high, approximate=True)
        if form == "at_least":
            number = _count(value)
            return Strength(f"at least {number}", number, None, approximate=True)
        if form == "at_most":
            number = _count(value)
            return Strength(f"up to {number}", 1, number, approximate=True)
        raise ValueError(f"'{form}' is not a form of troop strength (expected {FORMS})")
    number = _count(raw)
    return Strength(str(number), number, number, number)
