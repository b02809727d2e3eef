from tests.fixtures.mail import _fast_passwords, database_url, make_obligation, manager, smtp, smtp_server  # noqa: F401
