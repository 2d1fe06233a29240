"""Variations of Comuni: a merger opens the new Comune and closes its predecessors."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from intese.territory.models import Area, AreaKind, today

pytestmark = pytest.mark.django_db

VARIATIONS = settings.PROJECT_DIR / "data" / "comuni_variazioni.csv"
MERGER_DAY = datetime.date(2019, 2, 8)
DAY_BEFORE = datetime.date(2019, 2, 7)
VERMEZZO_CON_ZELO, VERMEZZO, ZELO_SURRIGONE = "015251", "015235", "015246"


def load_variations(path=VARIATIONS) -> str:
    out = io.StringIO()
    call_command("refdata", "variations", str(path), stdout=out)
    return out.getvalue()


def comuni_of_mi_on(day: datetime.date):
    return Area.objects.municipalities().valid_on(day).filter(parent__code="015")


def snapshot() -> dict:
    return {
        "areas": list(Area.objects.values().order_by("pk")),
        "area_history": Area.history.count(),
    }


def corrupted_copy(tmp_path, old: str, new: str, line: int = 2):
    lines = VARIATIONS.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / "comuni_variazioni.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


# --- The merger of Vermezzo and Zelo Surrigone ----------------------------------------------------


def test_vermezzo_con_zelo_exists_from_the_day_of_the_merger():
    successor = Area.objects.municipalities().get(code=VERMEZZO_CON_ZELO)
    assert successor.name == "Vermezzo con Zelo"
    assert successor.valid_from == MERGER_DAY
    assert successor.valid_to is None
    assert comuni_of_mi_on(MERGER_DAY).filter(code=VERMEZZO_CON_ZELO).exists()
    assert not comuni_of_mi_on(DAY_BEFORE).filter(code=VERMEZZO_CON_ZELO).exists()


@pytest.mark.parametrize(
    ("code", "name"), [(VERMEZZO, "Vermezzo"), (ZELO_SURRIGONE, "Zelo Surrigone")]
)
def test_the_predecessors_exist_until_the_day_before_the_merger(code, name):
    predecessor = Area.objects.get(kind=AreaKind.MUNICIPALITY, code=code)
    assert predecessor.name == name
    assert predecessor.valid_to == MERGER_DAY  # exclusive: last day is 2019-02-07
    assert predecessor.parent.code == "015"
    assert comuni_of_mi_on(DAY_BEFORE).filter(code=code).exists()
    assert not comuni_of_mi_on(MERGER_DAY).filter(code=code).exists()
    assert not comuni_of_mi_on(today()).filter(code=code).exists()


def test_the_predecessors_keep_the_act_and_its_evidence():
    predecessor = Area.objects.get(kind=AreaKind.MUNICIPALITY, code=VERMEZZO)
    assert "L.R. Lombardia" in predecessor.source
    assert predecessor.evidence == "secondary"
    assert predecessor.source_url.startswith("https://settegiorni.it/")


def test_the_metropolitan_city_had_134_comuni_the_day_before_the_merger():
    assert comuni_of_mi_on(DAY_BEFORE).count() == 134
    assert comuni_of_mi_on(MERGER_DAY).count() == 133


def test_a_later_reload_of_the_comuni_keeps_the_merger_dates():
    """`refdata load` does not know about mergers: it must not reopen or undate them."""
    call_command("refdata", "load", "--province", "MI", stdout=io.StringIO())

    assert Area.objects.get(code=VERMEZZO_CON_ZELO).valid_from == MERGER_DAY
    assert Area.objects.get(code=VERMEZZO).valid_to == MERGER_DAY


def test_a_corrected_predecessor_name_is_updated_and_reported(tmp_path):
    corrected = corrupted_copy(tmp_path, "015246 Zelo Surrigone", "015246 Zelo Surrigone (MI)")

    output = load_variations(corrected)

    assert "modificati: 1" in output
    assert Area.objects.get(code=ZELO_SURRIGONE).name == "Zelo Surrigone (MI)"


# --- Malformed files are refused, naming line and column, and nothing is written ------------------


MALFORMED = {
    "bad date": ("2019-02-08,", "08/02/2019,", "date"),
    "impossible date": ("2019-02-08,", "2019-02-30,", "date"),
    "unknown event": (",merger,", ",split,", "event"),
    "predecessor without code": ("015235 Vermezzo;", "Vermezzo;", "predecessors"),
    "predecessor code of 5 digits": ("015235 Vermezzo;", "15235 Vermezzo;", "predecessors"),
    "predecessor without name": ("015235 Vermezzo;", "015235;", "predecessors"),
    "successor not loaded": ("015251,", "015999,", "istat_code"),
}


@pytest.mark.parametrize(("old", "new", "column"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_variations_file_is_refused_naming_line_and_column(tmp_path, old, new, column):
    before = snapshot()
    bad = corrupted_copy(tmp_path, old, new)

    with pytest.raises(CommandError) as refused:
        load_variations(bad)

    message = str(refused.value)
    assert f"comuni_variazioni.csv, riga 2, colonna «{column}»" in message
    assert "nulla è stato modificato" in message
    assert snapshot() == before


def test_a_bad_line_after_a_good_one_still_writes_nothing(tmp_path):
    """The whole file is checked before any write: a good first merger is not half-applied."""
    good = VARIATIONS.read_text(encoding="utf-8").splitlines()
    bad_line = good[1].replace("015235 Vermezzo;015246 Zelo Surrigone", "015235 Vermezzo;Zelo")
    renamed = good[1].replace("015246 Zelo Surrigone", "015246 Zelo Surrigone (MI)")
    path = tmp_path / "comuni_variazioni.csv"
    path.write_text("\n".join([good[0], renamed, bad_line]) + "\n", encoding="utf-8")
    before = snapshot()

    with pytest.raises(CommandError, match="riga 3, colonna «predecessors»"):
        load_variations(path)

    assert snapshot() == before


def test_a_variations_file_without_a_required_column_is_refused(tmp_path):
    bad = corrupted_copy(tmp_path, "predecessors", "predecessori", line=1)
    before = snapshot()

    with pytest.raises(CommandError, match="predecessors"):
        load_variations(bad)

    assert snapshot() == before


def test_a_predecessor_code_of_another_live_comune_is_refused(tmp_path):
    """A typo in a predecessor code (Bresso's 015032) must not rename and close Bresso."""
    bad = corrupted_copy(tmp_path, "015246 Zelo Surrigone", "015032 Zelo Surrigone")
    before = snapshot()

    with pytest.raises(CommandError, match="riga 2, colonna «predecessors»"):
        load_variations(bad)

    assert snapshot() == before
