"""`snakemake --report` builds a self-contained page with every figure that opens in a browser."""

import json
import re
import shutil

import pytest
from conftest import ROOT, snakemake

pytestmark = pytest.mark.slow

SMALL = {
    "course_vanishing.yaml": (ROOT / "config" / "scenarios" / "course_vanishing.yaml").read_text(),
    "small_tanh.yaml": "description: small\nactivation: tanh\nhidden_size: 3\nsequence_length: 8\n"
    "checkpoint: {states: rollout}\ncontributions: {method: jacobian}\n",
}
FIGURES = [
    "results/course_vanishing/contributions.png",
    "results/small_tanh/contributions.png",
    "results/activation/sigmoid.png",
    "results/activation/tanh.png",
    "results/comparison/contributions.png",
    "results/comparison/course_vs_exact.png",
    "results/comparison/rules.png",
]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from conftest import COPY_IGNORE

    project = tmp_path_factory.mktemp("report") / "rnngrad"
    shutil.copytree(ROOT, project, ignore=COPY_IGNORE)
    scenarios = project / "small_scenarios"
    scenarios.mkdir()
    for name, text in SMALL.items():
        (scenarios / name).write_text(text)
    config = ["--config", f"scenarios_dir={scenarios}"]
    snakemake(project, "--cores", "4", *config)
    snakemake(project, "--report", "report.html", *config)
    return project / "report.html"


def report_entries(html):
    """{path: (mime type, data url prefix)} of every result embedded in the report."""
    entries = {}
    for match in re.finditer(r'"(results/[^"{}]+)": (\{"name".*?"mime_type": "[^"]+")', html):
        path, body = match.groups()
        mime = json.loads(body + "}")["mime_type"] if body.endswith('"') else None
        entries[path] = mime
    return entries


def test_report_embeds_every_figure_and_the_summary(report):
    html = report.read_text()
    entries = report_entries(html)
    for figure in FIGURES:
        assert entries.get(figure) == "image/png", figure
    assert "results/comparison/summary.csv" in entries
    assert html.count("data:image/png") >= len(FIGURES)
    # self-contained: no script, style sheet or image loaded from anywhere but the page itself
    assert not re.search(r'<(script|link|img)[^>]*(src|href)="(?!data:)', html)


def menu_path(figure):
    """The links to click from the landing page to `figure`'s row, and that row's text."""
    folder = figure.split("/")[1]
    if folder == "comparison":
        return [folder], figure
    if folder == "activation":  # labelled by the activation's name
        return [folder], figure.split("/")[2].removesuffix(".png")
    method = "course" if folder == "course_vanishing" else "jacobian"
    return ["scenarios", f"{method} method"], folder  # labelled by the scenario's settings


def open_report(playwright, report):
    """A headless Chromium page on the report, collecting script errors."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(report.as_uri())
    return browser, page, errors


def test_landing_page_shows_key_figures_and_the_summary_without_a_click(report):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser, page, errors = open_report(playwright, report)
        images = page.locator("figure.rnngrad-figure img[src^='data:image/png']")
        images.first.wait_for(timeout=10_000)
        widths = images.evaluate_all("all => all.map(img => img.complete ? img.naturalWidth : 0)")
        captions = page.locator("figure.rnngrad-figure figcaption").all_inner_texts()
        table = page.locator("table.rnngrad-summary")
        rows = table.locator("tbody tr").count()
        header = table.locator("thead").inner_text()
        top = page.locator("figure.rnngrad-figure").first.bounding_box()["y"]
        browser.close()
    assert errors == []
    assert len(widths) >= 3 and all(width > 0 for width in widths)
    assert any("course_vanishing" in caption for caption in captions)
    assert rows == len(SMALL) and "growth_per_step" in header
    assert top >= 0  # the page starts at its top, not scrolled into the middle


def test_report_opens_in_headless_chromium_and_shows_the_figures(report):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser, page, errors = open_report(playwright, report)
        shown = set()
        for figure in FIGURES:
            page.goto(report.as_uri())
            links, row_text = menu_path(figure)
            for link in links:
                page.get_by_role("link", name=link, exact=True).click()
            row = page.locator("tr", has_text=row_text)
            row.locator("a[iconname=eye]").click()
            image = page.locator("img[src^='data:image/png']")
            image.wait_for(timeout=10_000)
            width = image.evaluate("img => img.complete ? img.naturalWidth : 0")
            if width > 0:
                shown.add(figure)
        browser.close()
    assert errors == []
    assert shown == set(FIGURES)


def test_tangent_slider_page_moves_its_tangent_in_chromium(tmp_path):
    from rnngrad.plotting import tangent_slider_html

    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    page_path = tmp_path / "slider.html"
    page_path.write_text(tangent_slider_html(points=241))
    with sync_api.sync_playwright() as playwright:
        browser, page, errors = open_report(playwright, page_path)
        at_zero = page.locator("#gradient").inner_text()
        page.locator("#x").fill("160")  # x = 2
        at_two = page.locator("#gradient").inner_text()
        page.locator("#activation").select_option("relu")
        page.locator("#x").fill("120")  # x = 0, relu's kink
        kink = page.locator("#gradient").inner_text()
        hidden = page.locator("#tangent").evaluate("line => line.style.display")
        browser.close()
    assert errors == []
    assert at_zero == "Gradient: 0.2500" and at_two == "Gradient: 0.1050"
    assert "undefined" in kink and hidden == "none"
