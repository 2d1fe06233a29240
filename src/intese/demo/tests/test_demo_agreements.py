"""The demo system of agreements: the agreements the plan names, facts sourced, examples marked."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from intese.agreements.models import Agreement, Status
from intese.demo.agreements import load_demo_agreements

DEMO = Path(settings.PROJECT_DIR) / "data" / "demo" / "agreements.json"
ROWS = json.loads(DEMO.read_text(encoding="utf-8"))["agreements"]


@pytest.fixture
def demo(db):
    return load_demo_agreements(DEMO)


def test_the_demo_names_the_agreements_of_the_seed(demo):
    titles = " ".join(Agreement.objects.values_list("title", flat=True))
    for name in [
        "Convenzione Quadro",
        "Intesa Quadro",
        "SOM",
        "SAM",
        "SILAM",
        "Consulta Economia e Lavoro dell'Alto Milanese",
        "Patto per il Lavoro",
        "patrimonio scolastico",
        "sicurezza del lavoro",
        "agricoltura",
        "politiche abitative",
        "scuola-territorio",
        "lavoro e sviluppo economico",
    ]:
        assert name.lower() in titles.lower(), name


def test_every_agreement_reaches_the_status_of_the_data_through_the_lifecycle(demo):
    statuses = dict(Agreement.objects.values_list("code", "status"))
    assert statuses == {row["code"]: row["status"] for row in ROWS}
    for agreement in Agreement.objects.exclude(status=Status.PROPOSED):
        assert agreement.status_changes.exists()
        assert agreement.coherence_statement.strip()


def test_examples_in_the_data_stay_examples_in_the_database(demo):
    for row in ROWS:
        agreement = Agreement.objects.get(code=row["code"])
        assert agreement.example_fields == row.get("example_fields", [])
        assert sorted(agreement.acts.values_list("is_example", flat=True)) == sorted(
            a.get("is_example", False) for a in row.get("acts", [])
        )
        assert sorted(agreement.commitments.values_list("is_example", flat=True)) == sorted(
            c.get("is_example", False) for c in row.get("commitments", [])
        )
        assert sorted(agreement.funding_lines.values_list("is_example", flat=True)) == sorted(
            f.get("is_example", False) for f in row.get("funding", [])
        )


def test_example_act_numbers_are_never_presented_as_facts(demo):
    from intese.agreements.models import Act

    assert not Act.objects.filter(number="ESEMPIO", is_example=False).exists()


def test_every_agreement_cites_its_sources(demo):
    for agreement in Agreement.objects.all():
        assert "PSTTM" in agreement.source_note or "http" in agreement.source_note


def test_loading_the_demo_twice_changes_nothing(demo):
    before = Agreement.history.count()
    assert load_demo_agreements(DEMO) == []
    assert Agreement.history.count() == before


def test_the_demo_shows_a_framework_and_an_implementing_agreement_flagged_as_example(demo):
    child = Agreement.objects.get(parent__code="CMM-CQ-MI-2023")
    assert child.title.startswith("(Esempio)")
    assert {"title", "parent", "summary"} <= set(child.example_fields)
    assert all(p.is_example for p in child.parties.all())
    assert all(c.is_example for c in child.commitments.all())


def test_the_only_pnrr_line_is_an_example_in_the_plan_s_notation(demo):
    from intese.agreements.models import FundingLine

    line = FundingLine.objects.get(source="pnrr")
    assert line.is_example
    assert (line.pnrr_mission, line.pnrr_component, line.pnrr_investment) == ("M2", "M2C2", "4.1")


def test_the_agreement_page_names_example_fields_and_marks_their_values(demo, client, people):
    client.force_login(people.plan_editor)
    child = Agreement.objects.get(parent__code="CMM-CQ-MI-2023")
    html = client.get(child.get_absolute_url()).content.decode()
    assert "non fatti: codice, titolo, sintesi, tipo, base giuridica" in html
    assert "legal_basis" not in html
    assert html.count('title="Dato illustrativo della demo, non un fatto"') >= 10
    assert "missione M2, componente M2C2, investimento 4.1" in html
