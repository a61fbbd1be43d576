"""How a message is put, as sparse sentence features for Rasa 3.6: its opening, its ending, its
punctuation, its length.

The classifiers without a transformer read a bag of words and character n-grams, where "how"
at the start of a question and "how" in the middle of a story weigh alike, and where the
question mark is gone (the whitespace tokenizer drops punctuation). An information question
("how does the insurance work?", "what do I need to...?") and a cry or an emergency told now
("my son is not breathing", "help!!") differ in exactly that. This featurizer adds, for the
text of each message:

- its first word, and its first two words, as the whitespace tokenizer gave them;
- its last word;
- whether it ends with a question mark (Latin or Arabic), and whether it holds "!";
- its length in words, in six bands.

Each is a name (`^how`, `^how does`, `$work`, `?`, `!`, `#8-15`) hashed into `buckets`
columns with a fixed hash, so nothing is learnt, stored or read at load: the model keeps only
the classifiers' weights for the columns. Only sentence features are written.

    - name: dalil_message_shape.MessageShapeFeaturizer
      buckets: 4096
"""

from __future__ import annotations

import zlib
from typing import Any, Dict, List, Text

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

BUCKETS = "buckets"
# Upper ends of the length bands, in words; the last band is everything longer.
_BANDS = (1, 3, 7, 15, 31)
_QUESTION_MARKS = ("?", "؟")


def shape_names(text: str, tokens: List[str]) -> List[str]:
    """The names of what `text` (tokenized as `tokens`) looks like; see the module's doc."""
    names = []
    if tokens:
        names.append("^" + tokens[0])
        if len(tokens) > 1:
            names.append("^" + tokens[0] + " " + tokens[1])
        names.append("$" + tokens[-1])
    stripped = text.rstrip()
    if stripped.endswith(_QUESTION_MARKS):
        names.append("?")
    if "!" in text:
        names.append("!")
    low = 1
    for high in _BANDS:
        if len(tokens) <= high:
            names.append(f"#{low}-{high}")
            break
        low = high + 1
    else:
        names.append(f"#{low}+")
    return names


def bucket_of(name: str, buckets: int) -> int:
    """A fixed column for `name`: the same in every process and every run (not Python's
    `hash`, which is salted per process)."""
    return zlib.crc32(name.encode("utf-8")) % buckets


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class MessageShapeFeaturizer(SparseFeaturizer, GraphComponent):
    """Adds the hashed shape of each message's text as a sparse sentence feature."""

    @classmethod
    def required_components(cls) -> List[type]:
        """The words come from a tokenizer."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Columns of the hashed features."""
        return {**SparseFeaturizer.get_default_config(), BUCKETS: 4096}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """The number of columns must be a positive whole number."""
        if not isinstance(config.get(BUCKETS), int) or config[BUCKETS] < 1:
            raise ValueError(f"{cls.__name__}: '{BUCKETS}' must be a positive whole number")

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        """Keeps the number of columns."""
        super().__init__(name, config)
        self._buckets = int(config[BUCKETS])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageShapeFeaturizer:
        """Creates the featurizer (at training and at loading alike: nothing is stored)."""
        return cls(config, execution_context.node_name)

    def _row(self, message: Message) -> scipy.sparse.coo_matrix:
        tokens = [token.text for token in message.get(TOKENS_NAMES[TEXT], [])]
        names = shape_names(message.get(TEXT), tokens)
        columns = np.array(sorted({bucket_of(n, self._buckets) for n in names}), dtype=np.int32)
        values = np.ones(len(columns), dtype=np.float32)
        rows = np.zeros(len(columns), dtype=np.int32)
        return scipy.sparse.coo_matrix((values, (rows, columns)), shape=(1, self._buckets))

    def process(self, messages: List[Message]) -> List[Message]:
        """Featurizes incoming messages."""
        for message in messages:
            if message.get(TEXT) is not None:
                # (sequence features, sentence features, attribute, message)
                self.add_features_to_message(None, self._row(message), TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurizes the training examples in place."""
        self.process(training_data.training_examples)
        return training_data
