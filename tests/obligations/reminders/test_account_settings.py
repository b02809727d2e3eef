import pytest
from django.core.exceptions import ValidationError

from accounts.services import user_settings_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_switches_to_english_and_the_daily_digest():
    user = UserFactory()
    user_settings_update(user=user, language="en", email_mode="digest")
    user.refresh_from_db()
    assert (user.language, user.email_mode) == ("en", "digest")


def test_unknown_settings_are_refused_with_field_errors_and_nothing_changes():
    user = UserFactory()
    with pytest.raises(ValidationError) as refused:
        user_settings_update(user=user, language="fr", email_mode="hourly")
    assert set(refused.value.message_dict) == {"language", "email_mode"}
    user.refresh_from_db()
    assert (user.language, user.email_mode) == ("zh-hans", "immediate")
