"""`seed_demo`: the demo a new user logs into covers every category and status, and running it twice is harmless."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory

from accounts.models import Role, User
from amendments.models import Amendment
from contracts.models import Clause, ClauseRevision, Contract, PriceChangeNotice
from obligations.models import Obligation
from rules.credit_code import credit_code_problem
from sla.models import SlaMeasurement, SlaPeriod
from vendors.models import Certification, Vendor, VendorContact

pytestmark = pytest.mark.django_db

MODELS = (
    User,
    Vendor,
    VendorContact,
    Certification,
    Contract,
    Clause,
    ClauseRevision,
    PriceChangeNotice,
    Obligation,
    SlaPeriod,
    SlaMeasurement,
    Amendment,
)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction that is rolled back at the end (seeding takes seconds)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", "--force")
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def login(username: str):
    return authenticate(RequestFactory().post("/accounts/login/"), username=username, password="demo-pass-2026")


def test_a_second_run_changes_nothing(seeded, settings):
    settings.DEBUG = True
    before = counts()
    versions = dict(Contract.objects.values_list("number", "version"))

    call_command("seed_demo")

    assert counts() == before
    assert dict(Contract.objects.values_list("number", "version")) == versions


def test_the_demo_covers_every_category_and_lifecycle_status(seeded):
    contracts = Contract.objects.all()

    assert contracts.count() >= 8
    assert set(contracts.values_list("category", flat=True)) == set(Contract.Category.values)
    assert set(contracts.values_list("status", flat=True)) == set(Contract.Status.values)
    assert contracts.filter(status=Contract.Status.ACTIVE, notice_given_on__isnull=False).exists()
    assert contracts.filter(auto_renew=True, status=Contract.Status.ACTIVE, notice_given_on__isnull=True).exists()
    assert contracts.filter(trial_period_months__gt=0).exists()
    assert PriceChangeNotice.objects.filter(compliant=False).exists()


def test_the_demo_has_realistic_terms_clauses_and_obligations(seeded):
    assert Vendor.objects.count() >= 4
    assert all(credit_code_problem(code) is None for code in Vendor.objects.values_list("credit_code", flat=True))
    assert Certification.objects.filter(expires_on__isnull=False).exists()
    assert ClauseRevision.objects.filter(side=ClauseRevision.Side.VENDOR).exists()
    assert ClauseRevision.objects.filter(side=ClauseRevision.Side.OURS, number__gt=1).exists()
    assert Clause.objects.filter(text__contains="99.9%").exists()
    kinds = set(Obligation.objects.values_list("kind", flat=True))
    assert kinds >= {"renewal_window", "price_change_notice", "data_handover", "trial_review", "certificate_expiry"}
    for contract in Contract.objects.exclude(status=Contract.Status.DRAFT):
        assert contract.sla_targets.exists() or contract.fee_items.exists(), contract.number


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("manager", Role.PROCUREMENT_MANAGER),
        ("buyer1", Role.PROCUREMENT_STAFF),
        ("buyer2", Role.PROCUREMENT_STAFF),
        ("legal", Role.LEGAL),
        ("auditor", Role.AUDITOR),
    ],
)
def test_the_demo_logins_work_with_their_roles(seeded, username, role):
    user = login(username)

    assert user is not None
    assert user.email == f"{username}@example.com"
    assert list(user.groups.values_list("name", flat=True)) == [role]


def test_the_admin_login_opens_the_admin(seeded, client):
    response = client.post("/admin/login/", {"username": "admin", "password": "demo-pass-2026", "next": "/admin/"})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_buyer2_sees_a_contract_buyer1_shared(seeded):
    from contracts.selectors import contracts_visible_to

    buyer2 = User.objects.get(username="buyer2")

    visible = contracts_visible_to(buyer2)

    assert visible.filter(owner__username="buyer1").exists()
    assert not visible.filter(owner__username="manager").exists()


def test_it_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    before = counts()

    with pytest.raises(CommandError):
        call_command("seed_demo")

    assert counts() == before


def test_the_demo_records_six_sla_months_for_two_contracts_one_with_an_open_exit_right(seeded):
    months = SlaPeriod.objects.values_list("contract__number", flat=True)
    assert sorted({number: list(months).count(number) for number in set(months)}.values()) == [6, 6]
    exit_rights = Obligation.objects.filter(kind=Obligation.Kind.SLA_EXIT_RIGHT, status=Obligation.Status.OPEN)
    assert exit_rights.count() == 1
    assert SlaPeriod.objects.filter(credit_amount__gt=0).exists()


def test_the_demo_shows_a_clean_contract_one_with_open_high_findings_and_one_signed_past_accepted_ones(seeded):
    from review.models import ContractReview, Finding

    def findings(number):
        return {(f.rule, f.status) for f in Finding.objects.filter(contract__number=number)}

    # A phone outsourcing contract that meets every item of the checklist
    assert findings("CLM-2026-0002") == set()
    # A draft with the vendor's 30-day price notice: it cannot be signed as it stands
    assert ("price_notice_short", "open") in findings("CLM-2026-0005")
    assert ContractReview.objects.get(contract__number="CLM-2026-0005").open_high >= 1
    # Signed by the manager, accepting the missing price cap with the reason
    signed = Finding.objects.get(contract__number="CLM-2026-0006", rule="price_cap_missing")
    assert (signed.status, signed.accepted_by.username) == ("accepted", "manager")
    assert signed.accepted_reason
    # And no signed contract of the demo says in a clause something other than its terms
    assert not Finding.objects.filter(rule="clause_contradicts_terms", contract__signed_on__isnull=False).exists()


def test_the_demo_has_an_amendment_in_force_and_a_draft_waiting_for_approval(seeded):
    # Given the seeded demo
    in_force = Amendment.objects.get(status=Amendment.Status.IN_FORCE)
    draft = Amendment.objects.get(status=Amendment.Status.DRAFT)

    # Then one amendment, approved by the manager, took effect in the past and its contract reads the new notice
    assert in_force.approved_by.username == "manager"
    assert in_force.effective_on < in_force.applied_at.date()
    assert in_force.old_values["terms"] == {"termination_notice_days": 60}
    assert in_force.contract.termination_notice_days == 30
    # And another is a draft for a later day, changing the seats of a running contract
    assert draft.contract.status == Contract.Status.ACTIVE
    assert draft.effective_on > in_force.applied_at.date()
    assert [row["quantity"] for row in draft.changes["fee_items"]] == ["60", "200000"]
