"""The web page of `sahelkg serve`, in a real headless Chromium driven by Selenium.

A user opens the page, clicks a named query, and reads the results table that YASGUI draws from the
Oxigraph server's answer. Chromium and ChromeDriver are Debian's (`chromium`, `chromium-driver`),
installed by `make test`; Chromium gets a fresh profile and no background networking (this machine
has no internet, and the page must not need any).
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_serve import serving

from loader.queries import named_queries

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT = 30  # seconds; the page needs well under one


@contextmanager
def chromium(tmp_path: Path, *, console: bool = False):
    """Headless Chromium with a fresh profile; `console` keeps the page's console for get_log("browser")."""
    from selenium import webdriver  # a test dependency (pip install -e '.[test]'): missing is a failure, not a skip
    from selenium.webdriver.chrome.service import Service

    for program in (CHROMIUM, CHROMEDRIVER):
        assert Path(program).is_file(), f"{program} is missing: `make test` installs chromium and chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1400,1000", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    if console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(tmp_path):
    with chromium(tmp_path) as driver:
        yield driver


def test_a_named_query_runs_from_the_page_and_its_rows_show(seed_store_path, tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    store = tmp_path / "store"
    shutil.copytree(seed_store_path, store)
    with serving(store) as (url, _, _):
        browser.get(url)
        wait = WebDriverWait(browser, WAIT)
        listed = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#named-queries li[data-query]"))
        assert [item.get_attribute("data-query") for item in listed] == list(named_queries())
        # the editor opens with the project's prefixes declared
        editor = wait.until(lambda d: d.execute_script(
            "return window.sahelkg && window.sahelkg.yasgui.getTab().getYasqe().getValue()"))
        assert "PREFIX skg: <https://w3id.org/sahel-kg/ontology#>" in editor

        button = browser.find_element(By.CSS_SELECTOR, '#named-queries li[data-query="foreign-presences"] button.run-example')
        assert button.text == "Run for host=Niger, asOf=2024-03-26"
        button.click()
        rows = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody tr"))
        header = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table thead th")]
        cells = [[cell.get_attribute("textContent").strip() for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]
        column = {name: index for index, name in enumerate(header)}
        shown = [(row[column["deployingState"]], row[column["troops"]], row[column["status"]]) for row in cells]
        assert shown == [("United States", "about 1000 (2024-03-26)", "active"), ("France", "", "ended")]
        tab = browser.find_element(By.CSS_SELECTOR, ".tabsList .tab.active").text
        assert tab.startswith("foreign-presences (host=Niger, asOf=2024-03-26)")


def test_a_query_form_with_an_entity_picker_runs_and_the_pictures_open_from_the_page(seed_store_path, tmp_path,
                                                                                      browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    store = tmp_path / "store"
    shutil.copytree(seed_store_path, store)
    with serving(store) as (url, _, _):
        browser.get(url)
        wait = WebDriverWait(browser, WAIT)
        state = wait.until(lambda d: d.find_element(
            By.CSS_SELECTOR, '#named-queries li[data-query="who-rules"] form input[name="state"]'))
        # the picker offers every name of every entity, aliases too
        offered = browser.execute_script("return [...document.querySelectorAll('#entities option')].map(o => o.value)")
        assert {"Niger", "Tchiani", "ECOWAS"} <= set(offered)
        state.clear()
        state.send_keys("Tchiani")  # a person, not a state: the server says so, in words
        browser.find_element(By.CSS_SELECTOR, '#named-queries li[data-query="who-rules"] button.run-form').click()
        wait.until(lambda d: "is a Person, not a State" in d.find_element(By.ID, "error").text)
        state.clear()
        state.send_keys("niger")
        browser.find_element(By.CSS_SELECTOR, '#named-queries li[data-query="who-rules"] button.run-form').click()
        rows = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody tr"))
        assert "National Council for the Safeguarding of the Fatherland" in rows[0].text
        assert browser.find_element(By.CSS_SELECTOR, ".tabsList .tab.active").text.startswith("who-rules (state=niger)")

        day = browser.find_element(By.ID, "picture-day")
        browser.execute_script("arguments[0].value = '2024-03-26'; arguments[0].dispatchEvent(new Event('input'))", day)
        network = browser.find_element(By.ID, "network-link").get_attribute("href")
        dossier = browser.find_element(By.ID, "dossier-link").get_attribute("href")
        assert network == f"{url}network.html?asOf=2024-03-26"
        browser.get(network)
        wait.until(lambda d: d.execute_script(
            "return window.sahelkgNetwork && window.sahelkgNetwork.body.edgeIndices.length > 0"))
        browser.get(dossier)
        assert wait.until(lambda d: d.find_element(By.TAG_NAME, "h1")).text in {"Alliance of Sahel States", "Burkina Faso",
                                                                              "Mali", "Niger", "France", "Russia",
                                                                              "United States"}
        assert "Who rules" in browser.page_source
