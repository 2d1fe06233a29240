"""Fill the search column of the organisations that existed before it."""

import unicodedata

from django.db import migrations


def fold(text: str) -> str:
    """A copy of actors.models.fold: migrations must not import code that may change."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fill(apps, schema_editor):
    Organisation = apps.get_model("actors", "Organisation")
    batch = []
    for organisation in Organisation.objects.only("pk", "name").iterator(chunk_size=1000):
        organisation.search_name = fold(organisation.name)
        batch.append(organisation)
        if len(batch) == 1000:
            Organisation.objects.bulk_update(batch, ["search_name"])
            batch = []
    Organisation.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [("actors", "0002_organisation_search_name_post_source")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
