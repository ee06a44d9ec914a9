"""The Slack layer: the Bolt app, its listeners and handlers, the grammar, the wording and the views."""
