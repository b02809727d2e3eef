"""Reading the permissions of many users at once answers `has_perm` exactly as Django's own reading does."""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import Role, User
from accounts.selectors import load_permissions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ASKED = [
    "contracts.view_contract",
    "contracts.change_contract",
    "contracts.change_clause",
    "obligations.change_obligation",
    "vendors.view_vendor",
    "auth.add_group",
]


def test_permissions_read_for_many_users_answer_has_perm_as_before_without_a_query(django_assert_num_queries):
    # Given people of every role, one of them with a permission of their own, a superuser and a deactivated manager
    people = [UserFactory(role=role) for role in Role.values]
    people[0].user_permissions.add(Permission.objects.get(codename="add_group"))
    people += [UserFactory(is_superuser=True), UserFactory(role=Role.PROCUREMENT_MANAGER, is_active=False)]
    ids = [person.pk for person in people]

    # When their permissions are read at once
    users = list(User.objects.filter(pk__in=ids).order_by("pk"))
    with django_assert_num_queries(2):
        load_permissions(users)

    # Then every question gets the answer Django gives a freshly loaded user, and asks the database nothing
    expected = {(user.pk, perm): user.has_perm(perm) for user in User.objects.filter(pk__in=ids) for perm in ASKED}
    with django_assert_num_queries(0):
        answers = {(user.pk, perm): user.has_perm(perm) for user in users for perm in ASKED}
    assert answers == expected
    assert any(answers.values()) and not all(answers.values())
