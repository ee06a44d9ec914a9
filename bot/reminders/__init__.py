"""Background jobs: reminders before meetings and morning digests, each delivered exactly once.

Exactly once across restarts and processes (see ``delivery.py`` for the guarantees). The jobs
are built by ``bot/compose.py``."""
