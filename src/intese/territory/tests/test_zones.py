"""Zone omogenee: which Comune belongs to which zone, on which day, and how the file is checked."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Count

from intese.territory.models import Area, AreaKind, ZoneMembership, today

pytestmark = pytest.mark.django_db

DATA = settings.PROJECT_DIR / "data"
ZONES = DATA / "zone_omogenee.csv"
CHANGES = DATA / "zone_omogenee_changes.csv"
SINCE = "2015-09-17"
BEFORE_COLOGNO_MOVED = datetime.date(2016, 6, 1)

ZONES_TODAY = {
    "Adda Martesana": 29,
    "Magentino e Abbiatense": 28,
    "Alto Milanese": 22,
    "Nord Ovest": 16,
    "Sud Ovest": 16,
    "Sud Est": 15,
    "Nord Milano": 6,
}


def load_zones(zones=ZONES, changes=CHANGES) -> str:
    out = io.StringIO()
    arguments = ["zones", str(zones), "--since", SINCE]
    if changes:
        arguments += ["--changes", str(changes)]
    call_command("refdata", *arguments, stdout=out)
    return out.getvalue()


def zone_of(code: str, on: datetime.date) -> str | None:
    names = list(
        ZoneMembership.objects.valid_on(on)
        .filter(municipality__code=code)
        .values_list("zone__name", flat=True)
    )
    assert len(names) <= 1, f"{code} is in {len(names)} zones on {on}"
    return names[0] if names else None


def members_on(on: datetime.date) -> dict[str, int]:
    return dict(
        ZoneMembership.objects.valid_on(on)
        .values_list("zone__name")
        .annotate(n=Count("pk"))
        .order_by()
    )


def snapshot() -> dict:
    """Everything a zones load may write: areas, memberships with their data, history."""
    return {
        "areas": list(Area.objects.values().order_by("pk")),
        "memberships": list(
            ZoneMembership.objects.values(
                "municipality__code",
                "zone__code",
                "valid_from",
                "valid_to",
                "evidence",
                "source_url",
                "note",
            ).order_by("municipality__code", "valid_from")
        ),
        "area_history": Area.history.count(),
        "membership_history": ZoneMembership.history.count(),
    }


def corrupted_copy(tmp_path, source, line: int, old: str, new: str):
    """A copy of `source` whose `line` (1 = header) has `old` replaced by `new`."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1], f"{old!r} is not on line {line} of {source.name}"
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / source.name
    path.write_text("".join(lines), encoding="utf-8")
    return path


# --- The zones today and in the past --------------------------------------------------------------


def test_there_are_seven_zones_in_the_metropolitan_city():
    zones = Area.objects.zones().valid_on(today())
    assert set(zones.values_list("name", flat=True)) == set(ZONES_TODAY)
    assert {z.parent.code for z in zones} == {"015"}


def test_each_zone_has_its_number_of_comuni_today():
    assert members_on(today()) == ZONES_TODAY


def test_with_current_members_counts_the_comuni_and_inhabitants_of_each_zone_today():
    zones = {z.name: z for z in Area.objects.zones().with_current_members()}
    assert {name: z.member_count for name, z in zones.items()} == ZONES_TODAY
    nord_milano = Area.objects.municipalities().filter(
        zone_memberships__in=ZoneMembership.objects.valid_on(today()),
        zone_memberships__zone__name="Nord Milano",
    )
    assert zones["Nord Milano"].member_population == sum(c.population for c in nord_milano)


def test_every_comune_but_milano_is_in_exactly_one_zone_today():
    comuni = Area.objects.municipalities().valid_on(today()).filter(parent__code="015")
    memberships = ZoneMembership.objects.valid_on(today())
    per_comune = dict(
        memberships.values_list("municipality__code").annotate(n=Count("pk")).order_by()
    )
    expected = {c.code: 1 for c in comuni if c.code != "015146"}
    assert len(expected) == 132
    assert per_comune == expected


def test_milano_belongs_to_no_zone():
    assert not ZoneMembership.objects.filter(municipality__code="015146").exists()


def test_zones_are_valid_since_their_institution_and_have_a_geojson_boundary():
    for zone in Area.objects.zones():
        assert zone.valid_from == datetime.date(2015, 9, 17)
        assert zone.boundary["type"] in {"Polygon", "MultiPolygon"}


def test_cologno_monzese_was_in_nord_milano_before_its_move():
    assert zone_of("015081", BEFORE_COLOGNO_MOVED) == "Nord Milano"
    assert zone_of("015081", datetime.date(2017, 2, 21)) == "Nord Milano"


def test_cologno_monzese_is_in_adda_martesana_from_2017_02_22():
    assert zone_of("015081", datetime.date(2017, 2, 22)) == "Adda Martesana"
    assert zone_of("015081", today()) == "Adda Martesana"


def test_cologno_monzese_move_is_recorded_with_its_act():
    moved = ZoneMembership.objects.get(municipality__code="015081", zone__name="Adda Martesana")
    assert moved.valid_from == datetime.date(2017, 2, 22)
    assert moved.valid_to is None
    assert moved.evidence == "official_act"
    assert "Consiglio metropolitano" in moved.note


def test_nord_milano_had_seven_comuni_before_cologno_left():
    members = members_on(BEFORE_COLOGNO_MOVED)
    assert members["Nord Milano"] == 7
    assert members["Adda Martesana"] == 28


def test_vermezzo_con_zelo_belongs_to_magentino_e_abbiatense_from_its_birth():
    assert zone_of("015251", datetime.date(2019, 2, 8)) == "Magentino e Abbiatense"
    assert zone_of("015251", today()) == "Magentino e Abbiatense"
    assert zone_of("015251", datetime.date(2019, 2, 7)) is None
    membership = ZoneMembership.objects.get(municipality__code="015251")
    assert membership.valid_from == datetime.date(2019, 2, 8)


def test_the_predecessors_of_vermezzo_con_zelo_were_in_magentino_e_abbiatense_until_the_merger():
    for code in ("015235", "015246"):
        membership = ZoneMembership.objects.get(municipality__code=code)
        assert membership.zone.name == "Magentino e Abbiatense"
        assert membership.valid_from == datetime.date(2015, 9, 17)
        assert membership.valid_to == datetime.date(2019, 2, 8)
        assert membership.evidence == "derived"
        assert "Vermezzo con Zelo" in membership.note


def test_magentino_e_abbiatense_had_29_comuni_before_the_merger():
    assert members_on(BEFORE_COLOGNO_MOVED)["Magentino e Abbiatense"] == 29
    assert zone_of("015235", BEFORE_COLOGNO_MOVED) == "Magentino e Abbiatense"
    assert zone_of("015246", BEFORE_COLOGNO_MOVED) == "Magentino e Abbiatense"
    assert zone_of("015235", today()) is None


def test_before_the_merger_133_of_the_134_comuni_were_in_a_zone():
    """Milano aside, every Comune of 2016 (Vermezzo and Zelo Surrigone included) had a zone."""
    assert sum(members_on(BEFORE_COLOGNO_MOVED).values()) == 133


# --- A corrected zones file moves a Comune; the original file moves it back -----------------------


def test_a_comune_moved_in_the_zones_file_changes_zone_and_the_original_file_restores_it(tmp_path):
    original = snapshot()
    moved = corrupted_copy(tmp_path, ZONES, 18, "Bresso,Nord Milano", "Bresso,Nord Ovest")

    output = load_zones(moved)

    assert "Bresso → Nord Ovest" in output
    assert "Creati: 0, modificati: 0, chiusi: 0" not in output
    assert zone_of("015032", today()) == "Nord Ovest"
    assert zone_of("015032", BEFORE_COLOGNO_MOVED) == "Nord Ovest"
    bresso = ZoneMembership.objects.get(municipality__code="015032")  # the old one is replaced
    assert bresso.zone.name == "Nord Ovest"
    assert ZoneMembership.history.filter(
        municipality_id=bresso.municipality_id, history_type="-"
    ).exists()
    assert members_on(today())["Nord Milano"] == 5
    assert members_on(today())["Nord Ovest"] == 17

    output = load_zones(ZONES)

    assert "Bresso → Nord Milano" in output
    assert zone_of("015032", today()) == "Nord Milano"
    restored = snapshot()
    assert restored["memberships"] == original["memberships"]
    assert restored["areas"] == original["areas"]  # zone boundaries included


def test_the_rows_of_the_changes_file_may_come_in_any_order(tmp_path):
    """Cologno Monzese moved twice (a made-up earlier move): its first zone is the earliest one."""
    changes = tmp_path / "changes.csv"
    lines = CHANGES.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("Nord Milano,Adda Martesana", "Sud Est,Adda Martesana", 1)
    lines.append("2016-01-01,015081,Cologno Monzese,Nord Milano,Sud Est,test,https://example.org/")
    changes.write_text("\n".join(lines) + "\n", encoding="utf-8")

    load_zones(ZONES, changes)

    assert zone_of("015081", datetime.date(2015, 12, 31)) == "Nord Milano"
    assert zone_of("015081", BEFORE_COLOGNO_MOVED) == "Sud Est"
    assert zone_of("015081", today()) == "Adda Martesana"


# --- The history of the changes file is kept when the zones file is loaded alone ---------------


def test_loading_the_zones_file_alone_keeps_the_recorded_moves_by_refusing(tmp_path):
    """Without --changes the load would put Cologno Monzese in Adda Martesana since 2015."""
    before = snapshot()

    with pytest.raises(CommandError) as refused:
        call_command("refdata", "zones", str(ZONES), stdout=io.StringIO())

    message = str(refused.value)
    assert "Cologno Monzese" in message
    assert "--changes" in message and "--replace-history" in message
    assert "Nulla è stato modificato" in message
    assert snapshot() == before
    assert zone_of("015081", BEFORE_COLOGNO_MOVED) == "Nord Milano"


def test_a_changes_file_without_a_recorded_move_is_refused(tmp_path):
    other_move = tmp_path / "changes.csv"
    other_move.write_text(
        CHANGES.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8"
    )
    before = snapshot()

    with pytest.raises(CommandError, match="Cologno Monzese"):
        load_zones(ZONES, other_move)

    assert snapshot() == before


def test_the_zones_file_with_its_changes_file_loads_again_without_changes():
    output = load_zones(ZONES, CHANGES)
    assert "Creati: 0, modificati: 0, chiusi: 0" in output


def test_replace_history_rewrites_the_recorded_moves_when_asked():
    output = io.StringIO()
    call_command("refdata", "zones", str(ZONES), "--replace-history", stdout=output)

    assert "Cologno Monzese → Adda Martesana (2015-09-17)" in output.getvalue()
    assert zone_of("015081", BEFORE_COLOGNO_MOVED) == "Adda Martesana"


def test_on_a_database_without_zones_the_zones_file_alone_loads_from_the_default_date():
    """The issue's command, `intese refdata zones data/zone_omogenee.csv`, needs no --since."""
    ZoneMembership.objects.all().delete()

    call_command("refdata", "zones", str(ZONES), stdout=io.StringIO())

    assert zone_of("015081", today()) == "Adda Martesana"
    assert ZoneMembership.objects.get(municipality__code="015032").valid_from == datetime.date(
        2015, 9, 17
    )
    assert members_on(today()) == ZONES_TODAY


# --- Malformed files are refused, naming file, line and column, and nothing is written ------------


MALFORMED_ZONES = {
    "istat code not digits": (3, "015005,Albairate", "O15OO5,Albairate", "riga 3", "istat_code"),
    "unknown istat code": (3, "015005,Albairate", "015999,Albairate", "riga 3", "istat_code"),
    "name not the ISTAT name": (3, "015005,Albairate", "015005,Albairatte", "riga 3", "comune"),
    "duplicated comune": (5, "015009,Arese", "015005,Albairate", "riga 5", "istat_code"),
}


@pytest.mark.parametrize(
    ("line", "old", "new", "where", "column"), MALFORMED_ZONES.values(), ids=MALFORMED_ZONES.keys()
)
def test_a_malformed_zones_file_is_refused_naming_line_and_column(
    tmp_path, line, old, new, where, column
):
    before = snapshot()
    bad = corrupted_copy(tmp_path, ZONES, line, old, new)

    with pytest.raises(CommandError) as refused:
        load_zones(bad)

    message = str(refused.value)
    assert "zone_omogenee.csv" in message
    assert where in message
    assert f"«{column}»" in message
    assert "nulla è stato modificato" in message
    assert snapshot() == before


def test_a_duplicated_comune_with_another_zone_is_refused(tmp_path):
    bad = tmp_path / "zone_omogenee.csv"
    text = ZONES.read_text(encoding="utf-8")
    bad.write_text(
        text + "015032,Bresso,Nord Ovest,official_list,https://example.org/\n", encoding="utf-8"
    )
    before = snapshot()

    with pytest.raises(CommandError, match=r"riga 135, colonna «istat_code»: Comune ripetuto"):
        load_zones(bad)

    assert snapshot() == before


def test_a_zones_file_without_a_required_column_is_refused_naming_it(tmp_path):
    before = snapshot()
    bad = corrupted_copy(tmp_path, ZONES, 1, ",zona_omogenea,", ",zona,")

    with pytest.raises(CommandError) as refused:
        load_zones(bad)

    message = str(refused.value)
    assert "zone_omogenee.csv" in message
    assert "zona_omogenea" in message
    assert "riga" in message  # "nella prima riga": the header line
    assert snapshot() == before


def test_every_bad_line_is_reported_at_once(tmp_path):
    bad = corrupted_copy(tmp_path, ZONES, 3, "015005,Albairate", "015005,Albairatte")
    lines = bad.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[6] = lines[6].replace(lines[6].split(",")[0], "12345", 1)
    bad.write_text("".join(lines), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        load_zones(bad)

    message = str(refused.value)
    assert "riga 3, colonna «comune»" in message
    assert "riga 7, colonna «istat_code»" in message


def test_a_zones_file_not_in_utf8_is_refused_naming_file_line_and_column(tmp_path):
    before = snapshot()
    text = corrupted_copy(tmp_path, ZONES, 3, "official_list", "lista ufficiale città").read_text(
        encoding="utf-8"
    )
    bad = tmp_path / "zone_omogenee.csv"
    bad.write_bytes(text.encode("cp1252"))

    with pytest.raises(CommandError) as refused:
        load_zones(bad)

    message = str(refused.value)
    assert "zone_omogenee.csv" in message
    assert "UTF-8" in message
    assert snapshot() == before
    assert "riga 3" in message, "the message does not say which line is not UTF-8"
    assert "evidence" in message, "the message does not say which column is not UTF-8"


MALFORMED_CHANGES = {
    "unknown to_zone": ("Nord Milano,Adda Martesana", "Nord Milano,Adda Martesanna", "to_zone"),
    "unknown from_zone": ("Nord Milano,Adda Martesana", "Nord Milan,Adda Martesana", "from_zone"),
    "bad date": ("2017-02-22,", "22/02/2017,", "date"),
    "name not the ISTAT name": ("015081,Cologno Monzese", "015081,Cologno", "comune"),
}


@pytest.mark.parametrize(
    ("old", "new", "column"), MALFORMED_CHANGES.values(), ids=MALFORMED_CHANGES.keys()
)
def test_a_malformed_changes_file_is_refused_naming_line_and_column(tmp_path, old, new, column):
    before = snapshot()
    bad = corrupted_copy(tmp_path, CHANGES, 2, old, new)

    with pytest.raises(CommandError) as refused:
        load_zones(ZONES, bad)

    message = str(refused.value)
    assert f"zone_omogenee_changes.csv, riga 2, colonna «{column}»" in message
    assert snapshot() == before


def test_a_changes_file_that_contradicts_the_current_zone_is_refused(tmp_path):
    bad = corrupted_copy(tmp_path, CHANGES, 2, "Nord Milano,Adda Martesana", "Nord Milano,Sud Est")
    before = snapshot()

    with pytest.raises(CommandError, match=r"zone_omogenee.csv, riga 42, colonna «zona_omogenea»"):
        load_zones(ZONES, bad)

    assert snapshot() == before


def test_a_missing_zones_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="File non trovato"):
        load_zones(tmp_path / "nowhere.csv")


def test_every_loaded_area_passes_model_validation():
    """What the loaders write fits the columns, whatever the database enforces."""
    problems = {}
    for area in Area.objects.all():
        try:
            area.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            problems[area.code] = error.message_dict
    assert problems == {}


def test_the_zone_kind_codes_are_slugs_of_their_names():
    codes = dict(Area.objects.filter(kind=AreaKind.ZONE).values_list("name", "code"))
    assert codes["Magentino e Abbiatense"] == "magentino-e-abbiatense"
    assert codes["Nord Milano"] == "nord-milano"
