"""The review in the admin: a procurement manager sets the thresholds per contract category; managers, legal and
auditors read the findings. (Accepting a finding is for managers and legal, by role: review.selectors.)"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {
    "procurement_manager": (
        "view_reviewthresholds",
        "add_reviewthresholds",
        "change_reviewthresholds",
        "view_historicalreviewthresholds",
        "view_finding",
        "view_historicalfinding",
        "view_contractreview",
    ),
    "legal": ("view_reviewthresholds", "view_finding", "view_historicalfinding", "view_contractreview"),
    "auditor": ("view_reviewthresholds", "view_finding", "view_historicalfinding", "view_contractreview"),
}


def grant_review_permissions(apps, schema_editor):
    app_config = apps.get_app_config("review")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        found = list(Permission.objects.filter(content_type__app_label="review", codename__in=codenames))
        if len(found) != len(codenames):
            raise RuntimeError(f"review permissions missing for {name}")
        group.permissions.add(*found)


class Migration(migrations.Migration):
    dependencies = [("review", "0001_findings_and_thresholds"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant_review_permissions, migrations.RunPython.noop)]
