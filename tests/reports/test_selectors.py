"""The reports' figures against a hand-built portfolio (tests/fixtures/reports.py), the access gate, the register's
filters, and a constant number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from contracts.search import RegisterQuery
from reports.selectors import KINDS, report
from review.models import Finding
from review.services import review_contracts
from tests.factories import ContractFactory, FeeItemFactory, ObligationFactory
from tests.fixtures.reports import TODAY, build_report_world

D = Decimal
ALL = RegisterQuery()


@pytest.fixture
def world(db):
    return build_report_world()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def rows(kind, user, table, query=ALL):
    return report(kind, user, query, today=TODAY).table(table).rows


def by(rows_, key):
    return {row[key]: row for row in rows_}


def test_renewal_pipeline_counts_the_buyers_decisions_and_endings_by_month_with_their_value(world):
    # When the buyer opens the renewal pipeline
    months = by(rows("renewals", world.buyer, "months"), "month")

    # Then it covers this month and the 11 after it
    assert list(months) == ["2026-12", *[f"2027-{m:02d}" for m in range(1, 12)]]
    # And January has c2's renewal decision; March has c1 ending (c2 renews by itself, c4 is a draft)
    assert months["2027-01"] == {
        "month": "2027-01",
        "currency": "CNY",
        "decisions": 1,
        "decisions_value": D("60000.00"),
        "endings": 0,
        "endings_value": D("0.00"),
    }
    assert (months["2027-03"]["endings"], months["2027-03"]["endings_value"]) == (1, D("120000.00"))
    assert (months["2027-02"]["decisions"], months["2027-02"]["endings"]) == (0, 0)


def test_the_manager_counts_the_strangers_contract_the_buyer_never_sees(world):
    buyer = by(rows("renewals", world.buyer, "months"), "month")["2027-03"]
    manager = by(rows("renewals", world.manager, "months"), "month")["2027-03"]
    assert (buyer["endings"], buyer["endings_value"]) == (1, D("120000.00"))
    assert (manager["endings"], manager["endings_value"]) == (2, D("1119999.00"))


def test_spend_by_vendor_and_category_sums_value_and_monthly_fees_over_what_the_buyer_sees(world):
    vendors = rows("spend", world.buyer, "vendors")
    # Then biggest value first, the hidden c3 (999,999 and 5,000 a month) nowhere
    assert [(r["vendor"], r["contracts"], r["value"], r["monthly_fees"]) for r in vendors] == [
        ("甲方客服外包有限公司", 1, D("120000.00"), D("131000.00")),
        ("乙方呼叫软件有限公司", 2, D("67777.00"), D("0.00")),
    ]
    categories = by(rows("spend", world.buyer, "categories"), "category")
    assert categories["Customer-service outsourcing"]["value"] == D("120000.00")
    assert categories["Call-center software"]["contracts"] == 2


def test_spend_by_month_has_new_contracts_and_the_monthly_fees_in_force(world):
    months = by(rows("spend", world.buyer, "months"), "month")
    # The last 12 months, this one included
    assert [*months][::11] == ["2026-01", "2026-12"]
    assert (months["2026-03"]["new_contracts"], months["2026-03"]["new_value"]) == (1, D("60000.00"))
    assert (months["2026-04"]["new_contracts"], months["2026-04"]["new_value"]) == (1, D("120000.00"))
    # c1's fees from April on; nothing before; the draft c4 never
    assert months["2026-03"]["monthly_fees"] == D("0.00")
    assert all(months[f"2026-{m:02d}"]["monthly_fees"] == D("131000.00") for m in range(4, 13))
    assert months["2026-05"]["new_contracts"] == 0


def test_obligations_are_open_overdue_on_time_or_late_in_the_companys_time_zone(world):
    months = by(rows("obligations", world.buyer, "months"), "month")
    counts = {m: (r["open"], r["overdue"], r["on_time"], r["late"]) for m, r in months.items()}
    assert [*counts][::11] == ["2026-06", "2027-05"]
    assert counts["2026-12"] == (1, 0, 0, 0)
    # The stranger's overdue obligation of November is not the buyer's
    assert counts["2026-11"] == (0, 1, 0, 0)
    # Done 23:00 on the due day in Shanghai: on time; done 00:30 the next day there (still the due day in UTC): late
    assert counts["2026-10"] == (0, 0, 1, 0)
    assert counts["2026-09"] == (0, 0, 0, 1)
    assert counts["2027-01"] == (1, 0, 0, 0)
    # By the person who answers for each: the obligation's owner, else the contract's (the buyer owns c1 and c2)
    owners = {
        o: (r["open"], r["overdue"], r["on_time"], r["late"])
        for o, r in by(rows("obligations", world.buyer, "owners"), "owner").items()
    }
    assert owners == {"r_buyer": (2, 1, 0, 1), "r_manager": (0, 0, 1, 0)}


def test_sla_compliance_by_vendor_counts_only_visible_contracts(world):
    buyer = rows("sla", world.buyer, "vendors")
    assert [(r["vendor"], r["measured"], r["met"], r["compliance_pct"], r["credits"]) for r in buyer] == [
        ("甲方客服外包有限公司", 3, 2, D("66.7"), D("500.00"))
    ]
    manager = rows("sla", world.manager, "vendors")
    assert [(r["measured"], r["met"], r["compliance_pct"], r["credits"]) for r in manager] == [
        (5, 2, D("40.0"), D("9500.00"))
    ]


def test_the_registers_filters_narrow_every_report(world):
    only_b = RegisterQuery(vendor_id=world.vendor_b.pk)
    assert [r["vendor"] for r in rows("spend", world.buyer, "vendors", only_b)] == ["乙方呼叫软件有限公司"]
    assert rows("sla", world.buyer, "vendors", only_b) == []
    assert sum(r["endings"] for r in rows("renewals", world.buyer, "months", only_b)) == 0
    searched = RegisterQuery(q=world.c1.number)
    assert [r["contracts"] for r in rows("spend", world.buyer, "vendors", searched)] == [1]


def test_findings_count_the_reviews_findings_by_rule_over_the_contracts_the_user_sees(world):
    # Given the review run over every contract of the world (the stranger's included)
    review_contracts([world.c1.pk, world.c2.pk, world.c3.pk, world.c4.pk], today=TODAY)
    Finding.objects.filter(contract=world.c1, rule="price_cap_missing").update(status=Finding.Status.ACCEPTED)

    # When the buyer and the manager read the findings report
    def counted(user):
        return {r["code"]: (r["open"], r["accepted"], r["contracts"]) for r in rows("findings", user, "rules")}

    buyer, manager = counted(world.buyer), counted(world.manager)

    # Then each rule counts the findings of the contracts each may see, open and accepted apart
    def expected(contracts):
        found = Finding.objects.filter(contract__in=contracts)
        return {
            rule: (
                found.filter(rule=rule, status="open").count(),
                found.filter(rule=rule, status="accepted").count(),
                found.filter(rule=rule).values("contract").distinct().count(),
            )
            for rule in set(found.values_list("rule", flat=True))
        }

    assert buyer == expected([world.c1, world.c2, world.c4])
    assert manager == expected([world.c1, world.c2, world.c3, world.c4])
    assert sum(v[0] + v[1] for v in manager.values()) > sum(v[0] + v[1] for v in buyer.values())
    assert report("findings", world.buyer, ALL, today=TODAY).note == ""


@pytest.mark.parametrize("kind", KINDS)
def test_each_report_runs_the_same_number_of_queries_whatever_the_number_of_contracts(world, kind):
    def count():
        with CaptureQueriesContext(connection) as queries:
            report(kind, world.buyer, ALL, today=TODAY)
        return len(queries)

    count()  # the user's permissions are read once and then cached on the user
    before = count()
    for i in range(5):
        contract = ContractFactory(owner=world.buyer, vendor=ContractFactory().vendor, contract_value=1000 + i)
        FeeItemFactory(contract=contract)
        ObligationFactory(contract=contract)
    assert count() == before
