"""Benchmarks: `python -m bench` runs every scenario, `python -m bench NAME [NAME ...]` runs the named ones.

The runner (`bench/__main__.py`) points Django at a dedicated PostgreSQL database, never the one in DATABASE_URL:
`BENCH_DATABASE_URL`, default ``postgres://postgres@127.0.0.1:5432/clm_bench``. It creates that database when it is
missing, migrates it, and only then imports the scenario modules, so a scenario may import models at module level.

A scenario is a module ``bench/NAME.py`` that defines ``run() -> dict | None``:

- it creates the data it needs (fast: ``bulk_create``), under its own recognisable numbers or names, and removes
  what an earlier run of the same scenario left behind, so it can run again on the same database;
- when it is done it removes its obligations and reminders again, so the next scenario measures only its own (the
  reminder sweep and the dashboard read every obligation in the database). The API scenario's contracts stay: they
  carry no obligations, and the UI scenario builds on them;
- it prints a short human-readable report, one figure per line, with units (``contracts/s``, ``queries/contract``,
  ``ms p95`` ...), and the target when there is one;
- it may return the figures as a dict (name -> number) for tools; the runner prints nothing else of its own but a
  header per scenario and how long the scenario took.

Scenarios measure with real parts (PostgreSQL, Redis, a real browser or SMTP server where that is the point) and
count queries with ``bench._support.QueryCounter`` (CaptureQueriesContext counts nothing once the connection's
query log is full, as it is after a long scenario). Modules whose name starts with ``_`` are helpers,
not scenarios.
"""
