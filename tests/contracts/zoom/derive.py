"""Derive the vendored subset of Zoom's OpenAPI documents from Zoom's full documents.

    python tests/contracts/zoom/derive.py --source DIR

``DIR`` holds Zoom's published documents in their usual layout (``endpoints/workplace/
Meetings.json`` …, see ``SOURCE.md``). The script keeps, unchanged, the operations and webhook
events the bot, its Zoom simulator and the planned features use (chosen by tag and event
prefix below), plus every webhook event a kept event ``$ref``s into, and writes the result
beside itself with ``provenance.json`` (the sha256 of each input and output). Everything the
subset keeps is byte-for-byte the same JSON value as in Zoom's document, so the contract
checks on a kept operation are exactly as strict as on the full document; an operation left
out is "not in Zoom's OpenAPI documents", as an undocumented one always was.

Why a subset: the documents are Zoom's, published under Zoom's API terms, which neither grant
nor refuse redistribution; the bot needs about a third of them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# Endpoint documents: which operations to keep, by the document's own tags.
ENDPOINT_TAGS: dict[str, tuple[str, ...]] = {
    "endpoints/workplace/Meetings.json": (
        "Meetings",
        "Cloud Recording",
        "Reports",
        "Summaries",
        "Invitation & Registration",
    ),
    "endpoints/accounts/Users.json": ("Users",),
    "endpoints/accounts/Accounts.json": ("Dashboards",),
}

# Webhook documents: which events to keep, by name prefix.
WEBHOOK_PREFIXES: dict[str, tuple[str, ...]] = {
    "webhooks/workplace/Meetings.json": ("meeting.", "recording."),
    "webhooks/marketplace/Marketplace.json": ("",),
    "webhooks/accounts/Users.json": ("user.",),
}

_REF = re.compile(r'"\$ref":\s*"#/(?:paths|webhooks)/([^/"]+)/')


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def subset_endpoints(document: dict[str, Any], tags: tuple[str, ...]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for template, item in document["paths"].items():
        kept = {
            key: value
            for key, value in item.items()
            # Path-level entries (parameters, summary) stay with any kept operation.
            if not isinstance(value, dict) or "tags" not in value or set(value["tags"]) & set(tags)
        }
        if any(isinstance(v, dict) and "tags" in v for v in kept.values()):
            paths[template] = kept
    return {**document, "paths": paths}


def subset_webhooks(document: dict[str, Any], prefixes: tuple[str, ...]) -> dict[str, Any]:
    events = document["webhooks"]
    wanted = [name for name in events if name.startswith(prefixes) and not name.startswith("webinar.")]
    keep: set[str] = set()
    while wanted:  # the closure over $refs between events
        name = wanted.pop()
        if name in keep:
            continue
        keep.add(name)
        wanted.extend(_REF.findall(json.dumps(events[name])))
    return {**document, "webhooks": {name: body for name, body in events.items() if name in keep}}


def derive(source: Path, target: Path) -> dict[str, Any]:
    provenance: dict[str, Any] = {"documents": {}}
    jobs: list[tuple[str, Any]] = [(name, ("endpoints", tags)) for name, tags in ENDPOINT_TAGS.items()]
    jobs += [(name, ("webhooks", prefixes)) for name, prefixes in WEBHOOK_PREFIXES.items()]
    for relative, (kind, selection) in jobs:
        full = source / relative
        document = json.loads(full.read_text(encoding="utf-8"))
        if kind == "endpoints":
            derived = subset_endpoints(document, selection)
            counts = {"operations_kept": _operations(derived), "operations_in_source": _operations(document)}
        else:
            derived = subset_webhooks(document, selection)
            counts = {"events_kept": len(derived["webhooks"]), "events_in_source": len(document["webhooks"])}
        out = target / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            json.dumps(derived, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
        )
        provenance["documents"][relative] = {
            "source_sha256": sha256(full),
            "sha256": sha256(out),
            "selection": list(selection),
            **counts,
        }
    (target / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")
    return provenance


def _operations(document: dict[str, Any]) -> int:
    return sum(
        1 for item in document["paths"].values() for v in item.values() if isinstance(v, dict) and "tags" in v
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="folder with Zoom's full documents")
    parser.add_argument(
        "--target", type=Path, default=HERE, help="where to write (default: beside this file)"
    )
    args = parser.parse_args()
    provenance = derive(args.source, args.target)
    print(json.dumps(provenance, indent=2))


if __name__ == "__main__":
    main()
