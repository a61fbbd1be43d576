"""What the access log may say: paths, never query strings nor invitation tokens.

Meta's verification GET carries WHATSAPP_VERIFY_TOKEN in its query string, and a query may
name a person's search; uvicorn's access log would keep both. An invitation's link is the
key to an account until it is used: the log keeps only that an invitation was opened.
"""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"
# Paths whose last part is a secret: logged up to it.
SECRET_PATHS = ("/portal/invitation/",)


def _logged_path(path: str) -> str:
    path = path.partition("?")[0]
    for secret in SECRET_PATHS:
        if path.startswith(secret):
            return secret + "…"
    return path


class WithoutQueryStrings(logging.Filter):
    """Cut the query string and secrets off the path of uvicorn's access log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's path argument; keep every record."""
        # uvicorn logs '%s - "%s %s HTTP/%s" %d' with (client, method, path, version, status).
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], _logged_path(args[2]), args[3], args[4])
        return True


def drop_query_strings() -> None:
    """Install the filter on uvicorn's access logger, once however often the app is built."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, WithoutQueryStrings) for f in logger.filters):
        logger.addFilter(WithoutQueryStrings())
