"""Funding lines follow the PNRR's structure; the registry search reads the documents' text;
acts are cited in the reader's language."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from intese.agreements import services
from intese.agreements.documents import document_attach
from intese.agreements.models import Act, Agreement, FundingLine
from intese.testing import agreements as build
from intese.testing.files import pdf_bytes


def add_line(agreement, **fields):
    fields.setdefault("source", "pnrr")
    fields.setdefault("amount", Decimal("100000"))
    return services.funding_add(agreement=agreement, by=None, **fields)


def refusal(agreement, **fields) -> dict:
    with pytest.raises(ValidationError) as refused:
        add_line(agreement, **fields)
    assert not FundingLine.objects.filter(agreement=agreement).exists()
    return refused.value.message_dict


@pytest.mark.django_db
def test_a_pnrr_line_is_stored_upper_cased():
    line = add_line(
        build.proposal(),
        pnrr_mission="m2",
        pnrr_component="m2c4",
        pnrr_investment="Investimento 2.2",
        cup="j41b21000000001",
    )
    line.refresh_from_db()
    assert (line.pnrr_mission, line.pnrr_component, line.pnrr_investment) == (
        "M2",
        "M2C4",
        "Investimento 2.2",
    )
    assert line.cup == "J41B21000000001"
    assert add_line(build.proposal(), pnrr_mission="M5", pnrr_component="C2").pnrr_component == "C2"


@pytest.mark.django_db
def test_repowereu_is_mission_7_without_components():
    agreement = build.proposal()
    assert add_line(agreement, pnrr_mission="M7", pnrr_investment="17").pnrr_mission == "M7"
    FundingLine.objects.all().delete()
    assert (
        "non ha componenti"
        in refusal(agreement, pnrr_mission="M7", pnrr_component="C1")["pnrr_component"][0]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "pnrr_mission", "indicare la missione"),
        ({"pnrr_mission": "M8"}, "pnrr_mission", "non è una missione del PNRR"),
        ({"pnrr_mission": "Missione 1"}, "pnrr_mission", "non è una missione del PNRR"),
        ({"pnrr_mission": "M1", "pnrr_component": "C4"}, "pnrr_component", "da C1 a C3"),
        ({"pnrr_mission": "M1", "pnrr_component": "M2C1"}, "pnrr_component", "missione M1"),
        ({"pnrr_mission": "M5", "pnrr_investment": "uno"}, "pnrr_investment", "Investimento 1.1"),
        (
            {"source": "fesr", "pnrr_mission": "M2"},
            "pnrr_mission",
            "solo per i fondi PNRR",
        ),
    ],
)
def test_pnrr_fields_out_of_shape_are_refused(fields, field, message):
    errors = refusal(build.proposal(), **fields)
    assert message in errors[field][0]


@pytest.mark.django_db
def test_a_malformed_cup_is_still_refused():
    assert "non è un CUP" in refusal(build.proposal(), source="regional", cup="j41b2100")["cup"][0]


@pytest.mark.django_db
def test_search_finds_an_agreement_by_the_text_of_its_documents_once(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    wanted, other = build.proposal(), build.proposal()
    for n, text in enumerate(["Piste ciclabili del Parco Nord", "Piste ciclabili, secondo lotto"]):
        document_attach(
            agreement=wanted,
            upload=SimpleUploadedFile(f"testo-{n}.pdf", pdf_bytes(text)),
            title=f"Testo {n}",
            by=people.plan_editor,
        )
    document_attach(
        agreement=other,
        upload=SimpleUploadedFile("altro.pdf", pdf_bytes("Edilizia scolastica")),
        title="Altro",
        by=people.plan_editor,
    )
    assert list(Agreement.objects.search("piste ciclabili")) == [wanted]
    assert list(Agreement.objects.search("scolastica")) == [other]


@pytest.mark.django_db
def test_the_registry_page_searches_documents(client, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agreement = build.proposal()
    document_attach(
        agreement=agreement,
        upload=SimpleUploadedFile("testo.pdf", pdf_bytes("Clausola sulla ciclologistica")),
        title="Testo",
        by=people.plan_editor,
    )
    client.force_login(people.plan_editor)
    page = client.get(reverse("backoffice:agreements") + "?q=ciclologistica")
    assert [a.code for a in page.context["page"].object_list] == [agreement.code]
    assert "testo dei documenti" in page.content.decode()


@pytest.mark.django_db
def test_an_act_is_cited_in_the_reader_s_language():
    act = Act(
        kind="decreto_sindaco_metropolitano", number="45/2024", date=datetime.date(2024, 11, 28)
    )
    assert str(act) == "Decreto del Sindaco metropolitano n. 45/2024 del 28/11/2024"
    assert str(Act(kind="altro", date=datetime.date(2024, 11, 28))) == "Altro atto del 28/11/2024"
    with translation.override("en"):  # the words come from the catalogue, the date is local
        assert str(act).startswith("Decree") and str(act).endswith(" 11/28/2024")
