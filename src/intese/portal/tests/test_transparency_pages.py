"""The public transparency list: a page, a CSV and an ODS per semester, for everybody."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intese.agreements.tests.test_transparency import D, stipulate
from intese.agreements.transparency import COLUMNS, last_complete_semester
from intese.portal.views_transparency import SemesterForm

S1_2025 = {"anno": "2025", "semestre": "1"}


@pytest.fixture
def listed(people):
    """Two public agreements of the first semester of 2025, one of the second, one private."""
    by = people.plan_editor
    stipulate(by, "CMMI-2025-003", amounts=["100000.00", "25000.50"])
    stipulate(
        by,
        "CMMI-2025-001",
        signed=(D(2025, 2, 1), D(2025, 2, 3)),
        title="Protocollo per la qualità dell'aria",
        act_url="",
    )
    stipulate(by, "CMMI-2025-009", signed=(D(2025, 7, 1), D(2025, 7, 8)))
    stipulate(by, "CMMI-2025-RIS", is_public=False, title="Accordo riservato sulla sicurezza")


def page(client, **params):
    return client.get(reverse("portal:transparency"), params)


@pytest.mark.django_db
def test_the_page_lists_the_semester_with_subject_parties_date_amount_and_act(client, listed):
    response = page(client, **S1_2025)
    html = response.content.decode()
    assert response.status_code == 200
    assert [a.code for a, _orgs in response.context["rows"]] == ["CMMI-2025-001", "CMMI-2025-003"]
    assert "Protocollo per la qualità dell&#x27;aria" in html
    assert "Città metropolitana di Milano" in html and "Comune di Milano" in html
    assert "14 marzo 2025" in html and "3 febbraio 2025" in html
    assert "125.000,50 €" in html  # Italian grouping and decimals
    assert (
        '<a href="https://www.cittametropolitana.mi.it/atti/decreto-12-2025">'
        "Decreto del Sindaco metropolitano n. 12 del 15/01/2025</a>"
    ) in html
    assert "CMMI-2025-009" not in html  # stipulated in July


@pytest.mark.django_db
def test_a_missing_amount_or_act_link_shows_a_dash_and_the_act_as_text(client, listed):
    html = page(client, **S1_2025).content.decode()
    row = html[html.index("Protocollo per la qualità") : html.index("CMMI-2025-003")]
    assert "—" in row
    assert "Decreto del Sindaco metropolitano n. 12 del 15/01/2025" in row
    assert "<a href" not in row


@pytest.mark.django_db
def test_a_private_agreement_never_appears_on_the_page_or_in_the_files(client, listed):
    for name in ["portal:transparency", "portal:transparency_csv", "portal:transparency_ods"]:
        response = client.get(reverse(name), S1_2025)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"CMMI-2025-RIS" not in body and b"riservato" not in body


@pytest.mark.django_db
def test_the_page_is_accessible_and_explains_the_legal_basis(client, listed):
    html = page(client, **S1_2025).content.decode()
    assert '<label for="id-anno">Anno</label>' in html
    assert '<label for="id-semestre">Semestre</label>' in html
    assert "<caption>Accordi stipulati nel primo semestre 2025</caption>" in html
    assert html.count('<th scope="col"') == 5 and html.count('<th scope="row"') == 2
    assert "art. 23, comma 1, lettera d), del D.Lgs. 14 marzo 2013, n. 33" in html
    assert "formato di tipo aperto" in html and "cinque anni" in html
    assert '<option value="2025" selected>' in html
    assert '<option value="1" selected>' in html


@pytest.mark.django_db
def test_without_parameters_the_last_complete_semester_is_shown(client):
    expected = last_complete_semester(timezone.localdate())
    response = page(client)
    assert response.status_code == 200
    assert response.context["period"] == expected


@pytest.mark.django_db
def test_the_semester_is_chosen_by_stipulation_not_by_registration(client, people):
    """Registered today, signed in May 2025: it belongs to the first semester of 2025."""
    stipulate(people.plan_editor, "STORICA", signed=(D(2025, 5, 5), D(2025, 5, 6)))
    html = page(client, **S1_2025).content.decode()
    assert "STORICA" in html and "6 maggio 2025" in html


@pytest.mark.django_db
def test_an_empty_semester_says_so(client, listed):
    html = page(client, anno="2019", semestre="2").content.decode()
    assert "Nessun accordo risulta stipulato in questo semestre." in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"anno": "abc", "semestre": "1"}, "L&#x27;anno va indicato in cifre, ad esempio 2025."),
        ({"anno": "2025", "semestre": "3"}, "Il semestre è 1 (gennaio-giugno) oppure 2"),
        ({"anno": "2025", "semestre": ""}, "Indicare il semestre."),
        ({"anno": "1990", "semestre": "1"}, "L&#x27;elenco riguarda gli anni dal 2013 al"),
        ({"anno": "99999999999999999999", "semestre": "1"}, "riguarda gli anni dal 2013"),
    ],
)
def test_a_bad_choice_is_explained_with_status_400(client, params, message):
    response = page(client, **params)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Il semestre richiesto non è valido." in html and message in html
    assert response.context["period"] is None and "<table" not in html


def test_a_semester_that_has_not_begun_is_refused():
    form = SemesterForm({"anno": "2026", "semestre": "2"}, today=D(2026, 3, 1))
    assert not form.is_valid()
    assert form.non_field_errors() == ["Il secondo semestre 2026 non è ancora iniziato."]
    assert SemesterForm({"anno": "2026", "semestre": "1"}, today=D(2026, 3, 1)).is_valid()


@pytest.mark.django_db
def test_next_year_is_refused_with_status_400(client):
    response = page(client, anno=str(timezone.localdate().year + 1), semestre="1")
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["portal:transparency_csv", "portal:transparency_ods"])
def test_the_files_refuse_a_bad_choice_with_the_same_explanation(client, name):
    response = client.get(reverse(name), {"anno": "2025", "semestre": "3"})
    assert response.status_code == 400
    assert "Il semestre è 1 (gennaio-giugno)" in response.content.decode()


@pytest.mark.django_db
def test_the_csv_has_plain_machine_readable_values(client, listed):
    response = client.get(reverse("portal:transparency_csv"), S1_2025)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="accordi-2025-S1.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == COLUMNS
    assert [r[0] for r in rows[1:]] == ["CMMI-2025-001", "CMMI-2025-003"]
    second = dict(zip(COLUMNS, rows[2], strict=True))
    assert second["data_stipula"] == "2025-03-14"
    assert second["spesa_prevista_euro"] == "125000.50"
    assert second["parti"] == "Città metropolitana di Milano; Comune di Milano"
    assert dict(zip(COLUMNS, rows[1], strict=True))["spesa_prevista_euro"] == ""


@pytest.mark.django_db
def test_the_csv_neutralises_formulas(client, people):
    stipulate(people.plan_editor, "FORMULA", title='=HYPERLINK("https://example.org","x")')
    response = client.get(reverse("portal:transparency_csv"), S1_2025)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1] == '\'=HYPERLINK("https://example.org","x")'


@pytest.mark.django_db
def test_the_ods_is_a_typed_spreadsheet(client, listed):
    from odf import teletype
    from odf.opendocument import load
    from odf.table import TableCell, TableRow

    response = client.get(reverse("portal:transparency_ods"), S1_2025)
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"] == 'attachment; filename="accordi-2025-S1.ods"'
    document = load(io.BytesIO(response.content))
    rows = document.spreadsheet.getElementsByType(TableRow)
    header = [teletype.extractText(c) for c in rows[0].getElementsByType(TableCell)]
    assert header == COLUMNS
    cells = dict(zip(COLUMNS, rows[2].getElementsByType(TableCell), strict=True))
    assert teletype.extractText(cells["codice"]) == "CMMI-2025-003"
    assert cells["data_stipula"].getAttribute("valuetype") == "date"
    assert cells["data_stipula"].getAttribute("datevalue") == "2025-03-14"
    assert cells["spesa_prevista_euro"].getAttribute("valuetype") == "float"
    assert cells["spesa_prevista_euro"].getAttribute("value") == "125000.50"


@pytest.mark.django_db
def test_the_page_renders_in_english(client, listed):
    response = client.get(
        reverse("portal:transparency"), S1_2025, headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, S1_2025)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["portal:transparency", "portal:transparency_csv", "portal:transparency_ods"]
)
def test_queries_do_not_grow_from_20_to_200_agreements(client, people, name):
    for n in range(20):
        stipulate(people.plan_editor, f"Q-{n:03d}", amounts=["1000"])
    few = queries_for(client, reverse(name))
    for n in range(20, 200):
        stipulate(people.plan_editor, f"Q-{n:03d}", amounts=["1000", "250"])
    many = queries_for(client, reverse(name))
    assert many == few, f"{name}: {few} queries with 20 agreements, {many} with 200"
