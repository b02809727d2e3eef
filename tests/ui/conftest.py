from tests.fixtures.pages import _fast_password_hashing, _pages_in_english, contract, owner, people, vendor  # noqa: F401
from tests.fixtures.urls import debug_urls  # noqa: F401
