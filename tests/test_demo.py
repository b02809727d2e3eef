"""`make run` serves the demo as deployed: DEBUG off, the app's own error pages in both languages, static files
served by WhiteNoise, plain http on this machine. The settings are the ones scripts/run.sh gets from
scripts/demo-env.sh, read in a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json
import os

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "clm.settings"
django.setup()
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import get_resolver
from django.utils import translation

call_command("collectstatic", interactive=False, verbosity=0)
client = Client(SERVER_NAME="127.0.0.1")
out = {
    "debug": settings.DEBUG,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "secret_key": settings.SECRET_KEY,
    "allowed_hosts": settings.ALLOWED_HOSTS,
}
for language in ("zh-hans", "en"):
    response = client.get("/no-such-page/", headers={"accept-language": language})
    out[f"404 {language}"] = [response.status_code, response.content.decode()]
    request = RequestFactory().get("/contracts/1/", SERVER_NAME="127.0.0.1")
    with translation.override(language):
        forbidden = get_resolver().resolve_error_handler(403)(request, PermissionDenied())
        error = get_resolver().resolve_error_handler(500)(request)
    out[f"403 {language}"] = [forbidden.status_code, forbidden.content.decode()]
    out[f"500 {language}"] = [error.status_code, error.content.decode()]
static = client.get("/static/css/app.css")
body = b"".join(static.streaming_content) if static.streaming else static.content
out["static"] = [static.status_code, static["Content-Type"], body.decode()[:200]]
print(json.dumps(out))
"""


def demo(tmp_path: Path) -> dict:
    """Runs PROBE with the environment scripts/demo-env.sh sets, as run.sh does (its var/ in tmp_path)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SITE_URL", "CLM_"))}
    environment.update(
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHON=sys.executable,
    )
    script = f'source "{ROOT}/scripts/demo-env.sh" && cd "{ROOT}" && exec "$PYTHON" -'
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=environment, input=PROBE, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def probed(tmp_path_factory) -> tuple[dict, Path]:
    where = tmp_path_factory.mktemp("demo")
    return demo(where), where


@pytest.mark.slow
def test_the_demo_runs_with_debug_off_on_plain_http_with_a_kept_secret_key(probed):
    out, where = probed

    assert out["debug"] is False
    assert out["ssl_redirect"] is False
    assert out["secure_cookies"] == [False, False]
    assert out["secret_key"] == (where / "var" / "demo-secret-key").read_text()
    assert len(out["secret_key"]) >= 50
    assert {"127.0.0.1", "localhost"} <= set(out["allowed_hosts"])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("language", "not_found", "forbidden"),
    [
        ("zh-hans", "此页面不存在，或您无权访问。", "您无权执行此操作。"),
        ("en", "This page does not exist, or you do not have access to it.", "You are not allowed to do this."),
    ],
)
def test_an_unknown_page_gets_the_apps_own_error_pages_in_both_languages(probed, language, not_found, forbidden):
    out, _where = probed

    status, page = out[f"404 {language}"]
    assert status == 404
    assert not_found in page
    assert f'<html lang="{language}">' in page
    assert "URLconf" not in page and "DEBUG = True" not in page
    status, page = out[f"403 {language}"]
    assert (status, forbidden in page) == (403, True)
    status, page = out[f"500 {language}"]
    assert status == 500
    assert f'<html lang="{language}">' in page and '<p class="code">500</p>' in page


@pytest.mark.slow
def test_static_files_are_served_with_debug_off(probed):
    out, _where = probed

    status, content_type, body = out["static"]
    assert status == 200
    assert content_type.startswith("text/css")
    assert body.strip()
