"""Rasa 3.6's training, without two costs that change nothing in the model it writes.

Run as `python -m dalil_fast_training train nlu ...` (nlu/training.py does): the same command
line as `rasa`, in the same process, after two replacements.

- **Batches.** Every epoch, Rasa's data generator turns each example's sparse matrix into
  (example, row, column) indices one example at a time, stacking three small arrays per
  example. `values_of_sparse` computes the same arrays, in the same order and types, with a
  few operations over the whole batch: an epoch's batches take 0.27 s instead of 0.64 s here.
- **The training cache.** Before and after every node, Rasa fingerprints the node's inputs
  and output (for training data: every message, its features written out as text) and
  stores the output, so that a later training with the same data and settings can skip the
  node. Dalil trains once per change of data, from scratch, so the cache only costs (about
  15 s of a training here). Through this module no node's output is fingerprinted or stored
  (nlu/training.py also empties the cache's folder before each training).

Neither touches what is learned: the model from this command and from `rasa` are the same
(tests/nlu/test_training.py compares the arrays; nlu/README.md the trained models). Serving
(`rasa run`) is left as it is. On a Rasa other than 3.6 nothing is replaced.
"""

from __future__ import annotations

import sys
from typing import List

import numpy as np
import scipy.sparse

RASA_SERIES = "3.6."


def values_of_sparse(matrices) -> List[np.ndarray]:  # noqa: ANN001 (a Rasa FeatureArray)
    """(indices, values, shape) of a batch of 2-D sparse matrices, as Rasa's generator gives.

    `indices` holds one (example, row, column) line per stored value, example by example and
    in each matrix's own order; `shape` is (examples, longest, features).
    """
    if getattr(matrices, "number_of_dimensions", 3) == 4:  # dialogues: the policies' case
        from rasa.utils.tensorflow.data_generator import RasaDataGenerator

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


def apply() -> bool:
    """Put both replacements in place; False (and nothing replaced) on another Rasa."""
    import rasa
    from rasa.engine.training.hooks import TrainingHook
    from rasa.utils.tensorflow.data_generator import RasaDataGenerator

    if not rasa.__version__.startswith(RASA_SERIES):
        print(
            f"dalil_fast_training: Rasa {rasa.__version__} is not {RASA_SERIES}x, trained as is",
            file=sys.stderr,
        )
        return False
    RasaDataGenerator._scipy_matrix_to_values = staticmethod(values_of_sparse)
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
