"""The PDF follows its contract's view permission: API, web page, management command and bulk export alike."""

import io
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from contracts.services.sharing import contract_share
from tests.factories import UserFactory
from tests.fixtures.pdf import pdf_text


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def people(owner):
    return {
        "owner": owner,
        "shared": UserFactory(username="pdf_shared", role=Role.PROCUREMENT_STAFF),
        "other_staff": UserFactory(username="pdf_other", role=Role.PROCUREMENT_STAFF),
        "manager": UserFactory(username="pdf_manager", role=Role.PROCUREMENT_MANAGER),
        "auditor": UserFactory(username="pdf_auditor", role=Role.AUDITOR),
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [("owner", 200), ("shared", 200), ("manager", 200), ("auditor", 200), ("other_staff", 404), ("anonymous", 401)],
)
def test_pdf_endpoint_answers_by_view_permission(contract, people, role, expected, tmp_path):
    contract_share(contract=contract, by=people["owner"], user=people["shared"], permission="view")
    url = reverse("api:contract-pdf", args=[contract.pk])

    response = api(people.get(role)).get(url, {"lang": "en"})

    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert f"{contract.number}-en.pdf" in response["Content-Disposition"]
        assert contract.number in pdf_text(response.content, tmp_path)
    else:
        assert not response.content.startswith(b"%PDF")


def test_pdf_endpoint_404s_for_a_contract_that_does_not_exist_like_a_hidden_one(people):
    response = api(people["owner"]).get(reverse("api:contract-pdf", args=[999999]))

    assert response.status_code == 404


def test_pdf_endpoint_rejects_an_unknown_language(contract, owner):
    response = api(owner).get(reverse("api:contract-pdf", args=[contract.pk]), {"lang": "fr"})

    assert response.status_code == 400
    assert "lang" in response.json()


@pytest.mark.parametrize(("spelling", "language"), [("zh", "zh-hans"), ("zh_Hans", "zh-hans"), ("EN", "en")])
def test_pdf_endpoint_takes_common_spellings_of_the_two_languages(contract, owner, spelling, language):
    response = api(owner).get(reverse("api:contract-pdf", args=[contract.pk]), {"lang": spelling})

    assert response.status_code == 200
    assert f"{contract.number}-{language}.pdf" in response["Content-Disposition"]


def test_web_page_button_with_an_unknown_language_says_so_instead_of_printing_another(contract, owner, client):
    client.force_login(owner)

    response = client.get(reverse("contract_pdf", args=[contract.pk]), {"lang": "fr"}, follow=True)

    assert response.redirect_chain[-1][0] == contract.get_absolute_url()
    assert _("Choose zh-hans or en.") in response.content.decode()


def test_pdf_endpoint_answers_503_not_500_when_rendering_runs_out_of_time(contract, owner, settings):
    settings.PDF_RENDER_TIMEOUT = 0.01

    response = api(owner).get(reverse("api:contract-pdf", args=[contract.pk]), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 503
    assert response.json()["code"] == "render_timeout"


def test_web_page_button_serves_the_pdf_inline_only_to_who_may_see_it(contract, people, client):
    url = reverse("contract_pdf", args=[contract.pk])

    client.force_login(people["owner"])
    response = client.get(url, {"lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")

    client.force_login(people["other_staff"])
    assert client.get(url).status_code == 404


def test_command_writes_a_valid_pdf(contract, tmp_path):
    out = tmp_path / "contract.pdf"

    call_command("export_contract_pdf", contract.number, "--lang", "en", "-o", str(out), stdout=io.StringIO())

    info = subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True, text=True).stdout
    assert "Pages:" in info
    assert contract.number in pdf_text(out.read_bytes(), tmp_path)


def test_command_as_a_user_without_view_right_refuses(contract, people, tmp_path):
    out = tmp_path / "contract.pdf"

    with pytest.raises(CommandError):
        call_command(
            "export_contract_pdf", contract.number, "--as-user", "pdf_other", "-o", str(out), stdout=io.StringIO()
        )

    assert not out.exists()


def test_web_page_button_returns_to_the_contract_with_a_message_when_rendering_runs_out_of_time(
    contract, owner, client, settings
):
    settings.PDF_RENDER_TIMEOUT = 0.01
    client.force_login(owner)

    response = client.get(reverse("contract_pdf", args=[contract.pk]), follow=False)

    assert response.status_code == 302
    assert response["Location"] == contract.get_absolute_url()
