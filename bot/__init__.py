"""Quorum's platform-neutral core: grammar, time, use cases, messages and jobs.

Nothing in this package imports a platform SDK or writes SQL: adapters translate platform payloads into
`bot.events.Inbound`, the service layer turns them into `bot.messages.OutMessage`s, and `store/` owns SQL.
"""
