# The obligation's contract keeps its foreign key but loses its single-column index: the (contract, kind) and
# (contract, due date) indexes lead with it. Only the index is dropped (Django's AlterField would drop and re-add the
# foreign key too, checking every row again).

import django.db.models.deletion
from django.db import migrations, models

INDEX = "obligations_obligation_contract_id_2e0ac458"


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0013_historical_document_kinds'),
        ('obligations', '0006_obligation_report_by_contract_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='obligation',
                    name='contract',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='obligations', to='contracts.contract', verbose_name='contract'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "obligations_obligation" ("contract_id")',
                ),
            ],
        ),
    ]
