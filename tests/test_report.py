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


def test_report_opens_in_headless_chromium_and_shows_the_figures(report):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    errors = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(report.as_uri())
        shown = set()
        for figure in FIGURES:
            category = "activation" if "/activation/" in figure else figure.split("/")[1]
            page.goto(report.as_uri())
            page.get_by_role("link", name=category, exact=True).click()
            row = page.locator("tr", has_text=figure)
            row.locator("a[iconname=eye]").click()
            image = page.locator("img[src^='data:image/png']")
            image.wait_for(timeout=10_000)
            width = image.evaluate("img => img.complete ? img.naturalWidth : 0")
            if width > 0:
                shown.add(figure)
        browser.close()
    assert errors == []
    assert shown == set(FIGURES)
