"""What every role counts, in Prometheus' terms; `GET /metrics` (dalil.app) serves them.

Labels are never personal: channels, outcomes, stream names and route templates only, so
the figures can be scraped, stored and graphed without holding anything about a person.
Each process counts its own; Prometheus adds the processes of a role together.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Seconds from the webhook's acceptance to the platform's: a second is already slow.
_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

MESSAGES_IN = Counter(
    "dalil_messages_in", "Messages accepted from a platform (duplicates not counted).", ["channel"]
)
MESSAGES_OUT = Counter(
    "dalil_messages_out",
    "Outbound messages handled by the sender: sent, failed (dead letter) or skipped.",
    ["channel", "outcome"],
)
WEBHOOK_TO_SEND = Histogram(
    "dalil_webhook_to_send_seconds",
    "From accepting a message to the platform accepting its first reply.",
    ["channel"],
    buckets=_LATENCY_BUCKETS,
)
NLU_SECONDS = Histogram(
    "dalil_nlu_parse_seconds",
    "Time to understand one text (Rasa, or the parse cache).",
    ["cached"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
)
NLU_OUTCOMES = Counter(
    "dalil_nlu_parses",
    "Texts parsed, by outcome: understood, fallback (out of scope), asked_back, danger, "
    "unavailable (Rasa failed).",
    ["outcome"],
)
RATE_LIMIT_WAIT = Counter(
    "dalil_rate_limit_wait_seconds",
    "Time senders waited for a platform's sending limits.",
    ["channel"],
)
HTTP_REQUESTS = Counter(
    "dalil_http_requests",
    "HTTP requests by route template, method and status.",
    ["route", "method", "status"],
)
STREAM_LENGTH = Gauge(
    "dalil_stream_length", "Entries in a Redis stream, read at scrape.", ["stream"]
)
BUSY_LANES = Gauge(
    "dalil_lanes_at_work",
    "Lanes (chats) this process's consumers are working on, at most 32 a consumer: a worker "
    "or sender always at its limit needs another process beside it.",
    ["stream"],
)
STREAM_PENDING = Gauge(
    "dalil_stream_pending",
    "Entries read by a consumer and not yet acknowledged, read at scrape.",
    ["stream"],
)
