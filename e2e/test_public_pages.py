"""A citizen opens the site in Chromium: the home page, the map of the zones, the directory.

Every page is checked with axe-core against WCAG 2.1 A and AA: zero violations.
"""

import pytest

from e2e.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_home_page_shows_real_counts_and_passes_axe(live_server, page, territory):
    page.goto(live_server.url + "/")
    assert "133" in page.locator("main").inner_text()
    assert page.locator("html").get_attribute("lang") == "it"
    assert axe_violations(page) == []
    assert page.js_errors == []


def test_territory_map_draws_the_seven_zones_and_milano(live_server, page, territory):
    page.goto(live_server.url + "/territorio/")
    page.wait_for_selector("[data-map][data-ready='true']")
    # Leaflet draws one SVG path per feature: 7 zones and the capital.
    assert page.locator(".leaflet-overlay-pane path").count() == 8
    assert axe_violations(page) == []
    assert page.js_errors == []


def point_inside(page, selector: str) -> dict:
    """A point of the viewport where the shape itself (not a neighbour) receives the click."""
    point = page.evaluate(
        """(selector) => {
             const shape = document.querySelector(selector);
             const box = shape.getBoundingClientRect();
             for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
               const x = box.left + box.width * i / 20, y = box.top + box.height * j / 20;
               if (document.elementFromPoint(x, y) === shape) return {x, y};
             }
             return null;
           }""",
        selector,
    )
    assert point, f"no visible point of {selector}"
    return point


def test_the_map_labels_every_zone_and_colours_it_as_its_legend(live_server, page, territory):
    page.goto(live_server.url + "/territorio/")
    page.wait_for_selector("[data-map][data-ready='true']")
    labels = page.locator(".leaflet-tooltip-pane .map-label").all_inner_texts()
    assert sorted(labels) == sorted(
        [
            "Adda Martesana",
            "Alto Milanese",
            "Magentino e Abbiatense",
            "Milano",
            "Nord Milano",
            "Nord Ovest",
            "Sud Est",
            "Sud Ovest",
        ]
    )
    fill = page.locator("path.map-area-nord-milano").get_attribute("fill")
    legend = page.locator("th", has_text="Nord Milano").locator(".map-legend-swatch")
    assert legend.evaluate("e => e.style.backgroundColor") == page.evaluate(
        "c => { const e = document.createElement('span'); e.style.backgroundColor = c; "
        "return e.style.backgroundColor; }",
        fill,
    )


def test_clicking_a_zone_on_the_map_opens_its_page(live_server, page, territory):
    page.goto(live_server.url + "/territorio/")
    page.wait_for_selector("[data-map][data-ready='true']")
    point = point_inside(page, ".leaflet-overlay-pane path.map-area-nord-milano")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/territorio/zone/nord-milano/")
    assert page.get_by_role("heading", level=1).inner_text() == "Zona omogenea Nord Milano"


def test_the_comune_map_draws_the_comune_inside_its_zone(live_server, page, territory):
    page.goto(live_server.url + "/territorio/comuni/015081/")
    page.wait_for_selector("[data-map][data-ready='true']")
    assert page.locator(".leaflet-overlay-pane path.map-outline").count() == 1
    assert page.locator(".leaflet-overlay-pane path.map-area-015081").count() == 1
    assert page.locator(".map-label").all_inner_texts() == ["Cologno Monzese"]
    assert axe_violations(page) == []
    assert page.js_errors == []


@pytest.mark.parametrize(
    "path",
    [
        "/territorio/zone/adda-martesana/",
        "/territorio/comuni/015081/",
        "/soggetti/?q=milano",
        "/open-data/",
        "/accedi/",
        "/accessibilita/",
        "/privacy/",
    ],
)
def test_public_page_passes_axe(live_server, page, territory, path):
    page.goto(live_server.url + path)
    if page.locator("[data-map]").count():
        page.wait_for_selector("[data-map][data-ready='true']")
    assert axe_violations(page) == []
    assert page.js_errors == []


def test_language_switch_shows_the_site_in_english_and_passes_axe(live_server, page, territory):
    page.goto(live_server.url + "/territorio/")
    page.get_by_role("button", name="EN").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Territory" in page.get_by_role("heading", level=1).inner_text()
    assert axe_violations(page) == []


def test_directory_filters_by_kind_without_reloading(live_server, page, territory):
    page.goto(live_server.url + "/soggetti/")
    page.select_option("#id-tipo", "region")
    page.wait_for_function(
        "document.querySelector('#directory-results').innerText.includes('Regione Lombardia')"
    )
    assert "Comune di Rho" not in page.locator("#directory-results").inner_text()
    assert "tipo=region" in page.url
