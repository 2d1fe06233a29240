"""Reads of organisations for pages."""

from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from intese.actors.models import Organisation, OrganisationKind, Post
from intese.territory.models import today


def directory_counts() -> list[tuple[str, str, int]]:
    """Each kind with its label and how many organisations it has: one grouped query."""
    counts = dict(Organisation.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    return [(value, label, counts.get(value, 0)) for value, label in OrganisationKind.choices]


def organisation_detail(pk):
    organisation = Organisation.objects.select_related("area").filter(pk=pk).first()
    if organisation is None:
        raise Http404(_("Organizzazione non trovata."))
    posts = list(
        Post.objects.valid_on(today()).filter(organisation=organisation).select_related("person")
    )
    return organisation, posts
