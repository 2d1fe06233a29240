"""The reference organisations: the Regione, the Città metropolitana and the Comune di Milano.

`refdata organisations` creates them or completes the organisation `refdata load` already made
for a Comune; a bad line refuses the whole file, naming line and column, and writes nothing.
"""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from intese.actors.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

REFERENCE = settings.PROJECT_DIR / "data" / "organisations_reference.csv"


def load_organisations(path=REFERENCE) -> str:
    out = io.StringIO()
    call_command("refdata", "organisations", str(path), stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "organisations": list(Organisation.objects.values().order_by("pk")),
        "history": Organisation.history.count(),
    }


def corrupted_copy(tmp_path, line: int, old: str, new: str):
    lines = REFERENCE.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / "organisations_reference.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


# --- What the reference file gives ----------------------------------------------------------------


def test_regione_lombardia_has_its_codes_and_is_the_body_of_region_03():
    regione = Organisation.objects.get(ipa_code="r_lombar")
    assert regione.name == "Regione Lombardia"
    assert regione.kind == OrganisationKind.REGION
    assert regione.codice_fiscale == "80050050154"
    assert (regione.area.kind, regione.area.code) == ("region", "03")
    assert regione.website == "https://www.regione.lombardia.it"
    assert regione.evidence == "verified_source"
    assert regione.source_url


def test_the_metropolitan_city_has_ipa_cmmi_and_is_the_body_of_area_015():
    cmm = Organisation.objects.get(ipa_code="cmmi")
    assert cmm.kind == OrganisationKind.METROPOLITAN_CITY
    assert cmm.codice_fiscale == "08911820960"
    assert (cmm.area.kind, cmm.area.code) == ("metropolitan_city", "015")


def test_the_comune_di_milano_made_by_refdata_load_got_the_codes_of_the_reference_file():
    """One organisation for Milano: the file completed it instead of adding a second one."""
    bodies = Organisation.objects.filter(area__code="015146")
    assert bodies.count() == 1
    milano = bodies.get()
    assert milano.name == "Comune di Milano"
    assert milano.kind == OrganisationKind.MUNICIPALITY
    assert milano.ipa_code == "c_f205"
    assert milano.codice_fiscale == "01199250158"
    assert milano.website == "https://www.comune.milano.it"


def test_completing_the_comune_di_milano_bumped_its_version_and_kept_its_history():
    milano = Organisation.objects.get(ipa_code="c_f205")
    assert milano.version == 2
    assert list(
        milano.history.order_by("history_date").values_list("history_type", "ipa_code")
    ) == [
        ("+", ""),
        ("~", "c_f205"),
    ]


def test_other_comuni_have_no_codes_yet():
    sesto = Organisation.objects.get(area__code="015209")
    assert (sesto.ipa_code, sesto.codice_fiscale) == ("", "")


def test_a_changed_website_in_the_file_updates_the_organisation_and_is_reported(tmp_path):
    changed = corrupted_copy(
        tmp_path,
        2,
        "https://www.regione.lombardia.it",
        "https://www.regione.lombardia.it/wps/portal",
    )

    output = load_organisations(changed)

    assert "modificati: 1" in output
    assert "Regione Lombardia: website" in output
    regione = Organisation.objects.get(ipa_code="r_lombar")
    assert regione.website == "https://www.regione.lombardia.it/wps/portal"
    assert regione.version == 2


def test_a_new_organisation_in_the_file_is_created(tmp_path):
    path = tmp_path / "organisations_reference.csv"
    path.write_text(
        REFERENCE.read_text(encoding="utf-8")
        + "university,Politecnico di Milano,,80057930150,,,https://www.polimi.it,"
        "verified_source,https://www.polimi.it\n",
        encoding="utf-8",
    )

    output = load_organisations(path)

    assert "Creati: 1, modificati: 0" in output
    polimi = Organisation.objects.get(name="Politecnico di Milano")
    assert polimi.kind == OrganisationKind.UNIVERSITY
    assert polimi.area is None
    assert polimi.codice_fiscale == "80057930150"


# --- Bad lines ------------------------------------------------------------------------------------


MALFORMED = {
    "bad codice fiscale": (2, "80050050154", "80050050155", "codice_fiscale"),
    "unknown area code": (3, "metropolitan_city,015,", "metropolitan_city,099,", "area_code"),
    "bad IPA code": (4, "c_f205", "c-f205", "ipa_code"),
    "unknown kind": (3, "metropolitan_city,Città", "metropolis,Città", "kind"),
    "bad website": (2, "https://www.regione.lombardia.it", "www regione lombardia", "website"),
}


@pytest.mark.parametrize(("line", "old", "new", "column"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_bad_line_refuses_the_file_naming_line_and_column(tmp_path, line, old, new, column):
    before = snapshot()
    bad = corrupted_copy(tmp_path, line, old, new)

    with pytest.raises(CommandError) as refused:
        load_organisations(bad)

    message = str(refused.value)
    assert f"organisations_reference.csv, riga {line}, colonna «{column}»" in message
    assert "nulla è stato modificato" in message
    assert snapshot() == before


def test_a_bad_codice_fiscale_is_refused_even_when_other_lines_would_change(tmp_path):
    bad = corrupted_copy(tmp_path, 2, "https://www.regione.lombardia.it", "https://example.org")
    lines = bad.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace("01199250158", "01199250159")
    bad.write_text("".join(lines), encoding="utf-8")
    before = snapshot()

    with pytest.raises(CommandError, match="riga 4, colonna «codice_fiscale»"):
        load_organisations(bad)

    assert snapshot() == before
    assert Organisation.objects.get(ipa_code="r_lombar").website != "https://example.org"


def test_a_codice_fiscale_already_held_by_another_organisation_is_refused_naming_line(tmp_path):
    path = tmp_path / "organisations_reference.csv"
    path.write_text(
        REFERENCE.read_text(encoding="utf-8")
        + "university,Politecnico di Milano,,80050050154,,,https://www.polimi.it,"
        "verified_source,https://www.polimi.it\n",
        encoding="utf-8",
    )
    before = snapshot()

    with pytest.raises(CommandError, match="riga 5, colonna «codice_fiscale»"):
        load_organisations(path)

    assert snapshot() == before
