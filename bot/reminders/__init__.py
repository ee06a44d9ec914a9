"""Background jobs: reminders before meetings and morning digests, delivered exactly once across
restarts and processes (see ``delivery.py`` for the guarantees). Built by ``bot/compose.py``."""
