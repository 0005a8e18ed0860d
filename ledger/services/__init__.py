"""One function per command. Each runs in a unit of work (ledger.persistence.unit_of_work)."""
