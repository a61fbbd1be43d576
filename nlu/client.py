"""The only way the application talks to Rasa: `POST /model/parse` with a timeout."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
from redis.exceptions import RedisError

from core.http import LazySession, proxy_for
from core.metrics import NLU_OUTCOMES, NLU_SECONDS
from nlu import topic_words
from nlu.decision import CONFIDENT, EMERGENCY, FALLBACK, OUT_OF_SCOPE, RUMOUR, asks, decide
from nlu.errors import NLUUnavailable
from nlu.language import LanguageIdentifier
from nlu.normalize import normalize
from nlu.safety import mentions_danger

log = logging.getLogger(__name__)

# Telegram allows 4096 characters; nothing useful for intent lies beyond this.
MAX_TEXT_CHARS = 1000
# How many of Rasa's ranked intents the parse cache keeps.
RANKING_KEPT = 5


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity Rasa found: `city` or `district`, with its normalised value."""

    entity: str
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseResult:
    """What a message means: intent, confidence, entities and the language it is written in.

    Built with keyword arguments only: ten fields, several of the same type, where a
    positional slip would pass the type checker and swap what the bot acts on.
    """

    intent: str
    confidence: float
    entities: tuple[Entity, ...] = ()
    language: str | None = None
    # For retrieval intents (`rumour/<key>`): the key the response selector chose.
    response_key: str | None = None
    # The safety net saw words of danger: the intent is `emergency`, whatever the model said.
    danger: bool = False
    # How sure the response selector is of `response_key` (None when Rasa did not say).
    response_confidence: float | None = None
    # A need (`find_*`) the model recognised in a message the safety net made an emergency:
    # answered after the emergency numbers ("he hit me, where can I sleep tonight").
    need: str | None = None
    # What the model alone answered (after the fallback threshold), before the safety net.
    model_intent: str | None = None
    # Not sure enough to act: the likeliest topics, likeliest first (`find_*` intents and
    # `rumour`), for the bot to offer as buttons. Empty when it acts on `intent`; never
    # set when `intent` is `emergency`: when danger is likely, the numbers come first.
    choices: tuple[str, ...] = ()
    # The model's belief that the message tells a myth (`rumour`), whatever was decided: a
    # message it is unsure of that names a myth's words is asked about (bot/dialogue/myths.py).
    myth: float = 0.0

    def entity(self, name: str) -> str | None:
        """Return the value of the first entity called `name`, if any."""
        return next((e.value for e in self.entities if e.entity == name), None)


class ParseCache:
    """Rasa's answers for texts already seen, in Redis, per model.

    The key is an HMAC of the model's id and the normalised text, so Redis never holds what
    anyone wrote; the value keeps only intent, confidence, entities and the response key.
    Entries expire after `ttl_s`; a new model gets new keys.
    """

    def __init__(self, redis: Any, secret: bytes, *, ttl_s: int = 86_400) -> None:
        self.redis = redis
        self.secret = secret
        self.ttl_s = ttl_s

    def key(self, model_id: str, normalized: str) -> str:
        digest = hmac.new(self.secret, f"{model_id}\x00{normalized}".encode(), hashlib.sha256)
        return f"nlu:parse:{digest.hexdigest()}"

    async def get(self, model_id: str, normalized: str) -> dict[str, Any] | None:
        try:
            raw = await self.redis.get(self.key(model_id, normalized))
        except RedisError:
            return None
        return json.loads(raw) if raw else None

    async def put(self, model_id: str, normalized: str, body: dict[str, Any]) -> None:
        intent = body.get("intent") or {}
        selectors = body.get("response_selector") or {}
        kept = {
            "intent": {"name": intent.get("name"), "confidence": intent.get("confidence")},
            "entities": [
                {"entity": e.get("entity"), "value": e.get("value")}
                for e in body.get("entities") or []
                if isinstance(e, dict)
            ],
            # The first intents and their scores: what the bot needs to ask when unsure.
            "intent_ranking": [
                {"name": item.get("name"), "confidence": item.get("confidence")}
                for item in (body.get("intent_ranking") or [])[:RANKING_KEPT]
                if isinstance(item, dict)
            ],
            "response_selector": {
                name: {"response": _kept_response(selector)}
                for name, selector in selectors.items()
                if isinstance(selector, dict) and name != "all_retrieval_intents"
            },
        }
        with contextlib.suppress(RedisError):
            await self.redis.set(self.key(model_id, normalized), json.dumps(kept), ex=self.ttl_s)


def _kept_response(selector: dict[str, Any]) -> dict[str, Any]:
    response = selector.get("response")
    response = response if isinstance(response, dict) else {}
    return {
        "intent_response_key": response.get("intent_response_key"),
        "confidence": response.get("confidence"),
    }


class RasaHTTP:
    """Rasa's HTTP API: JSON in, JSON out, over connections kept for the next request.

    aiohttp rather than httpx: httpcore 1.0's pool looks at every connection it holds at each
    request, which cost the worker about 4 ms of CPU a parse with 32 parses in flight here,
    against 0.7 ms (nlu/README.md, "Speed and memory"). The session is opened at the first
    request, inside the event loop that uses it.
    """

    # Sanic, under Rasa, closes a connection idle for 5 s: the client lets go of it first.
    IDLE_S = 4.0

    def __init__(self, base_url: str, *, token: str | None = None, timeout_s: float = 3.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._params = {"token": token} if token else None
        self._session = LazySession(
            proxy=proxy_for(self.base_url),
            idle_s=self.IDLE_S,
            timeout=aiohttp.ClientTimeout(total=timeout_s),
        )

    async def request(self, method: str, path: str, body: Any = None) -> Any:
        """Return what Rasa answered, decoded; raise NLUUnavailable when it answered no JSON
        with a 2xx, or did not answer in time."""
        try:
            try:
                return await self._request(method, path, body)
            except aiohttp.ServerDisconnectedError:
                # A kept connection closed by Rasa as it was reused: once more, on a new one.
                return await self._request(method, path, body)
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise NLUUnavailable(f"Rasa did not answer: {type(error).__name__}") from error

    async def _request(self, method: str, path: str, body: Any) -> Any:
        url = self.base_url + path
        request = self._session.get().request(method, url, json=body, params=self._params)
        async with request as response:
            if response.status >= 300:
                raise NLUUnavailable(f"Rasa answered {response.status}")
            return await response.json(content_type=None)

    async def aclose(self) -> None:
        """Close the kept connections."""
        await self._session.close()


class NLUClient:
    """Client of a Rasa server's HTTP API."""

    # How long the loaded model's id is trusted before asking Rasa again.
    MODEL_ID_TTL_S = 60.0

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout_s: float = 3.0,
        fallback_threshold: float = FALLBACK,
        identifier: LanguageIdentifier | None = None,
        http: RasaHTTP | None = None,
        cache: ParseCache | None = None,
    ) -> None:
        self._http = http or RasaHTTP(base_url, token=token, timeout_s=timeout_s)
        self.fallback_threshold = fallback_threshold
        self.identifier = identifier
        self.cache = cache
        self._model_id: tuple[str, float] | None = None

    async def model_id(self) -> str | None:
        """Return the id of the model Rasa serves (asked at most once a minute), or None."""
        now = time.monotonic()
        if self._model_id and now - self._model_id[1] < self.MODEL_ID_TTL_S:
            return self._model_id[0]
        try:
            status = await self._http.request("GET", "/status")
            model = str(status.get("model_id") or status.get("model_file") or "")
        except (NLUUnavailable, AttributeError):
            return None
        if not model:
            return None
        self._model_id = (model, now)
        return model

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._http.aclose()

    async def is_ready(self) -> bool:
        """Tell whether the Rasa server answers and has a model loaded."""
        try:
            status = await self._http.request("GET", "/status")
            return isinstance(status, dict) and bool(status.get("model_file"))
        except NLUUnavailable:
            return False

    def detect_language(self, text: str) -> str | None:
        """Return the language `text` is written in, when the identifier can tell."""
        guess = self.identifier.identify(text) if self.identifier else None
        return guess.language if guess else None

    async def parse(self, text: str) -> ParseResult:
        """Return the intent and entities of `text`; raise NLUUnavailable if Rasa fails.

        Words of danger make it an emergency even when Rasa is down or unsure.
        """
        language = self.detect_language(text)
        normalized = normalize(text)[:MAX_TEXT_CHARS]
        # The whole message, not what the model reads: a long story often tells the danger
        # last ("...and last night he said he would kill me").
        danger = mentions_danger(text)
        if not normalized:
            # Nothing for the model to read ("🆘", "?"): the safety net alone decides.
            intent = EMERGENCY if danger else OUT_OF_SCOPE
            return ParseResult(
                intent=intent, confidence=1.0, language=language, danger=danger,
                model_intent=OUT_OF_SCOPE,
            )  # fmt: skip
        started = time.perf_counter()
        try:
            model = await self.model_id() if self.cache else None
            body = await self.cache.get(model, normalized) if self.cache and model else None
            cached = body is not None
            if body is None:
                body = await self._http.request("POST", "/model/parse", {"text": normalized})
            words, question = len(normalized.split()), asks(text, language)
            named = topic_words.named_topic(text) if words <= topic_words.MOST_WORDS else None
            result = self._to_result(
                body, language, danger, words=words, question=question, named=named
            )
            if result.intent == EMERGENCY and len(worded := topic_words.topics_named(text)) == 1:
                if result.need is not None:
                    # The need after the numbers is the one the message names in words, where
                    # the model only guessed ("me muero de hambre, no tengo nada de comer":
                    # housing).
                    result = replace(result, need=worded.pop())
                elif not danger:
                    # The model alone sure of an emergency where a need is named, and no word
                    # of danger ("где можно получить бесплатную юридическую помощь в Вене?",
                    # 0.99, got the numbers alone): the numbers, then that need.
                    result = replace(result, need=worded.pop())
            if self.cache and model and not cached:
                await self.cache.put(model, normalized, body)
        except NLUUnavailable as error:
            NLU_OUTCOMES.labels("unavailable").inc()
            log.warning("nlu.parse failed: %s danger=%s", type(error).__name__, danger)
            if danger:
                return ParseResult(intent=EMERGENCY, confidence=1.0, language=language, danger=True)
            raise NLUUnavailable(f"Rasa parse failed: {type(error).__name__}") from error
        seconds = time.perf_counter() - started
        NLU_SECONDS.labels("yes" if cached else "no").observe(seconds)
        NLU_OUTCOMES.labels(_outcome(result)).inc()
        log.info(
            "nlu.parse intent=%s confidence=%.2f language=%s ms=%.1f cached=%s",
            result.intent,
            result.confidence,
            language,
            seconds * 1000,
            cached,
        )
        return result

    def _to_result(
        self,
        body: Any,
        language: str | None,
        danger: bool,
        *,
        words: int,
        question: bool,
        named: str | None = None,
    ) -> ParseResult:
        try:
            intent = body["intent"]
            name = str(intent["name"]) if intent and intent.get("name") else OUT_OF_SCOPE
            confidence = float(intent.get("confidence") or 0.0) if intent else 0.0
            entities = tuple(
                Entity(str(e["entity"]), str(e["value"])) for e in body.get("entities") or []
            )
            ranking = [
                (str(item["name"]), float(item.get("confidence") or 0.0))
                for item in body.get("intent_ranking") or []
            ] or [(name, confidence)]
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            raise NLUUnavailable("Rasa answered something that is not a parse result") from error
        decision = decide(ranking, fallback=self.fallback_threshold, words=words, question=question)
        myth = max((score for n, score in ranking if n.split("/", 1)[0] == RUMOUR), default=0.0)
        name, confidence, choices = decision.intent, decision.confidence, decision.choices
        need, model_intent = decision.need, name
        if named is not None and name != EMERGENCY and confidence < CONFIDENT:
            # A need named in a word or two ("sakan") that the model is not sure of.
            name, choices = named, ()
        if danger and name != EMERGENCY:
            # Words of danger make it an emergency; a need the model recognised is kept, to
            # be answered after the emergency numbers.
            need = name if name.startswith("find_") else None
            name, choices = EMERGENCY, ()
        response_key, response_confidence = None, None
        selector = (body.get("response_selector") or {}).get(name) or {}
        response = selector.get("response") if isinstance(selector, dict) else None
        if isinstance(response, dict):
            response_key = response.get("intent_response_key")
            score = response.get("confidence")
            response_confidence = float(score) if isinstance(score, int | float) else None
        return ParseResult(
            intent=name,
            confidence=confidence,
            entities=entities,
            language=language,
            response_key=response_key,
            danger=danger,
            response_confidence=response_confidence,
            need=need,
            model_intent=model_intent,
            choices=choices,
            myth=myth,
        )


def _outcome(result: ParseResult) -> str:
    """The parse's outcome as the metrics count it."""
    if result.danger:
        return "danger"
    if result.choices:
        return "asked_back"
    return "fallback" if result.intent == OUT_OF_SCOPE else "understood"
