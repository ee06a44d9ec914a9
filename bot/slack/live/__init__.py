"""Slack output that follows a meeting while it runs: its live Join card and the card's thread."""
