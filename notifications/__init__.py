"""Reminders in chat groups (WeCom, DingTalk, Feishu robots) and outgoing webhooks: the Django layer over `outbound`.

- `models`: chat channels (a user's own, or a contract's team channel), one chat delivery per (obligation, channel,
  offset), webhook endpoints and their delivery log.
- `services`: saving channels (the URL is checked by `outbound.guard` when saved) and emitting webhook events.
- `chat`: the chat sweep: plan deliveries from the planned reminder e-mails, claim them, send them concurrently.
- `webhooks`: claim, send and retry webhook deliveries.
"""
