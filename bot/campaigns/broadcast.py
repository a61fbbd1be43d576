"""The broadcaster role: each campaign becomes one message per subscriber on the outbound stream.

It queues a campaign in batches, in subscription order, and stays only a little ahead of the
sender (it waits while the outbound stream holds `max_backlog` entries or more), so people who
write to the bot are never stuck behind a whole campaign, and pacing stays the sender's job.

Each batch goes onto the stream in one Redis transaction with the campaign's cursor (the last
subscription queued), under WATCH: a broadcaster that dies mid-way, or two that run at once,
never queue anyone twice, and a restarted one continues after the cursor. Every message's key
is `campaign:<id>:<subscription id>`, so the sender delivers it at most once. Unsubscribing
deletes the subscription, so whoever left before their turn gets nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import WatchError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.campaigns import subscriptions
from bot.dialogue import myths
from bot.i18n import translations
from bot.messages import Template
from bot.outbound import Outbound
from bot.queue import OUTBOUND, append_outbound
from bot.splitting import shorten
from bot.stopping import finish_before_stopping
from bot.whatsapp.render import template_language
from core import campaigns
from core.campaigns import Campaign
from services_directory.rumours.models import Rumour

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Broadcaster:
    """What the broadcaster needs: the database, Redis, the sealing key and its pace."""

    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    secret: bytes
    whatsapp_template: str | None = None
    batch: int = 50
    max_backlog: int = 100

    async def run(self, *, idle_s: float = 2.0) -> None:
        """Deliver open campaigns until cancelled; look for new ones every `idle_s` when idle."""
        log.info("broadcaster started")
        while True:
            # Cancelled, it first finishes the batch in hand, which is queued all at once or
            # not at all either way.
            busy = await finish_before_stopping(self._step())
            await asyncio.sleep(0.05 if busy else idle_s)

    async def _step(self) -> bool:
        try:
            return await self.run_once()
        except Exception:
            log.exception("broadcaster loop error; retrying")
            return False

    async def run_once(self) -> bool:
        """Move every open campaign on by one batch; return whether anything was queued."""
        async with self.sessions() as session, session.begin():
            statement = select(Campaign.id).where(Campaign.status == campaigns.SENDING)
            open_ids = list((await session.scalars(statement.order_by(Campaign.id))).all())
        queued = False
        for campaign_id in open_ids:
            queued = await self.advance(campaign_id) or queued
        return queued

    async def advance(self, campaign_id: int) -> bool:
        """Queue the next batch of one campaign, or close it once all is accounted for."""
        if await self.redis.xlen(OUTBOUND) >= self.max_backlog:
            return False  # the sender is behind: let it catch up first
        async with self.sessions() as session, session.begin():
            campaign = await session.get(Campaign, campaign_id, with_for_update=True)
            if campaign is None or campaign.status != campaigns.SENDING:
                return False
            rumour = await session.get(Rumour, campaign.rumour_key)
            if rumour is None or not rumour.active:
                # A rumour switched off stops its campaigns: nobody else gets that fact.
                await self._close_if_settled(campaign)
                return False
            cursor_key = campaigns.cursor_key(campaign_id)
            async with self.redis.pipeline(transaction=True) as pipe:
                await pipe.watch(cursor_key)
                cursor = int(await pipe.get(cursor_key) or 0)
                batch = await subscriptions.after(
                    session, cursor, city=campaign.city, limit=self.batch
                )
                if not batch:
                    await pipe.unwatch()  # type: ignore[no-untyped-call]
                    await self._close_if_settled(campaign)
                    return False
                pipe.multi()  # type: ignore[no-untyped-call]
                failed = 0
                for subscription in batch:
                    outbound = self._outbound(campaign, rumour, subscription)
                    if outbound is None:
                        failed += 1
                    else:
                        await append_outbound(pipe, outbound)
                counts = campaigns.counts_key(campaign_id)
                pipe.set(cursor_key, batch[-1].id)
                # A chat id that cannot be opened counts as queued and failed at once.
                pipe.hincrby(counts, "queued", len(batch))
                if failed:
                    pipe.hincrby(counts, "failed", failed)
                try:
                    await pipe.execute()
                except WatchError:
                    return True  # another broadcaster queued this batch meanwhile
        log.info("campaign.batch id=%d queued=%d failed=%d", campaign_id, len(batch), failed)
        return True

    def _outbound(
        self, campaign: Campaign, rumour: Rumour, subscription: subscriptions.Subscription
    ) -> Outbound | None:
        try:
            chat_id = subscriptions.unseal(self.secret, subscription)
        except subscriptions.UnreadableChatId:
            log.error("campaign.unreadable id=%d subscription=%d", campaign.id, subscription.id)
            return None
        locale = subscription.locale
        t = translations(locale)
        template = None
        if subscription.channel == "whatsapp" and self.whatsapp_template:
            # A template variable holds one line, of at most 1024 characters.
            one_line = shorten(" ".join(myths.fact_text(t, locale, rumour).split()), 1024)
            template = Template(self.whatsapp_template, template_language(locale), (one_line,))
        return Outbound(
            key=f"campaign:{campaign.id}:{subscription.id}",
            channel=subscription.channel,
            chat_id=chat_id,
            reply=myths.broadcast(t, locale, rumour, template=template),
            campaign=campaign.id,
        )

    async def _close_if_settled(self, campaign: Campaign) -> None:
        """Mark the campaign done, with its final counts, once every message has an outcome."""
        counts = await campaigns.live_counts(self.redis, campaign.id)
        if counts["sent"] + counts["failed"] + counts["skipped"] < counts["queued"]:
            return
        for name, value in counts.items():
            setattr(campaign, name, value)
        campaign.status = campaigns.DONE
        campaign.finished_at = dt.datetime.now(dt.UTC)
        for key in (campaigns.counts_key(campaign.id), campaigns.cursor_key(campaign.id)):
            await self.redis.expire(key, campaigns.COUNTS_TTL_S)
        log.info("campaign.done id=%d %s", campaign.id, counts)
