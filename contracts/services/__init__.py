"""Services that write contracts and what hangs off them. Each runs in one transaction, validates, and leaves a
history row: terms, clauses, documents, sharing, numbering; follow_up runs what must follow a change of terms."""
