"""Tortoise models, database configuration, migrations and the write transaction."""
