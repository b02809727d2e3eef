"""Contracts over the API, one module per subject: the contract and its lifecycle, clauses, documents, sharing."""
