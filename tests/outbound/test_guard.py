"""The SSRF guard: what may be saved as a robot or webhook URL, and which addresses may be called."""

import ipaddress
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outbound.guard import Refusal, URLRefused, address_allowed, check_url, is_public_address, resolve

# The test's own copy of the special-purpose blocks (IANA IPv4/IPv6 special-purpose registries, multicast, the
# embedded-IPv4 forms), written out independently of outbound.guard so the property tests check it, not echo it.
NON_PUBLIC_V4 = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
]
NON_PUBLIC_V6 = [
    "::/128",
    "::1/128",
    "::/96",  # IPv4-compatible (deprecated)
    "::ffff:0:0/96",  # IPv4-mapped
    "64:ff9b::/96",  # NAT64
    "64:ff9b:1::/48",
    "100::/64",  # discard
    "2001::/23",  # Teredo, benchmarking, ORCHID
    "2001:db8::/32",  # documentation
    "2002:0a00::/24",  # 6to4 of 10.0.0.0/8
    "2002:7f00::/24",  # 6to4 of 127.0.0.0/8
    "2002:a9fe::/32",  # 6to4 of 169.254.0.0/16
    "fc00::/7",  # unique local
    "fe80::/10",  # link-local
    "fec0::/10",  # site-local (deprecated)
    "ff00::/8",  # multicast
]


def addresses_in(networks):
    nets = [ipaddress.ip_network(n) for n in networks]
    return st.sampled_from(nets).flatmap(lambda net: st.integers(0, net.num_addresses - 1).map(lambda i: net[i]))


non_public = st.one_of(addresses_in(NON_PUBLIC_V4), addresses_in(NON_PUBLIC_V6))
# Each IPv4 address also as the IPv6 forms that carry it.
non_public_v4_as_v6 = addresses_in(NON_PUBLIC_V4).flatmap(
    lambda ip: st.sampled_from(
        [
            ipaddress.IPv6Address(f"::ffff:{ip}"),
            ipaddress.IPv6Address(int(ip)),
            ipaddress.IPv6Address(f"64:ff9b::{ip}"),
            ipaddress.IPv6Address((0x2002 << 112) | (int(ip) << 80)),
        ]
    )
)


def url_for(ip) -> str:
    return f"https://[{ip}]/hook" if ip.version == 6 else f"https://{ip}/hook"


# --- check_url: what may be saved -----------------------------------------------------------------------------------


def test_a_robot_url_is_split_into_what_the_connection_needs():
    checked = check_url("https://QYAPI.weixin.qq.com/cgi-bin/webhook/send?key=abc-123", allow_private=False)
    assert checked.scheme == "https"
    assert checked.host == "qyapi.weixin.qq.com"
    assert checked.port == 443
    assert checked.target == "/cgi-bin/webhook/send?key=abc-123"
    assert checked.literal is None
    assert checked.host_header == "qyapi.weixin.qq.com"


def test_a_trailing_dot_and_an_explicit_port_are_normalised():
    checked = check_url("https://hooks.example.com.:8443", allow_private=False)
    assert checked.host == "hooks.example.com"
    assert checked.port == 8443
    assert checked.target == "/"
    assert checked.host_header == "hooks.example.com:8443"


def test_an_international_host_name_is_sent_as_idna():
    assert check_url("https://例子.中国/hook", allow_private=False).host == "xn--fsqu00a.xn--fiqs8s"


@pytest.mark.parametrize("url", ["https://8.8.8.8/hook", "https://[2606:4700:4700::1111]/hook"])
def test_a_public_ip_literal_is_allowed(url):
    assert check_url(url, allow_private=False).literal is not None


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example.com/x", Refusal.SCHEME),
        ("ftp://hooks.example.com/x", Refusal.SCHEME),
        ("javascript:alert(1)", Refusal.SCHEME),
        ("hooks.example.com/x", Refusal.SCHEME),
        ("https://user:pw@hooks.example.com/x", Refusal.USERINFO),
        ("https://hooks.example.com@127.0.0.1/x", Refusal.USERINFO),
        ("https:///x", Refusal.HOST),
        ("https://", Refusal.HOST),
        ("https://localhost/x", Refusal.HOST),
        ("https://intranet/x", Refusal.HOST),
        ("https://api.localhost/x", Refusal.HOST),
        ("https://under_score.example.com/x", Refusal.HOST),
        ("https://-bad.example.com/x", Refusal.HOST),
        ("https://hooks.example..com/x", Refusal.HOST),
        ("https://%31%32%37.0.0.1/x", Refusal.HOST),
        ("https://[fe80::1%25eth0]/x", Refusal.HOST),
        ("https://hooks.example.com:0/x", Refusal.PORT),
        ("https://hooks.example.com:99999/x", Refusal.PORT),
        ("https://hooks.example.com:abc/x", Refusal.PORT),
        ("https://hooks.example.com/a b", Refusal.SYNTAX),
        ("https://hooks.example.com/x\n", Refusal.SYNTAX),
        ("https://hooks.example.com\\@127.0.0.1/x", Refusal.SYNTAX),
        ("https://hooks.example.com/x#frag", Refusal.SYNTAX),
        ("https://hooks.example.com/" + "a" * 2100, Refusal.SYNTAX),
        ("", Refusal.SYNTAX),
    ],
)
def test_urls_that_can_never_be_called_are_refused_with_a_code(url, code):
    with pytest.raises(URLRefused) as caught:
        check_url(url, allow_private=False)
    assert caught.value.code is code
    assert str(caught.value)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.10.20.30",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
        "100.64.0.1",
        "224.0.0.1",
        "255.255.255.255",
        "127.0.0.1.",
        "[::1]",
        "[::]",
        "[fe80::1]",
        "[fc00::1]",
        "[fd12:3456::1]",
        "[fec0::1]",
        "[ff02::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:10.0.0.1]",
        "[::ffff:169.254.169.254]",
        "[::127.0.0.1]",
        "[64:ff9b::a9fe:a9fe]",
        "[2002:7f00:1::1]",
        "[2001:db8::1]",
        "１２７。０。０。１",
    ],
)
def test_private_loopback_link_local_and_special_addresses_are_refused(host):
    with pytest.raises(URLRefused) as caught:
        check_url(f"https://{host}/hook", allow_private=False)
    assert caught.value.code is Refusal.NOT_PUBLIC


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",  # 127.0.0.1 as one decimal number
        "0x7f000001",  # ... as hex
        "017700000001",  # ... as octal
        "0177.0.0.1",  # octal first part
        "0x7f.0.0.1",  # hex first part
        "127.1",  # shortened
        "127.0.1",
        "127.000.000.001",  # leading zeros (octal for inet_aton)
        "3232235777",  # 192.168.1.1
        "hooks.example.123",  # a numeric last label is read as an address by URL parsers
        "hooks.example.0x1f",
    ],
)
def test_numeric_tricks_are_refused_even_when_private_addresses_are_allowed(host):
    for allow_private in (False, True):
        with pytest.raises(URLRefused) as caught:
            check_url(f"https://{host}/hook", allow_private=allow_private)
        assert caught.value.code is Refusal.NUMERIC_HOST


def test_allowing_private_addresses_allows_http_and_loopback_only():
    assert check_url("http://127.0.0.1:8000/hook", allow_private=True).port == 8000
    assert check_url("http://localhost:8000/hook", allow_private=True).host == "localhost"
    assert check_url("http://[::1]:8000/hook", allow_private=True).host_header == "[::1]:8000"
    for url in ("http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data", "http://0.0.0.0:8000/"):
        with pytest.raises(URLRefused) as caught:
            check_url(url, allow_private=True)
        assert caught.value.code is Refusal.NOT_PUBLIC


@given(non_public)
def test_no_special_purpose_address_is_public(ip):
    assert not is_public_address(ip)
    assert not address_allowed(ip, allow_private=False)


@given(non_public_v4_as_v6)
def test_no_ipv6_form_of_a_special_ipv4_address_is_public(ip):
    assert not is_public_address(ip)


@given(st.one_of(non_public, non_public_v4_as_v6))
def test_no_url_naming_a_special_address_passes_the_save_time_check(ip):
    with pytest.raises(URLRefused):
        check_url(url_for(ip), allow_private=False)


@given(st.one_of(non_public, non_public_v4_as_v6))
def test_allowing_private_addresses_still_refuses_everything_but_loopback(ip):
    loopback = ip.is_loopback or (ip.version == 6 and ip.ipv4_mapped is not None and ip.ipv4_mapped.is_loopback)
    if loopback:
        assert check_url(url_for(ip).replace("https", "http"), allow_private=True).literal == ip
    else:
        with pytest.raises(URLRefused):
            check_url(url_for(ip), allow_private=True)


@given(addresses_in(NON_PUBLIC_V4))
def test_no_numeric_spelling_of_a_special_ipv4_address_passes(ip):
    value = int(ip)
    for host in (str(value), hex(value), "0" + oct(value)[2:], f"{ip}."):
        with pytest.raises(URLRefused):
            check_url(f"https://{host}/hook", allow_private=False)


# --- resolve: what may be called -----------------------------------------------------------------------------------


def test_a_host_resolving_to_public_addresses_gives_them_in_order(dns):
    dns.add("hooks.example.com", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "93.184.216.34"])
    assert [str(ip) for ip in resolve("https://hooks.example.com/x", allow_private=False)] == [
        "93.184.216.34",
        "2606:2800:220:1:248:1893:25c8:1946",
    ]


@pytest.mark.parametrize("private", ["10.0.0.5", "127.0.0.1", "169.254.169.254", "::1", "::ffff:192.168.0.1"])
def test_a_host_resolving_to_a_private_address_is_refused_at_send_time(dns, private):
    # Given a name that passes the save-time check
    dns.add("hooks.example.com", [private])
    check_url("https://hooks.example.com/x", allow_private=False)
    # Then the send-time lookup refuses it, naming the address
    with pytest.raises(URLRefused) as caught:
        resolve("https://hooks.example.com/x", allow_private=False)
    assert caught.value.code is Refusal.NOT_PUBLIC
    assert caught.value.address == ipaddress.ip_address(private)
    assert caught.value.host == "hooks.example.com"


def test_one_private_address_among_public_ones_refuses_the_host(dns):
    dns.add("hooks.example.com", ["93.184.216.34", "10.0.0.5"])
    with pytest.raises(URLRefused) as caught:
        resolve("https://hooks.example.com/x", allow_private=False)
    assert caught.value.code is Refusal.NOT_PUBLIC


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ip=st.one_of(non_public, non_public_v4_as_v6))
def test_no_special_address_from_dns_passes(dns, ip):
    # The fake resolver's record is replaced on each example, so sharing the fixture between examples is harmless.
    dns.add("hooks.example.com", [str(ip)])
    with pytest.raises(URLRefused) as caught:
        resolve("https://hooks.example.com/x", allow_private=False)
    assert caught.value.code is Refusal.NOT_PUBLIC


def test_loopback_from_dns_is_allowed_only_with_private_addresses_allowed(dns):
    dns.add("robot.test", ["127.0.0.1"])
    assert [str(ip) for ip in resolve("http://robot.test:8000/x", allow_private=True)] == ["127.0.0.1"]


def test_a_name_without_addresses_is_unresolvable(dns):
    dns.add("gone.example.com", [])
    with pytest.raises(URLRefused) as caught:
        resolve("https://gone.example.com/x", allow_private=False)
    assert caught.value.code is Refusal.UNRESOLVABLE


def test_a_slow_lookup_is_abandoned_after_the_timeout(dns):
    # Given a resolver that does not answer until the test lets it
    dns.add("slow.example.com", ["93.184.216.34"])
    dns.gate = threading.Event()
    # Then the lookup gives up after the timeout
    with pytest.raises(URLRefused) as caught:
        resolve("https://slow.example.com/x", allow_private=False, timeout=0.2)
    dns.gate.set()
    assert caught.value.code is Refusal.UNRESOLVABLE
    assert "timed out" in str(caught.value)


def test_an_ip_literal_needs_no_lookup(dns):
    assert [str(ip) for ip in resolve("https://8.8.8.8/x", allow_private=False)] == ["8.8.8.8"]
    assert dns.lookups == []


def test_a_url_checked_with_private_addresses_allowed_is_checked_again_without(dns):
    checked = check_url("https://127.0.0.1:8443/x", allow_private=True)
    with pytest.raises(URLRefused) as caught:
        resolve(checked, allow_private=False)
    assert caught.value.code is Refusal.NOT_PUBLIC
    with pytest.raises(URLRefused) as caught:
        resolve(check_url("http://robot.test/x", allow_private=True), allow_private=False)
    assert caught.value.code is Refusal.SCHEME
