from tests.fixtures.mail import _fast_passwords, make_obligation  # noqa: F401
from tests.outbound.conftest import receiver  # noqa: F401
