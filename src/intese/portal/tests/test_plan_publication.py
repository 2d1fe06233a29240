"""What the public sees of the plans: never a draft (on the plan pages or on the progress pages),
the acts of a published plan, where its tags come from, and which of its details are examples."""

import datetime

import pytest
from django.urls import reverse

from intese.plans import services
from intese.plans.models import Plan, PlanStatus, Term, Vocabulary

pytestmark = pytest.mark.django_db


def plan(code, status, start=2022, **fields):
    return Plan.objects.create(
        code=code,
        title=f"Piano {code}",
        period_start=datetime.date(start, 1, 1),
        period_end=datetime.date(start + 2, 12, 31),
        status=status,
        level_names=["Missione", "Obiettivo"],
        **fields,
    )


@pytest.fixture
def published():
    return plan(
        "psttm-2022-2024",
        PlanStatus.APPROVED,
        adopted_on=datetime.date(2023, 3, 22),
        approved_on=datetime.date(2023, 6, 1),
        example_fields=["approved_on"],
    )


@pytest.fixture
def draft(published):
    draft = plan("psttm-2025-2027", PlanStatus.DRAFT, 2025, previous=published)
    services.item_add(plan=draft, by=None, code="B1", title="Voce in bozza")
    return draft


def test_drafts_are_not_listed_and_their_pages_are_not_found(client, published, draft):
    html = client.get(reverse("portal:plans")).content.decode()
    assert "Piano psttm-2022-2024" in html
    assert "psttm-2025-2027" not in html and "Bozza" not in html
    assert client.get(reverse("portal:plan", args=[draft.code])).status_code == 404
    item = draft.items.get()
    assert client.get(reverse("portal:plan_item", args=[draft.code, item.pk])).status_code == 404
    assert client.get(reverse("portal:plan", args=[published.code])).status_code == 200


def test_the_progress_pages_show_no_draft(client, published, draft):
    html = client.get(reverse("portal:progress")).content.decode()
    assert "Piano psttm-2022-2024" in html and "psttm-2025-2027" not in html
    draft_progress = reverse("portal:progress_plan", args=[draft.code])
    assert client.get(draft_progress).status_code == 404
    published_progress = reverse("portal:progress_plan", args=[published.code])
    assert client.get(published_progress).status_code == 200


def test_a_draft_named_as_previous_plan_is_not_linked(client, published, draft):
    Plan.objects.filter(pk=draft.pk).update(previous=None)
    Plan.objects.filter(pk=published.pk).update(previous=draft)
    html = client.get(reverse("portal:plans")).content.decode()
    assert "Piano psttm-2025-2027" in html  # the name, as a fact of the published plan
    assert draft.get_absolute_url() not in html


def test_the_explorer_shows_the_acts_and_badges_their_examples(client, published):
    services.plan_act_add(
        plan=published,
        by=None,
        kind="adozione",
        date=datetime.date(2023, 3, 22),
        title="Adozione del piano",
        url="https://example.org/adozione",
    )
    services.plan_act_add(
        plan=published,
        by=None,
        kind="approvazione",
        date=datetime.date(2023, 6, 1),
        example_fields=["date"],
    )
    html = client.get(published.get_absolute_url()).content.decode()
    acts = html.split('<h2 class="h4">Atti del piano</h2>')[1].split("</table>")[0]
    assert '<a href="https://example.org/adozione">Adozione del piano</a>' in acts
    assert acts.index("22 marzo 2023") < acts.index("1 giugno 2023")
    assert acts.count(">esempio</span>") == 1  # the approval's date only
    approved = html.split("Approvato il</dt>")[1].split("</dd>")[0]
    assert "1 giugno 2023" in approved and ">esempio</span>" in approved
    adopted = html.split("Adottato il</dt>")[1].split("</dd>")[0]
    assert "esempio" not in adopted


def test_the_tag_legend_says_what_each_vocabulary_is_and_cites_its_source(client, published):
    driver = Vocabulary.objects.create(
        code="driver",
        name="Driver dell'Agenda strategica",
        description="Il Piano ne conta dieci; qui figurano solo i cinque di cui le fonti "
        "consultate riportano il nome.",
        source="https://example.org/driver",
    )
    sdg = Vocabulary.objects.create(code="sdg", name="SDG")
    campus = Term.objects.create(vocabulary=driver, code="campus", name="Campus")
    city = Term.objects.create(vocabulary=sdg, code="11", name="Città sostenibili")
    services.item_add(plan=published, by=None, code="M1", title="Voce", tags=[campus, city])
    html = client.get(published.get_absolute_url()).content.decode()
    legend = html.split("<details")[1].split("</details>")[0]
    assert "qui figurano solo i cinque" in legend
    assert (
        '<a href="https://example.org/driver">Fonte: Driver dell&#x27;Agenda strategica</a>'
        in legend
    )
    assert "SDG</dt>" in legend and "Fonte non indicata." in legend


def test_example_fields_of_an_item_are_badged_where_they_are_shown(client, published):
    vocabulary = Vocabulary.objects.create(code="sdg", name="SDG")
    term = Term.objects.create(vocabulary=vocabulary, code="11", name="Città sostenibili")
    mission = services.item_add(
        plan=published,
        by=None,
        code="M1",
        title="Missione",
        tags=[term],
        example_fields=["tags"],
    )
    services.item_add(
        plan=published,
        by=None,
        parent=mission,
        code="M1.1",
        title="Obiettivo",
        description="Descrizione illustrativa.",
        example_fields=["title", "description"],
    )
    tree = client.get(published.get_absolute_url()).content.decode()
    assert tree.count("etichette di esempio</span>") == 1
    assert tree.count("titolo di esempio</span>") == 1
    page = client.get(reverse("portal:plan_item", args=[published.code, mission.pk]))
    html = page.content.decode()
    assert "etichette di esempio" in html and "titolo di esempio" not in html
    child = published.items.get(code="M1.1")
    html = client.get(reverse("portal:plan_item", args=[published.code, child.pk])).content
    assert "titolo di esempio" in html.decode() and "descrizione di esempio" in html.decode()


def test_every_term_cites_its_own_source_in_the_legend_and_on_the_item_page(client, published):
    sdg = Vocabulary.objects.create(code="sdg", name="SDG", source="https://example.org/sdg")
    city = Term.objects.create(
        vocabulary=sdg,
        code="11",
        name="Città sostenibili",
        description="Città e insediamenti inclusivi, sicuri, duraturi e sostenibili.",
        source="https://example.org/sdg/11",
    )
    water = Term.objects.create(vocabulary=sdg, code="6", name="Acqua pulita")
    item = services.item_add(plan=published, by=None, code="M1", title="V", tags=[city, water])
    link = '<a href="https://example.org/sdg/11">Fonte: Città sostenibili</a>'
    html = client.get(published.get_absolute_url()).content.decode()
    legend = html.split("<details")[1].split("</details>")[0]
    assert link in legend and "Città e insediamenti inclusivi" in legend
    assert "<li>Acqua pulita</li>" in legend  # a term without a source cites none
    page = client.get(reverse("portal:plan_item", args=[published.code, item.pk]))
    tags = page.content.decode().split("Etichette</dt>")[1].split("</dd>")[0]
    assert 'href="https://example.org/sdg/11">Fonte: Città sostenibili</a>' in tags
    assert "Fonte: Acqua pulita" not in tags


def test_an_item_page_shows_its_dup_objectives_with_their_sources_and_examples(client, published):
    from intese.plans import dup
    from intese.plans.models import BudgetProgramme

    item = services.item_add(plan=published, by=None, code="M1", title="Voce")
    document = dup.document_create(
        by=None,
        code="dup-2024-2026",
        title="DUP 2024-2026",
        first_year=2024,
        last_year=2026,
        plan=published,
        source_url="https://example.org/odg",
    )
    dup.operational_objective_add(
        document=document,
        by=None,
        code="SeO-1",
        title="Obiettivo illustrativo",
        year=2024,
        programme=BudgetProgramme.objects.get(code="1005"),
        plan_items=[item],
        is_example=True,
    )
    page = client.get(reverse("portal:plan_item", args=[published.code, item.pk]))
    objectives = page.content.decode().split("Obiettivi operativi del DUP collegati")[1]
    assert "SeO-1 Obiettivo illustrativo" in objectives
    assert objectives.count(">esempio</span>") == 1  # the objective, not the sourced DUP
    assert '<a href="https://example.org/odg">Fonte: DUP 2024-2026</a>' in objectives
