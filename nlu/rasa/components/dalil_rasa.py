"""`rasa`, lighter: `python -m dalil_rasa run ...` serves a model as `rasa run ...` does,
in about 250 MB less memory and a little faster.

Two things Rasa holds and never uses when it serves a model:

- **JAX.** TensorFlow 2.12 requires JAX, and importing TensorFlow tries `from jax import
  xla_computation` for TensorFlow Lite's converter, which Rasa never uses. That import alone
  held 79 MB in a Rasa process here (591 MB against 670 MB once Rasa's classifier and agent
  are imported, 5 December 2026) and took about 0.5 s. `without_jax` marks JAX as not
  importable (a module set to None in `sys.modules` makes Python's import raise ImportError),
  so TensorFlow's guarded import falls back as it does where JAX is not installed.
- **A training step for every DIET model.** To load a DIETClassifier or ResponseSelector,
  Rasa's `RasaModel.load` compiles the model with Adam and trains it on one example, so that
  Keras creates its variables, and only then reads the trained weights over them. The traced
  training function, its gradients and Adam's two slots per weight stay in memory for as
  long as the server runs: 53-71 MB for each of the served model's four DIET models, against
  about 6 MB of weights (5 December 2026). `for_prediction_only` loads such a model as
  prediction needs it: the checkpoint's values are read into each variable as the first
  prediction creates it, and the load fails unless every variable the model made was found
  in the checkpoint. Loading to fine-tune is left to Rasa.

And three things it does slowly. Before each of the four DIET models reads a message, Rasa
joins the message's sparse features with scipy's general `hstack`, after deep-copying the
first of them; `dalil_features` makes the same matrices without that machinery, as the
training launcher does. Then each model calls its traced prediction (a `tf.function` with a
fixed input signature) with the message's arrays, and TensorFlow matches those arrays to the
signature again at every call: 0.29 of the server's time under the parse benchmark, against
0.09 for running the graph itself (`py-spy`, 5 December 2026). `through_the_traced_graph`
converts the arrays to tensors as that matching does and hands them to the one graph the
signature allows. And it deep-copies every feature of the message, sparse matrices
included, to build zero-row stand-ins that a single message never uses;
`fake_features_without_copies` builds the same stand-ins without the copies. `for_serving`
puts all four in place.

Nothing else changes: the server's command line and answers are Rasa's (the same rankings,
to the last digit, `tests/nlu/test_training.py`).
"""

from __future__ import annotations

import sys
from typing import Any

NOT_IMPORTED = ("jax", "jaxlib")


def without_jax() -> None:
    """Make `import jax` fail in this process; call it before TensorFlow is imported."""
    for name in NOT_IMPORTED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def for_prediction_only() -> None:
    """Load DIET's models (classifiers and response selectors) without a training step."""
    from rasa.utils.tensorflow.models import RasaModel

    rasa_load = RasaModel.load.__func__  # type: ignore[attr-defined]
    if getattr(rasa_load, "for_prediction_only", False):
        return

    def load(
        cls: type[RasaModel],
        model_file_name: str,
        model_data_example: Any,
        predict_data_example: Any = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        if finetune_mode or predict_data_example is None:
            return rasa_load(  # type: ignore[no-any-return]
                cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                *args, **kwargs,
            )  # fmt: skip
        model = cls(*args, **kwargs)
        # Restored as they are created: by the prediction below, as they would be by `fit`.
        restored = model.load_weights(model_file_name)
        model.run_inference(predict_data_example)
        restored.assert_existing_objects_matched()
        restored.expect_partial()  # the optimizer's values, which prediction has no use for
        return model

    load.for_prediction_only = True  # type: ignore[attr-defined]
    RasaModel.load = classmethod(load)  # type: ignore[assignment,method-assign]


def through_the_traced_graph() -> None:
    """Run DIET's traced prediction without matching each call's arrays to its signature.

    Rasa traces `predict_step` once per model, with a signature that fixes each input's
    dtype and rank and its last dimension, so there is one graph to call. It is taken from
    the `tf.function` once; each call then converts the arrays as TensorFlow's matching does
    (`convert_to_tensor` with the signature's dtype as a hint), checks them against the
    signature and runs the graph. Eager models (`run_eagerly`) are left to Rasa.
    """
    import tensorflow as tf
    from keras.utils import tf_utils
    from rasa.shared.constants import DIAGNOSTIC_DATA
    from rasa.utils.tensorflow.models import RasaModel

    rasa_predict = RasaModel._rasa_predict
    if getattr(rasa_predict, "through_the_traced_graph", False):
        return

    def _rasa_predict(self: RasaModel, batch_in: Any) -> dict[str, Any]:
        if self._run_eagerly:
            return rasa_predict(self, batch_in)  # type: ignore[no-any-return]
        if self._training is not False:  # Keras' attribute tracking makes each set costly
            self._training = False
        if not self.prepared_for_prediction:
            self.prepare_for_predict()
            self.prepared_for_prediction = True
        graph = getattr(self, "_dalil_graph", None)
        if graph is None:
            if self._tf_predict_step is None:
                self._tf_predict_step = tf.function(
                    self.predict_step, input_signature=self._dynamic_signature(batch_in)
                )
            concrete = self._tf_predict_step.get_concrete_function()
            specs = [(spec.dtype, spec.shape.rank, spec.shape[-1])
                     for spec in concrete.structured_input_signature[0][0]]  # fmt: skip
            graph = self._dalil_graph = (concrete, specs)
        concrete, specs = graph
        if len(batch_in) != len(specs):
            raise ValueError(f"{len(batch_in)} inputs for a signature of {len(specs)}")
        tensors = []
        for value, (dtype, rank, last) in zip(batch_in, specs):
            tensor = tf.convert_to_tensor(value, dtype_hint=dtype)
            shape = tensor.shape
            if tensor.dtype != dtype or shape.rank != rank or (rank > 1 and shape[-1] != last):
                raise ValueError(f"input {tensor.dtype} {shape} does not match {dtype}")
            tensors.append(tensor)
        outputs = tf_utils.sync_to_numpy_or_python_type(
            concrete._call_flat(tensors, concrete.captured_inputs)
        )
        if DIAGNOSTIC_DATA in outputs:
            outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(
                outputs[DIAGNOSTIC_DATA]
            )
        return outputs  # type: ignore[no-any-return]

    _rasa_predict.through_the_traced_graph = True  # type: ignore[attr-defined]
    RasaModel._rasa_predict = _rasa_predict  # type: ignore[assignment,method-assign]


def fake_features_without_copies() -> None:
    """Make DIET's stand-in features (for examples lacking an attribute) without deep copies.

    Before each of the four DIET models reads a message, Rasa builds zero-row stand-ins of
    its features by deep-copying every feature, sparse matrix included, and then replacing
    the matrix (`model_data_utils._create_fake_features`); a single message never lacks an
    attribute, so they are not even used. These are the same stand-ins, built from the
    features' type, attribute and origin and the same zero-row matrix, without the copy.
    """
    import copy

    import numpy as np
    import scipy.sparse
    from rasa.shared.nlu.training_data.features import Features
    from rasa.utils.tensorflow import model_data_utils

    if getattr(model_data_utils._create_fake_features, "without_copies", False):
        return

    def _create_fake_features(all_features: list[list[list[Features]]]) -> list[Features]:
        example = next(
            features
            for per_example in all_features
            for features in per_example
            if features is not None
        )
        fake = []
        for features in example:
            matrix = features.features
            if features.is_dense():
                zeros: Any = np.zeros((0, matrix.shape[-1]), matrix.dtype)
            else:
                # As Rasa writes it: the dtype lands in coo_matrix's `shape` argument.
                zeros = scipy.sparse.coo_matrix((0, matrix.shape[-1]), matrix.dtype)
            fake.append(
                Features(zeros, features.type, features.attribute, copy.deepcopy(features.origin))
            )
        return fake

    _create_fake_features.without_copies = True  # type: ignore[attr-defined]
    model_data_utils._create_fake_features = _create_fake_features


def for_serving() -> None:
    """DIET's models loaded for prediction only, messages' features joined without scipy's
    general machinery, the traced prediction called directly and the stand-in features made
    without copies; call it after `without_jax`, before the model is loaded."""
    import dalil_features

    for_prediction_only()
    dalil_features.apply()
    through_the_traced_graph()
    fake_features_without_copies()


def main() -> None:
    """`rasa`, lighter, e.g. `python -m dalil_rasa run --enable-api --model ...`."""
    without_jax()
    for_serving()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
