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

And one thing it does slowly: before each of the four DIET models reads a message, Rasa
joins the message's sparse features with scipy's general `hstack`, after deep-copying the
first of them; `dalil_features` makes the same matrices without that machinery, as the
training launcher does (`for_serving` puts it in place with the load above).

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


def for_serving() -> None:
    """DIET's models loaded for prediction only, and messages' features joined without
    scipy's general machinery; call it after `without_jax`, before the model is loaded."""
    import dalil_features

    for_prediction_only()
    dalil_features.apply()


def main() -> None:
    """`rasa`, lighter, e.g. `python -m dalil_rasa run --enable-api --model ...`."""
    without_jax()
    for_serving()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
