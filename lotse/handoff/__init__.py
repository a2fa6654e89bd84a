"""Handoffs to counselling agencies: stored first, then delivered from an outbox.

No Rasa imports: the action server stores handoffs, the worker delivers them and the agency
inbox shows them; all three share this package and one database (SQLite file by default,
PostgreSQL by ``LOTSE_DATABASE_URL``).
"""
