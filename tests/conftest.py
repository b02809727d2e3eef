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

# Data created by data migrations (role groups, the clause library) is wiped by the flush that ends every
# transactional test. Django re-emits post_migrate after that flush, so re-apply the migrations' own functions then.
_DATA_MIGRATIONS = (
    ("accounts.migrations.0002_roles", "create_roles"),
    ("contracts.migrations.0002_clause_templates", "seed_templates"),
    ("contracts.migrations.0011_clause_placeholders", "use_placeholders"),
    ("review.migrations.0002_role_permissions", "grant_review_permissions"),
)


def _restore_migration_data(sender, using="default", **kwargs):
    if sender.label != "obligations":
        return
    from django.contrib.auth.models import Group

    from contracts.models import ClauseTemplate

    if Group.objects.using(using).exists() and ClauseTemplate.objects.using(using).exists():
        return
    for module, function in _DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(django_apps, None)


post_migrate.connect(_restore_migration_data, dispatch_uid="tests-restore-migration-data")


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
