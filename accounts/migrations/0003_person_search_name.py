# Person.search_name: the full name folded for accent- and case-insensitive search
# (accounts/search.py), filled for existing rows, with a trigram index on PostgreSQL.

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from accounts.search import name_key

TRIGRAM_INDEX = "person_search_name_trgm"


def fill_search_names(apps, schema_editor):
    Person = apps.get_model("accounts", "Person")
    people = list(Person.objects.only("pk", "full_name"))
    for person in people:
        person.search_name = name_key(person.full_name)
    Person.objects.bulk_update(people, ["search_name"], batch_size=5000)


def create_trigram_index(apps, schema_editor):
    # A GIN trigram index serves LIKE '%...%' (GinIndex in Meta would break SQLite).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON accounts_person "
                              "USING gin (search_name gin_trgm_ops)")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_audit_event"),
    ]

    operations = [
        TrigramExtension(),  # does nothing on SQLite
        migrations.AddField(
            model_name="person",
            name="search_name",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
