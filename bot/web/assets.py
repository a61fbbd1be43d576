"""How the chat's bytes travel: compressed once, named by their content, revalidated cheaply.

Why. The people who use the web chat often pay for every megabyte and wait on slow networks.
Each file is gzipped once when the process starts (a cheap phone inflates gzip faster than
its network delivers); the page names each file with a digest of its content
(`/chat/chat.js?v=<digest>`), so a browser keeps it for a year and never asks for it again
until a release changes it; and everything carries an ETag, so what is asked again without
a digest (the page itself, a file named by an older page) costs a 304 and no body.
Conversation data is never cached (`no-store`); it is only compressed.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

# Below this, gzip's header and the work cost more than they save.
MIN_GZIP_BYTES = 512
# Named by its content: the name changes whenever the content does.
IMMUTABLE = "public, max-age=31536000, immutable"
# The same address may hold something else tomorrow: ask each time, 304 when unchanged.
REVALIDATE = "no-cache"
_GZIP_SUFFIX = "-gz"


@dataclass(frozen=True, slots=True)
class Asset:
    """One body served as it is, with its gzipped form (when smaller) and its digest."""

    body: bytes
    media_type: str
    digest: str
    gzipped: bytes | None

    @classmethod
    def of(cls, body: bytes, media_type: str) -> Asset:
        """Return `body` ready to serve: digested, and gzipped once."""
        digest = hashlib.sha256(body).hexdigest()[:16]
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        small = len(body) < MIN_GZIP_BYTES or len(packed) >= len(body)
        return cls(body, media_type, digest, None if small else packed)


def accepts_gzip(request: Request) -> bool:
    """Tell whether the request's Accept-Encoding takes gzip (`gzip`, or `*`, not at q=0)."""
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, parameters = part.partition(";")
        if coding.strip().lower() not in ("gzip", "*"):
            continue
        name, _, value = parameters.strip().partition("=")
        if name.strip().lower() != "q":
            return True
        try:
            return float(value) > 0
        except ValueError:
            return False
    return False


def _has(if_none_match: str | None, digest: str) -> bool:
    """Tell whether an If-None-Match header names either form of the asset `digest`."""
    if if_none_match is None:
        return False
    for tag in if_none_match.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        if tag == "*" or tag.removesuffix(_GZIP_SUFFIX) == digest:
            return True
    return False


def respond(
    request: Request, asset: Asset, *, cache_control: str, vary: str, headers: dict[str, str]
) -> Response:
    """Answer with `asset`: 304 when the browser has it, gzipped when the browser takes it."""
    packed = asset.gzipped if asset.gzipped is not None and accepts_gzip(request) else None
    etag = f'"{asset.digest}{_GZIP_SUFFIX if packed is not None else ""}"'
    common = {**headers, "Cache-Control": cache_control, "ETag": etag, "Vary": vary}
    if _has(request.headers.get("if-none-match"), asset.digest):
        return Response(status_code=304, headers=common)
    if packed is not None:
        encoded = {**common, "Content-Encoding": "gzip"}
        return Response(packed, media_type=asset.media_type, headers=encoded)
    return Response(asset.body, media_type=asset.media_type, headers=common)


def compressed(request: Request, body: bytes, media_type: str, headers: dict[str, str]) -> Response:
    """Answer with a body made for this request only: gzipped when large enough and taken."""
    varying = {**headers, "Vary": "Accept-Encoding"}
    if len(body) < MIN_GZIP_BYTES or not accepts_gzip(request):
        return Response(body, media_type=media_type, headers=varying)
    # Level 6: a reply is compressed once per poll, on the request's path.
    packed = gzip.compress(body, compresslevel=6, mtime=0)
    return Response(packed, media_type=media_type, headers={**varying, "Content-Encoding": "gzip"})
