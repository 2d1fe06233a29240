"""The kinds of agreement that Italian public law knows; offices may add others in the admin."""

from django.db import migrations

from intese.agreements.kinds import ensure_default_kinds


def create_kinds(apps, schema_editor):
    ensure_default_kinds(apps.get_model("agreements", "AgreementKind"))


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]
    operations = [migrations.RunPython(create_kinds, migrations.RunPython.noop)]
