"""Pictures of the graph, drawn from named queries' answers: the relations network on a date
(`relations`), an entity's timeline (`spans`), and a state's dossier of both plus its tables.

Static pictures (SVG, PNG) are drawn with matplotlib, laid out by networkx; the interactive network
(HTML) uses vis-network, shipped in `loader/web/vendor/` and written into the page, so that nothing is
fetched when it is viewed. The same graph always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .namespaces import SKG

if TYPE_CHECKING:
    from .api import Graph

FORMATS = ("svg", "png", "html")
WEB = Path(__file__).parent / "web"

# What a node is, by its most specific asserted class (first match wins), and its colour.
CATEGORIES = [
    ("regime", ("MilitaryJunta", "Regime"), "#b5651d"),
    ("alliance", ("Alliance",), "#2e7d32"),
    ("force", ("ArmedGroup", "MilitaryForce", "Force"), "#6a1b9a"),
    ("organization", ("Organization",), "#1565c0"),
    ("state", ("State",), "#37474f"),
    ("person", ("Person",), "#8d6e63"),
]
OTHER_COLOUR = "#9e9e9e"

# How an edge is drawn, by the relation's kind: colour, and for each status its line and opacity.
EDGE_COLOURS = {"presence": "#c62828", "membership": "#1565c0", "cooperation": "#2e7d32", "change": "#ef6c00"}
STATUS_STYLES = {  # status -> (line style, opacity); "ended" and "not yet" are not drawn
    "active": ("solid", 1.0), "happened": ("solid", 1.0),
    "possibly active": ("dashed", 0.55), "possibly happened": ("dashed", 0.55),
    "disputed": ("dotted", 1.0),
}
DRAWN = set(STATUS_STYLES)
# memberships whose status is a step away from membership are drawn dashed whatever their time
AWAY = {"withdrawal announced", "suspended", "withdrawn"}


class UnknownPictureFormat(ValueError):
    def __init__(self, fmt: str):
        self.format = fmt
        super().__init__(f"a picture is .svg, .png or .html, not '{fmt}'")


@dataclass
class Edge:
    source: str
    target: str
    kind: str  # presence, membership, cooperation, change
    relation: str  # "military presence", "withdrawal announced", "denunciation", ...
    status: str
    via: str  # the force of a presence
    since: str
    until: str
    sources: int
    quote: str

    @property
    def title(self) -> str:
        """What hovering the edge shows: the fact, its time, its sources and a sentence."""
        via = f" ({self.via})" if self.via else ""
        when = f"date: {self.since}" if self.kind == "change" else f"start: {self.since}; end: {self.until or 'unknown'}"
        return (f"{self.relation}{via}: {self.status} ({when}); "
                f"{self.sources} independent source{'s' if self.sources != 1 else ''}\n“{self.quote}”")


@dataclass
class Network:
    as_of: str
    focus: str | None
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)  # iri -> (label, category)
    edges: list[Edge] = field(default_factory=list)


def network(kg: Graph, as_of: str | dt.date | None = None, focus: str | None = None) -> Network:
    """The relations on `as_of` (default today) that hold or may hold (ended ones are left out),
    around `focus` (an entity, with the regimes and office holders that stand for it) or all."""
    rows = kg.query("relations", as_of=as_of)
    day = rows[0]["asOf"] if rows else str(as_of or dt.date.today())
    around = None
    if focus:
        focus_iri = kg.resolve(focus, purpose="plot", role="--focus")
        stands = kg.query(f"SELECT ?side WHERE {{ ?side skg:standsFor <{focus_iri}> }}")
        around = {focus_iri} | {r["side"] for r in stands}
    net = Network(day, focus)
    for row in rows:
        if row["status"] not in DRAWN or (around and not {row["from"], row["to"]} & around):
            continue
        ends = [(row["from"], row["fromName"]), (row["to"], row["toName"])]
        if row["force"]:  # a force is a node of its own: the state deploys it, it is present in the host
            ends.insert(1, (row["force"], row["via"]))
        for (source, _), (target, _) in itertools.pairwise(ends):
            relation = "deploys" if target == row["force"] else row["relation"]
            net.edges.append(Edge(source, target, row["kind"], relation, row["status"], "" if row["force"] else row["via"],
                                  row["since"], row["until"], int(row["sources"]), row["quote"]))
        for iri, label in ends:
            net.nodes[iri] = (label, "")
    categories = _categories(kg, sorted(net.nodes))
    net.nodes = {iri: (label, categories.get(iri, "other")) for iri, (label, _) in sorted(net.nodes.items())}
    return net


def _categories(kg: Graph, iris: list[str]) -> dict[str, str]:
    if not iris:
        return {}
    values = " ".join(f"<{iri}>" for iri in iris)
    classes: dict[str, set[str]] = defaultdict(set)
    for row in kg.query(f"SELECT ?e ?class WHERE {{ VALUES ?e {{ {values} }} ?e a ?class }}"):
        classes[row["e"]].add(row["class"].removeprefix(SKG))
    found = {}
    for iri in iris:
        found[iri] = next((name for name, names, _ in CATEGORIES if classes[iri] & set(names)), "other")
    return found


def _colour(category: str) -> str:
    return next((colour for name, _, colour in CATEGORIES if name == category), OTHER_COLOUR)


def _edge_dash(edge: Edge) -> str:
    style, _ = STATUS_STYLES[edge.status]
    if edge.kind == "membership" and edge.relation in AWAY and style == "solid":
        return "dashdot"
    return style


def render_network(net: Network, fmt: str) -> bytes:
    if fmt == "html":
        return _network_html(net)
    if fmt not in FORMATS:
        raise UnknownPictureFormat(fmt)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    _deterministic(matplotlib)
    graph = nx.Graph()  # the layout: Kamada-Kawai, deterministic, keeps linked actors near and others apart
    graph.add_nodes_from(net.nodes)
    graph.add_edges_from((edge.source, edge.target) for edge in net.edges)
    positions = nx.kamada_kawai_layout(graph) if len(net.nodes) > 1 else {iri: (0.0, 0.0) for iri in net.nodes}
    fig, ax = plt.subplots(figsize=(12, 9), dpi=100)
    ax.set_axis_off()
    title = f"Relations on {net.as_of}" + (f" around {net.focus}" if net.focus else "")
    ax.set_title(title, fontsize=14)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for edge in net.edges:
        pair = (edge.source, edge.target)
        rank = seen[pair] + seen[pair[::-1]]
        seen[pair] += 1
        style, alpha = STATUS_STYLES[edge.status]
        rad = 0.12 + 0.16 * rank  # parallel relations bend apart
        arrow = FancyArrowPatch(positions[edge.source], positions[edge.target], arrowstyle="-|>", mutation_scale=14,
                                color=EDGE_COLOURS[edge.kind], linestyle=_edge_dash(edge), alpha=alpha, linewidth=2,
                                connectionstyle=f"arc3,rad={rad}", shrinkA=14, shrinkB=14)
        arrow.set_gid(f"edge {net.nodes[edge.source][0]} -> {net.nodes[edge.target][0]}: {edge.relation} ({edge.status})")
        ax.add_patch(arrow)
        (x1, y1), (x2, y2) = positions[edge.source], positions[edge.target]
        # the label at the middle of the curve (a quadratic Bezier: half-way to its control point)
        middle = ((x1 + x2) / 2 + rad / 2 * (y2 - y1), (y1 + y2) / 2 - rad / 2 * (x2 - x1))
        label = edge.relation + (f" ({edge.via})" if edge.via else "") + (" [disputed]" if edge.status == "disputed" else "")
        ax.annotate(label, middle, fontsize=7, ha="center", va="center", color=EDGE_COLOURS[edge.kind],
                    alpha=max(alpha, 0.7), backgroundcolor=(1, 1, 1, 0.6))
    for iri, (label, category) in net.nodes.items():
        x, y = positions[iri]
        ax.scatter([x], [y], s=500, color=_colour(category), zorder=3, gid=f"node {label}")
        ax.annotate(label, (x, y - 0.07), ha="center", va="top", fontsize=9, zorder=4)
    legend = [Line2D([], [], color=colour, lw=2, label=kind) for kind, colour in EDGE_COLOURS.items()]
    legend += [Line2D([], [], color="#555555", lw=2, linestyle=style, alpha=alpha, label=status)
               for status, (style, alpha) in STATUS_STYLES.items() if status in ("active", "possibly active", "disputed")]
    legend += [Line2D([], [], color="#1565c0", lw=2, linestyle="dashdot", label="withdrawal announced / suspended")]
    legend += [Line2D([], [], marker="o", color="w", markerfacecolor=colour, markersize=10, label=name)
               for name, _, colour in CATEGORIES if any(c == name for _, c in net.nodes.values())]
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return _save(fig, fmt)


def _deterministic(matplotlib) -> None:
    matplotlib.rcParams["svg.hashsalt"] = "sahel-kg"  # ids in the SVG from a fixed salt, not random
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, and smaller


def _save(fig, fmt: str) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(buffer, format=fmt, bbox_inches="tight", metadata=metadata)
    plt.close(fig)
    return buffer.getvalue()


def _network_html(net: Network) -> bytes:
    nodes = [{"id": iri, "label": label, "group": category, "color": _colour(category),
              "font": {"color": "#222222"}, "title": f"{label} ({category})"}
             for iri, (label, category) in net.nodes.items()]
    edges = []
    for index, edge in enumerate(net.edges):
        style, alpha = STATUS_STYLES[edge.status]
        edges.append({"id": index, "from": edge.source, "to": edge.target, "arrows": "to",
                      "label": edge.relation + (f" ({edge.via})" if edge.via else ""),
                      "title": edge.title, "dashes": _edge_dash(edge) != "solid",
                      "color": {"color": EDGE_COLOURS[edge.kind], "opacity": alpha},
                      "width": 3 if edge.status == "disputed" else 2, "kind": edge.kind, "status": edge.status})
    data = json.dumps({"nodes": nodes, "edges": edges}, ensure_ascii=False, sort_keys=True, indent=1)
    script = (WEB / "vendor" / "vis-network.min.js").read_text(encoding="utf-8")
    title = html.escape(f"Relations on {net.as_of}" + (f" around {net.focus}" if net.focus else ""))
    data = data.replace("</", "<\\/")  # no "</script>" inside the data
    legend = "".join(f'<span style="color:{colour}">&#9472;&#9472; {kind}</span> ' for kind, colour in EDGE_COLOURS.items())
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} · sahel-kg</title>
<style>
body {{ font-family: sans-serif; margin: 1em; }}
#network {{ width: 100%; height: 80vh; border: 1px solid #ddd; }}
.legend span {{ margin-right: 1.5em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="legend">{legend} dashed: possibly active, or a step away from membership; thick: disputed.
Hover an edge for its source sentence.</p>
<div id="network"></div>
<script>{script}</script>
<script id="graph-data" type="application/json">{data}</script>
<script>
const data = JSON.parse(document.getElementById("graph-data").textContent);
const network = new vis.Network(document.getElementById("network"),
  {{nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)}},
  {{layout: {{randomSeed: 7}}, interaction: {{hover: true, tooltipDelay: 50}},
   physics: {{stabilization: {{iterations: 300}}}},
   edges: {{smooth: {{type: "curvedCW", roundness: 0.15}}, font: {{size: 11, align: "middle"}}}},
   nodes: {{shape: "dot", size: 16}}}});
network.once("stabilizationIterationsDone", () => network.setOptions({{physics: false}}));
window.sahelkgNetwork = network;
</script>
</body>
</html>
"""
    return page.encode("utf-8")


# --- the timeline of one entity ---------------------------------------------------------------

LANES = [  # lane, the kinds of situation drawn in it
    ("rule and offices", ("Rule", "OfficeHolding")),
    ("presences", ("MilitaryPresence",)),
    ("memberships", ("Membership",)),
    ("partnerships", ("SecurityCooperation",)),
    ("conflicts", ("ArmedConflict",)),
]
EVENT_MARKERS = {"Coup": ("X", "#b71c1c"), "DiplomaticContact": ("o", "#1565c0"), "Announcement": ("^", "#6a1b9a"),
                 "Statement": ("^", "#6a1b9a"), "CooperationChange": ("D", "#ef6c00")}


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def timeline(kg: Graph, entity: str, fmt: str) -> bytes:
    """An entity's relations as bars over time, one lane each, and its events as markers. A vague
    bound is a faded span (e.g. the whole month of "2024-01"), an end known only as "ended before" a
    day is an open faded end, a planned end is dashed, a disputed fact is outlined in red."""
    if fmt not in ("svg", "png"):
        raise UnknownPictureFormat(fmt)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    _deterministic(matplotlib)
    rows = kg.query("spans", entity=entity)
    situations = [(lane, r) for lane, kinds in LANES for r in rows if r["kind"] in kinds]
    events = [r for r in rows if r["kind"] in EVENT_MARKERS and (_day(r["dateEarliest"]) or _day(r["dateLatest"]))]
    days = [d for r in rows for k in r if k.endswith(("Earliest", "Latest", "From", "Until")) and (d := _day(r[k]))]
    first, last = (min(days), max(days)) if days else (dt.date.today(), dt.date.today())
    margin = dt.timedelta(days=max((last - first).days // 20, 15))
    left, right = first - margin, last + margin
    height = len(situations) + (2 if events else 0)
    fig, ax = plt.subplots(figsize=(12, 1.2 + 0.42 * max(height, 3)), dpi=100)
    labels = []
    for y, (lane, row) in enumerate(situations):
        labels.append(f"{lane}: {row['name'].split(': ', 1)[-1]}")
        colour = "#1565c0" if lane != "presences" else "#c62828"
        start_lo, start_hi = _day(row["startEarliest"]), _day(row["startLatest"])
        seen_lo, seen_hi = _day(row["activeFrom"]), _day(row["activeUntil"])
        end_lo, end_hi = _day(row["endEarliest"]), _day(row["endLatest"])
        solid_lo = seen_lo or start_hi
        solid_hi = seen_hi or end_lo
        edge = "#d50000" if int(row["conflicts"] or 0) else "none"
        if start_lo and solid_lo and start_lo < solid_lo:  # a vague start: faded over the span it may lie in
            ax.barh(y, (solid_lo - start_lo).days, left=start_lo, color=colour, alpha=0.25, height=0.5)
        if solid_lo and solid_hi and solid_lo <= solid_hi:
            ax.barh(y, max((solid_hi - solid_lo).days, 2), left=solid_lo, color=colour, alpha=0.9, height=0.5,
                    edgecolor=edge, linewidth=1.5, gid=f"bar {row['name']}")
        tail = solid_hi or solid_lo or start_lo
        if tail and end_hi and end_hi > tail:  # ended, but only known to be by this day: an open faded end
            ax.barh(y, (end_hi - tail).days, left=tail, color=colour, alpha=0.25, height=0.5, hatch="//")
        elif tail and not end_hi:  # no end known: faded to the picture's edge
            ax.barh(y, (right - tail).days, left=tail, color=colour, alpha=0.12, height=0.5)
        elif not tail and end_hi:  # known only to have ended by a day: an open faded start
            ax.barh(y, (end_hi - left).days, left=left, color=colour, alpha=0.2, height=0.5, hatch="//")
        planned = _day(row["plannedEndLatest"]) or _day(row["plannedEndEarliest"])
        if planned and tail:
            ax.plot([tail, planned], [y, y], linestyle="--", color="#333333", linewidth=1.2)
            ax.plot([planned], [y], marker="|", color="#333333", markersize=12)
    if events:
        y = len(situations) + 1
        labels += ["", "events"]
        for row in events:
            marker, colour = EVENT_MARKERS[row["kind"]]
            lo, hi = _day(row["dateEarliest"]) or _day(row["dateLatest"]), _day(row["dateLatest"]) or _day(row["dateEarliest"])
            if lo != hi:  # a vague date: its whole span, faded, the marker at its middle
                ax.plot([lo, hi], [y, y], color=colour, alpha=0.3, linewidth=6, solid_capstyle="butt")
            middle = lo + (hi - lo) / 2
            disputed = int(row["conflicts"] or 0) > 0
            ax.plot([middle], [y], marker=marker, color=colour, markersize=9, linestyle="none",
                    markeredgecolor="#d50000" if disputed else colour, markeredgewidth=2 if disputed else 1,
                    gid=f"event {row['name']}")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(left, right)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"Timeline of {entity}", fontsize=13)
    handles = [Patch(color="#1565c0", alpha=0.9, label="seen active"), Patch(color="#1565c0", alpha=0.25, label="vague bound"),
               Patch(facecolor="#1565c0", alpha=0.25, hatch="//", label="ended by then"),
               Line2D([], [], linestyle="--", color="#333333", label="planned end"),
               Patch(facecolor="white", edgecolor="#d50000", label="disputed")]
    handles += [Line2D([], [], marker=m, color=c, linestyle="none", label=k) for k, (m, c) in EVENT_MARKERS.items()
                if k != "Statement" and any(r["kind"] == k for r in events)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=6, fontsize=8, frameon=False)
    return _save(fig, fmt)


# --- a state's dossier ----------------------------------------------------------------------

SECTIONS = [  # title, query, its parameter for the state, the columns shown
    ("Who rules", "who-rules", "state", ["regimeName", "kind", "leaderName", "office", "since", "until", "cameToPowerBy",
                                           "coupDate", "ousted", "sources", "disputes"]),
    ("Memberships", "memberships", "state", ["organizationName", "membershipStatus", "since", "until", "holds", "sources"]),
    ("Partners", "partners", "state", ["when", "what", "partner", "domain", "until", "sources", "description"]),
    ("Contacts", "contacts", "a", ["date", "kind", "from", "to", "place", "about", "outcome", "sources"]),
]


def _table(rows: list[dict[str, str]], columns: list[str]) -> str:
    if not rows:
        return "<p class=\"none\">Nothing on record.</p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(row.get(c, ''))}</td>" for c in columns) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def dossier(kg: Graph, state: str, out: Path, as_of: str | dt.date | None = None) -> list[Path]:
    """Write a static HTML dossier on `state` into `out`: index.html (who rules, foreign presences
    over time, memberships, partners, contacts, conflicts, the source sentence of every fact with
    links to its articles), timeline.svg and network.html. Returns the files written."""
    iri = kg.resolve(state, purpose="plot", role="STATE")
    day = str(as_of or dt.date.today())
    out.mkdir(parents=True, exist_ok=True)
    written = []
    (out / "timeline.svg").write_bytes(timeline(kg, state, "svg"))
    (out / "network.html").write_bytes(render_network(network(kg, day, focus=state), "html"))
    written += [out / "timeline.svg", out / "network.html"]
    name = html.escape(kg.entities().entities[iri].label or state)
    parts = [f"<h1>{name}</h1>",
             f'<p>As of {html.escape(day)}, from every article in the graph. <a href="network.html">Its relations on '
             f'{html.escape(day)}</a> (interactive).</p>',
             '<h2>Timeline</h2><img src="timeline.svg" alt="timeline" style="max-width:100%">']
    for title, query, param, columns in SECTIONS[:1]:
        parts += [f"<h2>{title}</h2>", _table(kg.query(query, **{param: state}), columns)]
    over_time = kg.query("spans", entity=state)
    hosted = [r for r in over_time if r["kind"] == "MilitaryPresence"]
    parts += ["<h2>Foreign military presences over time</h2>",
              _table(kg.query("foreign-presences", host=state, as_of=day),
                     ["deployingState", "force", "troops", "place", "since", "until", "status", "sources", "disputes"]),
              f"<p>{len(hosted)} presence(s) on record in all; the timeline above draws each over time.</p>"]
    for title, query, param, columns in SECTIONS[1:]:
        parts += [f"<h2>{title}</h2>", _table(kg.query(query, **{param: state}), columns)]
    parts += ["<h2>Conflicts between sources</h2>",
              _table(kg.conflicts(state), ["name", "aspect", "valueA", "articleA", "quoteA", "valueB", "articleB", "quoteB"])]
    sources = kg.query("sources", entity=state)
    items = []
    for row in sources:
        link = (f'<a href="{html.escape(row["url"], quote=True)}">{html.escape(row["headline"])}</a>' if row["url"]
                else html.escape(row["headline"]))
        items.append(f"<li><b>{html.escape(row['type'])}</b> ({html.escape(row['factId'])}): "
                     f"“{html.escape(row['quote'])}” · {link}, {html.escape(row['publisher'])}, "
                     f"{html.escape(row['published'])}</li>")
    parts += ["<h2>Sources</h2>", f"<ul class=\"sources\">{''.join(items)}</ul>"]
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{name} · sahel-kg dossier</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 80em; }}
table {{ border-collapse: collapse; margin-bottom: 1em; font-size: 90%; }}
th, td {{ border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }}
.none {{ color: #777; }}
</style>
</head>
<body>
{chr(10).join(parts)}
</body>
</html>
"""
    (out / "index.html").write_text(page, encoding="utf-8")
    return [out / "index.html", *written]
