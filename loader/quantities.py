"""Troop strengths as vague as an article gives them, each with the numbers it can mean.

A fact file writes a strength as one of:

    1000, "1,000"               exactly
    {about: 1000}               "some 1,000", "around 1,000": 900 to 1,100
    {between: [1000, 1500]}     "between 1,000 and 1,500"
    {at_least: 100}             "at least 100"
    {at_most: 100}              "up to 100"
    dozens, hundreds, a few hundred, several hundred, thousands, several thousand

or as the article words it, the words kept as written (numbers may have thousands commas):

    some 1,000, about 1000, around 2,000, roughly 500, approximately 500, an estimated 500   (N, within 10%)
    nearly 1,000, almost 1,000                 (90% of N to N)
    more than 100, over 100                    (above N)
    at least 100                               (N or more)
    fewer than 100, less than 100, under 100   (below N)
    up to 100, at most 100                     (1 to N)
    between 1,000 and 1,500

Either form may say whose figure it is: ``around 2,000 (per officials)`` or ``(according to
officials)`` after the words, ``according_to: officials`` beside the mapping form; the attribution
is kept (skg:troopsAttribution), not dropped.

The words keep their vagueness in the graph (skg:troopsText) and get inclusive bounds
(skg:troopsMin, skg:troopsMax), so that two reports can be compared: "several hundred" (200-800)
and "about 1,000" (900-1,100) do not overlap, so they disagree.
"""

from __future__ import annotations

import re
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

_NUMBER = r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
# the article's words before a number, and what they make of it
_LEADS = {
    "about": "about", "around": "about", "some": "about", "roughly": "about", "approximately": "about",
    "an estimated": "about", "nearly": "nearly", "almost": "nearly", "more than": "above", "over": "above",
    "at least": "at_least", "fewer than": "below", "less than": "below", "under": "below",
    "up to": "at_most", "at most": "at_most",
}
_LEAD = re.compile(rf"^(?:({'|'.join(sorted(_LEADS, key=len, reverse=True))}) )?{_NUMBER}$", re.IGNORECASE)
_BETWEEN = re.compile(rf"^between {_NUMBER} and {_NUMBER}$", re.IGNORECASE)
_ATTRIBUTED = re.compile(r"^(.*?)\s*\((?:per|according to) ([^()]*[^()\s][^()]*)\)$", re.IGNORECASE)
ATTRIBUTION_KEY = "according_to"

FORMS = ("a number, {about: N}, {between: [LOW, HIGH]}, {at_least: N}, {at_most: N}, the article's words "
         "('some 1,000', 'between 1,000 and 1,500', 'more than 100', 'up to 100', optionally followed by "
         "'(per officials)') or one of: " + ", ".join(WORDS))


@dataclass(frozen=True)
class Strength:
    text: str  # as the article gives it: "about 1000", "some 1,000", "several hundred"
    low: int
    high: int | None  # None: no upper bound ("at least 100")
    number: int | None = None  # the strength as one number, when the article gives one (exact or "about")
    approximate: bool = False
    attribution: str | None = None  # whose figure it is, in the article's words ("officials")

    def overlaps(self, other: Strength) -> bool:
        return (self.high is None or other.low <= self.high) and (other.high is None or self.low <= other.high)

    @property
    def words(self) -> str:
        """The strength and whose figure it is: 'around 2,000 per officials'."""
        return f"{self.text} per {self.attribution}" if self.attribution else self.text


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"troop strength {value!r} is not a positive whole number")
    return value


def _about(number: int) -> tuple[int, int]:
    return max(round(number * (1 - ABOUT)), 1), round(number * (1 + ABOUT))


def _from_words(raw: str) -> Strength:
    text = " ".join(raw.split())
    attribution = None
    attributed = _ATTRIBUTED.match(text)
    if attributed:
        text, attribution = attributed.group(1), " ".join(attributed.group(2).split())
    if text.lower() in WORDS:
        low, high = WORDS[text.lower()]
        return Strength(text.lower(), low, high, approximate=True, attribution=attribution)
    between = _BETWEEN.match(text)
    if between:
        low, high = (_count(int(n.replace(",", ""))) for n in between.groups())
        if low > high:
            raise ValueError(f"troop strength '{raw}' goes from high to low (between {low} and {high})")
        return Strength(text, low, high, approximate=True, attribution=attribution)
    lead = _LEAD.match(text)
    if not lead:
        raise ValueError(f"troop strength '{raw}' is not understood (expected {FORMS})")
    form = _LEADS[lead.group(1).lower()] if lead.group(1) else None
    number = _count(int(lead.group(2).replace(",", "")))
    if form is None:
        return Strength(text, number, number, number, attribution=attribution)
    if form == "about":
        return Strength(text, *_about(number), number, approximate=True, attribution=attribution)
    low, high = {"nearly": (max(round(number * (1 - ABOUT)), 1), number), "above": (number + 1, None),
                 "at_least": (number, None), "below": (1, number - 1), "at_most": (1, number)}[form]
    if high is not None and high < 1:
        raise ValueError(f"troop strength '{raw}' leaves no positive whole number")
    return Strength(text, low, high, approximate=True, attribution=attribution)


def parse_troops(raw: object) -> Strength:
    """A Strength, or ValueError saying what the forms are."""
    if isinstance(raw, str):
        return _from_words(raw)
    if isinstance(raw, dict):
        raw = dict(raw)
        attribution = raw.pop(ATTRIBUTION_KEY, None)
        if attribution is not None and (not isinstance(attribution, str) or not attribution.strip()):
            raise ValueError(f"'{ATTRIBUTION_KEY}' of a troop strength is the words naming its source, "
                             "e.g. 'officials'")
        if len(raw) != 1:
            raise ValueError(f"troop strength {raw!r} has {'several forms at once' if raw else 'no number'} "
                             f"(expected {FORMS})")
        attribution = " ".join(attribution.split()) if attribution else None
        (form, value), = raw.items()
        if form == "about":
            number = _count(value)
            return Strength(f"about {number}", *_about(number), number, approximate=True, attribution=attribution)
        if form == "between":
            if not isinstance(value, list) or len(value) != 2:
                raise ValueError("'between' takes two numbers, [LOW, HIGH]")
            low, high = _count(value[0]), _count(value[1])
            if low > high:
                raise ValueError(f"'between' goes from low to high, not [{low}, {high}]")
            return Strength(f"between {low} and {high}", low, high, approximate=True, attribution=attribution)
        if form == "at_least":
            number = _count(value)
            return Strength(f"at least {number}", number, None, approximate=True, attribution=attribution)
        if form == "at_most":
            number = _count(value)
            return Strength(f"up to {number}", 1, number, approximate=True, attribution=attribution)
        raise ValueError(f"'{form}' is not a form of troop strength (expected {FORMS})")
    number = _count(raw)
    return Strength(str(number), number, number, number)
