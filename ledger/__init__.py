"""The ledger core: accounts, transfers, rewards and the event log.

Nothing here imports GraphQL, an HTTP framework or a concrete provider; the API, the providers and the
scheduler depend on this package, never the other way round.
"""
