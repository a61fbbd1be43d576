"""Password hashes: scrypt from the standard library, parameters stored with each hash."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets

# scrypt with N=2^15, r=8, p=1: 32 MiB and some 0.1 s per guess, OWASP's recommendation.
_N, _R, _P, _LENGTH = 2**15, 8, 1, 32
_MAX_MEMORY = 64 * 1024 * 1024
MIN_LENGTH = 10
MAX_LENGTH = 200


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEMORY, dklen=_LENGTH
    )


def _encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


async def hash_password(password: str) -> str:
    """Return the stored form of a password (off the event loop: it is slow on purpose)."""
    salt = secrets.token_bytes(16)
    derived = await asyncio.to_thread(_derive, password, salt, _N, _R, _P)
    return f"scrypt${_N}${_R}${_P}${_encode(salt)}${_encode(derived)}"


async def verify_password(password: str, stored: str | None) -> bool:
    """Tell whether `password` matches `stored`; as slow for no hash, so timing tells nothing."""
    if stored is None:
        await asyncio.to_thread(_derive, password, b"\0" * 16, _N, _R, _P)
        return False
    scheme, n, r, p, salt, expected = stored.split("$")
    if scheme != "scrypt":
        return False
    derived = await asyncio.to_thread(
        _derive, password, base64.b64decode(salt), int(n), int(r), int(p)
    )
    return hmac.compare_digest(derived, base64.b64decode(expected))
