"""Pairing a row of the file with a registered row: what identifies it, what is compared."""

from django.db import models

from intese.agreements.spreadsheets.format import Sheet
from intese.agreements.spreadsheets.sheets import ACTS, COMMITMENTS, FUNDING, MILESTONES, PARTIES

# The fields that identify a registered row, and the fields then compared with it.
IDENTITY = {
    PARTIES.name: ("organisation", "role"),
    ACTS.name: ("kind", "number", "date"),
    COMMITMENTS.name: ("position",),
    MILESTONES.name: ("title",),
    FUNDING.name: ("source", "description", "cup"),
}
COMPARED = {
    PARTIES.name: ("signature_required", "signed_on", "is_example"),
    ACTS.name: (
        "issuer",
        "title",
        "approves",
        "published_from",
        "published_to",
        "url",
        "is_example",
    ),
    COMMITMENTS.name: ("title", "description", "responsible", "due_on", "status", "is_example"),
    MILESTONES.name: ("due_on", "reached_on", "is_example"),
    FUNDING.name: (
        "amount",
        "pnrr_mission",
        "pnrr_component",
        "pnrr_investment",
        "is_example",
    ),
}


def comparable(value):
    """A value as compared: rows by key, one kind of line end, nothing and [] alike."""
    if isinstance(value, models.Model):
        return (type(value), value.pk)
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, list) and value and isinstance(value[0], models.Model):
        return sorted(v.pk for v in value)
    if value is None or (isinstance(value, list) and not value):
        return ""
    return value


def _get(item, name):
    """A value of a registered row, or of a file row (a dict of values)."""
    if isinstance(item, dict):
        return item.get(name)
    if isinstance(item, tuple):  # a registered milestone with its commitment's position
        position, milestone = item
        return position if name == "commitment" else getattr(milestone, name)
    related = item._meta.get_field(name) if name != "position" else None
    if isinstance(related, models.ForeignKey):
        return getattr(item, related.attname)
    return getattr(item, name)


def key(item, sheet: Sheet) -> tuple:
    """What identifies a row of `sheet`, registered or in the file."""
    names = IDENTITY[sheet.name] + (("commitment",) if sheet is MILESTONES else ())
    return tuple(_comparable_id(_get(item, name)) for name in names)


def registered_value(item, name):
    """A value of a registered row as people read it (an organisation, not its id)."""
    return getattr(item[1], name) if isinstance(item, tuple) else getattr(item, name)


def _comparable_id(value):
    if isinstance(value, models.Model):
        return value.pk
    return comparable(value)


def differences(registered, values: dict, sheet: Sheet) -> list[str]:
    """The compared fields in which a file row differs from the registered one."""
    return [
        name
        for name in COMPARED[sheet.name]
        if _comparable_id(_get(registered, name)) != _comparable_id(values.get(name))
    ]
