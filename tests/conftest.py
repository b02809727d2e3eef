import importlib
import os
import uuid

import pytest
import redis
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.db.models.signals import post_migrate
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from clm.celery import app as celery_app
from tests.celery_worker import BROKER_URL

# Property and schemathesis tests draw new input on every developer run, which is how they find new bugs. CI
# (.ci/run sets HYPOTHESIS_PROFILE=ci) runs the same examples every time, so whether a change lands never depends on
# a random draw.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("HYPOTHESIS_PROFILE"):
    hypothesis_settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

# Data created by data migrations (role groups, the clause library, the review permissions) is wiped by the flush
# that ends every transactional test, and Django re-emits post_migrate after that flush. When the session took a
# snapshot of the migrated database (it does when any collected test uses serialized_rollback), the restore loads
# that snapshot, so every row comes back under the primary key it had: a serialized_rollback test that runs next
# loads the same snapshot again and finds the same rows to update, instead of new copies (a second
# "procurement_manager" group, new content type ids) that its inserts would collide with. It runs after the last
# app's post_migrate, once the content types and permissions the flush re-created can be replaced as a whole.
# Without a snapshot (a run with no serialized_rollback test) the migrations' own functions are re-applied.
_DATA_MIGRATIONS = (
    ("accounts.migrations.0002_roles", "create_roles"),
    ("contracts.migrations.0002_clause_templates", "seed_templates"),
    ("contracts.migrations.0011_clause_placeholders", "use_placeholders"),
    ("review.migrations.0002_role_permissions", "grant_review_permissions"),
)


def _restore_migration_data(sender, using="default", **kwargs):
    senders = [app for app in django_apps.get_app_configs() if app.models_module is not None]
    if sender.label != senders[-1].label:
        return
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connections

    from contracts.models import ClauseTemplate

    snapshot = getattr(connections[using], "_test_serialized_contents", None)
    if snapshot is not None:
        call_command("flush", database=using, interactive=False, reset_sequences=False, inhibit_post_migrate=True)
        connections[using].creation.deserialize_db_from_string(snapshot)
        return
    if Group.objects.using(using).exists() and ClauseTemplate.objects.using(using).exists():
        return
    for module, function in _DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(django_apps, None)


post_migrate.connect(_restore_migration_data, dispatch_uid="tests-restore-migration-data")


@pytest.fixture(autouse=True)
def _migration_data_after_serialized_rollback(request):
    """A serialized_rollback test ends with a flush that skips post_migrate (Django leaves the snapshot for the next
    such test to load). A plain transactional test that follows it would find no role groups: load the snapshot."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback"):
        return
    from django.contrib.auth.models import Group
    from django.db import connections

    snapshot = getattr(connections["default"], "_test_serialized_contents", None)
    if snapshot is not None and not Group.objects.exists():
        connections["default"].creation.deserialize_db_from_string(snapshot)


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are reported as skipped, never as passed, when the suite runs on SQLite."""
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    """Uploads go to a scratch folder; e-mail goes to Django's in-memory outbox unless a test says otherwise."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language. A test client request activates the reader's language in
    this thread and leaves it active, so without this a lazy label's language would depend on the test before."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories set a password on every user; the production hasher is deliberately slow, tests need not be.

    PBKDF2 stays second so passwords set outside a test's settings (module-scoped data) still verify.
    """
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def db_vendor():
    return connection.vendor


@pytest.fixture
def celery_queue(monkeypatch):
    """The name of a fresh queue that this process's tasks go to."""
    client = redis.Redis.from_url(BROKER_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not answering at {BROKER_URL}")
    queue = f"pdf-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(celery_app.conf, "broker_url", BROKER_URL)
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    # Drop connections made with the previous broker URL (as Celery itself does after a fork).
    celery_app._after_fork()
    yield queue
    celery_app._after_fork()
    client.delete(queue)
