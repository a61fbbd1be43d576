"""A second opinion on the model's own `emergency`, from a classifier that learns differently.

DIET calls sentences unlike its training data emergencies ("Tiene un escritorio grande en una
pieza pequeña", 0.95), and its three seeds agree on them: they share its data and its
features. This component is a binary logistic regression (scikit-learn's, deterministic)
over other features of the same training data: TF-IDF of character 2-5-grams within words and
of words and word pairs, every example weighed so that emergencies and the rest count alike.
It is trained with the model and stored in it.

When the message's first intent at this point of the pipeline is `emergency`, it writes
`emergency_check`, the probability it gives the message of being an emergency, into what a
parse returns; otherwise it writes nothing and costs nothing. The client (nlu/decision.py)
acts on the model's emergency only when this check clears its own bar too; words of danger
are the safety net's and never depend on it.

    - name: dalil_emergency_check.EmergencyCheck

Stored as numpy arrays and a JSON file; loading rebuilds the vectorizers from their
vocabularies, so a parse gives the probability training gave.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer

logger = logging.getLogger(__name__)

EMERGENCY = "emergency"
# What a parse returns: the probability, when the message's first intent is `emergency`.
OUTPUT = "emergency_check"
C = "C"
MAX_ITER = "max_iter"
ARRAYS_FILE = "check.npz"
META_FILE = "check.json"

# The two vectorizers, by name: how each reads a text (its vocabulary is learnt).
_READINGS: Dict[Text, Dict[Text, Any]] = {
    "characters": {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2},
    "words": {"analyzer": "word", "ngram_range": (1, 2), "min_df": 1},
}


def _vectorizer(reading: Dict[Text, Any], vocabulary: Optional[Dict[Text, int]] = None):  # noqa: ANN202
    return TfidfVectorizer(sublinear_tf=True, vocabulary=vocabulary, dtype=np.float64, **reading)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class EmergencyCheck(GraphComponent):
    """Emergency or not, by a logistic regression over character and word n-grams."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config."""
        return {
            # Inverse regularisation strength of the logistic regression.
            C: 1.0,
            MAX_ITER: 2000,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        *,
        vectorizers: Optional[List[TfidfVectorizer]] = None,
        weights: Optional[np.ndarray] = None,
        bias: float = 0.0,
    ) -> None:
        """A check with the given vectorizers and weights (none before training)."""
        self.config = {**self.get_default_config(), **config}
        if float(self.config[C]) <= 0 or int(self.config[MAX_ITER]) < 1:
            raise ValueError(f"{self.__class__.__name__}: `{C}` > 0 and `{MAX_ITER}` ≥ 1")
        self._model_storage = model_storage
        self._resource = resource
        self.vectorizers = vectorizers or []
        # One weight per feature of the vectorizers side by side.
        self.weights = weights
        self.bias = bias

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmergencyCheck:
        """Creates an untrained check."""
        return cls(config, model_storage, resource)

    def _features(self, texts: List[Text]) -> scipy.sparse.csr_matrix:
        return scipy.sparse.hstack([v.transform(texts) for v in self.vectorizers], format="csr")

    def probabilities(self, texts: List[Text]) -> np.ndarray:
        """The probability of each text being an emergency."""
        scores = self._features(texts) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.asarray(scores, dtype=np.float64).ravel()))

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the regression on every example with an intent: emergency against the rest."""
        from sklearn.linear_model import LogisticRegression

        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        texts = [str(m.get(TEXT)) for m in examples]
        targets = np.array([m.get(INTENT) == EMERGENCY for m in examples])
        if targets.all() or not targets.any():
            logger.warning("%s: needs emergencies and other examples", self.__class__.__name__)
            return self._resource
        self.vectorizers = [_vectorizer(reading) for reading in _READINGS.values()]
        features = scipy.sparse.hstack(
            [v.fit_transform(texts) for v in self.vectorizers], format="csr"
        )
        model = LogisticRegression(
            C=float(self.config[C]),
            class_weight="balanced",
            max_iter=int(self.config[MAX_ITER]),
        )
        model.fit(features, targets)
        self.weights = np.asarray(model.coef_[0], dtype=np.float64)
        self.bias = float(model.intercept_[0])
        self.persist()
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to add to the training data."""
        return training_data

    def persist(self) -> None:
        """Writes the vocabularies, the IDF weights and the regression into the model."""
        if self.weights is None:
            return
        with self._model_storage.write_to(self._resource) as directory:
            arrays = {f"idf_{n}": v.idf_ for n, v in zip(_READINGS, self.vectorizers)}
            np.savez(directory / ARRAYS_FILE, weights=self.weights, **arrays)
            meta = {
                "bias": self.bias,
                "vocabularies": {
                    name: {term: int(i) for term, i in v.vocabulary_.items()}
                    for name, v in zip(_READINGS, self.vectorizers)
                },
            }
            (directory / META_FILE).write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EmergencyCheck:
        """Reads the check back (an untrained one, which writes nothing, when there is none)."""
        try:
            with model_storage.read_from(resource) as directory:
                arrays = np.load(directory / ARRAYS_FILE)
                meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
                vectorizers = []
                for name, reading in _READINGS.items():
                    vectorizer = _vectorizer(reading, meta["vocabularies"][name])
                    vectorizer.idf_ = np.asarray(arrays[f"idf_{name}"])
                    vectorizers.append(vectorizer)
                return cls(
                    config,
                    model_storage,
                    resource,
                    vectorizers=vectorizers,
                    weights=np.asarray(arrays["weights"]),
                    bias=float(meta["bias"]),
                )
        except (ValueError, FileNotFoundError, KeyError) as error:
            logger.warning("%s: nothing trained (%s)", cls.__name__, error)
            return cls(config, model_storage, resource)

    def process(self, messages: List[Message]) -> List[Message]:
        """Writes `emergency_check` on each message whose first intent is `emergency`."""
        if self.weights is None:
            return messages
        checked = [
            m for m in messages if (m.get(INTENT) or {}).get("name") == EMERGENCY and m.get(TEXT)
        ]
        if checked:
            for message, p in zip(checked, self.probabilities([m.get(TEXT) for m in checked])):
                message.set(OUTPUT, round(float(p), 4), add_to_output=True)
        return messages
