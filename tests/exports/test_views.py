"""Bulk PDF export on the web pages: started from the register's search and filters, followed on the job page (htmx
progress), listed in "My exports", downloaded as a ZIP; every export is its requester's alone."""

import io
import zipfile
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from contracts.models import ExportJob
from exports.services import export_job_create, export_job_run
from tests.factories import ClauseFactory, ContractFactory, VendorFactory
from tests.fixtures.pages import _pages_in_english, owner, people, vendor  # noqa: F401
from tests.fixtures.urls import debug_urls  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(people):
    owner = people["owner"]
    vendor = VendorFactory(name="杭州智聊科技有限公司")
    a = ContractFactory(number="CLM-2026-0101", title="呼叫中心软件采购合同", owner=owner, status="active")
    b = ContractFactory(number="CLM-2026-0102", title="在线客服外包", owner=owner, vendor=vendor)
    c = ContractFactory(number="CLM-2026-0103", title="Email support outsourcing", owner=owner, status="active")
    ClauseFactory(contract=c, text="乙方应在合同终止后七个工作日内完成数据交接并删除副本。")
    hidden = ContractFactory(number="CLM-2026-0199", title="呼叫中心外包（他人）", owner=people["other_staff"])
    return {"a": a, "b": b, "c": c, "hidden": hidden, "vendor": vendor}


def start_export(client, lang="en", **filters):
    url = reverse("exports:create")
    query = urlencode(filters)
    return client.post(f"{url}?{query}" if query else url, {"lang": lang})


def exported_numbers(job: ExportJob) -> list[str]:
    from contracts.models import Contract

    return sorted(Contract.objects.filter(pk__in=job.contract_ids).values_list("number", flat=True))


def finished_job(owner, contracts, *, days_ago=0, language="en") -> ExportJob:
    """A done export with a stand-in ZIP, finished `days_ago` days ago."""
    job = ExportJob.objects.create(
        requested_by=owner,
        language=language,
        contract_ids=[c.pk for c in contracts],
        total=len(contracts),
        done=len(contracts),
        status=ExportJob.Status.DONE,
        finished_at=timezone.now() - timedelta(days=days_ago),
    )
    job.file.save(f"contracts-{job.pk}.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
    return job


# Starting an export from the register ------------------------------------------------------------------------------


def test_the_register_offers_the_export_with_its_current_filters_and_a_language_choice(client, people, register):
    client.force_login(people["owner"])

    html = client.get(reverse("contracts:list"), {"status": "active", "q": "0103"}).content.decode()

    action = reverse("exports:create")
    assert f'action="{action}?' in html
    form = html[html.index(f'action="{action}?') :]
    form = form[: form.index("</form>")]
    assert "status=active" in form and "q=0103" in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<option value="zh-hans"' in form and '<option value="en" selected' in form
    assert "Export PDFs (ZIP)" in form
    assert reverse("exports:list") in html


def test_the_register_fragment_that_htmx_swaps_in_carries_the_new_filters(client, people, register):
    client.force_login(people["owner"])

    html = client.get(reverse("contracts:list"), {"status": "active"}, HTTP_HX_REQUEST="true").content.decode()

    assert f'action="{reverse("exports:create")}?status=active"' in html


def test_export_from_the_register_takes_the_filtered_contracts_the_user_may_see(client, people, register):
    client.force_login(people["owner"])

    response = start_export(client, lang="zh-hans", status="active")

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:detail", args=[job.pk])
    assert (job.requested_by, job.language, job.status) == (people["owner"], "zh-hans", "pending")
    assert exported_numbers(job) == ["CLM-2026-0101", "CLM-2026-0103"]
    assert job.total == 2


def test_export_uses_the_registers_own_search_over_vendor_names_and_clause_text(client, people, register):
    client.force_login(people["owner"])

    start_export(client, q="数据交接")
    start_export(client, q="智聊")

    first, second = ExportJob.objects.order_by("pk")
    assert exported_numbers(first) == ["CLM-2026-0103"]
    assert exported_numbers(second) == ["CLM-2026-0102"]


def test_export_never_includes_a_contract_hidden_from_the_user(client, people, register):
    client.force_login(people["owner"])

    start_export(client, q="呼叫中心")

    assert exported_numbers(ExportJob.objects.get()) == ["CLM-2026-0101"]


@pytest.mark.parametrize(
    ("filters", "named"),
    [({"stauts": "active"}, ["stauts"]), ({"q": "呼叫", "vendr": "1", "page_size": "5"}, ["page_size", "vendr"])],
)
def test_unknown_filter_keys_return_to_the_register_naming_them_and_queue_nothing(
    client, people, register, filters, named
):
    client.force_login(people["owner"])

    response = start_export(client, **filters)
    page = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("contracts:list"))
    errors = [str(m) for m in page.context["messages"] if m.level_tag == "error"]
    assert errors and all(name in errors[0] for name in named)
    assert not ExportJob.objects.exists()


def test_a_filter_value_the_register_cannot_read_returns_to_the_register_and_queues_nothing(client, people, register):
    client.force_login(people["owner"])

    response = start_export(client, status="no-such-status")
    page = client.get(response["Location"])

    assert response.status_code == 302
    assert [m.level_tag for m in page.context["messages"]] == ["error"]
    assert not ExportJob.objects.exists()


def test_every_register_filter_is_a_known_export_filter():
    from contracts.forms import RegisterFilterForm
    from contracts.search import REGISTER_PARAMS

    assert set(REGISTER_PARAMS) == set(RegisterFilterForm.base_fields)


def test_nothing_matching_returns_to_the_register_with_a_message_and_no_job(client, people, register):
    client.force_login(people["owner"])

    response = start_export(client, q="nothing-here")
    page = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == reverse("contracts:list") + "?q=nothing-here"
    assert "No contract matches; there is nothing to export." in page.content.decode()
    assert not ExportJob.objects.exists()


def test_too_many_contracts_is_refused_with_the_limit_in_the_message(client, people, register, settings):
    settings.PDF_EXPORT_MAX_CONTRACTS = 2
    client.force_login(people["owner"])

    response = start_export(client)
    page = client.get(response["Location"])

    assert response.status_code == 302
    assert "One export holds at most 2 contracts; narrow the selection." in page.content.decode()
    assert not ExportJob.objects.exists()


def test_an_unknown_language_is_refused_with_a_message(client, people, register):
    client.force_login(people["owner"])

    response = start_export(client, lang="fr")

    assert response.status_code == 302
    assert "Choose zh-hans or en." in client.get(response["Location"]).content.decode()
    assert not ExportJob.objects.exists()


def test_starting_an_export_needs_a_post(client, people, register):
    client.force_login(people["owner"])

    response = client.get(reverse("exports:create"))

    assert response.status_code == 405
    assert not ExportJob.objects.exists()


# The job page and its progress -------------------------------------------------------------------------------------


def test_the_job_page_shows_progress_and_polls_while_running(client, people, register):
    owner = people["owner"]
    job = export_job_create(by=owner, language="en", contract_ids=[register["a"].pk, register["b"].pk])
    ExportJob.objects.filter(pk=job.pk).update(status="running", done=1)
    client.force_login(owner)

    html = client.get(reverse("exports:detail", args=[job.pk])).content.decode()

    progress_url = reverse("exports:progress", args=[job.pk])
    assert f'hx-get="{progress_url}"' in html and 'hx-trigger="every 2s"' in html
    assert '<progress class="export-bar-progress" max="100" value="50"' in html
    assert "1 of 2 contracts exported (50%)" in html
    assert "Running" in html
    assert "Download ZIP" not in html
    # Without JavaScript, the page itself links to a reload.
    assert f'<a href="{reverse("exports:detail", args=[job.pk])}">reload it</a>' in html


def test_the_progress_fragment_stops_polling_and_offers_the_download_once_done(client, people, register):
    owner = people["owner"]
    job = finished_job(owner, [register["a"], register["b"]])
    client.force_login(owner)

    response = client.get(reverse("exports:progress", args=[job.pk]), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<div id="export-progress"')
    assert "hx-trigger" not in html
    assert "2 of 2 contracts exported (100%)" in html
    assert f'href="{reverse("exports:download", args=[job.pk])}"' in html
    assert "The file is kept for 7 days, until" in html


def test_the_progress_url_without_htmx_goes_to_the_job_page(client, people, register):
    owner = people["owner"]
    job = export_job_create(by=owner, language="en", contract_ids=[register["a"].pk])
    client.force_login(owner)

    response = client.get(reverse("exports:progress", args=[job.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("exports:detail", args=[job.pk])


def test_a_failed_export_shows_its_error_and_no_download(client, people, register):
    owner = people["owner"]
    job = export_job_create(by=owner, language="en", contract_ids=[register["a"].pk])
    ExportJob.objects.filter(pk=job.pk).update(
        status="failed", error="The PDF of contract CLM-2026-0101 could not be rendered: boom"
    )
    client.force_login(owner)

    html = client.get(reverse("exports:detail", args=[job.pk])).content.decode()

    assert "Failed" in html
    assert "The PDF of contract CLM-2026-0101 could not be rendered: boom" in html
    assert "hx-trigger" not in html
    assert "Download ZIP" not in html


def test_the_job_page_is_translated_into_chinese(client, people, register, settings):
    owner = people["owner"]
    job = finished_job(owner, [register["a"]])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(owner)

    html = client.get(reverse("exports:detail", args=[job.pk])).content.decode()

    assert f"PDF 导出 #{job.pk}" in html
    assert "已导出 1 / 1 份合同（100%）" in html
    assert "下载 ZIP" in html
    assert "文件保留 7 天" in html


# Download ----------------------------------------------------------------------------------------------------------


def test_download_when_done_returns_a_zip_of_the_rendered_pdfs(client, people, register):
    owner = people["owner"]
    job = export_job_create(by=owner, language="en", contract_ids=[register["a"].pk, register["c"].pk])
    export_job_run(job.pk)
    client.force_login(owner)

    response = client.get(reverse("exports:download", args=[job.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"-en-{job.pk}.zip" in disposition and "contract-pdfs-" in disposition
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["CLM-2026-0101.pdf", "CLM-2026-0103.pdf"]
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())


def test_download_before_done_returns_to_the_job_page_with_a_message(client, people, register):
    owner = people["owner"]
    job = export_job_create(by=owner, language="en", contract_ids=[register["a"].pk])
    client.force_login(owner)

    response = client.get(reverse("exports:download", args=[job.pk]), follow=True)

    assert response.redirect_chain == [(reverse("exports:detail", args=[job.pk]), 302)]
    assert "This export is not finished yet. The download appears here when it is." in response.content.decode()


def test_download_of_an_expired_export_says_so(client, people, register):
    owner = people["owner"]
    job = finished_job(owner, [register["a"]], days_ago=8)
    client.force_login(owner)

    response = client.get(reverse("exports:download", args=[job.pk]), follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [(reverse("exports:detail", args=[job.pk]), 302)]
    assert "This export has expired: its file is deleted after 7 days." in html
    assert "Download ZIP" not in html
    assert "Expired" in html


@pytest.mark.parametrize("who", ["shared", "other_staff", "manager", "legal", "auditor"])
@pytest.mark.parametrize("page", ["detail", "progress", "download"])
def test_nobody_but_the_requester_learns_that_an_export_exists(client, people, register, who, page):
    job = finished_job(people["owner"], [register["a"]])
    client.force_login(people[who])

    response = client.get(reverse(f"exports:{page}", args=[job.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 404


@pytest.mark.parametrize("page", ["list", "detail", "progress", "download"])
def test_anonymous_visitors_are_sent_to_sign_in(client, people, register, page):
    job = finished_job(people["owner"], [register["a"]])
    args = [] if page == "list" else [job.pk]

    response = client.get(reverse(f"exports:{page}", args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# My exports --------------------------------------------------------------------------------------------------------


def test_my_exports_lists_only_my_jobs_newest_first_with_status_and_downloads(client, people, register):
    owner = people["owner"]
    old = finished_job(owner, [register["a"]], days_ago=10)
    done = finished_job(owner, [register["a"], register["b"]], days_ago=1)
    running = export_job_create(by=owner, language="zh-hans", contract_ids=[register["c"].pk])
    theirs = finished_job(people["other_staff"], [register["hidden"]])
    client.force_login(owner)

    response = client.get(reverse("exports:list"))

    assert [job.pk for job in response.context["jobs"]] == [running.pk, done.pk, old.pk]
    html = response.content.decode()
    assert reverse("exports:download", args=[done.pk]) in html
    assert reverse("exports:download", args=[old.pk]) not in html
    assert reverse("exports:detail", args=[theirs.pk]) not in html
    assert "Expired" in html and "Waiting" in html


def test_my_exports_pages_through_many_jobs_in_a_constant_number_of_queries(
    client, people, register, django_assert_max_num_queries
):
    owner = people["owner"]
    for _ in range(25):
        finished_job(owner, [register["a"]])
    client.force_login(owner)

    with django_assert_max_num_queries(8):
        first = client.get(reverse("exports:list"))
    second = client.get(reverse("exports:list"), {"page": 2})

    assert len(first.context["jobs"]) == 20
    assert len(second.context["jobs"]) == 5


@pytest.mark.parametrize("role", ["owner", "other_staff", None])
def test_an_export_zip_is_never_served_from_media_even_with_debug_on(client, people, register, debug_urls, role):
    job = finished_job(people["owner"], [register["a"]])
    if role:
        client.force_login(people[role])

    response = client.get(job.file.url)

    assert response.status_code == 404


def test_with_debug_on_the_checked_download_serves_the_requester_only(client, people, register, debug_urls):
    job = finished_job(people["owner"], [register["a"]])
    url = reverse("exports:download", args=[job.pk])

    client.force_login(people["owner"])
    assert client.get(url).status_code == 200
    client.force_login(people["other_staff"])
    assert client.get(url).status_code == 404
