"""Every write on organisations goes through these functions."""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from intese.actors.identifiers import (
    compact_codice_fiscale,
    compact_partita_iva,
    normalise_ipa_code,
)
from intese.actors.models import Organisation, OrganisationKind, Person, Post, PostRole
from intese.core.concurrency import save_if_unchanged
from intese.territory.models import Area
from intese.territory.refdata import LoadReport, RefDataError, problem, read_csv


@transaction.atomic
def organisations_for_municipalities(*, province: Area) -> LoadReport:
    """Give every Comune of a province its Organisation ("Comune di …"), once."""
    report = LoadReport()
    comuni = Area.objects.municipalities().filter(parent=province, valid_to__isnull=True)
    have = set(
        Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPALITY, area__in=comuni
        ).values_list("area_id", flat=True)
    )
    new = [
        Organisation(kind=OrganisationKind.MUNICIPALITY, name=f"Comune di {area.name}", area=area)
        for area in comuni
        if area.pk not in have
    ]
    bulk_create_with_history(new, Organisation, batch_size=500)
    report.created += [o.name for o in new]
    report.unchanged += len(have)
    return report


REFERENCE_COLUMNS = [
    "kind",
    "name",
    "ipa_code",
    "codice_fiscale",
    "area_kind",
    "area_code",
    "website",
    "evidence",
    "source_url",
]
REFERENCE_FIELDS = [
    "kind",
    "name",
    "ipa_code",
    "codice_fiscale",
    "area_id",
    "website",
    "evidence",
    "source_url",
]


def _reference_row(path: Path, line: int, row: dict, problems: list[str]) -> Organisation | None:
    area = None
    if row["area_kind"].strip():
        area = Area.objects.filter(
            kind=row["area_kind"].strip(), code=row["area_code"].strip()
        ).first()
        if area is None:
            problems.append(
                problem(
                    path,
                    line,
                    "area_code",
                    _("area %(k)s %(c)s non caricata")
                    % {"k": row["area_kind"], "c": row["area_code"]},
                )
            )
            return None
    organisation = Organisation(
        kind=row["kind"].strip(),
        name=row["name"].strip(),
        area=area,
        ipa_code=normalise_ipa_code(row["ipa_code"]),
        codice_fiscale=compact_codice_fiscale(row["codice_fiscale"].strip()),
        website=row["website"].strip(),
        evidence=row["evidence"].strip(),
        source_url=row["source_url"].strip(),
    )
    try:
        organisation.full_clean(
            exclude=["version"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for column, messages in error.message_dict.items():
            problems += [problem(path, line, column, m) for m in messages]
        return None
    return organisation


def _match(wanted: Organisation) -> Organisation | None:
    """The same organisation already stored: by IPA code, by territory, or by name and kind."""
    candidates = Organisation.objects.all()
    if wanted.ipa_code and (found := candidates.filter(ipa_code=wanted.ipa_code).first()):
        return found
    if wanted.area_id and (found := candidates.filter(kind=wanted.kind, area=wanted.area).first()):
        return found
    return candidates.filter(kind=wanted.kind, name__iexact=wanted.name).first()


def _check_unique(path: Path, line: int, organisation: Organisation, current, problems) -> None:
    """Uniqueness against the stored rows (the matched one excepted)."""
    organisation.pk = current.pk if current else None
    organisation._state.adding = current is None
    try:
        organisation.validate_constraints()
    except ValidationError as error:
        for message in error.messages:
            problems.append(problem(path, line, "ipa_code / codice_fiscale", message))
    finally:
        organisation.pk, organisation._state.adding = None, True


def _check_repeats(path: Path, rows: list[tuple[int, Organisation]], problems: list[str]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for line, organisation in rows:
        for column in ("ipa_code", "codice_fiscale"):
            value = getattr(organisation, column)
            if value and (first := seen.setdefault((column, value), line)) != line:
                problems.append(
                    problem(path, line, column, _("già usato alla riga %(n)d") % {"n": first})
                )


@transaction.atomic
def load_reference_organisations(path: Path) -> LoadReport:
    """Create or complete the organisations of a reference file (codes kept with their source)."""
    problems: list[str] = []
    rows = [
        (line, _reference_row(path, line, row, problems))
        for line, row in read_csv(path, REFERENCE_COLUMNS)
    ]
    rows = [(line, o) for line, o in rows if o is not None]
    matched = [(line, o, _match(o)) for line, o in rows]
    for line, organisation, current in matched:
        _check_unique(path, line, organisation, current, problems)
    _check_repeats(path, rows, problems)
    if problems:
        raise RefDataError(
            _("Il file delle organizzazioni contiene errori; nulla è stato modificato."), problems
        )
    report = LoadReport()
    for _line, organisation, current in matched:
        if current is None:
            organisation.save()
            report.created.append(organisation.name)
            continue
        changed = [f for f in REFERENCE_FIELDS if getattr(current, f) != getattr(organisation, f)]
        if not changed:
            report.unchanged += 1
            continue
        for f in changed:
            setattr(current, f, getattr(organisation, f))
        current.version += 1
        current.save()
        report.changed.append(f"{current.name}: {', '.join(changed)}")
    return report


CONTACT_FIELDS = ["website", "pec", "codice_fiscale", "partita_iva", "ipa_code"]


@transaction.atomic
def organisation_update_contacts(
    *, organisation: Organisation, expected_version: int, by, **values
) -> Organisation:
    """Change an organisation's codes and contacts, refusing a stale form (see Versioned)."""
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    normalisers = {
        "codice_fiscale": compact_codice_fiscale,
        "partita_iva": compact_partita_iva,
        "ipa_code": normalise_ipa_code,
    }
    for name, normalise in normalisers.items():
        if name in values:
            values[name] = normalise(values[name] or "")
    for name, value in values.items():
        setattr(organisation, name, value)
    organisation.full_clean(exclude=["version"])
    organisation._history_user = by
    save_if_unchanged(organisation, expected_version=expected_version)
    return organisation


# Roles that one person at a time holds in an organisation.
SINGLE_HOLDER_ROLES = {PostRole.MAYOR, PostRole.METROPOLITAN_MAYOR, PostRole.PRESIDENT}
POST_FIELDS = ["valid_to", "note", "evidence", "source_url"]


def _overlapping(posts, start: datetime.date | None, end: datetime.date | None):
    """Posts whose period meets [start, end); open ends reach forever."""
    if end is not None:
        posts = posts.exclude(valid_from__gte=end)
    if start is not None:
        posts = posts.exclude(valid_to__lte=start)
    return posts


@transaction.atomic
def post_record(
    *,
    organisation: Organisation,
    role: str,
    given_name: str,
    family_name: str,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None = None,
    note: str = "",
    evidence: str = "",
    source_url: str = "",
) -> tuple[Post, str]:
    """Record a person's post, or bring the stored one (same person, role and start) up to date.

    The person is found by name (people are kept only where the plan needs one). A role that
    one person holds at a time (a mayor) is refused when someone else holds it in the period.
    Returns the post and "created", "changed" or "unchanged".
    """
    person = Person.objects.filter(given_name=given_name, family_name=family_name).first()
    if person is None:
        person = Person(given_name=given_name, family_name=family_name)
        person.full_clean()
        person.save()
    post = Post.objects.filter(
        person=person, organisation=organisation, role=role, valid_from=valid_from
    ).first()
    outcome = "unchanged"
    if post is None:
        post, outcome = Post(person=person, organisation=organisation, role=role), "created"
        post.valid_from = valid_from
    values = {"valid_to": valid_to, "note": note, "evidence": evidence, "source_url": source_url}
    changed = [f for f in POST_FIELDS if getattr(post, f) != values[f]]
    if outcome == "unchanged" and not changed:
        return post, outcome
    for name in changed:
        setattr(post, name, values[name])
    post.full_clean()
    if role in SINGLE_HOLDER_ROLES:
        others = _overlapping(
            Post.objects.filter(organisation=organisation, role=role).exclude(pk=post.pk),
            valid_from,
            valid_to,
        ).select_related("person")
        if other := others.first():
            raise ValidationError(
                _("«%(org)s» ha già un %(role)s in questo periodo: %(person)s (dal %(start)s).")
                % {
                    "role": post.get_role_display(),
                    "org": organisation.name,
                    "person": other.person,
                    "start": date_format(other.valid_from, "j F Y") if other.valid_from else "…",
                }
            )
    post.save()
    return post, "changed" if outcome == "unchanged" else outcome
