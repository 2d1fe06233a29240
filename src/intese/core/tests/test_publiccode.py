"""publiccode.yml follows standard 0.7 and describes the software that is really here."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[4]

# From the publiccode.yml standard 0.7 (https://yml.publiccode.tools/).
CATEGORIES = {
    "accounting", "agile-project-management", "applicant-tracking", "application-development",
    "appointment-scheduling", "backup", "billing-and-invoicing", "blog", "budgeting",
    "business-intelligence", "business-process-management", "cad", "call-center",
    "cloud-management", "collaboration-platform", "communications", "compliance-management",
    "contact-management", "content-management", "crowdfunding", "customer-service-and-support",
    "data-analytics", "data-collection", "data-visualization", "digital-asset-management",
    "digital-citizenship", "document-management", "donor-management", "e-commerce",
    "e-signature", "email-management", "email-marketing", "employee-management",
    "enterprise-project-management", "enterprise-social-networking", "erp", "event-management",
    "facility-management", "feedback-and-reviews-management", "financial-reporting",
    "fleet-management", "fund-accounting", "geographic-information-systems",
    "grant-management", "graphic-design", "help-desk", "hr", "ide", "identity-management",
    "instant-messaging", "inventory-management", "it-asset-management", "it-development",
    "it-management", "it-security", "it-service-management", "knowledge-management",
    "laboratory-management", "learning-management-system", "local-authorities",
    "marketing", "mind-mapping", "mobile-marketing", "mobile-payment", "network-management",
    "office", "online-booking", "online-community", "payment-gateway", "payroll",
    "predictive-analysis", "procurement", "productivity-suite", "project-collaboration",
    "project-management", "property-management", "real-estate-management",
    "remote-support", "resource-management", "sales-management", "seo", "service-desk",
    "social-media-management", "survey", "talent-management", "task-management",
    "taxes-management", "test-management", "time-management", "time-tracking",
    "translation", "video-conferencing", "video-editing", "visitor-management",
    "voip", "warehouse-management", "web-collaboration", "web-conferencing",
    "website-builder", "whistleblowing", "workflow-management",
}  # fmt: skip
DEVELOPMENT_STATUSES = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {
    "standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
    "standalone/backend", "standalone/other", "addon", "library", "configurationFiles",
}  # fmt: skip


@pytest.fixture(scope="module")
def publiccode():
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def test_it_declares_standard_0_7_with_its_required_keys(publiccode):
    assert publiccode["publiccodeYmlVersion"] == "0.7"
    for key in ("name", "url", "platforms", "categories", "developmentStatus", "softwareType"):
        assert publiccode.get(key), key
    assert set(publiccode["categories"]) <= CATEGORIES
    assert publiccode["developmentStatus"] in DEVELOPMENT_STATUSES
    assert publiccode["softwareType"] in SOFTWARE_TYPES


@pytest.mark.parametrize("language", ["it", "en"])
def test_it_describes_the_software_in_italian_and_english(publiccode, language):
    description = publiccode["description"][language]
    assert 0 < len(description["shortDescription"]) <= 150
    assert 150 <= len(description["longDescription"]) <= 10000
    assert description["features"]
    assert all(len(feature) <= 100 for feature in description["features"])


def test_its_languages_and_licence_match_the_project(publiccode):
    assert set(publiccode["localisation"]["availableLanguages"]) == {
        code for code, _name in settings.LANGUAGES
    }
    assert publiccode["legal"]["license"] == "EUPL-1.2"
    assert "EUPL" in (ROOT / "LICENCE").read_text(encoding="utf-8")[:400]
    if publiccode["maintenance"]["type"] in ("internal", "community"):
        assert publiccode["maintenance"]["contacts"]
