"""Pictures and the dossier, drawn from the named queries' answers on the seed data plus the devset
(test texts), and checked for what they show: labels, edges, and what is left out on the day."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import loader
from loader import plot
from loader.cli import app
from loader.loading import load
from loader.namespaces import DATA_DIR
from loader.store import KnowledgeGraph

DEVSET = Path(__file__).parent / "devset"
DAY = "2024-03-26"


@pytest.fixture(scope="module")
def devset_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("plot") / "store"
    with KnowledgeGraph(path) as kg:
        load([DATA_DIR, DEVSET / "devset-entities.yaml", DEVSET / "facts"], kg)
    return path


@pytest.fixture(scope="module")
def kg(devset_path):
    graph = loader.open(devset_path, read_only=True)
    yield graph
    graph.close()


def edges(net: plot.Network) -> list[tuple[str, str, str, str]]:
    return [(net.nodes[e.source][0], net.nodes[e.target][0], e.relation, e.status) for e in net.edges]


def test_the_network_on_a_day_holds_what_holds_then_and_not_what_had_ended(kg):
    net = plot.network(kg, DAY)
    assert edges(net) == [
        ("France", "Niger", "withdrawal", "happened"),
        ("National Council for the Safeguarding of the Fatherland", "France", "denunciation", "happened"),
        ("National Council for the Safeguarding of the Fatherland", "France", "rejection", "happened"),
        ("National Council for the Safeguarding of the Fatherland", "United States", "revocation", "happened"),
        ("National Council for the Safeguarding of the Fatherland", "the West", "denunciation", "happened"),
        ("United States", "National Council for the Safeguarding of the Fatherland", "curb", "happened"),
        ("Niger", "Russia", "security partnership", "active"),
        ("Burkina Faso", "Alliance of Sahel States", "member", "active"),
        ("Burkina Faso", "Economic Community of West African States", "withdrawal announced", "active"),
        ("Mali", "Alliance of Sahel States", "member", "active"),
        ("Mali", "Economic Community of West African States", "withdrawal announced", "active"),
        ("Niger", "Alliance of Sahel States", "member", "active"),
        ("Niger", "Economic Community of West African States", "withdrawal announced", "active"),
        # a force is a node: the state deploys it, it is present in the host
        ("Russia", "Wagner Group", "deploys", "possibly active"),
        ("Wagner Group", "Mali", "military presence", "possibly active"),
        ("Russia", "Africa Corps", "deploys", "possibly active"),
        ("Africa Corps", "Mali", "military presence", "possibly active"),
        ("United States", "Niger", "military presence", "active"),
    ]
    # France's presence in Niger had ended (2023-12-22): not drawn; nor the ended partnership with the West
    assert ("France", "Niger", "military presence") not in [e[:3] for e in edges(net)]
    assert ("Niger", "the West", "security partnership") not in [e[:3] for e in edges(net)]
    categories = {label: category for label, category in net.nodes.values()}
    assert (categories["Niger"], categories["Wagner Group"], categories["Alliance of Sahel States"],
            categories["National Council for the Safeguarding of the Fatherland"]) == ("state", "force", "alliance", "regime")


def test_a_year_earlier_france_is_there_and_the_us_presence_is_too(kg):
    net = plot.network(kg, "2023-10-01", focus="Niger")
    presences = [e for e in edges(net) if e[2] == "military presence"]
    assert presences == [("France", "Niger", "military presence", "active"),
                         ("United States", "Niger", "military presence", "active")]
    # around Niger: its own relations and its regime's, not Mali's
    assert all("Niger" in e[:2] or "National Council for the Safeguarding of the Fatherland" in e[:2] for e in edges(net))


def test_the_svg_names_the_actors_and_each_edge(kg):
    svg = kg.plot_network("svg", as_of=DAY).decode()
    for label in ("Niger", "Russia", "United States", "Economic Community of West African States", "Wagner Group"):
        assert f">{label}<" in svg, label
    assert 'id="edge Niger -&gt; Economic Community of West African States: withdrawal announced (active)"' in svg
    assert 'id="edge United States -&gt; Niger: military presence (active)"' in svg
    assert "edge France -&gt; Niger: military presence" not in svg
    assert svg == kg.plot_network("svg", as_of=DAY).decode(), "the same graph must draw the same bytes"


def test_the_interactive_network_is_one_self_contained_page_with_the_source_of_each_edge(kg):
    page = kg.plot_network("html", as_of=DAY).decode()
    assert "vis-network" in page and not re.search(r"<script[^>]+src=", page), "nothing may be fetched to view it"
    assert ("military presence: active (start: by 2023-09-14; end: ended 2024-08-05; end planned by 2024-09-15); "
            "4 independent sources\\n“A few hundred American soldiers remain in Niger") in page
    assert page == kg.plot_network("html", as_of=DAY).decode()


def test_the_timeline_draws_vague_planned_and_disputed_times(kg):
    svg = kg.plot_timeline("Niger").decode()
    assert ">presences: United States, Niger<" in svg and ">memberships: Niger, Alliance of Sahel States, Member<" in svg
    assert 'id="bar MilitaryPresence: United States, Niger"' in svg
    assert 'id="event Coup: Niger"' in svg and ">planned end<" in svg and ">disputed<" in svg
    assert svg == kg.plot_timeline("Niger").decode()
    assert kg.plot_timeline("Tiani", "png").startswith(b"\x89PNG")


def test_the_dossier_of_a_state(kg, tmp_path):
    files = kg.report("Niger", tmp_path / "niger", as_of=DAY)
    assert [f.name for f in files] == ["index.html", "timeline.svg", "network.html"]
    page = files[0].read_text(encoding="utf-8")
    headings = re.findall(r"<h2>([^<]+)</h2>", page)
    assert headings == ["Timeline", "Who rules", "Foreign military presences over time", "Memberships", "Partners",
                        "Contacts", "Conflicts between sources", "Sources"]
    assert "<td>National Council for the Safeguarding of the Fatherland</td>" in page
    assert "A few hundred American soldiers remain in Niger, where Washington has been seeking to keep a drone base." in page
    assert '<a href="https://www.channelstv.com/' in page
    assert 'src="timeline.svg"' in page and 'href="network.html"' in page


def test_the_commands_write_pictures_and_word_mistakes(devset_path, tmp_path):
    runner = CliRunner()
    store = ["--store", str(devset_path)]
    result = runner.invoke(app, ["plot", "network", "--as-of", DAY, "-o", str(tmp_path / "n.svg"), *store])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "n.svg").read_bytes().startswith(b"<?xml")
    result = runner.invoke(app, ["plot", "network", "-o", str(tmp_path / "n.pdf"), *store])
    assert (result.exit_code, result.stderr.strip()) == (
        2, f"error: -o {tmp_path / 'n.pdf'}: a picture is .svg or .png or .html (the format follows the suffix)")
    result = runner.invoke(app, ["plot", "timeline", "Nigeria", "-o", str(tmp_path / "t.svg"), *store])
    assert (result.exit_code, result.stderr.strip()) == (
        2, "error: ENTITY: unknown entity 'Nigeria'; did you mean 'niger'? (declare it under 'entities:' if it is new)")
    result = runner.invoke(app, ["report", "Niger", "-o", str(tmp_path / "dossier"), "--as-of", DAY, *store])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dossier" / "index.html").is_file()


def test_in_a_real_browser_the_pages_show_without_errors_and_an_edge_shows_its_sentence(kg, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    from test_browser import WAIT, chromium

    folder = tmp_path / "niger"
    kg.report("Niger", folder, as_of=DAY)
    (folder / "all.html").write_bytes(kg.plot_network("html", as_of=DAY))
    with chromium(tmp_path, console=True) as browser:
        browser.get((folder / "index.html").as_uri())
        assert browser.find_element(By.TAG_NAME, "h1").text == "Niger"
        browser.get((folder / "all.html").as_uri())
        WebDriverWait(browser, WAIT).until(lambda b: b.execute_script(
            "return window.sahelkgNetwork && window.sahelkgNetwork.body.edgeIndices.length > 0"))
        # the middle of the US presence edge, in page coordinates, from the network itself
        x, y = browser.execute_script("""
            const n = window.sahelkgNetwork;
            const id = n.body.edgeIndices.find(i => n.body.data.edges.get(i).title.startsWith("military presence: active"));
            const point = n.canvasToDOM(n.body.edges[id].edgeType.getPoint(0.5));
            return [point.x, point.y];""")
        canvas = browser.find_element(By.CSS_SELECTOR, "#network canvas")
        ActionChains(browser).move_to_element_with_offset(
            canvas, int(x - canvas.rect["width"] / 2), int(y - canvas.rect["height"] / 2)).perform()
        tooltip = WebDriverWait(browser, WAIT).until(
            lambda b: next((t for t in b.find_elements(By.CSS_SELECTOR, "div.vis-tooltip") if t.is_displayed()), None))
        assert "A few hundred American soldiers remain in Niger" in tooltip.text
        browser.save_screenshot(str(tmp_path / "network.png"))
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
    assert (tmp_path / "network.png").stat().st_size > 10_000
    shutil.rmtree(folder)
