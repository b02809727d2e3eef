"""Bulk PDF exports: many contracts' documents rendered into one ZIP by a Celery task, kept for its requester."""

from __future__ import annotations

import logging
import secrets
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.filters import ContractFilter
from contracts.models import Contract, ExportJob
from contracts.search import REGISTER_PARAMS
from contracts.selectors import contracts_visible_to
from core.formatting import join_list
from pdf.language import LANGUAGES
from pdf.rendering import RenderTimeout, document_time_limit, render_contract_pdf

logger = logging.getLogger(__name__)


def _refuse_unknown_filters(given: Iterable[str], known: Sequence[str]) -> None:
    """A filter the export does not know would be ignored, exporting more than was asked for: refuse it, naming it."""
    unknown = sorted(set(given) - set(known))
    if unknown:
        names = ", ".join(str(name)[:50] for name in unknown[:20])
        raise ValidationError(
            {
                "filter": [
                    _("Unknown filter: %(names)s. Nothing was exported. The filters are: %(known)s.")
                    % {"names": names, "known": ", ".join(known)}
                ]
            }
        )


def _chosen_contracts(
    *,
    by: User,
    contract_ids: list[int] | None,
    filters: dict | None,
    register: QuerySet[Contract] | None,
    register_params: Iterable[str],
) -> QuerySet[Contract]:
    visible = contracts_visible_to(by)
    if register is not None:
        _refuse_unknown_filters(register_params, REGISTER_PARAMS)
        # The register's own search (number, title, vendor and clause text) and filters, which ContractFilter's
        # query-string filters do not reproduce. The access gate is applied here again whoever built the queryset.
        return visible.filter(pk__in=register.values("pk"))
    if contract_ids is not None:
        wanted = set(contract_ids)
        found = set(visible.filter(pk__in=wanted).values_list("pk", flat=True))
        missing = sorted(wanted - found)
        if missing:
            # Hidden and non-existent contracts get the same answer: the caller learns nothing about hidden ones.
            raise ValidationError(
                {"ids": [_("No contract with id %(ids)s.") % {"ids": join_list(str(pk) for pk in missing[:20])}]}
            )
        return visible.filter(pk__in=found)
    if filters is not None:
        _refuse_unknown_filters(filters, list(ContractFilter.base_filters))
        filterset = ContractFilter(data=filters, queryset=visible)
        if not filterset.is_valid():
            raise ValidationError(
                {"filter": [f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()]}
            )
        return filterset.qs
    raise ValidationError({"ids": [_("Give the contract ids or a filter.")]})


@transaction.atomic
def export_job_create(
    *,
    by: User,
    language: str,
    contract_ids: list[int] | None = None,
    filters: dict | None = None,
    register: QuerySet[Contract] | None = None,
    register_params: Iterable[str] = (),
) -> ExportJob:
    """Record a bulk export of the chosen contracts the user may see and queue its rendering once committed.

    The contracts are chosen by id, by ContractFilter data (the API), or as the register's result
    (`contracts.search.contract_register`, the web page's search and filters, whose query-string names are given as
    `register_params`). A filter name that is not one of those is refused and nothing is queued.
    """
    if language not in LANGUAGES:
        raise ValidationError({"lang": [_("Choose zh-hans or en.")]})
    chosen = _chosen_contracts(
        by=by, contract_ids=contract_ids, filters=filters, register=register, register_params=register_params
    )
    limit = settings.PDF_EXPORT_MAX_CONTRACTS
    ids = list(chosen.order_by("number").values_list("pk", flat=True)[: limit + 1])
    if not ids:
        raise ValidationError({"ids": [_("No contract matches; there is nothing to export.")]})
    if len(ids) > limit:
        raise ValidationError(
            {"ids": [_("One export holds at most %(limit)s contracts; narrow the selection.") % {"limit": limit}]}
        )
    job = ExportJob.objects.create(requested_by=by, language=language, contract_ids=ids, total=len(ids))
    from .tasks import export_contracts_pdf

    transaction.on_commit(lambda: export_contracts_pdf.delay(job.pk))
    return job


def _zip_member_name(contract: Contract, taken: set[str]) -> str:
    base = get_valid_filename(contract.number) or f"contract-{contract.pk}"
    name = f"{base}.pdf"
    if name in taken:
        name = f"{base}-{contract.pk}.pdf"
    taken.add(name)
    return name


def _interrupted_reason(job: ExportJob, contracts: list[Contract]) -> str:
    """Why a job whose workers died is failed, naming the contract the last one was rendering when that is known."""
    with translation.override(job.language):
        if job.done < len(contracts):  # `done` counts the documents finished, in the order of `contracts`
            return _(
                "The export was interrupted twice before it could finish, the last time at contract %(number)s, "
                "probably because it needed more memory than the server has. Export that contract on its own, or "
                "fewer contracts at a time."
            ) % {"number": contracts[job.done].number}
        return _(
            "The export was interrupted twice before it could finish, probably because it needed more memory than "
            "the server has. Export fewer contracts at a time."
        )


def export_job_run(job_id: int) -> ExportJob:
    """Render the job's contracts into one ZIP, counting progress as it goes. Safe to run again after a crash.

    Visibility is checked again now, not only when the job was requested: a share revoked in between is honoured. A job
    that has already been started ExportJob.MAX_ATTEMPTS times (its workers died, see ExportJob.attempts) is failed.
    Runs inside the Celery task, whose time limits bound the whole export; each document also has PDF_RENDER_TIMEOUT
    (see pdfrender.deadline for where that limit cannot apply). A document that fails to render or runs out of
    time fails the job with its contract number rather than leaving it running.
    """
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("requested_by").get(pk=job_id)
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            return job
        contracts = list(
            contracts_visible_to(job.requested_by)
            .filter(pk__in=job.contract_ids)
            .select_related("vendor")
            .order_by("number")
        )
        if job.attempts >= ExportJob.MAX_ATTEMPTS:
            return export_job_fail(job.pk, _interrupted_reason(job, contracts))
        job.status = ExportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.total = len(contracts)
        job.done = 0
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "total", "done", "attempts"])

    taken: set[str] = set()
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, contract in enumerate(contracts, start=1):
                try:
                    with document_time_limit(settings.PDF_RENDER_TIMEOUT):
                        pdf = render_contract_pdf(contract, language=job.language, isolated=False)
                except SoftTimeLimitExceeded:
                    raise
                except Exception as exc:  # WeasyPrint may fail in many ways; the job must end as failed, not running
                    with translation.override(job.language):
                        if isinstance(exc, RenderTimeout):
                            reason = _("The PDF of contract %(number)s took longer than %(seconds)s seconds to render.")
                        else:
                            reason = _("The PDF of contract %(number)s could not be rendered: %(reason)s")
                        seconds = f"{settings.PDF_RENDER_TIMEOUT:g}"
                        reason %= {"number": contract.number, "seconds": seconds, "reason": exc}
                    return export_job_fail(job.pk, reason)
                archive.writestr(_zip_member_name(contract, taken), pdf)
                ExportJob.objects.filter(pk=job.pk).update(done=done)
        spool.seek(0)
        job.file.save(f"contracts-{job.pk}-{secrets.token_hex(8)}.zip", File(spool), save=False)
    job.status = ExportJob.Status.DONE
    job.done = len(contracts)
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "done", "finished_at"])
    return job


def export_job_fail(job_id: int, message: str) -> ExportJob:
    job = ExportJob.objects.get(pk=job_id)
    job.status = ExportJob.Status.FAILED
    job.error = str(message)[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    logger.warning("PDF export %s failed: %s", job_id, message)
    return job


def export_files_purge(*, now: datetime, batch: int = 500) -> int:
    """Delete the ZIP files of exports finished more than PDF_EXPORT_KEEP_DAYS ago; returns how many were deleted.

    The records stay (the requester sees the export as expired). Rows are claimed with SKIP LOCKED and cleared before
    their files are deleted, so two sweeps at once delete each file once and no record points at a deleted file.
    """
    cutoff = ExportJob.kept_since(now)
    storage = ExportJob._meta.get_field("file").storage
    purged = 0
    while True:
        with transaction.atomic():
            claimed = list(
                ExportJob.objects.select_for_update(skip_locked=True)
                .filter(status=ExportJob.Status.DONE, finished_at__lt=cutoff)
                .exclude(file="")
                .order_by("pk")
                .values_list("pk", "file")[:batch]
            )
            ExportJob.objects.filter(pk__in=[pk for pk, _name in claimed]).update(file="")
        for _pk, name in claimed:
            storage.delete(name)
        purged += len(claimed)
        if len(claimed) < batch:
            return purged
