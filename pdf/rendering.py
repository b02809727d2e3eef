"""Rendering a contract's document through pdfrender: in the sandbox for a request, in process for the bulk export.

The fetcher of the renderer serves only the app's own static files under `pdf/`, resolved here through Django's
staticfiles finders and handed over as a plain mapping.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection

from amendments.models import Amendment
from contracts.models import Contract
from pdfrender import deadline, sandbox
from pdfrender.sandbox import RenderError, RenderTimeout

from .amendment import amendment_document_html
from .document import contract_document_html
from .signing import sign_pdf

logger = logging.getLogger(__name__)

STATIC_PREFIX = "pdf"

__all__ = [
    "RenderError",
    "RenderTimeout",
    "document_time_limit",
    "pdf_static_assets",
    "render_amendment_pdf",
    "render_contract_pdf",
]


def pdf_static_assets() -> dict[str, str]:
    """Every static file under `pdf/` as {static path: absolute file path}, in the staticfiles finders' precedence."""
    assets: dict[str, str] = {}
    for directory in finders.find(STATIC_PREFIX, find_all=True) or []:
        root = Path(directory).resolve()
        for dirpath, _dirnames, filenames in os.walk(root):
            for filename in filenames:
                path = (Path(dirpath) / filename).resolve()
                if not path.is_relative_to(root) or not path.is_file():
                    continue
                relative = f"{STATIC_PREFIX}/{path.relative_to(root).as_posix()}"
                assets.setdefault(relative, str(path))
    return assets


def render_amendment_pdf(amendment: Amendment, *, language: str) -> bytes:
    """An amendment's document as PDF bytes, rendered in the sandbox like a contract's. The caller has checked that
    the user may view its contract (amendments.access)."""
    return _render(amendment_document_html(amendment, language=language), contract=amendment.contract, isolated=True)


def render_contract_pdf(contract: Contract, *, language: str, isolated: bool = True) -> bytes:
    """The contract document as PDF bytes. Raises RenderTimeout past PDF_RENDER_TIMEOUT, RenderError on failure.

    The caller has checked that the user may view the contract (contracts.selectors.contracts_visible_to).
    `isolated=False` renders in the calling process, for callers that run under a time limit of their own: the
    bulk-export Celery task has soft and hard time limits, and Celery's prefork children are daemonic processes,
    which may not start the renderer's child process.
    """
    return _render(contract_document_html(contract, language=language), contract=contract, isolated=isolated)


def _render(html: str, *, contract: Contract, isolated: bool) -> bytes:
    if isolated:
        rendered = sandbox.render_isolated(
            html,
            assets=pdf_static_assets(),
            timeout=settings.PDF_RENDER_TIMEOUT,
            memory_limit_mb=settings.PDF_RENDER_MEMORY_MB,
        )
    else:
        rendered = sandbox.render_in_process(html, assets=pdf_static_assets())
    if rendered.refused:
        logger.warning("PDF of contract %s: refused to fetch %s", contract.pk, rendered.refused)
    if settings.PDF_SIGNING_CERT and settings.PDF_SIGNING_KEY:
        return sign_pdf(rendered.pdf, contract=contract)
    return rendered.pdf


def _queries_finish_first(held: Callable[[], AbstractContextManager[None]]) -> AbstractContextManager[object]:
    """Every database query runs in `held`: the alarm never cuts one off half-way, which would leave psycopg in the
    middle of a command so that the export could not even record its failure."""

    def wrapper(execute, sql, params, many, context):
        with held():
            return execute(sql, params, many, context)

    return connection.execute_wrapper(wrapper)


@contextmanager
def document_time_limit(seconds: float) -> Iterator[bool]:
    """pdfrender.deadline.document_time_limit, letting a database query that is running when the alarm fires finish;
    RenderTimeout is raised right after it."""
    with deadline.document_time_limit(seconds, guard=_queries_finish_first) as armed:
        yield armed
