"""Services that write obligations."""

from contracts.models import Contract


def derive_obligations(contract: Contract) -> None:
    """Placeholder until the obligation engine lands (being written in this session)."""
