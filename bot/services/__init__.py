"""Business logic between the Slack listeners and the Zoom client / store.

Listeners parse, call one service, render. Services know nothing about Bolt.
"""
