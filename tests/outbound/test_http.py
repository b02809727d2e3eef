"""The pinned POST: one DNS lookup, TLS checked against the host name, no redirects, bounded time and size."""

import pytest

from outbound.guard import Refusal, URLRefused
from outbound.http import DeliveryError, Failure, post_json


def test_a_post_reaches_the_server_with_the_host_name_in_the_host_header(receiver, dns):
    # Given a host name that resolves to the local receiver
    dns.add("robot.test", ["127.0.0.1"])
    # When clm posts to it
    response = post_json(
        receiver.url("/send?key=k1", host="robot.test"), b'{"a":1}', {"X-Extra": "1"}, timeout=5, allow_private=True
    )
    # Then the server got the exact body, the name (not the address) as Host, and its answer came back
    (request,) = receiver.requests
    assert request.body == b'{"a":1}'
    assert request.path == "/send" and request.query == {"key": "k1"}
    assert request.headers["host"] == f"robot.test:{receiver.port}"
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    assert request.headers["x-extra"] == "1"
    assert response.status == 200
    assert response.body == b'{"errcode":0,"errmsg":"ok"}'
    assert response.address == "127.0.0.1"
    assert response.elapsed >= 0


def test_the_connection_goes_to_the_checked_address_without_a_second_lookup(receiver, dns):
    # Given a name whose next answer would point elsewhere (DNS rebinding)
    dns.add("rebind.test", ["127.0.0.1"], ["10.20.30.40"])
    # When clm posts to it
    response = post_json(receiver.url(host="rebind.test"), b"{}", timeout=5, allow_private=True)
    # Then the name was looked up once, and the request went to the address that was checked
    assert dns.lookups == ["rebind.test"]
    assert response.status == 200
    assert len(receiver.requests) == 1


def test_tls_succeeds_when_the_certificate_names_the_host_and_sends_it_as_sni(tls_receiver, test_ca, dns):
    # Given a TLS server whose certificate (from the test's CA) names robot.test
    server = tls_receiver("robot.test")
    dns.add("robot.test", ["127.0.0.1"])
    # When clm posts over https, trusting that CA
    response = post_json(server.url(host="robot.test"), b"{}", timeout=5, allow_private=True, ca_certs=test_ca.path)
    # Then the handshake named the host (SNI) although the socket was opened to 127.0.0.1
    assert response.status == 200
    (request,) = server.requests
    assert request.server_name == "robot.test"
    assert request.headers["host"] == f"robot.test:{server.port}"


def test_tls_fails_when_the_certificate_names_another_host(tls_receiver, test_ca, dns):
    # Given a TLS server whose certificate names only other.test, reached under the name robot.test
    server = tls_receiver("other.test")
    dns.add("robot.test", ["127.0.0.1"])
    # When clm posts to robot.test
    with pytest.raises(DeliveryError) as caught:
        post_json(server.url(host="robot.test"), b"{}", timeout=5, allow_private=True, ca_certs=test_ca.path)
    # Then the certificate check refused it and no request was sent
    assert caught.value.code is Failure.TLS
    assert "certificate" in caught.value.detail
    assert server.requests == []


def test_tls_fails_for_a_certificate_from_an_unknown_authority(tls_receiver, dns):
    # Given a server with a certificate for the right name, from a CA that certifi's bundle does not hold
    server = tls_receiver("robot.test")
    dns.add("robot.test", ["127.0.0.1"])
    # Then the default trust store refuses it
    with pytest.raises(DeliveryError) as caught:
        post_json(server.url(host="robot.test"), b"{}", timeout=5, allow_private=True)
    assert caught.value.code is Failure.TLS
    assert server.requests == []


def test_a_redirect_is_returned_with_its_location_and_not_followed(receiver, second_receiver):
    # Given a server that redirects to another (local, private) address
    target = second_receiver.url("/latest/meta-data")
    receiver.answer(status=302, body=b"", headers={"Location": target})
    # When clm posts
    response = post_json(receiver.url(), b"{}", timeout=5, allow_private=True)
    # Then the 302 comes back with the Location, and the redirect target never heard from clm
    assert response.status == 302
    assert response.is_redirect
    assert response.location == target
    assert second_receiver.requests == []


def test_a_server_that_never_answers_is_a_timeout(receiver):
    receiver.answer(hang=True)
    with pytest.raises(DeliveryError) as caught:
        post_json(receiver.url(), b"{}", timeout=0.5, allow_private=True)
    assert caught.value.code is Failure.TIMEOUT


def test_a_server_that_trickles_its_answer_is_stopped_at_the_deadline(receiver):
    # Given a server that sends a header line every 0.1 s, each within the read timeout, forever
    receiver.answer(drip=True)
    # Then the deadline ends the exchange as a timeout, not as an answer
    with pytest.raises(DeliveryError) as caught:
        post_json(receiver.url(), b"{}", timeout=1, deadline=1.5, allow_private=True)
    assert caught.value.code is Failure.TIMEOUT
    assert "deadline" in caught.value.detail


def test_a_large_answer_is_cut_at_the_limit(receiver):
    receiver.answer(body=b"x" * 100_000)
    response = post_json(receiver.url(), b"{}", timeout=5, allow_private=True, max_body=1000)
    assert response.status == 200
    assert response.body == b"x" * 1000
    assert response.truncated


def test_a_refused_connection_is_a_connect_failure(receiver):
    url = receiver.url()
    receiver.stop()
    with pytest.raises(DeliveryError) as caught:
        post_json(url, b"{}", timeout=2, allow_private=True)
    assert caught.value.code is Failure.CONNECT


def test_a_host_resolving_to_a_private_address_is_refused_before_connecting(receiver, dns):
    # Given a public-looking name that resolves to loopback, and private addresses not allowed
    dns.add("hook.example.com", ["127.0.0.1"])
    # Then the guard refuses it at send time, and nothing reached the server
    with pytest.raises(URLRefused) as caught:
        post_json(f"https://hook.example.com:{receiver.port}/hook", b"{}", timeout=2, allow_private=False)
    assert caught.value.code is Refusal.NOT_PUBLIC
    assert str(caught.value.address) == "127.0.0.1"
    assert receiver.requests == []


@pytest.mark.parametrize("name", ["Host", "content-length", "Connection"])
def test_headers_that_shape_the_connection_cannot_be_set_by_the_caller(receiver, name):
    with pytest.raises(ValueError):
        post_json(receiver.url(), b"{}", {name: "x"}, timeout=2, allow_private=True)
    assert receiver.requests == []


def test_a_header_value_with_a_line_break_is_refused(receiver):
    with pytest.raises(ValueError):
        post_json(receiver.url(), b"{}", {"X-Sig": "a\r\nX-Evil: 1"}, timeout=2, allow_private=True)
    assert receiver.requests == []
