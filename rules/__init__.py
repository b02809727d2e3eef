"""Business rules as plain functions over plain values: no Django, no clm app, so they are fast to test and reuse."""
