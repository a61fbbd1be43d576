"""E-mails to the city team about requests nobody took in time (escalated by the relay).

One e-mail per request, to the address the city team set for the request's city, in the
language they set it in. It names the conversation by its label and says its language, topic,
how long it has waited and where the inbox is: never a message, a chat id or a phone number.
The request is marked before the e-mail goes, so a restart never sends it twice; a mail
server that refuses or is down gets it again on the next round. Without SMTP_URL and
MAIL_FROM nothing is sent (said once in the log): the portal still shows and counts them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from babel.dates import format_timedelta
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.portal import i18n
from admin_api.portal.labels import CATEGORY_LABELS
from core.db import transaction
from handoff import service as handoff
from handoff.models import Handover
from services_directory.cities.models import City

log = logging.getLogger(__name__)

# How often the mailer looks for escalated requests (the relay escalates every 30 s).
MAIL_INTERVAL_S = 30.0
SMTP_TIMEOUT_S = 20.0


@dataclass(frozen=True, slots=True)
class Letter:
    """One e-mail to send, for one request."""

    handover_id: int
    message: EmailMessage


def compose(
    handover: Handover, *, city: str, to: str, sender: str, language: str, now: dt.datetime,
    base_url: str | None,
) -> EmailMessage:  # fmt: skip
    """Write the e-mail about one escalated request, in `language`."""
    t = i18n.translations(language)
    link = f"{(base_url or '').rstrip('/')}/portal/handovers/{handover.id}"
    topic = CATEGORY_LABELS.get(handover.category or "")
    waited = format_timedelta(now - handover.created_at, locale=language, threshold=2)
    lines = [
        t.gettext("Nobody has taken this request for a volunteer in time."),
        "",
        t.gettext("Conversation: %(label)s") % {"label": handover.label},
        t.gettext("City: %(city)s") % {"city": city},
        t.gettext("Language: %(language)s")
        % {"language": i18n.LANGUAGES.get(handover.language, handover.language)},
        t.gettext("Topic: %(topic)s")
        % {"topic": t.gettext(topic) if topic else t.gettext("any topic")},
        t.gettext("Waiting for: %(duration)s") % {"duration": waited},
        "",
        t.gettext("Take it or give it to a volunteer: %(link)s") % {"link": link},
    ]
    message = EmailMessage()
    message["Subject"] = t.gettext("Dalil: request %(label)s waits for a volunteer") % {
        "label": handover.label
    }
    message["From"] = sender
    message["To"] = to
    message.set_content("\n".join(lines))
    return message


def send(smtp_url: str, message: EmailMessage) -> None:
    """Hand one e-mail to the SMTP server at `smtp_url` (blocking: run it in a thread)."""
    parts = urlsplit(smtp_url)
    host = parts.hostname or "127.0.0.1"
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=SMTP_TIMEOUT_S)
    else:
        client = smtplib.SMTP(host, parts.port or 25, timeout=SMTP_TIMEOUT_S)
    with client:
        client.ehlo()
        if parts.scheme != "smtps" and client.has_extn("starttls"):
            client.starttls()
            client.ehlo()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)


@dataclass
class EscalationMailer:
    """Sends the city team one e-mail per escalated request, once."""

    sessions: async_sessionmaker[AsyncSession]
    smtp_url: str | None
    mail_from: str | None
    base_url: str | None = None
    _said_off: bool = field(default=False, init=False)

    async def run(self) -> None:
        """Send the e-mails of escalated requests until cancelled."""
        while True:
            try:
                await self.run_once(dt.datetime.now(dt.UTC))
            except Exception:
                log.exception("handover.mail loop error; retrying")
            await asyncio.sleep(MAIL_INTERVAL_S)

    async def run_once(self, now: dt.datetime) -> int:
        """Send the e-mails of the requests escalated since the last round; return how many."""
        if not self.smtp_url or not self.mail_from:
            if not self._said_off:
                log.info("handover.mail off: SMTP_URL or MAIL_FROM unset, no e-mail is sent")
                self._said_off = True
            return 0
        letters = await self._claim(now, self.mail_from)
        sent = 0
        for letter in letters:
            try:
                await asyncio.to_thread(send, self.smtp_url, letter.message)
            except (OSError, smtplib.SMTPException) as error:
                log.warning(
                    "handover.mail failed id=%d error=%s", letter.handover_id,
                    type(error).__name__,
                )  # fmt: skip
                async with transaction(self.sessions) as session:
                    await handoff.unclaim_escalation_mail(session, letter.handover_id)
            else:
                sent += 1
                log.info("handover.mail sent id=%d", letter.handover_id)
        return sent

    async def _claim(self, now: dt.datetime, sender: str) -> list[Letter]:
        async with transaction(self.sessions) as session:
            claimed = await handoff.claim_escalation_mails(session, now=now)
            contacts = await handoff.contacts(session) if claimed else {}
            letters = []
            for handover in claimed:
                contact = contacts.get(handover.city_id)
                if contact is None:
                    log.info("handover.mail no_address id=%d city=%s", handover.id,
                             handover.city_id)  # fmt: skip
                    continue
                city = await session.get(City, handover.city_id)
                name = city.display_name(contact.language) if city else handover.city_id
                message = compose(
                    handover, city=name, to=contact.email, sender=sender,
                    language=contact.language, now=now, base_url=self.base_url,
                )  # fmt: skip
                letters.append(Letter(handover.id, message))
        return letters
