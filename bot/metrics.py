"""Prometheus metrics, one registry per app so tests and the sandbox stay isolated."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.http_requests = Counter(
            "zoombot_http_requests",
            "HTTP requests by route and status",
            ["route", "status"],
            registry=self.registry,
        )
        self.http_latency = Histogram(
            "zoombot_http_request_seconds",
            "Time to answer an HTTP request",
            ["route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        # (route, status) → its labelled counter and histogram; labels() is not free per request.
        self._http_children: dict[tuple[str, int], tuple[Any, Any]] = {}
        self.slack_rejected = Counter(
            "zoombot_slack_signature_rejections",
            "Slack requests refused by the signature check",
            ["reason"],
            registry=self.registry,
        )
        self.commands = Counter(
            "zoombot_commands",
            "/zoom subcommands handled",
            ["subcommand", "outcome"],
            registry=self.registry,
        )
        self.zoom_calls = Counter(
            "zoombot_zoom_calls",
            "Zoom API calls by operation and outcome",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.token_refreshes = Counter(
            "zoombot_token_refreshes",
            "Zoom token refreshes by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.reminders = Counter(
            "zoombot_reminders",
            "Reminders by final state",
            ["state"],
            registry=self.registry,
        )

    def http_request(self, route: str, status: int, seconds: float) -> None:
        """Count and time one answered HTTP request."""
        children = self._http_children.get((route, status))
        if children is None:
            children = self._http_children[(route, status)] = (
                self.http_requests.labels(route=route, status=str(status)),
                self.http_latency.labels(route=route),
            )
        children[0].inc()
        children[1].observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
