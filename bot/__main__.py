"""`python -m bot` is the same as the `zoombot` command."""

from bot.cli import main

raise SystemExit(main())
