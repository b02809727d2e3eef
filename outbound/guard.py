"""Which URLs clm may POST to: the server-side request forgery guard.

A chat robot or webhook URL is typed in by a user or an administrator, and clm's server then calls it. Without a
guard that is a way to make the server call itself, the cloud metadata service (169.254.169.254) or anything on the
internal network. The guard runs twice:

- `check_url` when the URL is saved: syntax, https only, no user name or password, a real host name (or a public
  IP literal). It needs no network, so a form can answer at once.
- `resolve` at send time: the host is looked up in DNS and *every* address it returns must be public; the caller then
  connects to one of exactly these addresses (see `outbound.http`), so a DNS answer that changes between the check
  and the connection (DNS rebinding) cannot redirect the request.

"Public" is decided from the IANA special-purpose address registries (RFC 6890 and successors), not from
`ipaddress.is_global` alone, whose answer differs between Python versions (in 3.11 it calls 224.0.0.1 and fec0::1
global). IPv6 must be global unicast (2000::/3); IPv4-mapped, IPv4-compatible, NAT64 and 6to4 forms are judged by the
IPv4 address they carry or refused outright.

Host names that a resolver would read as an IPv4 address although they are not the canonical dotted quad
(``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``127.1``, a numeric last label) are refused: browsers, curl and libc
disagree about them, and no legitimate webhook needs them.

`allow_private=True` (the product's ``WEBHOOK_ALLOW_PRIVATE=1``, for tests and local receivers) additionally allows
plain http and loopback addresses, nothing else.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import urllib.parse
from dataclasses import dataclass
from enum import StrEnum

import idna

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"https": 443, "http": 80}

# IPv4 blocks that are not globally reachable, plus multicast, broadcast and the deprecated 6to4 relay anycast.
_IPV4_REFUSED = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network", includes 0.0.0.0
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, includes the cloud metadata address
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes 255.255.255.255
    )
)
_IPV6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
# Inside 2000::/3: protocol assignments (Teredo, benchmarking, ORCHID), documentation, and 6to4 (judged by the
# IPv4 address it embeds, see `is_public_address`).
_IPV6_REFUSED = tuple(ipaddress.IPv6Network(n) for n in ("2001::/23", "2001:db8::/32", "3fff::/20"))
_IPV4_LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")
_IPV6_LOOPBACK = ipaddress.IPv6Address("::1")

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


class Refusal(StrEnum):
    """Why a URL was refused; the Django layer turns each code into a sentence in the reader's language."""

    SYNTAX = "syntax"  # not a URL clm can call: too long, spaces, control characters, a fragment
    SCHEME = "scheme"  # not https (or http when private addresses are allowed)
    USERINFO = "userinfo"  # a user name or password before the host
    HOST = "host"  # no host, or not a valid host name
    NUMERIC_HOST = "numeric_host"  # an IPv4 address in a non-canonical form (decimal, octal, hex, shortened)
    PORT = "port"  # a port that is not a number from 1 to 65535
    NOT_PUBLIC = "not_public"  # the host is, or resolves to, a private, loopback, link-local ... address
    UNRESOLVABLE = "unresolvable"  # the host name has no address (or the lookup timed out)


_MESSAGES = {
    Refusal.SYNTAX: "not a URL that can be called",
    Refusal.SCHEME: "only https URLs are allowed",
    Refusal.USERINFO: "a URL must not carry a user name or password",
    Refusal.HOST: "not a valid host name",
    Refusal.NUMERIC_HOST: "an IP address written in a non-standard form",
    Refusal.PORT: "not a valid port",
    Refusal.NOT_PUBLIC: "the address is not a public internet address",
    Refusal.UNRESOLVABLE: "the host name could not be resolved",
}


class URLRefused(ValueError):
    """The one error of the guard. `code` says why; `address` is the offending IP when there is one."""

    def __init__(self, code: Refusal, *, host: str = "", address: IPAddress | None = None, detail: str = ""):
        self.code = code
        self.host = host
        self.address = address
        self.detail = detail
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [_MESSAGES[self.code]]
        if self.address is not None:
            parts.append(
                f"{self.host} -> {self.address}" if self.host and self.host != str(self.address) else str(self.address)
            )
        elif self.host:
            parts.append(self.host)
        if self.detail:
            parts.append(self.detail)
        return ": ".join(parts)


@dataclass(frozen=True)
class CheckedURL:
    """A URL that passed `check_url`, split into what a pinned connection needs.

    `host` is ASCII (IDNA), lower case, without brackets or a trailing dot; `literal` is set when the host is an IP
    address, so no DNS lookup is needed; `target` is the path and query sent in the request line.
    """

    url: str
    scheme: str
    host: str
    port: int
    target: str
    literal: IPAddress | None

    @property
    def host_header(self) -> str:
        """The Host header (and the name the TLS certificate must carry, without the port)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def is_public_address(ip: IPAddress) -> bool:
    """True for an address on the public internet; False for every special-purpose or non-unicast block."""
    if isinstance(ip, ipaddress.IPv4Address):
        return not any(ip in net for net in _IPV4_REFUSED)
    if ip.scope_id or ip not in _IPV6_GLOBAL_UNICAST or any(ip in net for net in _IPV6_REFUSED):
        return False
    if ip.sixtofour is not None:
        return is_public_address(ip.sixtofour)
    # Belt and braces: whatever the running Python's own tables call non-global stays refused too.
    return not (ip.is_private or ip.is_reserved or ip.is_multicast or ip.is_link_local or ip.is_site_local)


def address_allowed(ip: IPAddress, *, allow_private: bool) -> bool:
    """Public, or loopback when private addresses are allowed (an IPv4-mapped loopback counts as loopback)."""
    if is_public_address(ip):
        return True
    if not allow_private:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip in _IPV4_LOOPBACK if isinstance(ip, ipaddress.IPv4Address) else ip == _IPV6_LOOPBACK


def check_url(url: str, *, allow_private: bool) -> CheckedURL:
    """Refuse a URL that can never be called safely; needs no network. Raises `URLRefused`."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        raise URLRefused(Refusal.SYNTAX)
    if any(ord(c) <= 0x20 or ord(c) == 0x7F or c == "\\" for c in url):
        raise URLRefused(Refusal.SYNTAX, detail="spaces, control characters or backslashes")
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as exc:
        raise URLRefused(Refusal.SYNTAX, detail=str(exc)) from None
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and allow_private):
        raise URLRefused(Refusal.SCHEME, detail=scheme or "none")
    if parts.fragment or "#" in url:
        raise URLRefused(Refusal.SYNTAX, detail="a fragment (#...)")
    if "@" in parts.netloc:
        raise URLRefused(Refusal.USERINFO)
    if not (parts.path + parts.query).isascii():
        raise URLRefused(Refusal.SYNTAX, detail="non-ASCII characters in the path or query")
    try:
        port = parts.port
    except ValueError:
        raise URLRefused(Refusal.PORT) from None
    if port == 0:
        raise URLRefused(Refusal.PORT)
    host, literal = _normalise_host(parts.hostname or "", netloc=parts.netloc, allow_private=allow_private)
    if literal is not None and not address_allowed(literal, allow_private=allow_private):
        raise URLRefused(Refusal.NOT_PUBLIC, host=host, address=literal)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return CheckedURL(
        url=url,
        scheme=scheme,
        host=host,
        port=port or DEFAULT_PORTS[scheme],
        target=target,
        literal=literal,
    )


def resolve(url: str | CheckedURL, *, allow_private: bool, timeout: float = 5.0) -> list[IPAddress]:
    """The addresses to connect to: every address the host resolves to, all of them allowed, in resolver order.

    One refused address refuses the whole host: a name that answers both a public and a private address is either
    misconfigured or an attack, and connecting to "the public one" would leave the choice to whoever controls DNS.
    """
    checked = url if isinstance(url, CheckedURL) else check_url(url, allow_private=allow_private)
    if checked.scheme != "https" and not allow_private:
        raise URLRefused(Refusal.SCHEME, detail=checked.scheme)
    addresses = [checked.literal] if checked.literal is not None else _lookup(checked.host, checked.port, timeout)
    if not addresses:
        raise URLRefused(Refusal.UNRESOLVABLE, host=checked.host)
    for ip in addresses:
        if not address_allowed(ip, allow_private=allow_private):
            raise URLRefused(Refusal.NOT_PUBLIC, host=checked.host, address=ip)
    return addresses


def _normalise_host(raw: str, *, netloc: str, allow_private: bool) -> tuple[str, IPAddress | None]:
    """The ASCII host name and, for an IP literal, its address. Refuses numeric tricks and malformed names."""
    if not raw:
        raise URLRefused(Refusal.HOST)
    if netloc.startswith("[") or ":" in raw:
        if "%" in raw:
            raise URLRefused(Refusal.HOST, host=raw, detail="an IPv6 zone")
        try:
            return raw, ipaddress.IPv6Address(raw)
        except ValueError:
            raise URLRefused(Refusal.HOST, host=raw) from None
    if "%" in raw:
        raise URLRefused(Refusal.HOST, host=raw, detail="percent-encoding")
    try:
        # UTS 46 maps full-width digits and dots (１２７。０。０。１) to ASCII, so every later check sees what a
        # resolver would.
        host = idna.encode(raw, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise URLRefused(Refusal.HOST, host=raw) from None
    if host.endswith("."):
        host = host[:-1]
    labels = host.split(".")
    if _NUMERIC_LABEL.match(labels[-1]):
        try:
            return host, ipaddress.IPv4Address(host)
        except ValueError:
            raise URLRefused(Refusal.NUMERIC_HOST, host=raw) from None
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise URLRefused(Refusal.HOST, host=raw)
    if not allow_private and (len(labels) < 2 or labels[-1] == "localhost"):
        raise URLRefused(Refusal.HOST, host=raw, detail="not a public host name")
    return host, None


def _lookup(host: str, port: int, timeout: float) -> list[IPAddress]:
    """All addresses of `host`, deduplicated in resolver order. `getaddrinfo` has no timeout of its own, so it runs
    in a daemon thread that is abandoned (not waited for) when it takes longer than `timeout`."""
    result: list[IPAddress] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            failure.append(exc)
            return
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if ip not in result:
                result.append(ip)

    thread = threading.Thread(target=run, name=f"outbound-dns-{host}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise URLRefused(Refusal.UNRESOLVABLE, host=host, detail="the lookup timed out")
    if failure:
        raise URLRefused(Refusal.UNRESOLVABLE, host=host, detail=str(failure[0]))
    return list(result)
