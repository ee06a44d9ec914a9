"""zoombot: run Zoom from Slack."""

__version__ = "0.1.0"
