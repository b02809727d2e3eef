"""Derived obligations are stored with a neutral title; every page shows it in the reader's language."""

from datetime import date

import pytest
from django.urls import reverse

from contracts.lifecycle.actions import contract_sign
from contracts.services.terms import contract_create
from obligations.models import Obligation
from tests.factories import SIGNABLE_TERMS, VendorFactory

ZH_TITLE = "续约决策（当期期限于2026年12月31日届满）"
EN_TITLE = "Renewal decision for the term ending December 31, 2026"


@pytest.fixture
def renewal_window(owner):
    contract = contract_create(
        by=owner,
        title="云客服平台订阅",
        vendor=VendorFactory(),
        effective_date=date(2026, 1, 1),
        auto_renew=True,
        **SIGNABLE_TERMS,
    )
    contract_sign(contract=contract, by=owner, date=date(2025, 12, 20))
    return Obligation.objects.get(contract=contract, kind=Obligation.Kind.RENEWAL_WINDOW)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "shown", "hidden"), [("zh-hans", ZH_TITLE, EN_TITLE), ("en", EN_TITLE, ZH_TITLE)])
def test_obligation_pages_show_derived_titles_in_the_readers_language(
    client, settings, owner, renewal_window, language, shown, hidden
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(owner)

    pages = [
        reverse("obligations:detail", args=[renewal_window.pk]),
        reverse("obligations:list") + "?status=all",
        reverse("contracts:detail", args=[renewal_window.contract_id]) + "?tab=obligations",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert shown in html, url
        assert hidden not in html, url
