"""Rasa 3.6's training, without costs that change nothing in the model it writes.

Run as `python -m dalil_fast_training train nlu ...` (nlu/training.py does): the same command
line as `rasa`, in the same process, after these replacements.

- **Reading the data once.** `rasa train nlu` reads and merges every data file twice: to
  check that there is something to train on, and again (asking for the model's language,
  which merging drops) for the graph. The importer now keeps what it read the first time.
- **No fingerprint run.** Before training, Rasa runs the whole graph once in "fingerprint
  mode", hashing all the training data, to find nodes it could restore from its training
  cache. The graph is trained as `rasa train --force` does, without that run.
- **The training cache.** Before and after every node, Rasa fingerprints the node's inputs
  and output (for training data: every message, its features written out as text) and
  stores the output. Dalil trains once per change of data, from scratch, so the cache only
  costs: no node's output is fingerprinted or stored (nlu/training.py also empties the
  cache's folder before each training).
- **Word and character counts.** Rasa's count vectorizers featurise the training data one
  message at a time: for each message and attribute, two calls of scikit-learn's `transform`
  (its tokens, then its whole text), and for the word counts a set of the whole vocabulary
  built again for every message. `count_features_in_batches` calls `transform` twice per
  attribute for all the messages at once and cuts each message's rows out of the result: the
  same matrices, added in the same order.
- **Joining them.** Before training, DIET and the response selector join each message's
  sparse features side by side with scipy's general `hstack`. `hstack_coo` builds the same
  matrix for the case that occurs, two COO matrices, without its general machinery.
- **Batches.** Every epoch, Rasa's data generator turns each example's sparse matrix into
  (example, row, column) indices one example at a time, stacking three small arrays per
  example. `values_of_sparse` computes the same arrays, in the same order and types, with a
  few operations over the whole batch: an epoch's batches take 0.27 s instead of 0.64 s here.

None touches what is learned: this command and `rasa` write the same model files
(tests/nlu/test_training.py compares the arrays of each step, and two trained models). Serving
(`rasa run`) is left as it is. On a Rasa other than 3.6 nothing is replaced.
"""

from __future__ import annotations

import sys
from typing import List

import numpy as np
import rasa
import scipy.sparse
from rasa.engine.training.graph_trainer import GraphTrainer
from rasa.engine.training.hooks import TrainingHook
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.importers.importer import NluDataImporter
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.data_generator import RasaDataGenerator
from scipy.sparse._sputils import get_index_dtype, upcast

RASA_SERIES = "3.6."


def values_of_sparse(matrices) -> List[np.ndarray]:  # noqa: ANN001 (a Rasa FeatureArray)
    """(indices, values, shape) of a batch of 2-D sparse matrices, as Rasa's generator gives.

    `indices` holds one (example, row, column) line per stored value, example by example and
    in each matrix's own order; `shape` is (examples, longest, features).
    """
    if getattr(matrices, "number_of_dimensions", 3) == 4:  # dialogues: the policies' case
        return RasaDataGenerator._4d_scipy_matrix_to_values(matrices)
    coos = [m if isinstance(m, scipy.sparse.coo_matrix) else m.tocoo() for m in matrices]
    row_lists = [m.row for m in coos]
    examples = np.repeat(np.arange(len(coos), dtype=np.int64), [len(r) for r in row_lists])
    rows = np.concatenate(row_lists)
    columns = np.concatenate([m.col for m in coos])
    values = np.concatenate([m.data for m in coos])
    indices = np.empty((len(examples), 3), dtype=np.int64)
    indices[:, 0] = examples
    indices[:, 1] = rows
    indices[:, 2] = columns
    longest = max([m.shape[0] for m in matrices])
    shape = np.array((len(matrices), longest, matrices[0].shape[-1]), dtype=np.int64)
    return [indices, values.astype(np.float32), shape]


def count_features_in_batches(featurizer, messages: list) -> list:  # noqa: ANN001
    """What Rasa's `CountVectorsFeaturizer.process` adds to `messages`, attribute by attribute.

    Rasa adds, per message and attribute with tokens, the tokens' rows (sequence features) and
    the whole text's row (sentence features, for the attributes that have them), both as COO
    matrices of the vectorizer's `transform`. scikit-learn counts every document on its own, so
    the rows of one `transform` over every message are each message's rows.
    """
    if featurizer.vectorizers is None:  # not trained: Rasa's own (not replaced) says so
        return featurizer.process(messages)
    for attribute in featurizer._attributes:
        vectorizer = featurizer.vectorizers.get(attribute)
        if not vectorizer:
            continue
        oov = _oov_replacement(featurizer, attribute)
        featured = []
        for message in messages:
            if message.get(attribute) is None:
                continue
            tokens = featurizer._get_message_tokens_by_attribute(message, attribute)
            tokens = oov(featurizer._process_tokens(tokens, attribute))
            if tokens:
                featured.append((message, tokens))
        if not featured:
            continue
        rows = vectorizer.transform([token for _, tokens in featured for token in tokens])
        rows.sort_indices()
        sentences = None
        if attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            sentences = vectorizer.transform([" ".join(tokens) for _, tokens in featured])
            sentences.sort_indices()
        start = 0
        for number, (message, tokens) in enumerate(featured):
            sequence = _coo_rows(rows, start, start + len(tokens))
            start += len(tokens)
            sentence = None if sentences is None else _coo_rows(sentences, number, number + 1)
            featurizer.add_features_to_message(sequence, sentence, attribute, message)
    return messages


def _oov_replacement(featurizer, attribute: str):  # noqa: ANN001, ANN202
    """Rasa's `_replace_with_oov_token` for one attribute, its word sets built once."""
    token = featurizer.OOV_token
    if not (token and featurizer.analyzer == "word"):
        return lambda tokens: tokens
    vocabulary = featurizer._get_attribute_vocabulary(attribute)
    if vocabulary is not None and token in vocabulary:
        known = set(vocabulary)
        return lambda tokens: [t if t in known else token for t in tokens]
    if featurizer.OOV_words:
        unknown = set(featurizer.OOV_words)
        return lambda tokens: [token if t in unknown else t for t in tokens]
    return lambda tokens: tokens


def _coo_rows(matrix: scipy.sparse.csr_matrix, first: int, end: int) -> scipy.sparse.coo_matrix:
    """Rows first..end-1 of a CSR matrix with sorted indices, as `transform(...).tocoo()` of
    those documents alone gives them."""
    low, high = matrix.indptr[first], matrix.indptr[end]
    counts = np.diff(matrix.indptr[first : end + 1])
    row = np.repeat(np.arange(end - first, dtype=matrix.indices.dtype), counts)
    return scipy.sparse.coo_matrix(
        (matrix.data[low:high].copy(), (row, matrix.indices[low:high].copy())),
        shape=(end - first, matrix.shape[1]),
    )


def hstack_coo(left: scipy.sparse.coo_matrix, right: scipy.sparse.coo_matrix) -> scipy.sparse.coo_matrix:
    """`scipy.sparse.hstack([left, right])` of two COO matrices with as many rows: the same
    values, rows and columns, in the same order and types."""
    shape = (left.shape[0], left.shape[1] + right.shape[1])
    index = get_index_dtype(maxval=max(shape))
    data = np.concatenate([left.data, right.data]).astype(upcast(left.dtype, right.dtype))
    row = np.concatenate([left.row.astype(index), right.row.astype(index)])
    col = np.concatenate([left.col.astype(index), right.col.astype(index) + left.shape[1]])
    return scipy.sparse.coo_matrix((data, (row, col)), shape=shape)


_RASAS_COMBINE = Features._combine_sparse_features
_RASAS_TRAIN = GraphTrainer.train
_RASAS_NLU_DATA = NluDataImporter.get_nlu_data


def _combine_sparse_features(self: Features, additional_features: Features) -> None:
    left, right = self.features, additional_features.features
    if not (
        isinstance(left, scipy.sparse.coo_matrix)
        and isinstance(right, scipy.sparse.coo_matrix)
        and left.shape[0] == right.shape[0]
    ):
        _RASAS_COMBINE(self, additional_features)  # its checks and messages
        return
    self.features = hstack_coo(left, right)
    self._cached_fingerprint = None


def _train_everything(self: GraphTrainer, *args: object, **kwargs: object) -> object:
    kwargs["force_retraining"] = True
    return _RASAS_TRAIN(self, *args, **kwargs)


def _nlu_data_read_once(self: NluDataImporter, language: str | None = "en") -> TrainingData:
    # Rasa's importers pass the language only to each file's loading, and merging the files
    # (TrainingData.merge) drops it: the data is the same for any language.
    if not hasattr(self, "_dalil_nlu_data"):
        self._dalil_nlu_data = _RASAS_NLU_DATA(self, language)
    return self._dalil_nlu_data


def _count_training_data_in_batches(self, training_data: TrainingData) -> TrainingData:  # noqa: ANN001
    count_features_in_batches(self, training_data.training_examples)
    return training_data


def apply() -> bool:
    """Put the replacements in place; False (and nothing replaced) on another Rasa."""
    if not rasa.__version__.startswith(RASA_SERIES):
        print(
            f"dalil_fast_training: Rasa {rasa.__version__} is not {RASA_SERIES}x, trained as is",
            file=sys.stderr,
        )
        return False
    RasaDataGenerator._scipy_matrix_to_values = staticmethod(values_of_sparse)
    CountVectorsFeaturizer.process_training_data = _count_training_data_in_batches
    Features._combine_sparse_features = _combine_sparse_features
    GraphTrainer.train = _train_everything
    NluDataImporter.get_nlu_data = _nlu_data_read_once
    TrainingHook.on_before_node = _no_fingerprint
    TrainingHook.on_after_node = _nothing_cached
    return True


def _no_fingerprint(self, *args: object, **kwargs: object) -> dict:
    return {}


def _nothing_cached(self, *args: object, **kwargs: object) -> None:
    return None


def main() -> None:
    """`rasa` with the replacements, e.g. `python -m dalil_fast_training train nlu ...`."""
    apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
