"""A real SMTP server (aiosmtpd on 127.0.0.1, a free port) that the reminder code talks to over TCP."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from accounts.models import Role
from tests.factories import ContractFactory, ObligationFactory, UserFactory


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: keeps accepted messages; can refuse mail, or hold a recipient until released."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refusing = False
        self.hold_at: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self._rcpts = 0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._lock:
            self._rcpts += 1
            count = self._rcpts
        if self.hold_at is not None and count == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "421 4.3.0 closing"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def by_recipient(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def obligation_ids(self) -> list[int]:
        return [int(i) for m in self.messages for i in m["X-CLM-Obligations"].split(",")]


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    mailbox.release.set()
    controller.stop()


@pytest.fixture
def smtp(settings, smtp_server):
    """Django sends through the real SMTP server (tests/conftest.py defaults to the in-memory outbox)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.SITE_URL = "https://clm.example.com"
    return smtp_server


@pytest.fixture
def make_obligation():
    """An open obligation on a contract owned by a procurement staff member (who may see it)."""

    def make(*, owner=None, **fields):
        owner = owner or UserFactory(role=Role.PROCUREMENT_STAFF)
        contract = ContractFactory(owner=owner)
        return ObligationFactory(contract=contract, **fields)

    return make


@pytest.fixture
def manager():
    return UserFactory(username="boss", role=Role.PROCUREMENT_MANAGER, language="en")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """These tests create many users and never log in: skip the deliberately slow password hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def database_url() -> str:
    """DATABASE_URL of the test database, for worker processes that must see the test's committed rows."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
