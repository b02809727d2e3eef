"""A trigram index on the register's search text, on PostgreSQL.

A substring search (`LIKE '%word%'`) cannot use a B-tree, so without it a word that few contracts contain costs a
read of every search text. pg_trgm's GIN index finds the contracts holding every trigram of the word (it works on
Chinese characters as well as Latin letters); a word of one or two characters has no trigram and keeps the plain
scan. pg_trgm is a trusted extension (PostgreSQL 13 and later): the database owner may create it. SQLite, for trying
clm, keeps the plain scan: the index lives outside the model state so both back ends share one set of migrations.
"""

from django.db import migrations

INDEX = "contracts_search_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON contracts_contractsearchtext USING gin (text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0005_contract_search_text"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
