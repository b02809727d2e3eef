"""A contract's history over the API: every change to it and to what hangs off it, old -> new (contracts.history)."""

from contracts.history import contract_history_entries, contract_history_rows
from core.history_api import HistoryListView

from .common import ContractChildMixin


class ContractHistoryList(ContractChildMixin, HistoryListView):
    """Every change to the contract and to its SLA and fee rows, clauses, price-change notices, sharing, documents
    and obligations, newest first: who, when, what and why, and each field's old and new value."""

    def history_rows(self):
        return contract_history_rows(self.contract)

    def history_entries(self, rows):
        return contract_history_entries(self.contract, rows)
