"""The demo DUP: the DUP 2024-2026 of the Città metropolitana di Milano and the document that
updates it, their SeS and SeO objectives classified by Missione and Programma and linked to the
PSTTM 2022-2024, the agreements that serve them; sourced documents, illustrative objectives and
links flagged as examples; loading twice changes nothing; the gap report has something to say."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from intese.agreements.models import PlanLink
from intese.demo.agreements import load_demo_agreements
from intese.demo.dup import load_demo_dup
from intese.demo.plans import load_demo_plans
from intese.plans import coherence
from intese.plans.models import (
    OperationalObjective,
    PlanItem,
    ProgrammingDocument,
    StrategicObjective,
)

pytestmark = pytest.mark.django_db

DEMO = Path(settings.PROJECT_DIR) / "data" / "demo"


@pytest.fixture
def demo(people):
    load_demo_agreements(DEMO / "agreements.json", by=people.plan_editor)
    load_demo_plans(DEMO / "plan.json", by=people.plan_editor)
    return load_demo_dup(DEMO / "dup.json", by=people.plan_editor)


def test_the_dup_2024_2026_and_its_update_refer_to_the_psttm_2022_2024(demo):
    assert demo.documents == ["DUP-2024-2026", "DUP-2024-2026-VAR-SEO-2"]
    dup = ProgrammingDocument.objects.get(code="DUP-2024-2026")
    update = ProgrammingDocument.objects.get(code="DUP-2024-2026-VAR-SEO-2")
    assert (dup.first_year, dup.last_year, dup.plan.code) == (2024, 2026, "PSTTM-2022-2024")
    assert update.kind == ProgrammingDocument.Kind.UPDATE_NOTE and update.updates == dup
    assert update.plan == dup.plan


def test_every_year_has_operational_objectives_classified_by_programme(demo):
    dup = ProgrammingDocument.objects.get(code="DUP-2024-2026")
    years = set(dup.operational_objectives.values_list("year", flat=True))
    assert years == {2024, 2025, 2026}
    for objective in OperationalObjective.objects.select_related("programme__mission"):
        assert objective.programme.code.startswith(objective.programme.mission.code)
        assert objective.responsible_office, objective.code
    assert dup.strategic_objectives.count() == demo.strategic == 7
    assert all(s.mission_id for s in dup.strategic_objectives.all())
    rifiuti = dup.operational_objectives.get(code="SeO-2024-02")
    assert rifiuti.programme.code == "0903" and rifiuti.strategic_objective.code == "SeS-2"
    assert [i.code for i in rifiuti.plan_items.all()] == ["M2-OB-1"]


def test_objectives_implement_items_of_the_psttm_2022_2024_only(demo):
    linked = PlanItem.objects.filter(operational_objectives__isnull=False).distinct()
    assert linked.exists()
    assert set(linked.values_list("plan__code", flat=True)) == {"PSTTM-2022-2024"}
    assert set(
        PlanItem.objects.filter(strategic_objectives__isnull=False).values_list("code", flat=True)
    ) == {"M1", "M2", "M3", "M4", "M5", "PM"}


def test_the_gap_report_shows_the_objectives_that_implement_no_plan_item(demo, client, people):
    dup = ProgrammingDocument.objects.get(code="DUP-2024-2026")
    gaps = [o.code for o in coherence.operational_objectives_without_plan_items(dup)]
    assert gaps == ["SeO-2025-05", "SeO-2026-02"]
    assert [s.code for s in coherence.strategic_objectives_without_plan_items(dup)] == ["SeS-7"]
    client.force_login(people.plan_viewer)
    page = client.get(reverse("backoffice:coherence_gaps")).content.decode()
    section = page[page.index('id="obiettivi-senza-voci"') :]
    assert "SeO-2025-05" in section and "SeO-2026-02" in section
    assert "SeO-2024-02" not in section


def test_the_demo_agreements_serve_operational_objectives_with_a_motivation(demo):
    links = PlanLink.objects.filter(operational_objective__isnull=False)
    assert demo.links == links.count() == 6
    assert all(link.motivation.strip() and link.plan_item_id is None for link in links)
    served = links.filter(operational_objective__code="SeO-2024-07")
    assert sorted(served.values_list("agreement__code", flat=True)) == ["ITI-SAM", "ITI-SOM-2024"]


def test_sourced_documents_are_facts_and_everything_illustrative_is_marked(demo):
    assert not ProgrammingDocument.objects.filter(is_example=True).exists()
    for model in (StrategicObjective, OperationalObjective):
        assert model.objects.exists()
        for objective in model.objects.all():
            assert objective.is_example and "(esempio)" in objective.title, objective.code
    assert not PlanLink.objects.filter(
        operational_objective__isnull=False, is_example=False
    ).exists()


def test_the_dup_pages_show_the_documents_and_the_example_badges(demo, client, people):
    client.force_login(people.plan_viewer)
    listing = client.get(reverse("backoffice:dup_documents")).content.decode()
    assert "Nessun documento di programmazione registrato" not in listing
    assert "Documento Unico di Programmazione (DUP) 2024-2026" in listing
    page = client.get(reverse("backoffice:dup_document", args=["DUP-2024-2026"]))
    html = page.content.decode()
    assert "Programma 0903 — Rifiuti" in html and "Settore Rifiuti e bonifiche" in html
    assert (
        html.count(">esempio</span>")
        >= OperationalObjective.objects.filter(document__code="DUP-2024-2026").count()
    )


def test_loading_the_dup_twice_changes_nothing(demo, people):
    histories = (
        ProgrammingDocument.history,
        StrategicObjective.history,
        OperationalObjective.history,
        PlanLink.history,
    )
    before = [h.count() for h in histories]
    again = load_demo_dup(DEMO / "dup.json", by=people.plan_editor)
    assert (again.documents, again.strategic, again.operational, again.links) == ([], 0, 0, 0)
    assert [h.count() for h in histories] == before


CONSIGLIO_28_FEBBRAIO = (
    "https://ticinonotizie.it/milano-si-riuniscono-il-consiglio-e-la-conferenza-metropolitana/"
)
COMUNICATO_CMM = (
    "https://opencms10.cittametropolitana.mi.it/portale/news/comunicati/"
    "Convocato-il-Consiglio-metropolitano"
)


def test_the_documents_keep_their_sources_and_the_pages_show_them(demo, client, people):
    dup = ProgrammingDocument.objects.get(code="DUP-2024-2026")
    assert dup.source_url == CONSIGLIO_28_FEBBRAIO
    assert "28 febbraio 2024" in dup.source_note  # the row's note
    assert "cap. 6 «Attuazione e monitoraggio»" in dup.source_note  # the seed, a text source
    assert CONSIGLIO_28_FEBBRAIO not in dup.source_note  # cited once, as the link
    update = ProgrammingDocument.objects.get(code="DUP-2024-2026-VAR-SEO-2")
    assert update.source_url == COMUNICATO_CMM and "27 novembre 2024" in update.source_note
    client.force_login(people.plan_viewer)
    listing = client.get(reverse("backoffice:dup_documents")).content.decode()
    assert f'<a href="{CONSIGLIO_28_FEBBRAIO}">' in listing
    assert f'<a href="{COMUNICATO_CMM}">' in listing
    page = client.get(reverse("backoffice:dup_document", args=[dup.code])).content.decode()
    assert f'<a href="{CONSIGLIO_28_FEBBRAIO}">Fonte: {dup.title}</a>' in page
    item = PlanItem.objects.get(plan__code="PSTTM-2022-2024", code="M2-OB-1")
    public = client.get(reverse("portal:plan_item", args=[item.plan.code, item.pk]))
    objectives = public.content.decode().split("Obiettivi operativi del DUP collegati")[1]
    assert "SeO-2024-02" in objectives and ">esempio</span>" in objectives
    assert f'<a href="{CONSIGLIO_28_FEBBRAIO}">Fonte: {dup.title}</a>' in objectives


def test_a_reload_brings_the_sources_of_documents_loaded_earlier_up_to_date(demo, people):
    ProgrammingDocument.objects.update(source_url="", source_note="")  # loaded before sources
    load_demo_dup(DEMO / "dup.json", by=people.plan_editor)
    dup = ProgrammingDocument.objects.get(code="DUP-2024-2026")
    assert dup.source_url == CONSIGLIO_28_FEBBRAIO and dup.version == 2
    assert dup.history.first().history_user == people.plan_editor
