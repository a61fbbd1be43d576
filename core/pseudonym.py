"""Pseudonymous keys: state is keyed by an HMAC of channel and chat id, never the raw id."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(key: bytes, channel: str, chat_id: str) -> str:
    """Return a stable, non-reversible key for one chat on one channel."""
    digest = hmac.new(key, f"{channel}:{chat_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:32]
