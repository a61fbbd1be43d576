"""Keep only the sentence-level features of a message's text, for Rasa 3.6.

DIET and the ResponseSelector without transformer layers and without entity recognition
classify a message by its sentence vector alone: every token's position goes through the same
feed-forward layers on its own, nothing mixes positions, and the classifier reads the last
position, which holds the sentence features. The per-token (sequence) features of the word and
character counts are built, padded and multiplied for every message in every epoch and then
never read. This component, placed after the featurizers, drops them and leaves one empty
column per token in their place, so that Rasa still knows how many tokens a message has.

    - name: dalil_sentence_only.SentenceFeaturesOnly

Only the text's features change; the responses' features (the selector's labels) stay.
Nothing is trained or stored.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

ORIGIN = "SentenceFeaturesOnly"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class SentenceFeaturesOnly(GraphComponent):
    """Replaces the text's sequence features by one empty column per token."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceFeaturesOnly:
        """Creates the component (it has no settings)."""
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Drops the sequence features of every training example's text."""
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Drops the sequence features of each message's text."""
        for message in messages:
            _keep_sentence_features(message)
        return messages


def _keep_sentence_features(message: Message) -> None:
    kept, sequences = [], []
    for feature in message.features:
        is_sequence = feature.attribute == TEXT and feature.type == FEATURE_TYPE_SEQUENCE
        (sequences if is_sequence else kept).append(feature)
    if not sequences:
        return
    tokens = message.get(TOKENS_NAMES[TEXT])
    length = len(tokens) if tokens else sequences[0].features.shape[0]
    message.features = kept
    # add_features also forgets the message's cached fingerprint, which Rasa's training cache
    # reads: with a stale one, a model without this component would reuse this one's DIET.
    message.add_features(
        Features(scipy.sparse.coo_matrix((length, 1)), FEATURE_TYPE_SEQUENCE, TEXT, ORIGIN)
    )
