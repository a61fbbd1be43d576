"""Per-chat pacing and the global rate, shared through Redis by every sender."""

from __future__ import annotations

import asyncio
import time

from redis.asyncio import Redis

from bot.pacing import Limits, Pacer


async def test_messages_to_one_chat_are_spaced_and_other_chats_do_not_wait(redis: Redis) -> None:
    pacer = Pacer(redis, b"secret", {"telegram": Limits(chat_interval_s=0.4, per_second=100)})
    started = time.monotonic()
    waits = [await pacer.wait_turn("telegram", "5550001") for _ in range(3)]
    assert time.monotonic() - started >= 0.75
    assert waits[0] == 0
    assert waits[1] > 0.3
    assert waits[2] > 0.3
    assert await pacer.wait_turn("telegram", "5550002") == 0
    # Two senders at once still take turns for the same chat.
    both = await asyncio.gather(*(pacer.wait_turn("telegram", "5550003") for _ in range(2)))
    assert sorted(both)[0] == 0
    assert sorted(both)[1] > 0.3


async def test_the_channel_rate_caps_sends_per_second(redis: Redis) -> None:
    pacer = Pacer(redis, b"secret", {"whatsapp": Limits(chat_interval_s=0, per_second=5)})
    # Start at the beginning of a second so the count is not split across two by chance.
    await asyncio.sleep(1 - time.time() % 1)
    started = time.monotonic()
    for n in range(11):
        await pacer.wait_turn("whatsapp", f"chat-{n}")
    elapsed = time.monotonic() - started
    assert 1.9 <= elapsed < 3.5  # 5 in the first second, 5 in the next, 1 in the third


async def test_a_send_held_by_the_channel_rate_still_keeps_its_chat_s_pause(
    redis: Redis,
) -> None:
    # Two sends fill the second; a chat's first message then waits for the next second. Its
    # second message must still come a whole interval after it, not at once.
    pacer = Pacer(redis, b"secret", {"telegram": Limits(chat_interval_s=0.5, per_second=2)})
    await asyncio.sleep(1 - time.time() % 1 + 0.01)
    for chat in ("5550011", "5550012"):
        assert await pacer.wait_turn("telegram", chat) == 0
    assert await pacer.wait_turn("telegram", "5550013") > 0.5  # the channel's rate
    first_sent = time.monotonic()
    await pacer.wait_turn("telegram", "5550013")
    assert time.monotonic() - first_sent >= 0.45  # the chat's pause (stored in whole ms)


async def test_keys_never_hold_a_chat_id(redis: Redis) -> None:
    pacer = Pacer(redis, b"secret", {"telegram": Limits(chat_interval_s=1, per_second=30)})
    await pacer.wait_turn("telegram", "987654321")
    keys = await redis.keys("*")
    assert keys
    assert not any("987654321" in key for key in keys)
    assert await pacer.wait_turn("unknown-channel", "1") == 0
