"""The four role groups (procurement manager and staff, legal, auditor) and their model permissions.

Model permissions say what a role may do *globally*. Procurement staff get no global view/change on contracts:
which contracts they see or edit is decided per object (ownership and guardian shares) by contracts.selectors.
Legal edits clauses of every contract it can see; the auditor only reads.

Permissions are normally created after `migrate` finishes (post_migrate), so on a fresh database they do not exist
yet when this migration runs; it creates them first. Running it again only adds what is missing.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DOMAIN_APPS = ("vendors", "contracts", "obligations")

# Models whose rows are contract data (every action for the manager, reading for legal and the auditor).
MANAGED_MODELS = {
    "vendors": ("vendor", "vendorcontact", "certification"),
    "contracts": (
        "contract",
        "slatarget",
        "feeitem",
        "document",
        "clausetemplate",
        "clause",
        "clauserevision",
        "pricechangenotice",
    ),
    "obligations": ("obligation", "workingdayoverride"),
}

# Read-only to everyone but superusers: written by the system (history, reminders), or guardian's grant tables.
READ_ONLY_MODELS = {
    "vendors": ("historicalvendor", "historicalcertification"),
    "contracts": ("historicalcontract", "historicalclause", "historicalpricechangenotice"),
    "obligations": ("historicalobligation", "reminder"),
}

STAFF_PERMISSIONS = {
    "vendors": (
        "view_vendor",
        "add_vendor",
        "change_vendor",
        "view_vendorcontact",
        "add_vendorcontact",
        "change_vendorcontact",
        "view_certification",
        "add_certification",
        "change_certification",
    ),
    "contracts": (
        "add_contract",
        "add_slatarget",
        "add_feeitem",
        "add_document",
        "add_clause",
        "add_clauserevision",
        "add_pricechangenotice",
        "view_clausetemplate",
    ),
    "obligations": ("add_obligation", "view_workingdayoverride"),
}

LEGAL_EXTRA_PERMISSIONS = {"contracts": ("change_clause", "add_clause", "add_clauserevision")}


def _ensure_permissions(apps):
    for app_label in DOMAIN_APPS + ("accounts",):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)


def _permissions(Permission, spec):
    """The Permission rows for {app_label: codenames}; a missing one is a programming error, so it fails loudly."""
    wanted = [(app, codename) for app, codenames in spec.items() for codename in codenames]
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in=spec.keys(), codename__in=[c for _, c in wanted]
        )
    }
    missing = [f"{app}.{codename}" for app, codename in wanted if (app, codename) not in found]
    if missing:
        raise RuntimeError(f"permissions missing: {missing}")
    return [found[key] for key in wanted]


def _codenames(models, actions):
    return {app: tuple(f"{action}_{model}" for model in names for action in actions) for app, names in models.items()}


def _merge(*specs):
    merged = {}
    for spec in specs:
        for app, codenames in spec.items():
            merged[app] = tuple(dict.fromkeys(merged.get(app, ()) + tuple(codenames)))
    return merged


def role_permissions():
    view_everything = _merge(_codenames(MANAGED_MODELS, ("view",)), _codenames(READ_ONLY_MODELS, ("view",)))
    return {
        "procurement_manager": _merge(
            _codenames(MANAGED_MODELS, ("view", "add", "change", "delete")),
            _codenames(READ_ONLY_MODELS, ("view",)),
        ),
        "procurement_staff": STAFF_PERMISSIONS,
        "legal": _merge(view_everything, LEGAL_EXTRA_PERMISSIONS),
        "auditor": view_everything,
    }


def create_roles(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, spec in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(Permission, spec))


def delete_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=role_permissions().keys()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("vendors", "0001_initial"),
        ("contracts", "0001_initial"),
        ("obligations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
