"""Everything needed to run the real bot offline: a Zoom simulator, a Slack stand-in, wiring."""
