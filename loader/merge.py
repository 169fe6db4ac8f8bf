"""Many articles, one graph: reports of the same situation or event merge into one fact.

Every fact-file entry is a *report* (what one article says). Reports with the same kind and the
same identifying roles (``schema.FactType.identity``) share an *identity key*; within a key they are
grouped into facts:

- **events** whose dates are compatible are one fact: their date intervals overlap, or lie at most
  ``EVENT_TOLERANCE_DAYS`` apart (then their dates disagree, and that is flagged). Farther apart,
  they are two facts (Mali's coups of 2020 and 2021). A report with an open or wide date joins the
  one fact it is compatible with, and stays a fact of its own when it fits several;
- **situations** have episodes: a report starts a later episode only when its start is surely after
  an end that a report gives (forces leave, then return);
- ``same_as`` and ``distinct_from`` in a fact file override both rules.

The facts of one key are a function of the set of its reports alone, so loading articles in any
order gives the same facts, and a load recomputes only the keys it touches. Each fact gets its
derived time (the tightest bounds its reports agree on, and the span it was surely active), its
status inputs, its counts (reports, articles, independent sources) and its conflicts, all
materialised in the graph ``graph/facts/<key>`` so that queries are plain look-ups.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from . import schema
from .factfile import _local
from .namespaces import FACTS_GRAPH, PROV, RDF, RDFS, SCHEMA, SKF, SKG, SKR, SKX, XSD
from .quantities import Strength

EVENT_TOLERANCE_DAYS = 62  # "July" against "August": one coup, dates disputed; a year apart: two coups
TROOPS_WINDOW_DAYS = 31  # strengths reported this close together must agree; farther apart they may change
WIDE_DATE_DAYS = 366  # a date vaguer than a year ("before 2024") says little about which event it is

_TYPE = ox.NamedNode(RDF + "type")
_REPORT = ox.NamedNode(SKG + "Report")
_DAY = dt.timedelta(days=1)


def facts_graph(key: str) -> str:
    return FACTS_GRAPH + key


@dataclass
class Bounds:
    earliest: dt.date | None = None
    latest: dt.date | None = None
    stated: ox.Literal | None = None  # the value as a typed literal (2023-07), when the report gives one
    written: str | None = None  # as the fact file writes it ("mid 2024-03", "before 2024-03-26")


@dataclass
class Report:
    """One report, as read from its article graph (new files and the store alike)."""

    iri: str
    graph: str
    kind: str  # class IRI
    key: str
    article: str = ""
    values: dict[str, set] = field(default_factory=lambda: defaultdict(set))  # prop -> objects
    times: dict[str, Bounds] = field(default_factory=lambda: defaultdict(Bounds))  # start, end, date, plannedEnd
    citations: set[str] = field(default_factory=set)
    same_as: set[str] = field(default_factory=set)
    distinct_from: set[str] = field(default_factory=set)
    published: dt.date | None = None
    source: str = ""  # the independent source: the agency whose story it carries, else the publisher

    @property
    def local_id(self) -> str:
        return self.iri.removeprefix(SKR).rsplit(".", 1)[-1]

    @property
    def article_slug(self) -> str:
        return self.iri.removeprefix(SKR).rsplit(".", 1)[0]

    @property
    def fact_type(self) -> schema.FactType:
        return schema.FACT_TYPES[self.kind.rsplit("#", 1)[-1]]

    def bounds(self, name: str) -> Bounds:
        return self.times.get(name) or Bounds()

    def strength(self) -> Strength | None:
        text = self.values.get(SKG + "troopsText")
        if not text:
            return None
        low = self.values.get(SKG + "troopsMin")
        high = self.values.get(SKG + "troopsMax")
        source = self.values.get(SKG + "troopsAttribution")
        return Strength(next(iter(text)).value, int(next(iter(low)).value) if low else 1,
                        int(next(iter(high)).value) if high else None,
                        attribution=next(iter(source)).value if source else None)

    def observed(self) -> dt.date | None:
        """The day its values describe: its last day seen active ("still" -> publication), else publication."""
        return self.bounds("end").earliest or self.published


_TIME_PROPS = {SKG + name + suffix: (name, part)
               for name in ("start", "end", "date", "plannedEnd")
               for suffix, part in (("", "stated"), ("Earliest", "earliest"), ("Latest", "latest"))}
_TIME_PROPS.update({SKG + name + "AsWritten": (name, "written") for name in ("start", "end", "date")})


def reports_from_quads(quads: Iterable[ox.Quad]) -> dict[str, Report]:
    """The reports among some quads (an article graph, or what the store gave for some keys),
    with their article's publication date and source when the quads hold the article."""
    by_subject: dict[str, list[ox.Quad]] = defaultdict(list)
    articles: dict[str, dict[str, str]] = defaultdict(dict)
    for q in quads:
        if isinstance(q.subject, ox.NamedNode):
            by_subject[q.subject.value].append(q)
            if q.predicate.value in (SCHEMA + "datePublished", SCHEMA + "publisher", SCHEMA + "sourceOrganization"):
                articles[q.subject.value][q.predicate.value] = q.object.value
    reports = {}
    for iri, own in by_subject.items():
        if not any(q.predicate == _TYPE and q.object == _REPORT for q in own):
            continue
        first = {q.predicate.value: q.object for q in own}
        report = Report(iri, own[0].graph_name.value, first[SKG + "reportedType"].value, first[SKG + "identityKey"].value)
        for q in own:
            p, o = q.predicate.value, q.object
            if p in _TIME_PROPS:
                name, part = _TIME_PROPS[p]
                if part == "written" and name == "end" and o.value.startswith("planned "):
                    name = "plannedEnd"  # a plan's words go with the plan's bounds
                bounds = report.times[name]
                if part == "stated":
                    bounds.stated = o
                elif part == "written":
                    bounds.written = o.value
                else:
                    setattr(bounds, part, dt.date.fromisoformat(o.value))
            elif p == PROV + "wasDerivedFrom":
                report.article = o.value
            elif p == SKG + "citation":
                report.citations.add(o.value)
            elif p == SKG + "sameReportAs":
                report.same_as.add(o.value)
            elif p == SKG + "distinctFrom":
                report.distinct_from.add(o.value)
            report.values[p].add(o)
        reports[iri] = report
    for report in reports.values():
        describe_source(report, articles.get(report.article, {}))
    return reports


def describe_source(report: Report, article: dict[str, str]) -> None:
    if SCHEMA + "datePublished" in article:
        report.published = dt.date.fromisoformat(article[SCHEMA + "datePublished"])
    # one agency story carried by several outlets is one source
    agency = article.get(SCHEMA + "sourceOrganization")
    report.source = f"agency:{agency}" if agency else f"publisher:{article.get(SCHEMA + 'publisher', report.article)}"


# --- grouping reports into facts -------------------------------------------------------------------


class _Groups:
    """Union-find over report IRIs."""

    def __init__(self, items: Iterable[str]):
        self.parent = {i: i for i in items}

    def find(self, item: str) -> str:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for item in sorted(self.parent):
            out[self.find(item)].append(item)
        return list(out.values())


def _gap(a: Bounds, b: Bounds) -> int:
    """Days between two date intervals (0 or less when they overlap); open ends overlap anything."""
    lo = max(a.earliest or dt.date.min, b.earliest or dt.date.min)
    hi = min(a.latest or dt.date.max, b.latest or dt.date.max)
    return (lo - hi).days if lo > hi else 0


def _precise(b: Bounds) -> bool:
    return b.earliest is not None and b.latest is not None and (b.latest - b.earliest).days < WIDE_DATE_DAYS


def _event_groups(reports: list[Report]) -> _Groups:
    groups = _Groups(r.iri for r in reports)
    precise = [r for r in reports if _precise(r.bounds("date"))]
    vague = [r for r in reports if not _precise(r.bounds("date"))]
    for i, a in enumerate(precise):
        for b in precise[i + 1:]:
            if _gap(a.bounds("date"), b.bounds("date")) <= EVENT_TOLERANCE_DAYS:
                groups.union(a.iri, b.iri)
    dated = defaultdict(list)
    for r in precise:
        dated[groups.find(r.iri)].append(r)
    for r in vague:
        fits = [root for root, members in dated.items()
                if any(_gap(r.bounds("date"), m.bounds("date")) == 0 for m in members)]
        if len(fits) == 1:
            groups.union(r.iri, fits[0])
        elif not dated:
            for other in vague:  # nothing dated to tell them apart: vague reports of one event
                if _gap(r.bounds("date"), other.bounds("date")) == 0:
                    groups.union(r.iri, other.iri)
    return groups


def _episode_groups(reports: list[Report]) -> _Groups:
    # the reported ends, merged where they overlap: each is a boundary between episodes
    ends = sorted((r.bounds("end").earliest or dt.date.min, r.bounds("end").latest)
                  for r in reports if r.bounds("end").latest is not None)
    boundaries: list[list[dt.date]] = []
    for lo, hi in ends:
        if boundaries and lo <= boundaries[-1][1]:
            boundaries[-1][1] = max(boundaries[-1][1], hi)
        else:
            boundaries.append([lo, hi])
    episode = {}
    for r in reports:
        start = r.bounds("start").earliest
        episode[r.iri] = sum(1 for _, hi in boundaries if start is not None and hi < start)
    groups = _Groups(r.iri for r in reports)
    first: dict[int, str] = {}
    for r in sorted(reports, key=lambda r: r.iri):
        if episode[r.iri] in first:
            groups.union(first[episode[r.iri]], r.iri)
        else:
            first[episode[r.iri]] = r.iri
    return groups


def group_reports(reports: list[Report]) -> list[list[Report]]:
    """The facts of one identity key, each a list of its reports, in time order."""
    by_iri = {r.iri: r for r in reports}
    situation = reports[0].fact_type.situation
    groups = _episode_groups(reports) if situation else _event_groups(reports)
    for r in reports:  # the analyst's word comes last and wins
        for other in sorted(r.same_as):
            if other in by_iri:
                groups.union(r.iri, other)
    facts = [[by_iri[i] for i in members] for members in groups.groups()]
    separated = []
    for members in facts:
        apart = {r.iri for r in members if any(o in {m.iri for m in members} for o in r.distinct_from)}
        rest = [r for r in members if r.iri not in apart]
        separated += ([rest] if rest else []) + [[by_iri[i]] for i in sorted(apart)]
    name = "start" if situation else "date"

    def order(members: list[Report]):
        b = [m.bounds(name) for m in members]
        return (min((x.earliest or x.latest or dt.date.max) for x in b), members[0].iri)

    return sorted(separated, key=order)


# --- one fact, derived from its reports -----------------------------------------------------------


@dataclass
class Conflict:
    aspect: str
    a: Report
    value_a: str
    b: Report
    value_b: str
    disputed: tuple[dt.date, dt.date] | None = None  # days on which the status is disputed


@dataclass
class Fact:
    iri: str
    key: str
    reports: list[Report]
    kind: schema.FactType
    conflicts: list[Conflict] = field(default_factory=list)
    quads: list[ox.Quad] = field(default_factory=list)


def _literal(text: str) -> ox.Literal:
    return ox.Literal(text)


def _day(value: dt.date) -> ox.Literal:
    return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def _fact_iri(key: str, members: list[Report], index: int, situation: bool) -> str:
    # stable as reports come and go: an episode by its number, an event by its year
    if situation:
        anchor = "" if index == 0 else f"#episode-{index}"
    else:
        days = [d for m in members for d in (m.bounds("date").earliest, m.bounds("date").latest) if d]
        anchor = f"@{min(days).year}" if days else "@undated"
    return SKF + hashlib.sha256((key + anchor).encode()).hexdigest()[:20]


class _Deriver:
    def __init__(self, fact: Fact, graph: ox.NamedNode):
        self.fact = fact
        self.s = ox.NamedNode(fact.iri)
        self.graph = graph

    def add(self, p: str, o) -> None:
        self.fact.quads.append(ox.Quad(self.s, ox.NamedNode(p), o, self.graph))

    def conflict(self, aspect: str, a: Report, value_a: str, b: Report, value_b: str, disputed=None) -> None:
        if a.iri > b.iri:
            a, value_a, b, value_b = b, value_b, a, value_a
        self.fact.conflicts.append(Conflict(aspect, a, value_a, b, value_b, disputed))

    def roles(self) -> None:
        kind, members = self.fact.kind, self.fact.reports
        self.add(RDF + "type", ox.NamedNode(kind.iri))
        self.add(SKG + "factType", ox.NamedNode(kind.iri))
        for spec in kind.fields:
            if spec.kind not in ("entity", "vocab"):
                continue
            given = [(m, m.values.get(spec.prop, set())) for m in members if m.values.get(spec.prop)]
            values = set().union(*(v for _, v in given)) if given else set()
            if not spec.many and len(values) > 1 and spec.key not in kind.identity:
                # a detail the reports disagree on stays with each report, and is flagged: once per
                # pair of different values, between the first report of each
                first: dict[frozenset, Report] = {}
                for m, v in given:
                    first.setdefault(frozenset(v), m)
                for (va, a), (vb, b) in _pairs_of(sorted(first.items(), key=lambda item: item[1].iri)):
                    self.conflict(spec.key, a, _names(va), b, _names(vb))
                continue
            for value in sorted(values, key=str):
                self.add(spec.prop, value)

    def provenance(self) -> None:
        members = self.fact.reports
        for m in members:
            self.add(SKG + "report", ox.NamedNode(m.iri))
            for c in sorted(m.citations):
                self.add(SKG + "citation", ox.NamedNode(c))
        for article in sorted({m.article for m in members}):
            self.add(PROV + "wasDerivedFrom", ox.NamedNode(article))
        self.add(SKG + "reportCount", _integer(len(members)))
        self.add(SKG + "articleCount", _integer(len({m.article for m in members})))
        self.add(SKG + "sourceCount", _integer(len({m.source for m in members})))

    def _agreed(self, name: str) -> tuple[dt.date | None, Report | None, dt.date | None, Report | None]:
        """The tightest bounds all reports agree on, and the reports that give them."""
        lo = hi = None
        lo_by = hi_by = None
        for m in sorted(self.fact.reports, key=lambda r: r.iri):
            b = m.bounds(name)
            if b.earliest and (lo is None or b.earliest > lo):
                lo, lo_by = b.earliest, m
            if b.latest and (hi is None or b.latest < hi):
                hi, hi_by = b.latest, m
        return lo, lo_by, hi, hi_by

    def _stated(self, name: str, lo, hi) -> Bounds | None:
        """The report whose time is exactly the derived one, to show it as written."""
        for m in sorted(self.fact.reports, key=lambda r: (r.published or dt.date.min, r.iri)):
            b = m.bounds(name)
            if b.written and b.earliest == lo and b.latest == hi:
                return b
        return None

    def span_words(self, name: str, lo, lo_by: Report | None, hi, hi_by: Report | None, unknown: str = "unknown",
                   hi_seen: bool = False) -> str:
        """The fact's time in words: the words of the report that gives it whole, else the words of
        the reports each bound comes from ('late 2021, before 2021-11'), else the days. ``hi_seen``:
        the upper bound is a day the fact was seen active, not a time a report wrote."""
        stated = self._stated(name, lo, hi)
        if stated or not (lo and hi):
            return _span_words(lo, hi, stated, unknown)
        lo_words = lo_by.bounds(name).written if lo_by else None
        hi_words = None if hi_seen or not hi_by else hi_by.bounds(name).written
        if not (lo_words or hi_words):
            return _span_words(lo, hi, None, unknown)
        return f"{lo_words or f'after {lo}'}, {hi_words or f'by {hi}'}"

    def time_bounds(self, name: str, lo, hi) -> None:
        if lo:
            self.add(SKG + name + "Earliest", _day(lo))
        if hi:
            self.add(SKG + name + "Latest", _day(hi))
        stated = self._stated(name, lo, hi)
        if stated and stated.stated is not None:
            self.add(SKG + name, stated.stated)

    def event_time(self) -> None:
        lo, lo_by, hi, hi_by = self._agreed("date")
        when = self.span_words("date", lo, lo_by, hi, hi_by, unknown="")
        if lo and hi and lo > hi:
            a, b = lo_by.bounds("date"), hi_by.bounds("date")
            self.conflict("date", lo_by, a.written or "", hi_by, b.written or "")
            when = f"disputed: {_either(b.written, a.written)}"  # in date order: b ends before a begins
            lo, hi = hi, lo  # the hull of the two: the event happened somewhere in there
            self.time_bounds("date", lo, hi)
        else:
            self.time_bounds("date", lo, hi)
        self.add(SKG + "when", _literal(when))
        if lo or hi:
            self.add(SKG + "sortDate", _day(lo or hi))

    def situation_time(self) -> None:
        s_lo, s_lo_by, s_hi, s_hi_by = self._agreed("start")
        e_lo, e_lo_by, e_hi, e_hi_by = self._agreed("end")
        # seen active on a day: it had started by then
        seen = [(m.bounds("end").earliest, m.iri, m) for m in self.fact.reports if m.bounds("end").earliest]
        hi_seen = False
        if seen:
            first_seen, _, first_by = min(seen)
            if s_hi is None or first_seen < s_hi:
                s_hi, s_hi_by, hi_seen = first_seen, first_by, True
        since = self.span_words("start", s_lo, s_lo_by, s_hi, s_hi_by, hi_seen=hi_seen)
        until_words = ""
        if s_lo and s_hi and s_lo > s_hi:
            self.conflict("start", s_lo_by, s_lo_by.bounds("start").written or "", s_hi_by,
                          s_hi_by.bounds("start").written or f"ongoing on {s_hi}", disputed=(s_hi, s_lo - _DAY))
            since = f"disputed: {_either(s_hi_by.bounds('start').written, s_lo_by.bounds('start').written)}"
            s_lo, s_hi = s_hi, s_lo
        active_until = e_lo
        if e_lo and e_hi and e_lo > e_hi:
            self.conflict("end", e_hi_by, f"ended {e_hi_by.bounds('end').written}", e_lo_by,
                          f"ongoing on {e_lo}", disputed=(e_hi + _DAY, e_lo))
            until_words = f"disputed: ended {e_hi_by.bounds('end').written}, or ongoing on {e_lo}"
            active_until = e_hi
            e_lo, e_hi = e_hi, e_lo
        elif e_hi:
            # the words of the report that gives the last day it can have held
            written = e_hi_by.bounds("end").written
            until_words = f"ended {written}" if written else f"ended by {e_hi}"
        elif e_lo:
            until_words = f"ongoing on {e_lo}"
        else:
            until_words = "unknown"
        self.time_bounds("start", s_lo, s_hi)
        if e_lo:
            self.add(SKG + "endEarliest", _day(e_lo))
        if e_hi:
            self.add(SKG + "endLatest", _day(e_hi))
            stated = self._stated("end", e_lo, e_hi)
            if stated and stated.stated is not None:
                self.add(SKG + "end", stated.stated)
        if s_hi:
            self.add(SKG + "activeFrom", _day(s_hi))
        if active_until and (s_hi is None or active_until >= s_hi):
            self.add(SKG + "activeUntil", _day(active_until))
        plan = self.planned_end()  # shown even once it ended: when it was meant to end is part of the story
        if plan:
            until_words += f"; end planned {plan}"
        self.add(SKG + "since", _literal(since))
        self.add(SKG + "until", _literal(until_words))
        first = s_lo or s_hi or e_lo or e_hi
        if first:
            self.add(SKG + "sortDate", _day(first))

    def planned_end(self) -> str | None:
        # plans change: the latest article's plan is the plan
        planned = [m for m in self.fact.reports if m.bounds("plannedEnd").latest]
        if not planned:
            return None
        latest = max(planned, key=lambda m: (m.published or dt.date.min, m.iri))
        b = latest.bounds("plannedEnd")
        if b.stated is not None:
            self.add(SKG + "plannedEnd", b.stated)
        if b.earliest:
            self.add(SKG + "plannedEndEarliest", _day(b.earliest))
        self.add(SKG + "plannedEndLatest", _day(b.latest))
        return (b.written or "").removeprefix("planned ") or f"by {b.latest}"

    def troops(self) -> None:
        measured = sorted(((m.observed() or dt.date.min, strength, m) for m in self.fact.reports
                           if (strength := m.strength())), key=lambda t: (t[0], t[1].text, t[2].iri))
        if not measured:
            return
        entries = dict.fromkeys(f"{strength.words} ({day})" for day, strength, _ in measured)  # distinct, in order
        self.add(SKG + "troopsReported", _literal("; ".join(entries)))
        for i, (da, sa, a) in enumerate(measured):  # in day order: only the next month's reports
            for db, sb, b in measured[i + 1:]:
                if (db - da).days > TROOPS_WINDOW_DAYS:
                    break
                if not sa.overlaps(sb):
                    self.conflict("troops", a, f"{sa.words} ({da})", b, f"{sb.words} ({db})")

    def label(self, label) -> None:
        """A name for the fact, from its kind and identifying roles: 'MilitaryPresence: United States, Niger'."""
        kind, first = self.fact.kind, self.fact.reports[0]
        keys = ([f.key for f in kind.fields if f.kind == "vocab"][:1] if kind.step_of else []) + list(kind.identity)
        roles = [label(str(v.value)) for key in keys
                 for v in sorted(first.values.get(kind.field(key).prop, ()), key=str)]
        self.add(RDFS + "label", _literal(f"{kind.name}: {', '.join(roles)}"))

    def conflicts(self) -> None:
        unique = {(c.aspect, c.a.iri, c.b.iri): c for c in self.fact.conflicts}
        self.fact.conflicts = [unique[k] for k in sorted(unique)]
        self.add(SKG + "conflictCount", _integer(len(self.fact.conflicts)))
        for c in self.fact.conflicts:
            node = ox.NamedNode(SKX + hashlib.sha256("\n".join((self.fact.iri, c.aspect, c.a.iri, c.b.iri))
                                                      .encode()).hexdigest()[:20])
            quads = [(RDF + "type", ox.NamedNode(SKG + "Conflict")), (SKG + "conflictOf", self.s),
                     (SKG + "aspect", _literal(c.aspect)),
                     (SKG + "reportA", ox.NamedNode(c.a.iri)), (SKG + "valueA", _literal(c.value_a)),
                     (SKG + "reportB", ox.NamedNode(c.b.iri)), (SKG + "valueB", _literal(c.value_b))]
            if c.disputed:
                quads += [(SKG + "disputedFrom", _day(c.disputed[0])), (SKG + "disputedUntil", _day(c.disputed[1]))]
            self.fact.quads += [ox.Quad(node, ox.NamedNode(p), o, self.graph) for p, o in quads]


def _pairs_of(items: list):
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            yield a, b


def _names(values: set) -> str:
    return ", ".join(sorted(_local(v.value) for v in values))


def _either(a: str | None, b: str | None) -> str:
    return f"{a or 'unknown'} or {b or 'unknown'}"


def _span_words(lo, hi, stated: Bounds | None, unknown: str = "unknown") -> str:
    if stated and stated.written:
        return stated.written
    if lo and hi:
        return lo.isoformat() if lo == hi else f"between {lo} and {hi}"
    if hi:
        return f"by {hi}"
    if lo:
        return f"after {lo}"
    return unknown


# who acts for whom, derived from facts of these kinds: (kind, the actor's field, the field of whom it acts for)
STANDS_FOR = {"Rule": ("regime", "state"), "OfficeHolding": ("holder", "of"), "Affiliation": ("agent", "principal")}


def _step_episodes(facts: list[list[Report]], steps: list[Report], situation: bool) -> list[list[Report]]:
    """Each step joins the episode it falls in: the last one not begun after it (the first if none)."""
    if not facts:
        return [sorted(steps, key=lambda r: r.iri)] if steps else []
    out = [list(members) for members in facts]
    for step in steps:
        day = step.bounds("date").earliest or step.bounds("date").latest
        chosen = 0
        for i, members in enumerate(facts):
            begun = min((m.bounds("start").earliest or dt.date.min for m in members), default=dt.date.min)
            if situation and day and begun <= day:
                chosen = i
        out[chosen].append(step)
    return out


def _derive_one(fact: Fact, graph: ox.NamedNode, label, index: int) -> _Deriver:
    deriver = _Deriver(fact, graph)
    deriver.roles()
    deriver.provenance()
    if fact.kind.situation:
        deriver.situation_time()
        if index:
            deriver.add(SKG + "episode", _integer(index))
    else:
        deriver.event_time()
    deriver.troops()
    deriver.conflicts()
    deriver.label(label)
    return deriver


def derive(key: str, reports: list[Report], label=lambda iri: iri.rsplit("/", 1)[-1]) -> list[Fact]:
    """The facts of one identity key, with their quads in its facts graph; ``label`` names entities.

    A key may also hold steps of its facts (withdrawal steps of a presence): each step is a fact
    of its own (its reports grouped like any event's, per kind of step), linked to the fact it is
    a step of, and the times its reports give count for that fact (a completion ends it, a deadline
    is its planned end), as the reports of the fact itself do."""
    if not reports:
        return []
    graph = ox.NamedNode(facts_graph(key))
    steps = [r for r in reports if r.fact_type.step_of]
    own = [r for r in reports if not r.fact_type.step_of]
    kind = own[0].fact_type if own else schema.FACT_TYPES[steps[0].fact_type.step_of]
    facts = []
    years: dict[str, int] = defaultdict(int)

    def named(key_text: str, members: list[Report], index: int, situation: bool) -> str:
        iri = _fact_iri(key_text, members, index, situation)
        years[iri] += 1
        if years[iri] > 1:  # two events of one year: the later one is told apart by its rank
            iri = _fact_iri(key_text + f"#{years[iri]}", members, index, situation)
        return iri

    for index, members in enumerate(_step_episodes(group_reports(own) if own else [], steps, kind.situation)):
        main = [m for m in members if not m.fact_type.step_of]
        fact = Fact(named(key, main or members, index, kind.situation), key, sorted(members, key=lambda r: r.iri),
                    kind)
        _derive_one(fact, graph, label, index)
        if kind.name in STANDS_FOR:
            actor, whom = (kind.field(k).prop for k in STANDS_FOR[kind.name])
            for a in sorted(members[0].values.get(actor, ()), key=str):
                for w in sorted(members[0].values.get(whom, ()), key=str):
                    fact.quads.append(ox.Quad(a, ox.NamedNode(SKG + "standsFor"), w, graph))
        facts.append(fact)
        by_step: dict[tuple, list[Report]] = defaultdict(list)
        for m in members:
            if m.fact_type.step_of:
                vocab = next(f for f in m.fact_type.fields if f.kind == "vocab")
                by_step[(m.fact_type.name, *sorted(str(v) for v in m.values.get(vocab.prop, ())))].append(m)
        for step_key, step_reports in sorted(by_step.items()):
            for step_members in group_reports(step_reports):
                step = Fact(named(key + "#" + "/".join(step_key) + f"#{index}", step_members, 0, False), key,
                            sorted(step_members, key=lambda r: r.iri), step_members[0].fact_type)
                _derive_one(step, graph, label, 0).add(SKG + "stepOf", ox.NamedNode(fact.iri))
                facts.append(step)
    return facts
