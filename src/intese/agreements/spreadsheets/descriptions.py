"""How the report shows values and new rows: as people wrote them in the file."""

from django.utils.translation import gettext as _

from intese.actors.models import Organisation
from intese.agreements.models import (
    ActKind,
    Agreement,
    AgreementKind,
    FundingSource,
    PartyRole,
    Theme,
)
from intese.agreements.spreadsheets.cells import area_ref, organisation_ref
from intese.agreements.spreadsheets.format import LIST_SEPARATOR, Sheet
from intese.agreements.spreadsheets.sheets import ACTS, COMMITMENTS, FUNDING, MILESTONES, PARTIES
from intese.agreements.spreadsheets.values import as_text
from intese.territory.models import Area


def display(value) -> str:
    """A value as a cell of the file shows it: references by their code."""
    if isinstance(value, Agreement):
        return value.code
    if isinstance(value, Area):
        return area_ref(value)
    if isinstance(value, Organisation):
        return organisation_ref(value)
    if isinstance(value, AgreementKind | Theme):
        return value.code
    if isinstance(value, list):
        return LIST_SEPARATOR.join(display(v) for v in value)
    if value is None:
        return ""
    return as_text(value)


def describe(sheet: Sheet, values: dict) -> str:
    """One line for a row the import adds."""
    texts = {
        PARTIES.name: lambda: (
            _("Nuova parte: %(org)s (%(role)s)")
            % {"org": values["organisation"].name, "role": PartyRole(values["role"]).label}
        ),
        ACTS.name: lambda: (
            _("Nuovo atto: %(kind)s n. %(number)s del %(date)s")
            % {
                "kind": ActKind(values["kind"]).label,
                "number": values["number"] or "—",
                "date": display(values["date"]),
            }
        ),
        COMMITMENTS.name: lambda: (
            _("Nuovo impegno %(n)d: %(title)s")
            % {"n": values["position"], "title": values["title"]}
        ),
        MILESTONES.name: lambda: (
            _("Nuovo traguardo dell'impegno %(n)d: %(title)s")
            % {"n": values["commitment"], "title": values["title"]}
        ),
        FUNDING.name: lambda: (
            _("Nuovo finanziamento: %(source)s, %(amount)s €")
            % {"source": FundingSource(values["source"]).label, "amount": values["amount"]}
        ),
    }
    return texts[sheet.name]()
