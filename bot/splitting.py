"""Fitting reply text into platform limits: split between services, shorten labels safely.

Lengths are counted in UTF-16 code units, as the platforms do for their "characters": an emoji
outside the Basic Multilingual Plane counts twice. Cuts fall between grapheme clusters
(approximated: a base character with its combining marks, variation selectors, skin tones and
zero-width-joined parts), so a flag, a family emoji or an Arabic letter with its harakat is
never torn in half.
"""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"
_ZWJ = "\u200d"
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_TAGS = range(0xE0020, 0xE0080)
_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)


def units(text: str) -> int:
    """Return the length of `text` in UTF-16 code units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _extends(previous: str, char: str) -> bool:
    code = ord(char)
    return (
        previous == _ZWJ
        or char == _ZWJ
        or unicodedata.category(char) in {"Mn", "Me", "Mc"}
        or 0xFE00 <= code <= 0xFE0F
        or code in _SKIN_TONES
        or code in _TAGS
    )


def clusters(text: str) -> list[str]:
    """Split `text` into user-perceived characters (a close approximation of UAX #29)."""
    result: list[str] = []
    pending_flag = False
    for char in text:
        if result and _extends(result[-1][-1], char):
            result[-1] += char
            continue
        if ord(char) in _REGIONAL_INDICATORS:
            # Flags are pairs of regional indicators.
            if pending_flag:
                result[-1] += char
                pending_flag = False
                continue
            pending_flag = True
        else:
            pending_flag = False
        result.append(char)
    return result


def shorten(text: str, limit: int) -> str:
    """Return `text` within `limit` units, cut between clusters and ended with an ellipsis."""
    text = text.strip()
    if units(text) <= limit:
        return text
    kept = ""
    for cluster in clusters(text):
        if units(kept) + units(cluster) + units(ELLIPSIS) > limit:
            break
        kept += cluster
    return kept.rstrip() + ELLIPSIS


def _cut(block: str, limit: int) -> tuple[str, str]:
    """Split a block too long for one message: at a line or word end when there is one."""
    head = ""
    for cluster in clusters(block):
        if units(head) + units(cluster) > limit:
            break
        head += cluster
    if not head:  # a single cluster longer than the limit: nothing sensible but to send it
        head = clusters(block)[0]
    for separator in ("\n", " "):
        at = head.rfind(separator)
        if at > len(head) // 2:
            return head[:at], block[at + 1 :]
    return head, block[len(head) :]


def split_text(text: str, limit: int) -> list[str]:
    """Split at blank lines so no service is cut in half; cut inside only a giant block."""
    chunks: list[str] = []
    current = ""
    for block in text.split("\n\n"):
        candidate = f"{current}\n\n{block}" if current else block
        if units(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        while units(block) > limit:
            head, block = _cut(block, limit)
            chunks.append(head)
        current = block
    if current:
        chunks.append(current)
    return chunks


def split_tail(text: str, tail_limit: int, limit: int) -> tuple[list[str], str]:
    """Split `text` into leading chunks (each within `limit`) and a last one within `tail_limit`.

    For a message whose buttons must ride on a shorter body than plain text allows: the body
    takes as many whole services from the end as fit, and what comes before goes first.
    """
    blocks = text.split("\n\n")
    tail = ""
    while blocks:
        candidate = f"{blocks[-1]}\n\n{tail}" if tail else blocks[-1]
        if units(candidate) > tail_limit:
            break
        tail = candidate
        blocks.pop()
    pieces: list[str] = []
    if not tail and blocks:
        pieces = split_text(blocks.pop(), tail_limit)
        tail = pieces.pop()
    leading = split_text("\n\n".join(blocks), limit) if blocks else []
    return leading + pieces, tail
