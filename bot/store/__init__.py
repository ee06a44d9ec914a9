"""Persistence: the database handle, schema and migrations, the token vault and repositories.

All SQL of the bot lives in this package.
"""
