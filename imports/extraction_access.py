"""One read contract file for one user: another user's is a 404; using it needs the right to create contracts."""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import AnyUser

from .extraction_selectors import extractions_visible_to
from .models import Extraction

CREATE_CONTRACT = "contracts.add_contract"


def check_may_read_contracts(user: AnyUser) -> None:
    """Reading a file proposes a new contract: for those who may create contracts (403 for the others)."""
    if not user.has_perm(CREATE_CONTRACT):
        raise PermissionDenied(_("Your role cannot create contracts, so it cannot read contract files either."))


def access_extraction(user: AnyUser, pk: int | str, *, to: Literal["view", "use"] = "view") -> Extraction:
    extraction = get_object_or_404(extractions_visible_to(user), pk=pk)
    if to == "use":
        check_may_read_contracts(user)
    return extraction
