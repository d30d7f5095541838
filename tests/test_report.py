"""`snakemake --report` builds a self-contained page an instructor can teach from, in a browser."""

import json
import os
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
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE_RC = "font.size: 25\nxtick.labelsize: 30\nsavefig.dpi: 72\nsavefig.bbox: tight\n"
VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A report after a run of two small scenarios, made under a hostile personal matplotlibrc."""
    from conftest import COPY_IGNORE

    project = tmp_path_factory.mktemp("report") / "rnngrad"
    shutil.copytree(ROOT, project, ignore=COPY_IGNORE)
    scenarios = project / "small_scenarios"
    scenarios.mkdir()
    for name, text in SMALL.items():
        (scenarios / name).write_text(text)
    rc_file = project.parent / "hostile_matplotlibrc"
    rc_file.write_text(HOSTILE_RC)
    config = ["--config", f"scenarios_dir={scenarios}"]
    before = os.environ.get("MATPLOTLIBRC")
    os.environ["MATPLOTLIBRC"] = str(rc_file)
    try:
        snakemake(project, "--cores", "2", *config)
    finally:
        if before is None:
            del os.environ["MATPLOTLIBRC"]
        else:
            os.environ["MATPLOTLIBRC"] = before
    snakemake(project, "--report", "report.html", *config)
    return project / "report.html"


@pytest.fixture(scope="module")
def fresh_report(tmp_path_factory):
    """The report a fresh clone builds: every shipped result, no job run, no run history."""
    from conftest import COPY_IGNORE

    project = tmp_path_factory.mktemp("fresh") / "rnngrad"
    shutil.copytree(ROOT, project, ignore=COPY_IGNORE)
    snakemake(project, "--report", "report.html", sweeps=True)
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


def test_a_personal_matplotlibrc_changes_no_figure_through_snakemake(report):
    # The run above drew the notebook's scenario under font.size 25, savefig.bbox tight, 72 dpi.
    drawn = report.parent / "results" / "course_vanishing" / "contributions.png"
    committed = ROOT / "results" / "course_vanishing" / "contributions.png"
    assert drawn.read_bytes() == committed.read_bytes()


def menu_path(figure):
    """The links to click from the landing page to `figure`'s row, and that row's text."""
    folder = figure.split("/")[1]
    if folder == "comparison":
        return [folder], figure
    if folder == "activation":  # labelled by the activation's name
        return [folder], figure.split("/")[2].removesuffix(".png")
    method = "course" if folder == "course_vanishing" else "jacobian"
    return ["scenarios", f"{method} method"], folder  # labelled by the scenario's settings


def open_report(playwright, report, *, viewport=None):
    """A headless Chromium page on the report, collecting script errors of every frame."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
    page = browser.new_page(viewport=viewport or VIEWPORT)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # The report embeds every figure (18 MB): on this 2-core machine under load, its load event
    # came after Playwright's default 30 s. A user waits for it too; the tests wait up to 2 min.
    page.goto(report.as_uri(), timeout=120_000)
    return browser, page, errors


def landing_ready(page):
    """Wait until the landing page's figures are filled in and drawn at their true size."""
    page.locator("figure.rnngrad-figure img[src^='data:image/png']").first.wait_for(timeout=15_000)
    page.wait_for_function(
        "[...document.querySelectorAll('figure.rnngrad-figure img')]"
        ".every(img => img.complete && img.naturalWidth > 0 && img.style.width)",
        timeout=15_000,
    )


LAYOUT = """() => {
  const box = node => { const r = node.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width}; };
  const scroller = document.querySelector(".h-screen.overflow-auto");
  const below = node => node.getBoundingClientRect().top + scroller.scrollTop;
  const table = document.querySelector("table.rnngrad-summary");
  return {
    heading: box(document.querySelector(".rnngrad-landing h1, h1.title")),
    takeaway: box(document.querySelector(".rnngrad-takeaway")),
    table: box(table), tableScroll: table.scrollWidth, tableWidth: table.clientWidth,
    columnRight: box(table.parentElement).right,
    figures: [...document.querySelectorAll("figure.rnngrad-figure")].map(below),
    images: [...document.querySelectorAll("figure.rnngrad-figure img")].map(img =>
      ({shown: img.getBoundingClientRect().width, natural: img.naturalWidth})),
    captions: [...document.querySelectorAll("figure.rnngrad-figure")].map(f =>
      f.querySelectorAll("figcaption").length),
    literals: [...document.querySelectorAll(".rnngrad-landing tt, .rnngrad-landing code")]
      .map(node => [getComputedStyle(node, "::before").content,
                    getComputedStyle(node, "::after").content]),
  };
}"""


def test_first_screen_shows_heading_takeaway_and_the_table_that_fits(fresh_report, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser, page, errors = open_report(playwright, fresh_report)
        landing_ready(page)
        page.screenshot(path=tmp_path / "first_screen.png")  # kept for a look when it fails
        layout = page.evaluate(LAYOUT)
        browser.close()
    assert errors == []
    height, width = VIEWPORT["height"], VIEWPORT["width"]
    assert 0 <= layout["heading"]["top"] and layout["heading"]["bottom"] < height
    assert layout["takeaway"]["bottom"] < height
    assert layout["table"]["top"] < height  # the top of the table on the first screen
    assert layout["tableScroll"] <= layout["tableWidth"] + 1  # no horizontal overflow
    assert layout["table"]["right"] <= min(width, layout["columnRight"]) + 1
    assert sum(top < 3 * height for top in layout["figures"]) >= 3


def test_landing_figures_have_one_caption_and_their_true_size(fresh_report):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser, page, errors = open_report(playwright, fresh_report)
        landing_ready(page)
        layout = page.evaluate(LAYOUT)
        order = page.locator("figure.rnngrad-figure img").evaluate_all(
            "all => all.map(img => img.dataset.result)"
        )
        browser.close()
    assert errors == []
    assert order[:3] == [
        "results/comparison/course_vs_exact.png",
        "results/comparison/architectures.png",
        "results/sweeps/edge_of_chaos/growth.png",
    ]
    assert all(count == 1 for count in layout["captions"])
    for image in layout["images"]:
        # a 200-dpi PNG at 96 CSS pixels per inch: 9 pt text is shown at 9 pt
        assert abs(image["shown"] - image["natural"] * 96 / 200) <= 1
    # inline code (a caption's ``plot: {notes: false}``) without stray backticks around it
    assert layout["literals"]
    assert all(mark in ("none", "normal") for pair in layout["literals"] for mark in pair)


def test_tangent_slider_in_the_report_moves_its_tangent(fresh_report):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser, page, errors = open_report(playwright, fresh_report)
        landing_ready(page)
        frame = page.frame_locator("iframe[data-result='results/activation/slider.html']")
        frame.locator("#gradient").wait_for(timeout=10_000)
        at_zero = frame.locator("#gradient").inner_text()
        tangent_before = frame.locator("#tangent").get_attribute("y1")
        frame.locator("#x").fill("160")  # x = 2
        at_two = frame.locator("#gradient").inner_text()
        tangent_after = frame.locator("#tangent").get_attribute("y1")
        browser.close()
    assert errors == []
    assert at_zero == "Gradient: 0.2500" and at_two == "Gradient: 0.1050"
    assert tangent_before != tangent_after


def test_phase_slider_in_the_report_draws_the_chosen_points_curve(fresh_report):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser, page, errors = open_report(playwright, fresh_report)
        landing_ready(page)
        frame = page.frame_locator("iframe[data-result='results/sweeps/phase/slider.html']")
        curve = frame.locator("#curve")
        curve.wait_for(timeout=10_000)
        first = curve.get_attribute("d")
        point = frame.locator("#point").inner_text()
        frame.locator("#factor").fill("0")  # the smallest γρ
        moved = curve.get_attribute("d")
        reading = frame.locator("#reading").inner_text()
        frame.locator("#series").select_option("normal (orthogonal eigenvectors)")
        normal = curve.get_attribute("d")
        rule = frame.locator("#rule").get_attribute("d")
        browser.close()
    assert errors == []
    assert first and moved and normal and rule
    assert len({first, moved, normal}) == 3  # each control changes the drawn curve
    assert point.startswith("(sweeps/phase/")
    assert reading.startswith("γρ = 0.50, non-normal (random eigenvectors): 20 steps back 10^")


def test_workflow_graph_is_in_view_after_its_click(fresh_report):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser, page, errors = open_report(playwright, fresh_report)
        landing_ready(page)
        page.get_by_role("link", name="Workflow", exact=True).click()
        graph = page.locator("#rulegraph svg, #rulegraph canvas").first
        graph.wait_for(timeout=10_000)
        page.wait_for_timeout(300)
        box = graph.bounding_box()
        page.get_by_role("link", name="Statistics", exact=True).click()
        note = page.locator("#rnngrad-no-statistics")
        note.wait_for(timeout=10_000)
        note_text = note.inner_text()
        browser.close()
    assert errors == []
    assert 0 <= box["x"] < VIEWPORT["width"] and 0 <= box["y"] < VIEWPORT["height"]
    assert "fresh clone" in note_text  # Statistics explains why it is empty


def test_figure_viewer_shows_a_figure_at_its_true_size(fresh_report):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser, page, errors = open_report(playwright, fresh_report)
        landing_ready(page)
        page.get_by_role("link", name="comparison", exact=True).click()
        row = page.locator("tr", has_text="results/comparison/rules.png")
        row.locator("a[iconname=eye]").click()
        image = page.locator(".p-3 > img[src^='data:image/png']")
        image.wait_for(timeout=10_000)
        page.wait_for_function(
            "document.querySelector(\".p-3 > img[src^='data:image/png']\").style.width !== ''"
        )
        shown, natural = image.evaluate("img => [img.getBoundingClientRect().width, "
                                        "img.naturalWidth]")  # fmt: skip
        browser.close()
    assert errors == []
    assert abs(shown - natural * 96 / 200) <= 1  # not squeezed to the space beside the menu


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
    from rnngrad.figures.sliders import tangent_slider_html

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


def test_phase_slider_page_draws_the_chosen_series_and_gamma_rho(tmp_path):
    from rnngrad.figures.sliders import phase_slider_html

    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    curves = [
        {"series": series, "factor": factor, "point": f"{series}-{factor}",
         "log10": [s * (0.1 if series == "normal" else 0.2) * factor for s in range(1, 31)]}
        for series in ("normal", "non-normal") for factor in (0.5, 0.9)
    ]  # fmt: skip
    page_path = tmp_path / "phase.html"
    page_path.write_text(phase_slider_html(curves=curves, description="test"))
    with sync_api.sync_playwright() as playwright:
        browser, page, errors = open_report(playwright, page_path)
        shown = [page.locator("#point").inner_text()]
        page.locator("#factor").fill("0")
        shown.append(page.locator("#point").inner_text())
        page.locator("#series").select_option("normal")
        shown.append(page.locator("#point").inner_text())
        rule = page.locator("#rule").get_attribute("d")
        browser.close()
    assert errors == []
    assert shown == ["(non-normal-0.9)", "(non-normal-0.5)", "(normal-0.5)"]
    assert rule.startswith("M")
