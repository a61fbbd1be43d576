"""The web chat channel: a page at `/chat`, its JSON endpoints, and its outbox in Redis."""
