"""The contract pages, one module per subject: the register, one contract, its clauses, documents and sharing."""
