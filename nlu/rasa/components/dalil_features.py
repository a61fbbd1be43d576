"""A message's sparse features joined as Rasa joins them, without scipy's general machinery.

Before DIET's models (the classifiers and the response selector) read a message, Rasa joins
its sparse features of a kind (the regex featurizer's, then the word counts', then the
character counts') side by side with scipy's general `hstack`, after deep-copying the first
of them. In training that happens for every example, in serving for every message and every
DIET model (four times a message for the served model). Here:

- `hstack_coo` builds the same matrix for the case that occurs, two COO matrices with as
  many rows, without `hstack`'s general machinery; the matrices are built without scipy's
  checks of arrays made right here (`coo`), when that gives scipy's own matrices on the
  scipy installed (`_direct_coo_is_scipys`, at import).
- The first feature is copied shallowly when others are joined to it (joining gives the
  copy a matrix of its own), and a message's only feature of a kind is deep-copied as Rasa
  does, by `_deep_copy`, without `copy.deepcopy`'s general machinery.

The same matrices, attribute for attribute (tests/nlu/test_training.py). `apply()` puts them
in place; the training launcher (dalil_fast_training) and the server (dalil_rasa) call it.
"""

from __future__ import annotations

import copy
from typing import List

import numpy as np
import scipy.sparse
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse._base import MAXPRINT
from scipy.sparse._sputils import upcast


def apply() -> None:
    """Join and copy messages' features this way from now on, in this process."""
    Features._combine_sparse_features = _combine_sparse_features
    Message._combine_features = staticmethod(_combine_copying_only_the_result)


def hstack_coo(
    left: scipy.sparse.coo_matrix, right: scipy.sparse.coo_matrix
) -> scipy.sparse.coo_matrix:
    """`scipy.sparse.hstack([left, right])` of two COO matrices with as many rows: the same
    values, rows and columns, in the same order and types."""
    shape = (left.shape[0], left.shape[1] + right.shape[1])
    index = index_dtype(shape)
    data = np.concatenate([left.data, right.data]).astype(upcast(left.dtype, right.dtype))
    row = np.concatenate([left.row.astype(index), right.row.astype(index)])
    col = np.concatenate([left.col.astype(index), right.col.astype(index) + left.shape[1]])
    return coo(data, row, col, shape)


_INT32_MAX = int(np.iinfo(np.int32).max)


def index_dtype(shape: tuple[int, int]) -> type:
    """The index type scipy gives a matrix of this shape (`get_index_dtype(maxval=...)`,
    without its 10 µs of numpy limits)."""
    return np.int32 if max(shape) <= _INT32_MAX else np.int64


def _scipys_coo(
    data: np.ndarray, row: np.ndarray, col: np.ndarray, shape: tuple[int, int]
) -> scipy.sparse.coo_matrix:
    return scipy.sparse.coo_matrix((data, (row, col)), shape=shape)


def _direct_coo(
    data: np.ndarray, row: np.ndarray, col: np.ndarray, shape: tuple[int, int]
) -> scipy.sparse.coo_matrix:
    """The matrix `_scipys_coo` makes of arrays that are already what it would check them
    into: `row` and `col` of `index_dtype(shape)` and within the shape, `data` in native
    byte order. scipy's checks (its index type worked out from numpy's limits, each array's
    range) cost about 50 µs a matrix, and training makes about 145,000 of them."""
    matrix = object.__new__(scipy.sparse.coo_matrix)
    matrix.__dict__.update(
        _shape=shape, maxprint=MAXPRINT, row=row, col=col, data=data, has_canonical_format=False
    )
    return matrix


def _same_matrix(a: scipy.sparse.coo_matrix, b: scipy.sparse.coo_matrix) -> bool:
    """Whether two matrices are the same object state: attributes, their order and types,
    and arrays of the same type and values."""
    if type(a) is not type(b) or list(vars(a)) != list(vars(b)):
        return False
    for name, value in vars(a).items():
        other = vars(b)[name]
        if isinstance(value, np.ndarray):
            if not (
                isinstance(other, np.ndarray)
                and value.dtype == other.dtype
                and np.array_equal(value, other)
            ):
                return False
        elif type(value) is not type(other) or value != other:
            return False
    return True


def _direct_coo_is_scipys() -> bool:
    """Whether `_direct_coo` builds what this scipy's constructor builds (a 3-row integer
    matrix, a float one, an empty one and one too wide for 32-bit indices)."""
    cases = []
    for data, shape in (
        (np.array([1, 2, 1], dtype=np.int64), (3, 9)),
        (np.array([0.5, 1.0, 2.0]), (3, 7)),
        (np.array([], dtype=np.int64), (2, 4)),
        (np.array([1.0, 1.0, 3.0]), (3, _INT32_MAX + 5)),
    ):
        index = index_dtype(shape)
        rows = np.arange(len(data), dtype=index) % shape[0]
        cols = np.arange(len(data), dtype=index) * 2
        cases.append((data, rows, cols, shape))
    return all(_same_matrix(_direct_coo(*case), _scipys_coo(*case)) for case in cases)


# Built without scipy's checks when that gives scipy's own matrices here, else by scipy.
coo = _direct_coo if _direct_coo_is_scipys() else _scipys_coo


_RASAS_COMBINE = Features._combine_sparse_features
_RASAS_COMBINE_FEATURES = Message._combine_features


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


def _combine_copying_only_the_result(features: List[Features], featurizers: List[str]):  # noqa: ANN202
    """Rasa's `Message._combine_features`, without deep-copying the first features.

    Rasa deep-copies the first of a message's features, matrix included, then joins the others
    to the copy, which replaces its matrix by a new one: the copied matrix is thrown away.
    With two features or more, the first is copied shallowly instead, and joining gives the
    copy a matrix of its own all the same (a new array from scipy or numpy, or `hstack_coo`'s).
    A single feature is deep-copied, as Rasa does, by `_deep_copy` (without `copy.deepcopy`'s
    general machinery, about 1 s for each DIET's examples here).
    """
    if len(features) == 1:
        combined = _deep_copy(features[0])
        combined.origin = featurizers
        return combined
    if len(features) < 2:
        return _RASAS_COMBINE_FEATURES(features, featurizers)
    combined = copy.copy(features[0])
    combined.origin = featurizers
    for other in features[1:]:
        combined.combine_with_features(other)
    return combined


def _deep_copy(feature: Features) -> Features:
    """`copy.deepcopy(feature)` of the features the featurisers write: a COO matrix of 1-D
    arrays, its shape and flags; strings, None or a list of strings beside it. Arrays and
    lists are copied, the rest shared, as deepcopy does; anything else goes to deepcopy."""
    matrix = feature.features
    if type(feature) is not Features or type(matrix) is not scipy.sparse.coo_matrix:
        return copy.deepcopy(feature)
    arrays = [v for v in vars(matrix).values() if isinstance(v, np.ndarray)]
    if len({id(a) for a in arrays}) < len(arrays) or not all(
        a.ndim == 1 and a.dtype != object for a in arrays
    ):
        return copy.deepcopy(feature)
    matrix_state = {}
    for name, value in vars(matrix).items():
        if isinstance(value, np.ndarray):
            value = value.copy()
        elif not _shared_by_deepcopy(value):
            return copy.deepcopy(feature)
        matrix_state[name] = value
    state = {}
    for name, value in vars(feature).items():
        if value is matrix:
            value = object.__new__(scipy.sparse.coo_matrix)
            value.__dict__.update(matrix_state)
        elif isinstance(value, list) and all(type(item) is str for item in value):
            value = list(value)
        elif not _shared_by_deepcopy(value):
            return copy.deepcopy(feature)
        state[name] = value
    copied = object.__new__(Features)
    copied.__dict__.update(state)
    return copied


def _shared_by_deepcopy(value: object) -> bool:
    """Whether deepcopy gives `value` itself: None, a bool, int or str, or a tuple of them."""
    if type(value) is tuple:
        return all(type(item) in (int, bool, str) or item is None for item in value)
    return value is None or type(value) in (int, bool, str)
