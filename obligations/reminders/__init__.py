"""Reminders: which offset of an obligation is due (pure rules), who gets it, and the sweep that sends it.

The rules (top of the module) are plain functions over dates and ints. An obligation has *reminder points*, each
named by its offset in days before the due date: the kind's default offsets (or the obligation's own list), the
start of a renewal window, and the overdue escalations -1 ... -14 (the n-th day after the due date). A point is
due from 09:00 company time on its day, and a sweep only ever sends the *latest* point that is due: after downtime an
obligation gets one catch-up reminder, never a burst. An escalation point is only current on its own day, so an
obligation overdue for more than 14 days falls silent.

The sweep (bottom) is set-based and safe to run from any number of workers and beat processes at once:

1. Plan: one query computes, inside the database, the latest due offset of every open obligation near its dates
   and keeps those with no reminder row yet for that offset. Reminder rows (one per recipient) are inserted with
   `bulk_create(ignore_conflicts=True)`; the unique key (obligation, recipient, offset) makes planning idempotent.
2. Claim: `select_for_update(skip_locked=True)` picks pending rows and marks them `sending` (committed), so two
   workers never pick the same row.
3. Send: one SMTP exchange per e-mail, then the rows are marked `sent` with the message id in their own commit. A
   failure puts the rows back to `pending` with exponential backoff (`failed` after `MAX_ATTEMPTS`, kept for an
   admin to retry); they are never marked sent. A worker renews its lease (compare-and-set on `claimed_at`) long
   before it expires, and hands unsent rows back when its time budget runs out.

Exactly-once, and its one limit: SMTP has no idempotency key, so no design can be exactly-once across a crash that
happens after the server accepted a message and before the database recorded it. This design shrinks that window
to one single-row UPDATE per message. A worker killed at any other moment leaves its rows in `sending`; they are
reclaimed only after `SENDING_LEASE` (far longer than one SMTP exchange), so an in-flight send is never duplicated
by a second worker and a row is never lost. The "sent" commits are asynchronous on PostgreSQL (see
`_asynchronous_commits`), which widens that window only for a crash of the database server itself.

Recipients: the obligation's owner (default: the contract owner) and its watchers; an overdue escalation goes to
the owner and the contract's managers instead. Only active users with an e-mail address who can see the contract
(`contracts_visible_to`) get anything. Rows are planned once per (obligation, offset): someone who starts watching
after a point was planned is reminded from the next point on. Digest readers' rows are the same rows, delivered in
one e-mail per batch and at most one e-mail per reminder day.
"""
