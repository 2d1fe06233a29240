"""The coherence matrix, the gap reports and their downloads; the links of an agreement to the
plan and the DUP, made and removed from the agreement's page, with their refusals."""

import csv
import io

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intese.agreements import services as agreements
from intese.agreements.models import Agreement, PlanLink, Theme
from intese.backoffice.views_dup import GAP_REPORTS
from intese.plans import dup, services
from intese.plans.models import BudgetMission, BudgetProgramme, Plan, PlanStatus
from intese.plans.tests.test_coherence import make_plan
from intese.territory.models import Area
from intese.testing import agreements as build
from intese.testing.plans import grow


@pytest.fixture
def editor(client, people):
    client.force_login(people.plan_editor)
    return client


@pytest.fixture
def plan(db):
    return make_plan("psttm")


@pytest.fixture
def items(plan):
    m1 = services.item_add(plan=plan, by=None, code="M1", title="Mobilità")
    return {
        "M1": m1,
        "M1.1": services.item_add(plan=plan, by=None, parent=m1, code="M1.1", title="Ciclabili"),
        "M2": services.item_add(plan=plan, by=None, code="M2", title="Casa"),
    }


def link(agreement, item, motivation="Attua la voce.", **extra):
    return agreements.plan_link_add(
        agreement=agreement, by=None, plan_item=item, motivation=motivation, **extra
    )


def download(response) -> list[list[str]]:
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def objective(plan, code="OO1"):
    document = dup.document_create(
        by=None, code="dup", title="DUP 2024-2026", first_year=2024, last_year=2026, plan=plan
    )
    return dup.operational_objective_add(
        document=document,
        by=None,
        code=code,
        title="Rete ciclabile",
        year=2024,
        programme=BudgetProgramme.objects.get(code="1005"),
    )


# The matrix --------------------------------------------------------------------------------


def test_the_matrix_marks_linked_cells_with_their_motivation(client, people, plan, items):
    link(build.proposal(code="BICI"), items["M1.1"], "Realizza la rete ciclabile.")
    build.proposal(code="NESSUNA")
    client.force_login(people.plan_viewer)
    html = client.get(reverse("backoffice:coherence_matrix")).content.decode()
    assert "<caption>Voci di Piano psttm da 1 a 3 di 3; intese da 1 a 1 di 1</caption>" in html
    assert '<th scope="col"><a href="/area-riservata/intese/BICI/"' in html
    assert "NESSUNA" not in html  # only agreements linked to the plan are columns
    assert '<span aria-hidden="true" title="Realizza la rete ciclabile.">✓</span>' in html
    assert "collegata a BICI: Realizza la rete ciclabile." in html
    assert html.count("✓") == 1
    assert html.index("M1 Mobilità") < html.index("M1.1 Ciclabili") < html.index("M2 Casa")


def test_the_matrix_filters_by_theme_through_htmx(editor, plan, items):
    mobility = Theme.objects.create(code="mobilita", name="Mobilità")
    link(build.proposal(code="SUL-TEMA", themes=[mobility]), items["M1"])
    link(build.proposal(code="FUORI-TEMA"), items["M2"])
    response = editor.get(
        reverse("backoffice:coherence_matrix") + "?piano=psttm&tema=mobilita",
        headers={"hx-request": "true"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "SUL-TEMA" in html and "FUORI-TEMA" not in html


def test_a_wide_matrix_pages_its_agreements(editor, plan, items):
    for n in range(25):
        link(build.proposal(code=f"I-{n:02d}"), items["M2"])
    first = editor.get(reverse("backoffice:coherence_matrix")).content.decode()
    assert "I-19" in first and "I-20" not in first and "Intese successive" in first
    second = editor.get(reverse("backoffice:coherence_matrix") + "?colonne=2").content.decode()
    assert "I-20" in second and "I-19" not in second
    assert "obbligatorio" not in second.split("<h1")[1].split("</form>")[0]  # no plan named: fine


def test_the_pages_open_on_the_latest_plan_in_force_not_on_an_empty_draft(editor, plan, items):
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)
    make_plan("bozza-vuota", 2025)  # newer, a draft, no items
    newer_draft = make_plan("bozza-con-voci", 2028)
    services.item_add(plan=newer_draft, by=None, code="B1", title="In bozza")
    for name in ("coherence_matrix", "coherence_gaps"):
        html = editor.get(reverse(f"backoffice:{name}")).content.decode()
        assert '<option value="psttm" selected>' in html
        assert "M1 Mobilità" in html
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)  # no plan in force left
    html = editor.get(reverse("backoffice:coherence_matrix")).content.decode()
    assert '<option value="bozza-con-voci" selected>' in html  # the latest with items


def test_a_bad_filter_is_reported_on_its_field_and_the_others_still_apply(editor, plan, items):
    link(build.proposal(code="BICI"), items["M1"])
    newer = make_plan("piu-recente", 2025)
    services.item_add(plan=newer, by=None, code="X1", title="Altro piano")
    html = editor.get(reverse("backoffice:coherence_matrix") + "?piano=psttm&tema=nessuno")
    html = html.content.decode()
    assert '<option value="psttm" selected>' in html
    assert "Voci di Piano psttm da 1 a 3 di 3" in html and "BICI" in html
    tema = html.split('id="id_tema_error"')[1].split("</div>")[0]
    assert "Tema sconosciuto: il filtro per tema non è applicato." in tema
    html = editor.get(reverse("backoffice:coherence_matrix") + "?piano=nessuno").content.decode()
    assert "Piano sconosciuto" in html
    assert '<option value="piu-recente" selected>' in html  # the default, shown as chosen
    gaps = editor.get(reverse("backoffice:coherence_gaps") + "?piano=psttm&dup=nessuno")
    html = gaps.content.decode()
    assert "Documento sconosciuto" in html and "M2 Casa" in html


def test_example_links_are_badged_in_the_matrix_and_flagged_in_the_download(editor, items):
    link(build.proposal(code="ESEMPIO"), items["M1"], "Collegamento illustrativo.", is_example=True)
    link(build.proposal(code="FATTO"), items["M2"], "Collegamento vero.")
    html = editor.get(reverse("backoffice:coherence_matrix")).content.decode()
    assert html.count('title="Collegamento illustrativo della demo, non un fatto">esempio') == 1
    assert "Collegamento illustrativo. (collegamento di esempio, non un fatto)" in html
    assert "Collegamento vero. (" not in html
    rows = download(editor.get(reverse("backoffice:coherence_matrix_csv")))
    assert rows[0][-1] == "esempio"
    assert {row[3]: row[-1] for row in rows[1:] if row[3]} == {"ESEMPIO": "sì", "FATTO": "no"}


def test_the_matrix_download_has_a_line_per_link_and_per_item_without_one(editor, plan, items):
    agreement = build.proposal(code="BICI")
    cabina = agreements.commitment_add(
        agreement=agreement, by=None, title="Cabina di regia", responsible=build.cmm()
    )
    link(agreement, items["M1.1"], '=HYPERLINK("http://example.org")', commitment=cabina)
    response = editor.get(reverse("backoffice:coherence_matrix_csv") + "?piano=psttm")
    assert response["Content-Disposition"] == 'attachment; filename="matrice-coerenza-psttm.csv"'
    rows = download(response)
    assert rows[0][:4] == ["voce_codice", "voce_livello", "voce_titolo", "intesa_codice"]
    assert [r[0] for r in rows[1:]] == ["M1", "M1.1", "M2"]
    assert rows[2] == [
        "M1.1",
        "Obiettivo",
        "Ciclabili",
        "BICI",
        "Intesa di prova",
        "Proposta",
        "Cabina di regia",
        '\'=HYPERLINK("http://example.org")',  # neutralised: no formula runs
        "no",  # a fact, not an illustrative link
    ]
    assert rows[1][3:] == ["", "", "", "", "", ""]


def with_dup(plan, agreements, *, strategic=1):
    """A DUP of the plan: two operational objectives implementing the plan's first 100 items,
    each linked to the given agreements (bulk-written, as the registry grows), and `strategic`
    strategic objectives that implement no item, each of a Missione."""
    document = dup.document_create(
        by=None, code=f"dup-{plan.code}", title="DUP", first_year=2025, last_year=2027, plan=plan
    )
    missions = list(BudgetMission.objects.order_by("code"))
    for n in range(strategic):
        dup.strategic_objective_add(
            document=document,
            by=None,
            code=f"OS{n}",
            title="Obiettivo strategico",
            mission=missions[n % len(missions)],
        )
    items = list(plan.items.order_by("path")[:100])
    for n, code in enumerate(["1005", "1002"]):
        objective = dup.operational_objective_add(
            document=document,
            by=None,
            code=f"OO{n}",
            title="Obiettivo",
            year=2025,
            programme=BudgetProgramme.objects.get(code=code),
            plan_items=items,
        )
        PlanLink.objects.bulk_create(
            PlanLink(agreement=a, operational_objective=objective, motivation="Nel DUP.")
            for a in agreements
        )
    return document


def test_the_pages_do_not_grow_with_5000_items_and_10000_agreements(editor):
    Theme.objects.create(code="mobilita", name="Mobilità")
    small_plan = make_plan("piccolo")
    with_dup(small_plan, grow(small_plan, items=40, agreements=30, prefix="PICCOLO")[:3])
    party = Agreement.objects.filter(code__startswith="PICCOLO").first().parties.first()

    def pages(code):
        matrix = reverse("backoffice:coherence_matrix")
        gaps = reverse("backoffice:coherence_gaps")
        scope = f"?piano={code}&dup=dup-{code}"
        return {
            "matrix": f"{matrix}?piano={code}",
            "matrix filtered": f"{matrix}?piano={code}&tema=mobilita&zona=nord-milano",
            "matrix by party": f"{matrix}?piano={code}&parte={party.organisation_id}",
            "matrix, last block": f"{matrix}?piano={code}&righe=50&colonne=500",
            "matrix csv": reverse("backoffice:coherence_matrix_csv") + f"?piano={code}",
            "gaps": f"{gaps}?piano={code}",
            **{
                f"gaps csv {report}": reverse("backoffice:coherence_gap_csv", args=[report]) + scope
                for report in GAP_REPORTS
            },
            "dup page": reverse("backoffice:dup_document", args=[f"dup-{code}"]),
        }

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            response = editor.get(url)
            assert response.status_code == 200
            if response.streaming:  # a download runs its queries while it streams
                b"".join(response.streaming_content)
        return len(captured)

    small = {name: queries(url) for name, url in pages("piccolo").items()}
    large_plan = make_plan("grande", 2025)
    with_dup(
        large_plan,
        grow(large_plan, items=5000, agreements=10_000, prefix="GRANDE")[:1000],
        strategic=150,  # more than a page shows
    )
    assert {name: queries(url) for name, url in pages("grande").items()} == small


# Gap reports -------------------------------------------------------------------------------


def test_the_gap_page_shows_the_four_reports(client, people, plan, items):
    mobility = Theme.objects.create(code="mobilita", name="Mobilità")
    link(build.proposal(code="LEGATA", themes=[mobility]), items["M1.1"])
    build.proposal(code="SLEGATA")
    oo = objective(plan)
    document = oo.document
    mission = BudgetMission.objects.get(code="10")
    dup.strategic_objective_add(
        document=document, by=None, code="OS1", title="Muoversi meglio", mission=mission
    )
    dup.strategic_objective_add(
        document=document, by=None, code="OS2", title="Abitare", plan_items=[items["M2"]]
    )
    client.force_login(people.plan_viewer)
    html = client.get(reverse("backoffice:coherence_gaps") + "?piano=psttm").content.decode()
    sections = html.split("<section")[1:]
    assert len(sections) == 4
    voci, intese, zone, obiettivi = sections
    assert "M2 Casa" in voci and "M1.1 Ciclabili" not in voci and "M1 Mobilità" not in voci
    assert ">SLEGATA</a>" in intese and ">LEGATA</a>" not in intese
    assert "Nord Milano" in zone and "Mobilità" in zone
    assert oo.code in obiettivi and "Rete ciclabile" in obiettivi
    strategic, operational = obiettivi.split('id="obiettivi-operativi-senza-voci"')
    assert "OS1</a> Muoversi meglio" in strategic
    assert "Trasporti e diritto alla mobilità" in strategic
    assert "OS2" not in strategic  # it implements M2
    assert "1 obiettivo strategico non attua alcuna voce del piano" in strategic
    assert oo.code in operational and "OS1" not in operational


def test_each_gap_report_downloads_in_full(editor, plan, items):
    Theme.objects.create(code="mobilita", name="Mobilità")
    link(build.proposal(code="LEGATA"), items["M1.1"])
    build.proposal(code="=SLEGATA")
    document = objective(plan).document
    dup.strategic_objective_add(document=document, by=None, code="OS1", title="Senza missione")
    dup.strategic_objective_add(
        document=document, by=None, code="OS2", title="Attua M2", plan_items=[items["M2"]]
    )

    def rows(report):
        url = reverse("backoffice:coherence_gap_csv", args=[report]) + "?piano=psttm&dup=dup"
        return download(editor.get(url))

    assert rows("voci-senza-intese")[1:] == [["M2", "Missione", "Casa", ""]]
    assert rows("intese-senza-voci")[1:] == [
        ["'=SLEGATA", "Intesa di prova", "Accordo fra pubbliche amministrazioni", "Proposta"]
    ]
    zones = rows("zone-senza-temi")
    assert zones[0] == ["zona_codice", "zona", "tema_codice", "tema"]
    assert len(zones) - 1 == Area.objects.zones().count()  # one theme, no agreement on it
    assert rows("obiettivi-senza-voci")[1] == [
        "2024",
        "OO1",
        "Rete ciclabile",
        "10",
        "1005",
        "Viabilità e infrastrutture stradali",
        "",
    ]
    assert rows("obiettivi-strategici-senza-voci") == [
        ["obiettivo_codice", "obiettivo_titolo", "missione_codice", "missione"],
        ["OS1", "Senza missione", "", ""],
    ]
    response = editor.get(reverse("backoffice:coherence_gap_csv", args=["altro"]))
    assert response.status_code == 404


# Links from the agreement's page -----------------------------------------------------------


def add_url(agreement):
    return reverse("backoffice:plan_link_add", args=[agreement.code])


def test_an_editor_links_an_agreement_to_a_plan_item_through_htmx(editor, plan, items):
    agreement = build.proposal(code="BICI")
    fragment = editor.get(add_url(agreement), headers={"hx-request": "true"}).content.decode()
    assert "<html" not in fragment
    assert '<optgroup label="Piano psttm">' in fragment
    assert "art. 35" in fragment
    response = editor.post(
        add_url(agreement),
        {"plan_item": items["M1.1"].pk, "motivation": "Realizza la rete ciclabile."},
        headers={"hx-request": "true"},
    )
    assert response["HX-Redirect"] == agreement.get_absolute_url()
    created = PlanLink.objects.get()
    assert (created.plan_item, created.motivation) == (items["M1.1"], "Realizza la rete ciclabile.")
    assert created.history.latest().history_user.username == "ufficio.piano"


def test_a_commitment_links_to_a_dup_objective(editor, plan):
    agreement = build.proposal(code="BICI")
    cabina = agreements.commitment_add(
        agreement=agreement, by=None, title="Cabina di regia", responsible=build.cmm()
    )
    oo = objective(plan)
    response = editor.post(
        add_url(agreement),
        {"operational_objective": oo.pk, "commitment": cabina.pk, "motivation": "La attua."},
    )
    assert response.status_code == 302
    created = PlanLink.objects.get()
    assert (created.operational_objective, created.commitment) == (oo, cabina)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"plan_item": "M1", "motivation": "  "}, "Serve la motivazione della coerenza"),
        ({"motivation": "Attua."}, "Scegliere la voce del piano oppure l&#x27;obiettivo"),
        (
            {"plan_item": "M1", "operational_objective": "OO1", "motivation": "Attua."},
            "oppure a un obiettivo del DUP, non a entrambi",
        ),
        (
            {"plan_item": "M1", "commitment": "OTHER", "motivation": "Attua."},
            "L&#x27;impegno appartiene a un&#x27;altra intesa.",
        ),
    ],
)
def test_a_bad_link_is_refused_with_the_reason(editor, plan, items, data, message):
    agreement, other = build.proposal(code="BICI"), build.proposal(code="ALTRA")
    foreign = agreements.commitment_add(
        agreement=other, by=None, title="Altrui", responsible=build.cmm()
    )
    values = {"M1": items["M1"].pk, "OO1": objective(plan).pk, "OTHER": foreign.pk}
    posted = {name: values.get(value, value) for name, value in data.items()}
    response = editor.post(add_url(agreement), posted)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PlanLink.objects.exists()


def test_the_same_link_twice_is_refused(editor, items):
    agreement = build.proposal(code="BICI")
    link(agreement, items["M1"])
    response = editor.post(
        add_url(agreement), {"plan_item": items["M1"].pk, "motivation": "Di nuovo."}
    )
    assert "Questo collegamento esiste già." in response.content.decode()
    assert PlanLink.objects.count() == 1


def test_an_editor_removes_a_link_by_post_only(client, people, items):
    agreement = build.proposal(code="BICI")
    existing = link(agreement, items["M1"])
    remove = reverse("backoffice:plan_link_remove", args=[existing.pk])
    client.force_login(people.plan_viewer)
    assert client.post(remove).status_code == 403
    client.force_login(people.plan_editor)
    assert client.get(remove).status_code == 405
    assert PlanLink.objects.exists()
    response = client.post(remove)
    assert response["Location"] == agreement.get_absolute_url()
    assert not PlanLink.objects.exists()


def test_the_fragment_lists_the_links_of_an_agreement_without_queries(
    rf, people, plan, items, django_assert_num_queries
):
    agreement = build.proposal(code="BICI")
    cabina = agreements.commitment_add(
        agreement=agreement, by=None, title="Cabina di regia", responsible=build.cmm()
    )
    link(agreement, items["M1.1"], "Realizza la rete ciclabile.", commitment=cabina)
    agreements.plan_link_add(
        agreement=agreement, by=None, operational_objective=objective(plan), motivation="Nel DUP."
    )
    prefetched = Agreement.objects.prefetch_related(
        Prefetch(
            "plan_links",
            queryset=PlanLink.objects.select_related(
                "plan_item__plan", "operational_objective__document", "commitment"
            ),
        )
    ).get(pk=agreement.pk)
    request = rf.get("/")
    request.user = people.plan_editor
    with django_assert_num_queries(0):
        html = render_to_string(
            "backoffice/_plan_links.html",
            {"agreement": prefetched, "can_manage": True},
            request=request,
        )
    assert "Piano psttm · M1.1 Ciclabili" in html
    assert "Attraverso l'impegno «Cabina di regia»" in html
    assert "DUP 2024-2026 · SeO 2024 · OO1 Rete ciclabile" in html
    assert html.count("Togli il collegamento") == 2
    assert "Realizza la rete ciclabile." in html and "Nel DUP." in html


def test_linking_is_for_editors(client, people, items):
    agreement = build.proposal(code="BICI")
    client.force_login(people.plan_viewer)
    response = client.post(add_url(agreement), {"plan_item": items["M1"].pk, "motivation": "M"})
    assert response.status_code == 403
    assert not PlanLink.objects.exists()
