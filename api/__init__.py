"""The GraphQL API, webhook routes, the Litestar app factory, settings and the CLI: the composition root."""
