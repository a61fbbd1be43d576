"""Chat ids kept sealed: AES-GCM under a key derived from PSEUDONYM_KEY, bound to their row.

Delivery needs the platform's chat id (on WhatsApp, the phone number) where only a pseudonym
keys the rest; where it must be kept, it is kept sealed, bound to the row's pseudonym and
channel, so that a copy of the table alone reveals nobody.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12


class UnreadableChatId(Exception):
    """A sealed chat id that this key cannot open (another key, or altered)."""


def _cipher(secret: bytes, label: bytes) -> AESGCM:
    return AESGCM(hmac.new(secret, label, hashlib.sha256).digest())


def _bound_to(key: str, channel: str) -> bytes:
    return f"{channel}:{key}".encode()


def seal(secret: bytes, label: bytes, *, key: str, channel: str, chat_id: str) -> str:
    """Return `chat_id` encrypted for the row of pseudonym `key` on `channel`."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _cipher(secret, label).encrypt(nonce, chat_id.encode(), _bound_to(key, channel))
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(secret: bytes, label: bytes, *, key: str, channel: str, sealed: str) -> str:
    """Return the chat id sealed for `key` on `channel`; UnreadableChatId if it cannot be."""
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        plain = _cipher(secret, label).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _bound_to(key, channel)
        )
    except (InvalidTag, ValueError) as error:
        raise UnreadableChatId("sealed chat id") from error
    return plain.decode()
