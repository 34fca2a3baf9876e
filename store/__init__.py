"""Persistence: SQLModel tables, engine set-up, migrations and the queries the core needs.

The service layer calls `store.repo` functions with a session; it never writes SQL itself.
"""
