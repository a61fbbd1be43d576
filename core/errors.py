"""Base of every expected error: it carries the HTTP status it should be shown with."""

from __future__ import annotations


class DalilError(Exception):
    """An expected condition, rendered as `{"error": code, "detail": message}`."""

    status_code = 400
    code = "bad_request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
