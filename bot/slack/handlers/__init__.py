"""The `/zoom` handlers, one module per area (account, meetings, reminders): parse → service → render.

Which handler serves which command is written once, in ``bot/slack/subcommands.py``.
"""
