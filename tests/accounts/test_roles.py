"""The four role groups exist after migrate, with the model permissions their job needs and no more."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group

from accounts.models import Role
from contracts.selectors import contracts_changeable_by, contracts_visible_to
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db

roles_migration = importlib.import_module("accounts.migrations.0002_roles")


def perms(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_the_four_roles_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_the_manager_may_do_everything_with_contracts_vendors_and_obligations():
    granted = perms(Role.PROCUREMENT_MANAGER)

    for model in (
        "contracts.contract",
        "contracts.clause",
        "contracts.document",
        "vendors.vendor",
        "obligations.obligation",
    ):
        app, name = model.split(".")
        assert {f"{app}.{action}_{name}" for action in ("view", "add", "change", "delete")} <= granted


def test_staff_create_contracts_but_see_only_their_own_and_shared_ones():
    granted = perms(Role.PROCUREMENT_STAFF)

    assert {"contracts.add_contract", "contracts.add_clause", "contracts.add_clauserevision"} <= granted
    assert {"vendors.view_vendor", "vendors.add_vendor", "vendors.change_vendor"} <= granted
    assert not {"contracts.view_contract", "contracts.change_contract", "contracts.change_clause"} & granted


def test_legal_reads_everything_and_edits_clauses_only():
    granted = perms(Role.LEGAL)

    assert {"contracts.view_contract", "obligations.view_obligation", "vendors.view_vendor"} <= granted
    assert {"contracts.change_clause", "contracts.add_clause", "contracts.add_clauserevision"} <= granted
    assert {p for p in granted if not p.split(".")[1].startswith("view_")} == {
        "contracts.change_clause",
        "contracts.add_clause",
        "contracts.add_clauserevision",
    }


def test_the_auditor_only_reads():
    granted = perms(Role.AUDITOR)

    assert "contracts.view_contract" in granted
    assert all(p.split(".")[1].startswith("view_") for p in granted)


@pytest.mark.parametrize(
    ("role", "sees_all", "changes_all"),
    [
        (Role.PROCUREMENT_MANAGER, True, True),
        (Role.PROCUREMENT_STAFF, False, False),
        (Role.LEGAL, True, False),
        (Role.AUDITOR, True, False),
    ],
)
def test_roles_drive_what_the_selectors_return(role, sees_all, changes_all):
    someone_elses = ContractFactory()
    user = UserFactory(role=role)

    assert contracts_visible_to(user).filter(pk=someone_elses.pk).exists() is sees_all
    assert contracts_changeable_by(user).filter(pk=someone_elses.pk).exists() is changes_all


def test_running_the_migration_again_changes_nothing():
    before = {role: perms(role) for role in Role.values}

    roles_migration.create_roles(global_apps, schema_editor=None)

    assert {role: perms(role) for role in Role.values} == before
    assert Group.objects.filter(name__in=Role.values).count() == 4


def test_reversing_the_migration_removes_the_groups():
    roles_migration.delete_roles(global_apps, schema_editor=None)

    assert not Group.objects.filter(name__in=Role.values).exists()
