"""The demo vocabularies keep what data/demo/plan.json says of them: a description and a source
for each vocabulary and term, and an honest count of the Driver."""

from pathlib import Path

import pytest
from django.conf import settings

from intese.demo.agreements import load_demo_agreements
from intese.demo.plans import load_demo_plans
from intese.plans.models import Term, Vocabulary

DEMO = Path(settings.PROJECT_DIR) / "data" / "demo"


@pytest.fixture
def demo(db):
    load_demo_agreements(DEMO / "agreements.json")
    return load_demo_plans(DEMO / "plan.json")


def test_vocabularies_and_terms_keep_their_description_and_source(demo):
    keywords = Vocabulary.objects.get(code="parole-chiave")
    assert "cinque pilastri" in keywords.description
    assert keywords.source.startswith("https://")
    prossimita = Term.objects.get(vocabulary=keywords, code="prossimita")
    assert prossimita.description == "Capacità di avvicinare, nel tempo e/o nello spazio."
    assert prossimita.source.startswith("https://")


def test_the_driver_vocabulary_says_that_only_five_of_ten_are_named(demo):
    driver = Vocabulary.objects.get(code="driver")
    assert driver.terms.count() == 5
    assert "Il Piano ne conta dieci; qui figurano solo i cinque" in driver.description


def test_reloading_adds_no_history_to_the_vocabularies(demo):
    before = Vocabulary.history.count(), Term.history.count()
    load_demo_plans(DEMO / "plan.json")
    assert (Vocabulary.history.count(), Term.history.count()) == before
