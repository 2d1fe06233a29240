"""Italian identifiers: IPA code, codice fiscale, partita IVA and the ISTAT code of a Comune.

Each validator accepts the real codes of the reference bodies and refuses malformed ones with
a django ValidationError whose Italian message says which kind of code was expected.
"""

import pytest
from django.core.exceptions import ValidationError

from intese.actors.identifiers import (
    compact_codice_fiscale,
    compact_partita_iva,
    normalise_ipa_code,
    validate_codice_fiscale,
    validate_ipa_code,
    validate_partita_iva,
)
from intese.actors.models import Organisation, OrganisationKind
from intese.territory.models import istat_municipality_code

# --- IPA code -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["c_f205", "r_lombar", "cmmi", "ab", "a" * 20],
    ids=["Comune di Milano", "Regione Lombardia", "CMM", "2 chars", "20 chars"],
)
def test_valid_ipa_codes_are_accepted(code):
    validate_ipa_code(code)


@pytest.mark.parametrize(
    "code",
    ["C F205", "x", "a" * 21, "c-f205", "C_F205", "_f205", "", "c_f205 "],
    ids=[
        "space and capitals",
        "1 char",
        "21 chars",
        "hyphen",
        "capitals",
        "leading underscore",
        "empty",
        "trailing space",
    ],
)
def test_malformed_ipa_codes_are_refused_with_an_italian_message(code):
    with pytest.raises(ValidationError, match="codice IPA") as refused:
        validate_ipa_code(code)
    assert refused.value.code == "ipa_code"


def test_ipa_codes_are_normalised_to_lowercase_without_spaces():
    assert normalise_ipa_code("  C_F205 ") == "c_f205"
    validate_ipa_code(normalise_ipa_code("  C_F205 "))


# --- Codice fiscale -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["08911820960", "01199250158", "80050050154", "RSSMRA85T10A562S"],
    ids=["Città metropolitana di Milano", "Comune di Milano", "Regione Lombardia", "a person"],
)
def test_valid_codici_fiscali_are_accepted(code):
    validate_codice_fiscale(code)


@pytest.mark.parametrize(
    "code",
    [
        "08911820961",
        "RSSMRA85T10A562T",
        "garbage",
        "0891182096",
        "089118209600",
        "ABCDEFGHIJKLMNOP",
        "123456789012345X",
    ],
    ids=[
        "wrong check digit",
        "person with wrong check char",
        "garbage",
        "10 digits",
        "12 digits",
        "16 letters",
        "16 chars, not a personal code",
    ],
)
def test_malformed_codici_fiscali_are_refused_with_an_italian_message(code):
    with pytest.raises(ValidationError, match="codice fiscale") as refused:
        validate_codice_fiscale(code)
    assert refused.value.code == "codice_fiscale"


def test_codice_fiscale_is_compacted_before_storing():
    assert compact_codice_fiscale("rssmra 85t10 a562s") == "RSSMRA85T10A562S"
    assert compact_codice_fiscale("") == ""


# --- Partita IVA ----------------------------------------------------------------------------------


def test_a_valid_partita_iva_is_accepted():
    validate_partita_iva("01199250158")


@pytest.mark.parametrize(
    "code",
    ["01199250159", "1199250158", "0119925015A", "RSSMRA85T10A562S"],
    ids=["wrong check digit", "10 digits", "letter", "personal codice fiscale"],
)
def test_malformed_partite_iva_are_refused_with_an_italian_message(code):
    with pytest.raises(ValidationError, match="partita IVA") as refused:
        validate_partita_iva(code)
    assert refused.value.code == "partita_iva"


def test_partita_iva_is_compacted_before_storing():
    assert compact_partita_iva("IT 01199250158") == "01199250158"
    assert compact_partita_iva("") == ""


# --- ISTAT code of a Comune -----------------------------------------------------------------------


def test_a_six_digit_istat_code_is_a_municipality_code():
    istat_municipality_code("015146")


@pytest.mark.parametrize(
    "code",
    ["15146", "0151460", "abcdef", "015 46", ""],
    ids=["5 digits", "7 digits", "letters", "space", "empty"],
)
def test_other_istat_codes_are_refused_with_an_italian_message(code):
    with pytest.raises(ValidationError, match="codice ISTAT"):
        istat_municipality_code(code)


# --- The validators guard the Organisation fields -------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("ipa_code", "c-f205"), ("codice_fiscale", "08911820961"), ("partita_iva", "01199250159")],
)
def test_an_organisation_with_a_malformed_code_does_not_validate(field, value):
    organisation = Organisation(kind=OrganisationKind.OTHER, name="Ente di prova", **{field: value})

    with pytest.raises(ValidationError) as refused:
        organisation.full_clean(validate_unique=False, validate_constraints=False)

    assert set(refused.value.message_dict) == {field}


def test_an_organisation_without_codes_validates():
    Organisation(kind=OrganisationKind.OTHER, name="Ente di prova").full_clean(
        validate_unique=False, validate_constraints=False
    )


# --- Anchoring: "$" also matches before a final newline -------------------------------------------


def test_an_ipa_code_with_a_trailing_newline_is_refused():
    with pytest.raises(ValidationError, match="codice IPA"):
        validate_ipa_code("c_f205\n")


@pytest.mark.parametrize("code", ["015146\n", "٠١٥١٤٦"], ids=["trailing newline", "arabic digits"])
def test_an_istat_code_with_a_newline_or_non_ascii_digits_is_refused(code):
    with pytest.raises(ValidationError, match="codice ISTAT"):
        istat_municipality_code(code)
