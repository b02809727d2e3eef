from tests.fixtures.api import _fast_passwords, world  # noqa: F401
