"""Scheduled jobs: status sync, reconciliation, expiry, audit (a later issue). Jobs call ledger services only."""
