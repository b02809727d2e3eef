"""Rendering under the per-document time limit: a database query is never cut off half-way."""

import time

import pytest
from django.db import connection

from pdf.rendering import RenderTimeout, document_time_limit

pytestmark = pytest.mark.django_db


# Per-document time limit -------------------------------------------------------------------------------------------


def test_the_limit_lets_a_running_query_finish_and_raises_after_it():
    with pytest.raises(RenderTimeout), document_time_limit(0.05), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.3)" if connection.vendor == "postgresql" else "SELECT 1")
        if connection.vendor != "postgresql":
            time.sleep(0.3)

    # The connection is still usable: the query was not cut off half-way.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 42")
        assert cursor.fetchone() == (42,)
