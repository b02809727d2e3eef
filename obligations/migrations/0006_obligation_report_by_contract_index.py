from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("obligations", "0005_followed_through"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="obligation",
            index=models.Index(
                fields=["contract", "due_date"],
                include=["status", "completed_at", "owner"],
                name="obligation_report_by_contract",
            ),
        ),
    ]
