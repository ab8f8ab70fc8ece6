"""The agent workspace's ticket pages (server-rendered, HTMX fragments via partialdef)."""
