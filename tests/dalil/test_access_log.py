"""The access log keeps paths, not query strings nor invitation tokens (issue 13, finding 6)."""

from __future__ import annotations

import logging

from dalil.app import create_app
from tests.helpers.settings import make_settings

VERIFY = "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=the-verify-token&hub.challenge=1"


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_the_verify_token_stays_out_of_the_access_log() -> None:
    create_app(make_settings())
    logger = logging.getLogger("uvicorn.access")
    kept = _Kept()
    logger.addHandler(kept)
    try:
        # As uvicorn's httptools and h11 protocols log every response.
        logger.warning('%s - "%s %s HTTP/%s" %d', "203.0.113.9:443", "GET", VERIFY, "1.1", 200)
    finally:
        logger.removeHandler(kept)
    assert kept.lines == ['203.0.113.9:443 - "GET /webhooks/whatsapp HTTP/1.1" 200']


def test_an_invitation_s_token_stays_out_of_the_access_log() -> None:
    create_app(make_settings())
    logger = logging.getLogger("uvicorn.access")
    kept = _Kept()
    logger.addHandler(kept)
    token = "kq3VbU0r2dQ8xq7kN1m5Yw"
    try:
        for method in ("GET", "POST"):
            path = f"/portal/invitation/{token}"
            logger.warning('%s - "%s %s HTTP/%s" %d', "203.0.113.9:443", method, path, "1.1", 200)
    finally:
        logger.removeHandler(kept)
    assert kept.lines == [
        '203.0.113.9:443 - "GET /portal/invitation/… HTTP/1.1" 200',
        '203.0.113.9:443 - "POST /portal/invitation/… HTTP/1.1" 200',
    ]
