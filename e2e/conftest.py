"""Browser tests: Debian's Chromium driven by Playwright, against the live test server."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# (fixtures, checks) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp lets the test inject axe-core; the site's own scripts run under its policy.
    context = browser.new_context(bypass_csp=True, locale="it-IT")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture
def territory(transactional_db):
    """Transactional tests start from an empty database: load the reference data again."""
    from conftest import load_reference_data
    from intese.agreements.kinds import ensure_default_kinds
    from intese.agreements.models import AgreementKind

    load_reference_data()
    ensure_default_kinds(AgreementKind)  # data migrations' rows do not survive a flush


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page for WCAG 2.1 A and AA; returns the violations found."""
    page.add_script_tag(path=str(AXE))
    # evaluate() has no timeout of its own: the race makes a stuck run fail, not hang.
    return page.evaluate(
        """async () => (await Promise.race([
             axe.run(document, {runOnly: {type: 'tag',
               values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}),
             new Promise((_, reject) => setTimeout(() => reject(new Error('axe: no answer')),
                                                   60000))])).violations
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"""
    )
