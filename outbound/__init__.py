"""Messages that leave clm over HTTP: chat robots (WeCom, DingTalk, Feishu) and outgoing webhooks.

Plain Python on purpose (no Django, no clm app): the URL guard, the pinned HTTP client, the robot payloads and the
webhook signature are the parts an attacker aims at, so they are small, typed and tested on their own. The Django
layer stores channels and endpoints, claims deliveries and words the error codes in the reader's language.

- `outbound.guard`: which URLs may be called at all (at save time) and which addresses (at send time).
- `outbound.http`: one POST to the address the guard checked, no redirects, bounded in time and size.
- `outbound.robots`: each platform's documented robot message, signed, and what its answer means.
- `outbound.webhooks`: the signed JSON body of an outgoing webhook, its verification, the retry backoff.
"""
