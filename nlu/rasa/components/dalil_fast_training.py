"""Rasa 3.6's training, without costs that change nothing in the model it writes.

Run as `python -m dalil_fast_training train nlu ...` (nlu/training.py does): the same command
line as `rasa`, in the same process, after these replacements.

- **Reading the data once.** `rasa train nlu` reads and merges every data file twice: to
  check that there is something to train on, and again (asking for the model's language,
  which merging drops) for the graph. The importer now keeps what it read the first time.
  While reading, the files' examples are merged without Rasa's deep copies of all of them
  at each of its three merges (`_merge_sharing_examples`).
- **Hashing and parsing each example and file once.** Rasa drops duplicate examples at every
  merge by hashing them, and forgets each example's hash first by setting its intent again,
  stripped, even when there is nothing to strip: every example was hashed about eight times.
  A value is now set again only when stripping changes it (`_sanitize_keeping_fingerprints`).
  Each file was also parsed twice: by ruamel's pure-Python round-trip loader, only to check it
  against Rasa's schema, then by the C-backed safe loader for its data. The schema check now
  runs on the safe parse (`_validate_nlu_yaml`); a file it refuses goes through Rasa's own
  check, for Rasa's error message. Reading the data takes 1.3 s instead of 4.1 s here.
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
  same matrices, added in the same order. These matrices, and those joined below, are built
  without scipy's checks of arrays made right here (`coo`), when that gives scipy's own
  matrices on the scipy installed.
- **Joining them.** Before training, DIET and the response selector join each message's
  sparse features side by side with scipy's general `hstack`. `hstack_coo` builds the same
  matrix for the case that occurs, two COO matrices, without its general machinery. A
  message's only feature of a kind is deep-copied as Rasa does, by `_deep_copy`, without
  `copy.deepcopy`'s general machinery either (about 1 s of each DIET's 3 s before training).
  Both live in `dalil_features`, which the server (`dalil_rasa`) uses too.
- **Adam in one pass.** Keras' Adam updates each variable and its two slots with about a
  dozen TensorFlow operations, each a pass over memory: for DIET's 20,473 × 64 kernel, every
  step. `dalil_adam.cc` (compiled by scripts/nlu-ops.sh into the virtualenv) does the same
  operations in the same order, each rounded as TensorFlow rounds it, in one pass
  (`_fused_adam_step`). It is used only if a few steps of it, run at import beside Keras'
  own, give the same bits (`_fused_adam_is_keras`).
- **The L2 penalty in the same pass.** Rasa's training step takes the penalty's gradient over
  the whole model apart from the loss's, then adds it where the loss's gradient is above 0,
  each a pass over the variables. `_train_step_in_one_pass` takes the loss's gradient only
  and gives each weight's L2 factor to the fused update, which adds the penalty's gradient,
  rounded as TensorFlow rounds it, in its one pass (`DalilRegularisedAdamUpdate`). Any other
  kind of penalty leaves Rasa's step as it is.
- **Batches.** Every epoch, Rasa's data generator turns each example's sparse matrix into
  (example, row, column) indices one example at a time, stacking three small arrays per
  example. `values_of_sparse` computes the same arrays, in the same order and types, with a
  few operations over the whole batch: an epoch's batches take 0.27 s instead of 0.64 s here.
- **Epochs in positions.** Every epoch, Rasa's generator also shuffles and balances every
  feature array of every example (cutting and joining them label by label), then builds each
  batch out of the examples' own arrays, one example at a time: 13–16 s of CPU over one
  DIET's 40 epochs here, beside TensorFlow's work. Rasa's own shuffling and balancing now run
  over the examples' positions and labels only (`_shuffle_and_balance_positions`): the same
  random draws, so the same order. Each batch is then cut out of the features made once
  (`ExampleBatches`): the same arrays, 4–7 s.
- **The data out of the collector's sight.** Python's garbage collector looks again at every
  object in each full collection: TensorFlow's and Rasa's modules, then every example and its
  features, about 0.4 s each time here, eight times in the launcher before DIET and four in
  each child while it unpickled its inputs. Those live as long as the training: the imports,
  each node's output before DIET and a child's inputs are made without collections and then
  frozen (`long_lived`), so the collections that still run look only at what is new.
- **Tracing without AutoGraph.** Keras traces the training step with AutoGraph, which
  rewrites the source of every function the step calls (Rasa's losses and layers) to turn
  Python's `if` and `for` on tensors into graph operations: about 2 s of each model's tracing
  here. Rasa's step has none (it uses TensorFlow's conditions), so `_train_step_in_one_pass`
  is traced as written (`do_not_convert`): the same operations in the same order. An `if` on
  a tensor would stop the training with TensorFlow's error rather than change the model.
- **Keras' steps.** Keras' loop reads `steps_per_execution` from its TensorFlow variable
  before every step. Rasa compiles its models with one step per execution, so
  `_steps_one_at_a_time` reads it once an epoch and takes the same steps.
- **DIET's models beside each other.** One DIET keeps about one and a half of the two cores
  busy and Rasa trains the three classifiers and the response selector one after the other.
  `ClassifiersInChildren` trains each in a child process, all at once, so the two cores stay
  busy. The children are forked from one process that imports TensorFlow and Rasa while the
  data is featurised; a child's failure fails the training at once and stops the others, and
  a child whose training process is killed ends on its own. With the two cores shared by
  four children, each classifier's child computes each TensorFlow operation on one thread
  rather than splitting it over two (`threads_in_children`): the same bits for DIET's
  classifiers, about 0.93 of the time; the response selector keeps TensorFlow's threads,
  with which its sums come out as Rasa's.

None touches what is learned: this command and `rasa` write the same model files
(tests/nlu/test_training.py compares the arrays of each step, and two trained models).
Serving is `dalil_rasa`'s. On a Rasa other than 3.6 nothing is replaced.
"""

from __future__ import annotations

import copy
import gc
import importlib
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import pickle
import select
import sys
import tempfile
import threading
from collections import Counter, OrderedDict
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import List

import dalil_rasa

dalil_rasa.without_jax()  # before TensorFlow: in the launcher and in each child
# TensorFlow's and Rasa's modules live as long as the process, and there are about 400,000
# objects of them for the collector to look at again in each full collection, here and in
# each child: they are imported without collections, then frozen (out of its sight).
_COLLECTING = gc.isenabled()
gc.disable()

import numpy as np
import pkg_resources
import tensorflow as tf
import rasa
import rasa.shared.utils.io
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphNode, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.training.graph_trainer import GraphTrainer
from rasa.engine.training.hooks import TrainingHook
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.importers.importer import NluDataImporter
from rasa.shared.nlu.constants import INTENT, RESPONSE
from rasa.shared.nlu.training_data.formats.rasa_yaml import NLU_SCHEMA_FILE, RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils import validation
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator, RasaDataGenerator
from rasa.utils.tensorflow.feature_array import FeatureArray
from keras.engine.data_adapter import DataHandler
from keras.optimizers.adam import Adam
from keras.regularizers import L2
from rasa.utils.tensorflow.models import RasaModel

import dalil_features
from dalil_features import coo, index_dtype

gc.freeze()
if _COLLECTING:
    gc.enable()

RASA_SERIES = "3.6."
logger = logging.getLogger(__name__)


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


POSITIONS = "dalil_fast_training positions"


def _shuffle_and_balance_positions(self: RasaBatchDataGenerator, batch_size: int) -> dict:
    """Rasa's `_shuffle_and_balance` of the examples' positions (with their labels, which the
    balancing reads) instead of every feature: the same random draws, so the same order.

    Rasa shuffles and balances every feature array of every example each epoch; `_batch_at`
    then cuts each batch's arrays out of the features made once (`ExampleBatches`). What it
    returns is the generator's `_data`, from which Rasa's own `__len__` counts the batches.
    """
    model_data = self.model_data
    if not hasattr(self, "_dalil_batches"):
        self._dalil_batches = ExampleBatches.of(model_data.data)
    if self._dalil_batches is None or not model_data.num_examples:
        self._dalil_layout = None
        return _RASAS_SHUFFLE_AND_BALANCE(self, batch_size)
    positions = FeatureArray(np.arange(model_data.num_examples), number_of_dimensions=1)
    data = {POSITIONS: {"": [positions]}}
    labels = model_data.data.get(model_data.label_key, {})
    if model_data.label_sub_key in labels:
        data[model_data.label_key] = {model_data.label_sub_key: labels[model_data.label_sub_key]}
    ordered = _RASAS_SHUFFLE_AND_BALANCE(_WithData(self, data), batch_size)
    # Shuffling or balancing leaves out the features with no arrays; Rasa's batches then have
    # no None for them, as they have when neither ran (the data as it is).
    self._dalil_layout = self._dalil_batches.layout(keep_empty=ordered is data)
    self._dalil_order = np.asarray(ordered[POSITIONS][""][0], dtype=np.int64)
    return ordered


class _WithData:
    """A generator whose model data has other feature arrays, for Rasa's shuffling and
    balancing (which read the arrays given, and the model data's labels and size)."""

    def __init__(self, generator: RasaBatchDataGenerator, data: dict) -> None:
        self.model_data = copy.copy(generator.model_data)
        self.model_data.data = data
        self.shuffle, self.batch_strategy = generator.shuffle, generator.batch_strategy


def _batch_at(self: RasaBatchDataGenerator, index: int) -> tuple:
    """Rasa's `__getitem__`: batch `index` of the epoch's order, the same arrays."""
    if getattr(self, "_dalil_layout", None) is None:
        return _RASAS_GET_ITEM(self, index)
    start = index * self._current_batch_size
    positions = self._dalil_order[start : start + self._current_batch_size]
    return self._dalil_batches.batch(self._dalil_layout, positions), None


class ExampleBatches:
    """A model data's features, each made once into what every batch's arrays are cut from.

    Rasa's generator makes each batch from the examples' own arrays, in Python, one example at
    a time: every feature of every example, every epoch (13 s of CPU for one of DIET's
    trainings here). Here a batch is made from the positions of its examples, with a few numpy
    operations per feature, into the arrays Rasa's `prepare_batch` gives, in its order.
    """

    def __init__(self, features: list) -> None:
        # How each feature's part of a batch is made (None: a feature without arrays).
        self._features = features

    @classmethod
    def of(cls, data: dict) -> ExampleBatches | None:
        """None for dialogue data (4 dimensions), which Rasa's own methods batch."""
        features = []
        for attribute_data in data.values():
            for arrays in attribute_data.values():
                if not arrays:
                    features.append(None)
                for array in arrays:
                    if array.number_of_dimensions == 4:
                        return None
                    features.append(_batch_maker(array))
        return cls(features)

    def layout(self, keep_empty: bool) -> list:
        return [made for made in self._features if made is not None or keep_empty]

    @staticmethod
    def batch(layout: list, positions: np.ndarray) -> tuple:
        arrays = []
        for made in layout:
            if made is None:
                arrays.append(None)
            else:
                made(positions, arrays)
        return tuple(arrays)


def _batch_maker(array: FeatureArray):  # noqa: ANN202
    if array.is_sparse and array.number_of_dimensions == 3:
        return SparseRows.of(array) or _Converted(array)
    if not array.is_sparse and array.dtype != object:
        return _Numbers(array)
    return _Converted(array)


class _Converted:
    """A feature batched by Rasa's own conversion, from its examples' arrays."""

    def __init__(self, array: FeatureArray) -> None:
        self._array = array

    def __call__(self, positions: np.ndarray, arrays: list) -> None:
        examples = self._array[positions]
        if examples.is_sparse:
            arrays.extend(RasaDataGenerator._scipy_matrix_to_values(examples))
        else:
            arrays.append(RasaDataGenerator._pad_dense_data(examples))


class _Numbers:
    """A dense feature held in one numeric array: Rasa's padding of its examples (all as long)
    is the array's rows, as float32."""

    def __init__(self, array: FeatureArray) -> None:
        self._array = np.asarray(array)

    def __call__(self, positions: np.ndarray, arrays: list) -> None:
        arrays.append(self._array[positions].astype(np.float32))


class SparseRows:
    """A sparse feature, every example's stored values in one array: a batch's (indices,
    values, shape) are `values_of_sparse` of its examples' matrices."""

    def __init__(self, matrices: list) -> None:
        coos = [m if isinstance(m, scipy.sparse.coo_matrix) else m.tocoo() for m in matrices]
        counts = np.array([len(m.row) for m in coos], dtype=np.int64)
        self._first = np.cumsum(counts) - counts
        self._counts = counts
        self._rows = np.concatenate([m.row for m in coos]).astype(np.int64)
        self._columns = np.concatenate([m.col for m in coos]).astype(np.int64)
        self._values = np.concatenate([m.data for m in coos])
        self._heights = np.array([m.shape[0] for m in matrices], dtype=np.int64)
        self._width = matrices[0].shape[-1]

    @classmethod
    def of(cls, array: FeatureArray) -> SparseRows | None:
        """None unless every example's matrix is as wide and its values of the same type
        (`values_of_sparse` converts a batch's values together: from the same type, the
        same float32)."""
        matrices = list(array)
        if not matrices or not all(isinstance(m, scipy.sparse.spmatrix) for m in matrices):
            return None
        width, kind = matrices[0].shape[-1], matrices[0].dtype
        if any(m.shape[-1] != width or m.dtype != kind for m in matrices):
            return None
        return cls(matrices)

    def __call__(self, positions: np.ndarray, arrays: list) -> None:
        counts = self._counts[positions]
        stored = int(counts.sum())
        # Stored value k of the batch is value (first of its example) + (k - where its
        # example starts in the batch) of all of them.
        starts = np.cumsum(counts) - counts
        taken = np.repeat(self._first[positions] - starts, counts) + np.arange(stored)
        indices = np.empty((stored, 3), dtype=np.int64)
        indices[:, 0] = np.repeat(np.arange(len(positions), dtype=np.int64), counts)
        indices[:, 1] = self._rows[taken]
        indices[:, 2] = self._columns[taken]
        longest = int(self._heights[positions].max())
        shape = np.array((len(positions), longest, self._width), dtype=np.int64)
        arrays.extend((indices, self._values[taken].astype(np.float32), shape))


def count_features_in_batches(featurizer, messages: list) -> list:  # noqa: ANN001
    """What Rasa's `CountVectorsFeaturizer.process` adds to `messages`, attribute by attribute.

    Rasa adds, per message and attribute with tokens, the tokens' rows (sequence features) and
    the whole text's row (sentence features, for the attributes that have them), both as COO
    matrices of the vectorizer's `transform`. scikit-learn counts every document on its own, so
    the rows of one `transform` over every message are each message's rows.

    An attribute whose vectorizer learnt no vocabulary (word pairs of the one-word intent
    names: Rasa warns and leaves it unfitted, then fails on it in its own `process`) gets no
    features, as at parse time.
    """
    if featurizer.vectorizers is None:  # not trained: Rasa's own (not replaced) says so
        return featurizer.process(messages)
    for attribute in featurizer._attributes:
        vectorizer = featurizer.vectorizers.get(attribute)
        if not vectorizer or featurizer._get_attribute_vocabulary(attribute) is None:
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
    shape = (end - first, matrix.shape[1])
    index = index_dtype(shape)
    counts = np.diff(matrix.indptr[first : end + 1])
    row = np.repeat(np.arange(end - first, dtype=index), counts)
    return coo(matrix.data[low:high].copy(), row, matrix.indices[low:high].astype(index), shape)


_RASAS_SHUFFLE_AND_BALANCE = RasaBatchDataGenerator._shuffle_and_balance
_RASAS_GET_ITEM = RasaBatchDataGenerator.__getitem__
_RASAS_TRAIN = GraphTrainer.train
_RASAS_NLU_DATA = NluDataImporter.get_nlu_data
_RASAS_MERGE = TrainingData.merge
_RASAS_VALIDATE = RasaYAMLReader.validate
_KERAS_ADAM_STEP = Adam.update_step
_RASAS_TRAIN_STEP = RasaModel.train_step
_KERAS_STEPS = DataHandler.steps
_FUSED_OPS = None
# The L2 factors of the weights whose update is being built (`_train_step_in_one_pass`), by
# the optimizer's key. Kept here, not on the optimizer: Keras would save it in the checkpoint.
_PENALTIES: dict = {}
_NLU_SCHEMA: dict | None = None
_SCHEMA_EXTENSIONS = pkg_resources.resource_filename(
    validation.PACKAGE_NAME, validation.SCHEMA_EXTENSIONS_FILE
)


def _fused_adam_step(self, gradient, variable):  # noqa: ANN001, ANN202 (Keras' signature)
    """Keras' `Adam.update_step`, its dense case in one pass (dalil_adam.cc); with the L2
    penalty's gradient added first as Rasa's training step adds it, for a variable
    `_train_step_in_one_pass` names in `_PENALTIES`.

    The scalars are computed by the same TensorFlow operations as Keras' (its step size
    `alpha` included), and the constants are converted to float32 as Keras' arithmetic on
    tensors converts them; anything else (sparse gradients, AMSGrad, another dtype, a
    schedule or a tensor for a beta) goes to Keras' own, after Rasa's sum.
    """
    penalty = _PENALTIES.get(self._var_key(variable))
    if (
        isinstance(gradient, tf.IndexedSlices)
        or self.amsgrad
        or variable.dtype != tf.float32
        or not all(isinstance(x, float) for x in (self.beta_1, self.beta_2, self.epsilon))
    ):
        if penalty is not None:
            gradient = tf.convert_to_tensor(gradient)
            penalised = variable * penalty
            gradient = gradient + tf.where(gradient > 0, penalised, tf.zeros_like(penalised))
        return _KERAS_ADAM_STEP(self, gradient, variable)
    lr = tf.cast(self.learning_rate, variable.dtype)
    local_step = tf.cast(self.iterations + 1, variable.dtype)
    beta_1_power = tf.pow(tf.cast(self.beta_1, variable.dtype), local_step)
    beta_2_power = tf.pow(tf.cast(self.beta_2, variable.dtype), local_step)
    slot = self._index_dict[self._var_key(variable)]
    alpha = lr * tf.sqrt(1 - beta_2_power) / (1 - beta_1_power)
    handles = (variable.handle, self._momentums[slot].handle, self._velocities[slot].handle)
    constants = (
        tf.constant(1 - self.beta_1, tf.float32),
        tf.constant(1 - self.beta_2, tf.float32),
        tf.constant(self.epsilon, tf.float32),
    )
    if penalty is None:
        _FUSED_OPS.dalil_adam_update(*handles, gradient, alpha, *constants)
    else:
        _FUSED_OPS.dalil_regularised_adam_update(*handles, gradient, alpha, *constants, penalty)


@tf.autograph.experimental.do_not_convert
def _l2_penalties(model: RasaModel) -> dict | None:
    """Each weight of `model` under Keras' L2, with the factor its penalty's gradient is the
    weight times; None if anything else adds to `model.losses` (then Rasa's step runs).

    Worked out eagerly, outside the step's graph: an operation added to the graph before the
    model's would change the seeds TensorFlow gives its random operations (the dropout)."""
    penalties = {}
    with tf.init_scope():
        for layer in model._flatten_layers():
            if getattr(layer, "activity_regularizer", None) is not None:
                return None
            for name in ("kernel", "bias"):
                regularizer = getattr(layer, f"{name}_regularizer", None)
                if regularizer is None:
                    continue
                weight = getattr(layer, name, None)
                if type(regularizer) is not L2 or weight is None:
                    return None
                # Keras' L2 is `2.0 * l2 * tf.nn.l2_loss(w)` (half the sum of squares), whose
                # gradient TensorFlow computes as w times the float32 of 2.0 * l2; doubling is
                # exact, so that is the float32 of l2 doubled.
                penalties[model.optimizer._var_key(weight)] = np.float32(
                    2.0 * float(regularizer.l2)
                )
        if len(penalties) != len(model.losses):
            return None
    return penalties


@tf.autograph.experimental.do_not_convert  # traced as written: see "Tracing without AutoGraph"
def _train_step_in_one_pass(self: RasaModel, batch_in):  # noqa: ANN001, ANN202 (Rasa's signature)
    """Rasa's `RasaModel.train_step`, with each L2 penalty's gradient added inside the fused
    Adam update: the same losses and updates, without the second gradient over the whole
    model and the passes that join the two."""
    penalties = _l2_penalties(self) if isinstance(self.optimizer, Adam) else None
    if penalties is None:
        return _RASAS_TRAIN_STEP(self, batch_in)
    self._training = True
    with tf.GradientTape() as tape:
        prediction_loss = self.batch_loss(batch_in)
        regularization_loss = tf.math.add_n(self.losses)
        total_loss = prediction_loss + regularization_loss
    self.total_loss.update_state(total_loss)
    gradients = tape.gradient(prediction_loss, self.trainable_variables)
    _PENALTIES.update(penalties)
    try:
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
    finally:
        _PENALTIES.clear()
    self._training = None
    return self._get_metric_results()


def _steps_one_at_a_time(self: DataHandler):  # noqa: ANN202 (a generator, as Keras')
    """Keras' `DataHandler.steps` when each call of the training function runs one step
    (`steps_per_execution` 1, as Rasa compiles its models) and the epoch's length is known:
    the same steps, `_step_increment` 0 for each, without reading `steps_per_execution` from
    its TensorFlow variable again at every step (an eager operation, about 0.5 ms each under
    the children's load). Anything else is Keras' own."""
    if self._inferred_steps is None or self._steps_per_execution.numpy().item() != 1:
        yield from _KERAS_STEPS(self)
        return
    self._current_step = self._initial_step
    self._initial_step = 0
    # Both can change while the steps are taken (Keras' `catch_stop_iteration`).
    while self._current_step < self._inferred_steps and not self._insufficient_data:
        self._step_increment = 0
        yield self._current_step
        self._current_step += 1


def _fused_adam_is_keras() -> bool:
    """Whether a few steps of the fused updates give Keras' bits, run as in training.

    Three variables: one of odd size; one of another size with a sparse gradient (left to
    Keras); one with an L2 penalty, its gradient added as Rasa's training step adds it before
    Keras' Adam, or inside the fused update. Gradients of very different scales and both
    signs, each step inside a tf.function: every value of the variables and of their slots
    must be the same, bit for bit.
    """
    rng = np.random.default_rng(11)
    shapes = ((37, 13), (5,), (29, 7))
    starts = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
    # The penalised variable's gradients are smaller than its penalty's (0.004 times about 1),
    # as they are for the weights of rare features: there a wrong penalty shows.
    scales = ((1e-2, 3.0, 1e-6, 40.0, 0.5),) * 2 + ((1e-6, 1e-4, 1e-3, 1e-5, 2e-3),)
    gradients = [
        [rng.standard_normal(shape).astype(np.float32) * s for s in variable_scales]
        for shape, variable_scales in zip(shapes, scales, strict=True)
    ]
    penalty = tf.constant(0.004)

    def trained(step) -> list[np.ndarray]:  # noqa: ANN001
        Adam.update_step = step
        try:
            variables = [tf.Variable(start) for start in starts]
            optimizer = Adam(0.003)

            @tf.function
            def train(dense, sparse_values, penalised) -> None:  # noqa: ANN001
                sparse = tf.IndexedSlices(sparse_values, tf.constant([4, 1]), tf.constant([5]))
                if step is _KERAS_ADAM_STEP:  # Rasa's sum (RasaModel.train_step)
                    decay = variables[2] * penalty
                    penalised = penalised + tf.where(penalised > 0, decay, tf.zeros_like(decay))
                else:
                    _PENALTIES[optimizer._var_key(variables[2])] = penalty
                pairs = [(dense, variables[0]), (sparse, variables[1]), (penalised, variables[2])]
                try:
                    optimizer.apply_gradients(pairs)
                finally:
                    _PENALTIES.clear()

            for number in range(len(scales[0])):
                train(gradients[0][number], gradients[1][number][:2], gradients[2][number])
            slots = [*optimizer._momentums, *optimizer._velocities]
            return [x.numpy() for x in (*variables, *slots)]
        finally:
            Adam.update_step = _KERAS_ADAM_STEP

    theirs, ours = trained(_KERAS_ADAM_STEP), trained(_fused_adam_step)
    return all(
        a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
        for a, b in zip(theirs, ours, strict=True)
    )


def _load_fused_adam() -> bool:
    """Load dalil_adam.so (scripts/nlu-ops.sh puts it in the virtualenv's lib) if it is there
    and gives Keras' results; otherwise Keras' Adam stays, and the training is only slower."""
    global _FUSED_OPS
    if _FUSED_OPS is not None:  # loaded and checked by an earlier apply()
        return True
    library = Path(sys.prefix) / "lib" / "dalil_adam.so"
    if not library.exists():
        print(f"dalil_fast_training: no {library} (make nlu-env builds it)", file=sys.stderr)
        return False
    try:
        _FUSED_OPS = tf.load_op_library(str(library))
        if _fused_adam_is_keras():
            return True
        _FUSED_OPS = None
        reason = "its results differ from Keras' Adam"
    except (tf.errors.OpError, RuntimeError, ValueError) as error:
        _FUSED_OPS = None
        reason = str(error).splitlines()[0]
    print(f"dalil_fast_training: Keras' Adam kept ({library}: {reason})", file=sys.stderr)
    return False


def _train_everything(self: GraphTrainer, *args: object, **kwargs: object) -> object:
    kwargs["force_retraining"] = True
    self._graph_runner_class = ClassifiersInChildren
    return _RASAS_TRAIN(self, *args, **kwargs)


class ClassifiersInChildren(DaskGraphRunner):
    """Rasa's graph runner, but DIET's models (DIET classifiers, response selectors) are each
    trained in a process of their own, beside each other and beside the rest of the graph.

    One DIET keeps about one and a half of this machine's two cores busy, mostly with
    TensorFlow's work per operation, and Rasa trains them one after the other. Here each such
    node is handed, with its inputs as they are when its turn comes, to a child process forked
    from a fork server that imported TensorFlow and Rasa while the graph ran; the children
    write to the same model storage. Each child has Rasa's and these
    replacements and builds the node as Rasa would, and DIET sets every seed when its model
    is made, so the model files are the same as in one process. Only nodes nothing else in the
    graph needs are moved; with fewer than two of them, the graph runs as Rasa runs it.
    """

    def __init__(
        self,
        graph_schema: GraphSchema,
        model_storage: LocalModelStorage,
        execution_context: ExecutionContext,
        hooks: list | None = None,
    ) -> None:
        super().__init__(graph_schema, model_storage, execution_context, hooks)
        needed = {name for node in graph_schema.nodes.values() for name in node.needs.values()}
        moved = [
            name
            for name, node in graph_schema.nodes.items()
            if node.fn == "train" and issubclass(node.uses, DIETClassifier) and name not in needed
        ]
        for name, node in self._instantiated_nodes.items():
            if name not in moved:
                self._instantiated_nodes[name] = _LongLivedOutput(node)
        self._children: dict[int | None, ProcessPoolExecutor] = {}
        children = children_for(len(moved), _available_memory())
        if children < 2 or not isinstance(model_storage, LocalModelStorage):
            return
        threads = threads_in_children({name: graph_schema.nodes[name] for name in moved}, children)
        # The children are forked, at the first DIET's turn, from one process that imports
        # TensorFlow and Rasa (and runs nothing of them) while this one featurises the data:
        # one import instead of one in each child. A pool's children all compute with the
        # same number of threads per operation, set as each starts.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["dalil_fast_training"])
        multiprocessing.forkserver.ensure_running()
        for kind, count in Counter(threads.values()).items():
            self._children[kind] = ProcessPoolExecutor(
                max_workers=min(children, count),
                mp_context=context,
                initializer=_launcher().child_ready,
                initargs=(os.getpid(), kind),
            )
        logger.info(f"Training {', '.join(moved)} in {children} child processes.")
        alone = [name for name in moved if threads[name] == 1]
        if alone:
            logger.info(f"{', '.join(alone)} with one thread per operation.")
        self._inputs = _PickledInputs()
        for name in moved:
            self._instantiated_nodes[name] = _TrainedInChild(
                self._instantiated_nodes[name], graph_schema.nodes[name], model_storage,
                execution_context, self._children[threads[name]], self._inputs,
            )  # fmt: skip

    def run(self, inputs: dict | None = None, targets: list | None = None) -> dict:
        if not self._children:
            return super().run(inputs, targets)
        try:
            outputs = super().run(inputs, targets)
            training = [
                output.future for output in outputs.values() if isinstance(output, _Training)
            ]
            done, _ = wait(training, return_when=FIRST_EXCEPTION)
            for future in done:  # a failure is raised now, not after the others' training
                future.result()
            return {
                name: output.result() if isinstance(output, _Training) else output
                for name, output in outputs.items()
            }
        except BaseException:
            # One node failed (or the training was interrupted): the others' work is lost
            # anyway, so the children stop now rather than when they are done.
            for pool in self._children.values():
                for child in list(pool._processes.values()):
                    child.terminate()
            raise
        finally:
            for pool in self._children.values():
                pool.shutdown(cancel_futures=True)
            self._inputs.directory.cleanup()


# What a child training one of AB's classifiers holds at most here (1.42 GB, measured), with
# some room: the parent holds about as much.
CHILD_MEMORY = 1_600_000_000


def children_for(nodes: int, available: int | None) -> int:
    """How many children train `nodes` nodes: one each, as many as the memory available
    holds beside the parent (all of them when it is not known)."""
    if available is None:
        return nodes
    return max(0, min(nodes, available // CHILD_MEMORY - 1))


def threads_in_children(nodes: dict[str, SchemaNode], children: int) -> dict[str, int | None]:
    """Each node's threads per TensorFlow operation in its child: one for a DIET classifier,
    TensorFlow's own choice (None) for any other node.

    Four children share this machine's two cores, so an operation split over two threads
    only adds the hand-offs between them: a classifier's child computes each on one thread,
    about 0.93 of the time for the whole training here. The classifier's operations give the
    same bits on one thread or two; the response selector's do not (its weights change), so
    it keeps TensorFlow's threads. A child's threads are set once, as it starts: with fewer
    children than nodes, a child may train nodes of both kinds, so all keep TensorFlow's.
    """
    if children < len(nodes):
        return dict.fromkeys(nodes)
    return {name: 1 if node.uses is DIETClassifier else None for name, node in nodes.items()}


def _available_memory() -> int | None:
    """The memory the system can give without swapping (MemAvailable), None if unknown."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


class _LongLivedOutput:
    """A node of the launcher's graph, run by `long_lived`: what the nodes before DIET make
    (the examples, their features) is the training's data."""

    def __init__(self, node: GraphNode) -> None:
        self._node = node

    def __call__(self, *inputs: tuple) -> tuple:
        return long_lived(self._node, *inputs)


class _Training:
    """A node's output while a child trains it: `result()` waits for it, then runs the node's
    after-hooks, as Rasa's `GraphNode` does once its function returns."""

    def __init__(self, node: GraphNode, future: Future, hook_outputs: list) -> None:
        self._node, self.future, self._hook_outputs = node, future, hook_outputs

    def result(self) -> object:
        output = self.future.result()
        self._node._run_after_hooks(self._hook_outputs, output)
        return output


class _PickledInputs:
    """The nodes' inputs, pickled into files for the children. Files, not the pool's queue: a
    work item left in the queue by a child that died before reading it would hold the pool's
    shutdown for ever when it is large."""

    def __init__(self) -> None:
        self.directory = tempfile.TemporaryDirectory(prefix="dalil-training-")
        self._paths: dict[tuple, Path] = {}

    def path(self, name: str, inputs: tuple) -> Path:
        """The file holding `inputs`, pickled now, as they are when Rasa would have run the
        node. A training reads its data and leaves it as it is, so the nodes given the same
        data (DIET's all take the featurised training data) share one file."""
        key = tuple(id(output) for _, output in inputs)
        if key not in self._paths:
            path = Path(self.directory.name) / f"{name}.pickle"
            with path.open("wb") as file:
                pickle.dump(inputs, file, protocol=pickle.HIGHEST_PROTOCOL)
            self._paths[key] = path
        return self._paths[key]


class _TrainedInChild:
    """Stands in the graph for a node a child trains: Rasa's node runs its before-hooks here,
    then the child gets what it needs to build the node and the node's inputs."""

    def __init__(
        self,
        node: GraphNode,
        schema_node: SchemaNode,
        storage: LocalModelStorage,
        execution_context: ExecutionContext,
        children: ProcessPoolExecutor,
        pickled: _PickledInputs,
    ) -> None:
        self._node, self._schema_node, self._children = node, schema_node, children
        self._pickled = pickled
        self._storage, self._execution_context = storage, execution_context

    def __call__(self, *inputs: tuple) -> tuple:
        name = self._node._node_name
        received = dict(inputs)
        hook_outputs = self._node._run_before_hooks(
            {argument: received[node] for argument, node in self._schema_node.needs.items()}
        )
        node = (name, self._schema_node, self._storage._storage_path, self._execution_context)
        path = self._pickled.path(name, inputs)
        future = self._children.submit(_launcher().train_in_child, node, path)
        return name, _Training(self._node, future, hook_outputs)


def _launcher():  # noqa: ANN202
    """This module by its name (run with -m, it is also __main__), which children can import."""
    return importlib.import_module("dalil_fast_training")


def child_ready(parent: int, threads: int | None) -> None:
    """A child's start: its threads per TensorFlow operation (None: TensorFlow's choice),
    Rasa's logging level and these replacements, as in the parent, and a watch that ends the
    child as soon as the training process is gone (killed, it could not stop it). The fork
    server the child comes from waits for its children to end."""
    if threads is not None:  # before anything runs in TensorFlow
        tf.config.threading.set_intra_op_parallelism_threads(threads)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    apply()
    try:
        training = os.pidfd_open(parent)
    except ProcessLookupError:
        os._exit(1)

    def watch() -> None:
        select.select([training], [], [])  # readable once the training process has ended
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def train_in_child(node: tuple, inputs: Path) -> object:
    """Build the node as Rasa's runner does and run it on its inputs; return its output."""
    name, schema_node, storage_path, execution_context = node
    threads = tf.config.threading.get_intra_op_parallelism_threads()  # 0: TensorFlow's choice
    logger.debug(f"Training {name}, threads per operation: {threads}.")
    with inputs.open("rb") as file:
        inputs = long_lived(pickle.load, file)
    graph_node = GraphNode.from_schema_node(
        name, schema_node, LocalModelStorage(storage_path), execution_context, hooks=[]
    )
    return graph_node(*inputs)[1]


def long_lived(make, *args: object) -> object:  # noqa: ANN001
    """`make(*args)`, what it makes frozen out of the garbage collector's sight.

    The training's data (every example, its features) lives as long as the training, and a
    full collection looks at every object again: about 0.4 s each time here, eight times in
    the launcher while it reads and featurises the data, four times in each child while it
    unpickles its inputs. So it is made without collections, and frozen once made (frozen
    objects are still freed when nothing refers to them; only a cycle among them would stay).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return make(*args)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def _nlu_data_read_once(self: NluDataImporter, language: str | None = "en") -> TrainingData:
    # Rasa's importers pass the language only to each file's loading, and merging the files
    # (TrainingData.merge) drops it: the data is the same for any language.
    if not hasattr(self, "_dalil_nlu_data"):
        TrainingData.merge = _merge_sharing_examples
        try:
            self._dalil_nlu_data = _RASAS_NLU_DATA(self, language)
        finally:
            TrainingData.merge = _RASAS_MERGE
    return self._dalil_nlu_data


def _merge_sharing_examples(self: TrainingData, *others: TrainingData | None) -> TrainingData:
    """Rasa's `TrainingData.merge`, but the examples are not deep-copied.

    Used only while the data is read. Rasa merges each file's fresh data into one, then its
    importers merge that twice more (combining importers, then adding the responses):
    every merge's inputs are dropped once it is done, except the importers' cached merges,
    which Rasa reads again only for their labels and responses. Synonyms, regexes, lookup
    tables and responses go through Rasa's own merge.
    """
    present = [other for other in others if other is not None]  # Rasa's merge skips None
    examples = list(self.training_examples)
    for other in present:
        examples.extend(other.training_examples)
    rest = _RASAS_MERGE(_without_examples(self), *map(_without_examples, present))
    return TrainingData(
        examples, rest.entity_synonyms, rest.regex_features, rest.lookup_tables, rest.responses
    )


def _without_examples(data: TrainingData) -> TrainingData:
    bare = copy.copy(data)
    bare.training_examples = []
    return bare


def _sanitize_keeping_fingerprints(examples: List[Message]) -> List[Message]:
    """Rasa's `TrainingData.sanitize_examples`, without forgetting fingerprints for nothing.

    Rasa strips each example's intent and response and sets them again, which drops the
    example's cached fingerprint even when nothing was stripped; the duplicates are then found
    by hashing every example again, at every merge. Here a value is set again only when
    stripping changes it (or it is not a plain `str`, which stripping turns into one), so an
    example is hashed again only after it changed: the same examples, in the same order.
    """
    for example in examples:
        for key in (INTENT, RESPONSE):
            value = example.get(key)
            if value:
                stripped = value.strip()
                if type(value) is not str or stripped != value:
                    example.set(key, stripped)
    return list(OrderedDict.fromkeys(examples))


def _validate_nlu_yaml(self: RasaYAMLReader, string: str) -> None:
    """Rasa's check of an NLU file against its schema, on the data as `reads` parses it.

    Rasa parses every file twice: once with ruamel's round-trip loader, in pure Python, only to
    check it against the schema (the line numbers are for its error messages), and again with
    the C-backed safe loader for the data it reads. Here the schema check runs on the safe
    parse, with the schema loaded once. A file this check rejects (or cannot parse) goes
    through Rasa's own check, which raises Rasa's error with its line numbers.
    """
    from pykwalify.core import Core

    logging.getLogger("pykwalify").setLevel(logging.CRITICAL)  # as Rasa's check does
    try:
        content = rasa.shared.utils.io.read_yaml(string)
        core = Core(source_data=content, schema_data=_nlu_schema(), extensions=[_SCHEMA_EXTENSIONS])
        core.validate(raise_exception=True)
    except Exception:  # noqa: BLE001 (Rasa's own check below raises its own error)
        _RASAS_VALIDATE(self, string)


def _nlu_schema() -> dict:
    global _NLU_SCHEMA
    if _NLU_SCHEMA is None:
        read = rasa.shared.utils.io.read_yaml_file
        package = validation.PACKAGE_NAME
        _NLU_SCHEMA = dict(
            read(pkg_resources.resource_filename(package, NLU_SCHEMA_FILE)),
            **read(pkg_resources.resource_filename(package, validation.RESPONSES_SCHEMA_FILE)),
        )
    return _NLU_SCHEMA


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
    RasaBatchDataGenerator._shuffle_and_balance = _shuffle_and_balance_positions
    RasaBatchDataGenerator.__getitem__ = _batch_at
    CountVectorsFeaturizer.process_training_data = _count_training_data_in_batches
    dalil_features.apply()
    GraphTrainer.train = _train_everything
    NluDataImporter.get_nlu_data = _nlu_data_read_once
    TrainingData.sanitize_examples = staticmethod(_sanitize_keeping_fingerprints)
    RasaYAMLReader.validate = _validate_nlu_yaml
    TrainingHook.on_before_node = _no_fingerprint
    if _load_fused_adam():
        Adam.update_step = _fused_adam_step
        RasaModel.train_step = _train_step_in_one_pass
    DataHandler.steps = _steps_one_at_a_time
    TrainingHook.on_after_node = _nothing_cached
    return True


def _no_fingerprint(self, *args: object, **kwargs: object) -> dict:
    return {}


def _nothing_cached(self, *args: object, **kwargs: object) -> None:
    return None


def main() -> None:
    """`rasa` with the replacements, e.g. `python -m dalil_fast_training train nlu ...`."""
    _launcher().apply()
    dalil_rasa.main()


if __name__ == "__main__":
    main()
