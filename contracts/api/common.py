"""What every contract API view under contracts/{contract_pk}/ does first: fetch the contract through
contracts.access, so a hidden one answers 404 before anything else happens and one the caller may only read 403."""

from django.utils.functional import cached_property

from contracts.access import ContractUse, access_contract
from contracts.models import Contract


class ContractChildMixin:
    @cached_property
    def contract(self) -> Contract:
        return access_contract(self.request.user, self.kwargs["contract_pk"])

    def contract_to(self, to: ContractUse) -> Contract:
        """The contract, if the caller may use it `to` change it, edit its clauses..."""
        contract = access_contract(self.request.user, self.kwargs["contract_pk"], to=to)
        self.__dict__["contract"] = contract
        return contract
