"""A linear intent classifier for Rasa 3.6 over the sparse sentence features.

DIET without a transformer is a small feed-forward network over the word and character
counts; this component is a multinomial logistic regression (scikit-learn's, seeded) over the
same counts, the sentence-level sparse features every featurizer before it wrote (word counts,
character n-grams, the regex/lookup flags), optionally scaled: `log` replaces a count c by
1 + log(c), `l2` divides each message's features by their Euclidean length. It trains in
seconds where DIET takes minutes, and a parse is one sparse product with a small matrix.

With `retrieval_intents: true` it also replaces the ResponseSelector: every retrieval key
(`rumour/take_jobs`) is a class of its own, and the answer is folded back the way Rasa's
classifier and selector together give it: `intent` is the retrieval intent (`rumour`) with the
summed probability of its keys, and `response_selector` names the key, with its share of that
probability as the confidence, its responses and its ranking, exactly where the
ResponseSelector puts them. `intent` and `intent_ranking` have the shape of DIET's, so the
FallbackClassifier after it works unchanged.

    - name: dalil_linear_intents.LinearIntentClassifier

Persisted through Rasa's ModelStorage as numpy arrays and a JSON file; loading reads them
without importing scikit-learn.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RESPONSE_KEY,
    RESPONSE_SELECTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

C = "C"
CLASS_WEIGHT = "class_weight"
INTENT_WEIGHTS = "intent_weights"
MAX_ITER = "max_iter"
RANDOM_SEED = "random_seed"
RANKING_LENGTH = "ranking_length"
RETRIEVAL_INTENTS = "retrieval_intents"
SCALING = "scaling"
SOLVER = "solver"
SOLVERS = ("lbfgs", "saga")
TOLERANCE = "tol"
SCALINGS = ("none", "log", "l2", "log_l2")
ARRAYS_FILE = "weights.npz"
META_FILE = "meta.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(IntentClassifier, GraphComponent):
    """Multinomial logistic regression over the sparse sentence features of the text."""

    @classmethod
    def required_components(cls) -> List[type]:
        """Featurizers must come first."""
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see the module's docstring)."""
        return {
            # Inverse regularisation strength of the logistic regression.
            C: 10.0,
            # None, or "balanced": every intent weighs as much in the loss, however many
            # examples it has.
            CLASS_WEIGHT: None,
            # Extra weight of some intents' examples, on top of `class_weight`: {intent: factor}
            # (a missed emergency costs more than a false one).
            INTENT_WEIGHTS: {},
            MAX_ITER: 100,
            RANDOM_SEED: 7,
            # Intents kept in `intent_ranking` (0: all), as DIET's `ranking_length`.
            RANKING_LENGTH: 10,
            # Learn the keys of retrieval intents (`rumour/<key>`) as classes and fold them back.
            RETRIEVAL_INTENTS: False,
            SCALING: "log_l2",
            # scikit-learn's solver: "saga" (stochastic, seeded) converges in fewer passes here.
            SOLVER: "saga",
            # Stop when the weights change less than this between passes.
            TOLERANCE: 0.001,
        }

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Checks the settings."""
        if float(config[C]) <= 0:
            raise ValueError(f"{cls.__name__}: `{C}` must be positive")
        if config[CLASS_WEIGHT] not in (None, "balanced"):
            raise ValueError(f"{cls.__name__}: `{CLASS_WEIGHT}` is null or balanced")
        if config[SCALING] not in SCALINGS:
            raise ValueError(f"{cls.__name__}: `{SCALING}` is one of {', '.join(SCALINGS)}")
        if any(float(v) <= 0 for v in (config[INTENT_WEIGHTS] or {}).values()):
            raise ValueError(f"{cls.__name__}: `{INTENT_WEIGHTS}` must be positive")
        if config[SOLVER] not in SOLVERS:
            raise ValueError(f"{cls.__name__}: `{SOLVER}` is one of {', '.join(SOLVERS)}")
        if float(config[TOLERANCE]) <= 0:
            raise ValueError(f"{cls.__name__}: `{TOLERANCE}` must be positive")
        if int(config[MAX_ITER]) < 1 or int(config[RANKING_LENGTH]) < 0:
            raise ValueError(f"{cls.__name__}: `{MAX_ITER}` ≥ 1 and `{RANKING_LENGTH}` ≥ 0")

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        *,
        labels: Optional[List[Text]] = None,
        weights: Optional[np.ndarray] = None,
        bias: Optional[np.ndarray] = None,
        responses: Optional[Dict[Text, Any]] = None,
    ) -> None:
        """A classifier with the given weights (none before training)."""
        self.config = {**self.get_default_config(), **config}
        self.validate_config(self.config)
        self._model_storage = model_storage
        self._resource = resource
        self.labels: List[Text] = labels or []
        # (features, classes) and (classes,): a message's scores are x @ weights + bias.
        self.weights = weights
        self.bias = bias
        # The domain's responses of every retrieval key, as the ResponseSelector reports them.
        self.responses: Dict[Text, Any] = responses or {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        """Creates an untrained classifier."""
        return cls(config, model_storage, resource)

    # Features

    def _features(self, messages: List[Message]) -> scipy.sparse.csr_matrix:
        rows = []
        width: Optional[int] = None
        for message in messages:
            sentence = message.get_sparse_features(TEXT)[1]
            if sentence is None:
                rows.append(None)
                continue
            row = scipy.sparse.csr_matrix(sentence.features, dtype=np.float64)
            width = row.shape[1]
            rows.append(row)
        if width is None and self.weights is not None:
            width = self.weights.shape[0]
        empty = scipy.sparse.csr_matrix((1, width or 0))
        matrix = scipy.sparse.vstack(
            [row if row is not None else empty for row in rows], format="csr"
        )
        return self._scaled(matrix)

    def _scaled(self, matrix: scipy.sparse.csr_matrix) -> scipy.sparse.csr_matrix:
        scaling = self.config[SCALING]
        if scaling in ("log", "log_l2"):
            positive = matrix.data > 0
            matrix.data[positive] = 1.0 + np.log(matrix.data[positive])
        if scaling in ("l2", "log_l2"):
            norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
            norms[norms == 0] = 1.0
            matrix = scipy.sparse.csr_matrix(scipy.sparse.diags(1.0 / norms) @ matrix)
        return matrix

    def _label_of(self, message: Message) -> Optional[Text]:
        if self.config[RETRIEVAL_INTENTS] and message.get(INTENT_RESPONSE_KEY):
            return str(message.get(INTENT_RESPONSE_KEY))
        intent = message.get(INTENT)
        return str(intent) if intent else None

    # Training

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the logistic regression on every example that has an intent and a text."""
        from sklearn.linear_model import LogisticRegression

        examples = [m for m in training_data.intent_examples if m.get(TEXT) and self._label_of(m)]
        targets = [self._label_of(m) for m in examples]
        if len(set(targets)) < 2:
            logger.warning("%s: fewer than two intents, nothing trained", self.__class__.__name__)
            return self._resource
        features = self._features(examples)
        model = LogisticRegression(
            C=float(self.config[C]),
            class_weight=self._class_weights(targets),
            max_iter=int(self.config[MAX_ITER]),
            random_state=int(self.config[RANDOM_SEED]),
            solver=self.config[SOLVER],
            tol=float(self.config[TOLERANCE]),
            multi_class="multinomial",
        )
        model.fit(features, targets)
        self.labels = [str(label) for label in model.classes_]
        self.weights = np.ascontiguousarray(model.coef_.T, dtype=np.float32)
        self.bias = np.asarray(model.intercept_, dtype=np.float32)
        if self.config[RETRIEVAL_INTENTS]:
            wanted = {f"utter_{label}" for label in self.labels if "/" in label}
            self.responses = {
                name: value for name, value in training_data.responses.items() if name in wanted
            }
        self.persist()
        return self._resource

    def _class_weights(self, targets: List[Text]) -> Optional[Dict[Text, float]]:
        """Each label's weight in the loss: `class_weight`, times `intent_weights`."""
        counts = Counter(targets)
        balanced = self.config[CLASS_WEIGHT] == "balanced"
        extra = {str(k): float(v) for k, v in (self.config[INTENT_WEIGHTS] or {}).items()}
        if not balanced and not extra:
            return None
        weights = {}
        for label, count in counts.items():
            weight = len(targets) / (len(counts) * count) if balanced else 1.0
            weights[label] = weight * extra.get(label.partition("/")[0], 1.0)
        return weights

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to add to the training data."""
        return training_data

    # Persistence

    def persist(self) -> None:
        """Writes the weights and labels into the model storage."""
        if self.weights is None or self.bias is None:
            return
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / ARRAYS_FILE, weights=self.weights, bias=self.bias)
            meta = {"labels": self.labels, "responses": self.responses}
            (directory / META_FILE).write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        """Reads the weights back (an untrained classifier when there are none)."""
        try:
            with model_storage.read_from(resource) as directory:
                arrays = np.load(directory / ARRAYS_FILE)
                meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
                return cls(
                    config,
                    model_storage,
                    resource,
                    labels=list(meta["labels"]),
                    weights=np.asarray(arrays["weights"]),
                    bias=np.asarray(arrays["bias"]),
                    responses=dict(meta.get("responses") or {}),
                )
        except (ValueError, FileNotFoundError, KeyError) as error:
            logger.warning("%s: no trained weights (%s)", cls.__name__, error)
            return cls(config, model_storage, resource)

    # Parsing

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets `intent` and `intent_ranking` (and the retrieval key) on every message."""
        if self.weights is None or self.bias is None or not messages:
            for message in messages:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set("intent_ranking", [], add_to_output=True)
            return messages
        features = self._features(messages)
        scores = features @ self.weights + self.bias
        scores -= scores.max(axis=1, keepdims=True)
        probabilities = np.exp(scores)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        for message, row, has_features in zip(messages, probabilities, features.getnnz(axis=1) > 0):
            if not has_features:
                # As DIET: no features, no intent.
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set("intent_ranking", [], add_to_output=True)
                continue
            self._set_prediction(message, row)
        return messages

    def _set_prediction(self, message: Message, row: np.ndarray) -> None:
        intents: Dict[Text, float] = {}
        keys: Dict[Text, List[Tuple[Text, float]]] = {}
        for label, probability in zip(self.labels, row.tolist()):
            intent, slash, _ = label.partition("/")
            intents[intent] = intents.get(intent, 0.0) + probability
            if slash:
                keys.setdefault(intent, []).append((label, probability))
        ranking = sorted(intents.items(), key=lambda item: -item[1])
        if self.config[RANKING_LENGTH]:
            ranking = ranking[: int(self.config[RANKING_LENGTH])]
        top, confidence = ranking[0]
        message.set(INTENT, {"name": top, "confidence": confidence}, add_to_output=True)
        message.set(
            "intent_ranking",
            [{"name": name, "confidence": score} for name, score in ranking],
            add_to_output=True,
        )
        if keys:
            self._set_retrieval(message, intents, keys)

    def _set_retrieval(
        self,
        message: Message,
        intents: Dict[Text, float],
        keys: Dict[Text, List[Tuple[Text, float]]],
    ) -> None:
        """Writes the response selector's part of the answer, as the ResponseSelector does."""
        selectors = dict(message.get(RESPONSE_SELECTOR) or {})
        selectors["all_retrieval_intents"] = sorted(keys)
        for intent, ranked in keys.items():
            total = intents[intent] or 1.0
            ranked = sorted(ranked, key=lambda item: -item[1])
            best, score = ranked[0]
            selectors[intent] = {
                "response": {
                    "responses": self.responses.get(f"utter_{best}") or [{TEXT: best}],
                    "confidence": score / total,
                    INTENT_RESPONSE_KEY: best,
                    "utter_action": f"utter_{best}",
                },
                "ranking": [
                    {"confidence": p / total, INTENT_RESPONSE_KEY: label} for label, p in ranked
                ],
            }
        message.set(RESPONSE_SELECTOR, selectors, add_to_output=True)
