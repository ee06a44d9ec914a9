"""zoombot: run Zoom from Slack."""

__version__ = "0.1.0"

import sys

# httpx imports its command-line client (rich, click and pygments: about 6 MB of memory) on
# every ``import httpx`` wherever those are installed, as they are beside the development
# tools. The bot never runs that client; httpx falls back to a stub when the import fails.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
