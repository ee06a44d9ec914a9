"""The small HTML page a browser shows after Zoom's consent screen.

Plain, self-contained HTML (no scripts, no external assets). The wording for each
outcome lives in ``bot.slack.hints.pages.link_outcome_page`` with every other user-facing text.
"""

from __future__ import annotations

from html import escape

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer"><title>{title} · zoombot</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#1d1c1d}}
h1{{font-size:1.4em}} .ok{{color:#007a5a}} .fail{{color:#e01e5a}}</style></head>
<body><h1 class="{css}">{title}</h1>{paragraphs}
<p>You can close this tab and go back to Slack.</p></body></html>
"""


def render_page(title: str, paragraphs: list[str], *, ok: bool) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return _PAGE.format(title=escape(title), css="ok" if ok else "fail", paragraphs=body)
