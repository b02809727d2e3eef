from tests.fixtures.pdf import contract, owner  # noqa: F401
