"""Strawberry types: the GraphQL shape of the ledger's rows."""
