"""Messages that leave clm over HTTP: chat robots (WeCom, DingTalk, Feishu) and outgoing webhooks.

Plain Python on purpose (no Django, no clm app): the URL guard, the pinned HTTP client, the robot payloads and the
webhook signature are what an attacker aims at, so they are small, typed and tested on their own. The Django layer
stores channels and endpoints, claims deliveries, retries them and words the error codes in the reader's language.

- `outbound.guard`: which URLs may be saved (`check_url`) and which addresses may be called (`resolve`); one error,
  `URLRefused`, with a `Refusal` code.
- `outbound.http`: `post_json`, one POST to an address the guard allowed, no redirects, bounded in time and size;
  `Response`, `DeliveryError` (a `Failure` code) and `Outcome`, the verdict every sender returns.
- `outbound.robots`: `Reminder`, each platform's documented message and signature (`build`), the meaning of its
  answer (`interpret`), and `send`, which does all three.
- `outbound.webhooks`: `build` (signed body and headers), `verify_signature`, `interpret`, `send`, `retry_delay`.

Typical use from the Django layer::

    check_url(form_url, allow_private=settings.WEBHOOK_ALLOW_PRIVATE)      # in the form's clean(); URLRefused.code
    outcome = robots.send(kind, url, secret, Reminder(title, lines, link, label),
                          timeout=5, allow_private=settings.WEBHOOK_ALLOW_PRIVATE)
    if not outcome.ok: ...  # keep the claim unsent, log outcome.code / outcome.error / outcome.status, retry later
"""
