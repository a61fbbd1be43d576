"""A local stand-in for a Rasa 3.6 server: `POST /model/parse` and `GET /status`.

It answers with Rasa 3.6's payload shapes. A parse is `{"text", "intent": {"name",
"confidence"}, "entities": [{"entity", "start", "end", "confidence_entity", "value",
"extractor", "processors"}], "text_tokens", "intent_ranking": [{"name", "confidence"}],
"response_selector": {"all_retrieval_intents", "rumour": {"response", "ranking"}}}`; the
status is `{"model_file", "model_id", "num_active_training_jobs"}`. Like the
FallbackClassifier of `nlu/rasa/config.yml`, it answers `nlu_fallback` when the first intent
is under the threshold or too close to the second. With a token, requests without it get
Rasa's 401.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

MODEL_FILE = "models/20261126-010203-standin.tar.gz"
MODEL_ID = "5d1e0a7c9f2b4e36a1c8d0b7e4f29a61"
FALLBACK = "nlu_fallback"
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Understanding:
    """What the model makes of a text: its intent ranking, entities and chosen myth."""

    # (intent, confidence), most confident first, as DIET ranks them.
    ranking: tuple[tuple[str, float], ...]
    # (entity, value, the words that said it in the text), e.g. ("city", "lyon", "Lyon").
    entities: tuple[tuple[str, str, str], ...] = ()
    # What the response selector picks, e.g. "rumour/take_jobs", and how sure it is.
    response_key: str = "rumour/take_jobs"
    response_confidence: float = 0.2


def parse_body(
    text: str, understanding: Understanding, *, threshold: float = 0.5, ambiguity: float = 0.05
) -> dict[str, Any]:
    """Return what Rasa 3.6 answers to `POST /model/parse` for `text`."""
    ranking = [{"name": name, "confidence": score} for name, score in understanding.ranking]
    intent = dict(ranking[0]) if ranking else {"name": None, "confidence": 0.0}
    scores = [score for _, score in understanding.ranking]
    unsure = bool(scores) and (
        scores[0] < threshold or (len(scores) > 1 and scores[0] - scores[1] < ambiguity)
    )
    if unsure:
        # The FallbackClassifier puts its intent first, with the threshold as confidence.
        intent = {"name": FALLBACK, "confidence": threshold}
        ranking.insert(0, dict(intent))
    entities = []
    for entity, value, words in understanding.entities:
        start = max(text.casefold().find(words.casefold()), 0)
        entities.append(
            {
                "entity": entity,
                "start": start,
                "end": start + len(words),
                "confidence_entity": 0.998,
                "value": value,
                "extractor": "DIETClassifier",
                "processors": ["EntitySynonymMapper"],
            }
        )
    key = understanding.response_key
    return {
        "text": text,
        "intent": intent,
        "entities": entities,
        "text_tokens": [[m.start(), m.end()] for m in _TOKEN.finditer(text)],
        "intent_ranking": ranking,
        "response_selector": {
            "all_retrieval_intents": ["rumour"],
            "rumour": {
                "response": {
                    "responses": [{"text": "Rasa's own answer, never shown"}],
                    "confidence": understanding.response_confidence,
                    "intent_response_key": key,
                    "utter_action": f"utter_{key}",
                },
                "ranking": [
                    {"confidence": understanding.response_confidence, "intent_response_key": key}
                ],
            },
        },
    }


@dataclass
class RasaStandIn:
    """A Rasa server whose model understands each text as `understand` says."""

    understand: Callable[[str], Understanding]
    token: str | None = None
    texts: list[str] = field(default_factory=list)  # every text parsed, in order

    @property
    def app(self) -> Starlette:
        """The ASGI app to serve (see `tests.standins.server.serve`)."""
        return Starlette(
            routes=[
                Route("/model/parse", self._parse, methods=["POST"]),
                Route("/status", self._status, methods=["GET"]),
            ]
        )

    def _refused(self, request: Request) -> JSONResponse | None:
        if self.token is None or request.query_params.get("token") == self.token:
            return None
        body: dict[str, Any] = {
            "version": "3.6.21",
            "status": "failure",
            "message": "User is not authenticated.",
            "reason": "NotAuthenticated",
            "details": {},
            "help": None,
            "code": 401,
        }
        return JSONResponse(body, status_code=401)

    async def _parse(self, request: Request) -> JSONResponse:
        if refused := self._refused(request):
            return refused
        text = str((await request.json())["text"])
        self.texts.append(text)
        return JSONResponse(parse_body(text, self.understand(text)))

    async def _status(self, request: Request) -> JSONResponse:
        if refused := self._refused(request):
            return refused
        return JSONResponse(
            {"model_file": MODEL_FILE, "model_id": MODEL_ID, "num_active_training_jobs": 0}
        )


def answering(answer: Response | dict[str, Any], *, delay_s: float = 0.0) -> Starlette:
    """A Rasa server that answers every parse with `answer` (a parse body, or any response,
    malformed ones included) after `delay_s`."""

    async def parse(_request: Request) -> Response:
        await asyncio.sleep(delay_s)
        return answer if isinstance(answer, Response) else JSONResponse(answer)

    return Starlette(routes=[Route("/model/parse", parse, methods=["POST"])])


def rumour_parse(
    key: str, *, confidence: float = 0.93, key_confidence: float = 0.88
) -> dict[str, Any]:
    """What Rasa's /model/parse answers for a retrieval intent."""
    return {
        "text": "...",
        "intent": {"name": "rumour", "confidence": confidence},
        "entities": [],
        "response_selector": {
            "all_retrieval_intents": ["rumour"],
            "rumour": {
                "response": {
                    "intent_response_key": f"rumour/{key}",
                    "confidence": key_confidence,
                    "utter_action": f"utter_rumour/{key}",
                    "responses": [{"text": "Rasa's text, never shown"}],
                },
                "ranking": [],
            },
        },
    }
