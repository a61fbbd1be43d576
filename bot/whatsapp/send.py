"""Sending replies through the WhatsApp Cloud API (`POST /{phone-number-id}/messages`).

Failures are reported in the sender's terms: throttling (HTTP 429, Graph codes 4, 80007,
130429, 131056), server errors and timeouts are `RetryLater`; a closed 24-hour window (131047,
or known here) is `Skipped`, and every other refusal is a `PermanentFailure`. A reply may take
several messages (long text, more than ten choices); each one accepted is marked in Redis,
so a retry after a partial failure sends only what is missing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from functools import partial
from typing import Any

import aiohttp
from redis.asyncio import Redis

from bot.outbound import Outbound
from bot.sender import DeliveryError, PermanentFailure, RetryLater, Skipped, send_part_once
from bot.whatsapp import window
from bot.whatsapp.render import render, template_message
from core.http import LazySession, proxy_for

log = logging.getLogger(__name__)

OUTSIDE_WINDOW = "outside_24h_window"
_OUTSIDE_WINDOW_CODE = 131047
# 4: app request limit; 80007: WABA rate limit; 130429: throughput; 131056: pair rate limit.
_RATE_LIMIT_CODES = {4, 80007, 130429, 131056}
# The pair limit allows about one message every 6 s to the same person once bursts are spent.
_PAIR_RATE_LIMIT_CODE = 131056
_PAIR_RATE_DELAY_S = 6.0


def _retry_after_s(header: str | None) -> float | None:
    try:
        return max(float(header), 0.0) if header else None
    except ValueError:
        return None


def classify(status: int, headers: Mapping[str, str], content: bytes) -> DeliveryError:
    """Return the sender's view of a Graph API error answer."""
    try:
        body = json.loads(content)
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code = error.get("code")
    # Support tickets ask for fbtrace_id; the error message may quote the recipient.
    log.warning(
        "whatsapp.send refused status=%d code=%s subcode=%s fbtrace_id=%s",
        status, code, error.get("error_subcode"), error.get("fbtrace_id"),
    )  # fmt: skip
    if code == _OUTSIDE_WINDOW_CODE:
        return Skipped(OUTSIDE_WINDOW)
    if status == 429 or code in _RATE_LIMIT_CODES:
        wait = _retry_after_s(headers.get("Retry-After"))
        if wait is None and code == _PAIR_RATE_LIMIT_CODE:
            wait = _PAIR_RATE_DELAY_S
        return RetryLater(f"rate_limited code={code}", wait)
    if status >= 500:
        return RetryLater(f"http_{status} code={code}")
    return PermanentFailure(f"http_{status} code={code}")


class WhatsAppClient:
    """Sends outbound messages of the "whatsapp" channel from one business phone number."""

    def __init__(
        self,
        *,
        base_url: str,
        phone_number_id: str,
        token: str,
        redis: Redis,
        pseudonym_key: bytes,
        timeout_s: float = 10.0,
    ) -> None:
        self.phone_number_id = phone_number_id
        self._redis = redis
        self._pseudonym_key = pseudonym_key
        self._base_url = base_url.rstrip("/")
        self._http = LazySession(
            proxy=proxy_for(self._base_url),
            headers={"Authorization": f"Bearer {token}"},
            timeout=aiohttp.ClientTimeout(total=timeout_s),
        )

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.close()

    async def send(self, outbound: Outbound) -> None:
        """Deliver one outbound message; a reply outside the window goes as its template."""
        reply = outbound.reply
        if reply is None:
            return  # a bare button acknowledgement: WhatsApp has none to send
        wa_id = outbound.chat_id
        if await window.is_open(self._redis, self._pseudonym_key, wa_id):
            try:
                messages = {f"part:{i}": m for i, m in enumerate(render(reply))}
            except ValueError as error:
                raise PermanentFailure("unrenderable_reply") from error
        elif reply.template is not None:
            messages = {"template": template_message(reply.template)}
        else:
            raise Skipped(OUTSIDE_WINDOW)
        for part, message in messages.items():
            await send_part_once(self._redis, outbound, part, partial(self._post, wa_id, message))
        if reply.erase_chat:
            # The /forget came in no later than it was queued (the message's accepted_ms).
            up_to = int(outbound.accepted_ms or time.time() * 1000) // 1000 + 1
            await window.close(self._redis, self._pseudonym_key, wa_id, up_to)

    async def _post(self, wa_id: str, message: dict[str, Any]) -> None:
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": wa_id}
        url = f"{self._base_url}/{self.phone_number_id}/messages"
        try:
            async with self._http.get().post(url, json={**body, **message}) as response:
                # Read whole, so that the connection is kept: aiohttp closes one left unread.
                content = await response.read()
                if 200 <= response.status < 300:
                    return
                refusal = classify(response.status, response.headers, content)
        except TimeoutError as error:
            raise RetryLater("timeout") from error
        except aiohttp.ClientError as error:
            raise RetryLater(type(error).__name__) from error
        raise refusal
