"""`rasa`, lighter: `python -m dalil_rasa run ...` serves a model as `rasa run ...` does,
in about 250 MB less memory and faster.

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

And what it does slowly for every message (`py-spy` under the parse benchmark, 5 and 6
December 2026):

- **Joining the features.** Before each of the four DIET models reads a message, Rasa joins
  the message's sparse features with scipy's general `hstack`, after deep-copying the first
  of them; `dalil_features` makes the same matrices without that machinery, as the training
  launcher does.
- **The same inputs four times.** Each model builds its own arrays from the message's
  features and converts them to tensors: the same arrays four times.
  `one_input_for_every_model` builds them once for every model that reads the same
  featurizers, and converts an array of the signature's very dtype without TensorFlow's
  dispatch layers. The pipeline's DIET intent classifiers (three in the served model) then
  run as one graph, traced from their own prediction steps: one call instead of three.
- **Matching the signature.** Each model calls its traced prediction (a `tf.function` with
  a fixed input signature), and TensorFlow matches the arrays to the signature again at
  every call: 0.29 of the server's time, against 0.09 for the graph itself.
  `through_the_traced_graph` converts the arrays as that matching does and hands them to
  the one graph the signature allows.
- **Stand-ins never used.** Rasa deep-copies every feature of the message, sparse matrices
  included, to build zero-row stand-ins that a single message never uses;
  `fake_features_without_copies` builds the same stand-ins without the copies.
- **dask for a chain.** Rasa cuts its graph down and has dask order and run it at every
  parse (0.14 of the server's time), though the NLU pipeline's nodes form a chain;
  `a_chain_without_dask` runs a graph that has one possible order in that order.
- **An empty domain, again.** After each parse Rasa checks whether the domain is empty by
  writing it out and comparing it with a new empty one; `domain_emptiness_once` keeps the
  answer on the domain.

`for_serving` puts them all in place.

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


def _ready_for_prediction(model: Any) -> None:
    """What Rasa's `_rasa_predict` does to a model before each prediction, done only when
    needed: Keras' attribute tracking makes each set of `_training` costly."""
    if model._training is not False:
        model._training = False
    if not model.prepared_for_prediction:
        model.prepare_for_predict()
        model.prepared_for_prediction = True


def _traced_graph(model: Any, batch_in: Any) -> tuple[Any, tuple[tuple[Any, int, Any], ...]]:
    """The one graph of the model's traced prediction, and its signature's dtype, rank and
    last dimension for each input; traced, as Rasa would, at the first call."""
    graph = getattr(model, "_dalil_graph", None)
    if graph is None:
        import tensorflow as tf

        if model._tf_predict_step is None:
            model._tf_predict_step = tf.function(
                model.predict_step, input_signature=model._dynamic_signature(batch_in)
            )
        concrete = model._tf_predict_step.get_concrete_function()
        specs = tuple((spec.dtype, spec.shape.rank, spec.shape[-1])
                      for spec in concrete.structured_input_signature[0][0])  # fmt: skip
        graph = model._dalil_graph = (concrete, specs)
    return graph  # type: ignore[no-any-return]


def _as_inputs(batch_in: Any, specs: tuple[tuple[Any, int, Any], ...]) -> list[Any]:
    """The arrays as tensors, converted as TensorFlow's matching to a signature does
    (`convert_to_tensor` with the signature's dtype as a hint); a mismatch raises.

    A numpy array of the signature's very dtype takes the step that conversion ends in
    (`convert_to_tensor` goes through the registry of conversions to `constant`, then to
    `convert_to_eager_tensor` with that dtype) without the dispatch layers above it, which
    took most of the time of converting a message's eight small arrays."""
    import numpy as np
    import tensorflow as tf
    from tensorflow.python.eager import context
    from tensorflow.python.framework import constant_op

    if len(batch_in) != len(specs):
        raise ValueError(f"{len(batch_in)} inputs for a signature of {len(specs)}")
    eager = context.context()
    tensors = []
    for value, (dtype, rank, last) in zip(batch_in, specs):
        if type(value) is np.ndarray and value.dtype == dtype.as_numpy_dtype:
            tensor = constant_op.convert_to_eager_tensor(value, eager, dtype)
        else:
            tensor = tf.convert_to_tensor(value, dtype_hint=dtype)
        shape = tensor.shape
        if tensor.dtype != dtype or shape.rank != rank or (rank > 1 and shape[-1] != last):
            raise ValueError(f"input {tensor.dtype} {shape} does not match {dtype}")
        tensors.append(tensor)
    return tensors


def _run_graph(model: Any, concrete: Any, tensors: list[Any]) -> dict[str, Any]:
    """The graph's outputs as numpy values, as Rasa's `_rasa_predict` returns them."""
    return _as_outputs(model, concrete._call_flat(tensors, concrete.captured_inputs))


def _as_outputs(model: Any, outputs: Any) -> dict[str, Any]:
    """A graph's outputs for `model` as numpy values, as Rasa's `_rasa_predict` returns them."""
    from keras.utils import tf_utils
    from rasa.shared.constants import DIAGNOSTIC_DATA

    outputs = tf_utils.sync_to_numpy_or_python_type(outputs)
    if DIAGNOSTIC_DATA in outputs:
        outputs[DIAGNOSTIC_DATA] = model._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
    return outputs  # type: ignore[no-any-return]


def through_the_traced_graph() -> None:
    """Run DIET's traced prediction without matching each call's arrays to its signature.

    Rasa traces `predict_step` once per model, with a signature that fixes each input's
    dtype and rank and its last dimension, so there is one graph to call. It is taken from
    the `tf.function` once; each call then converts the arrays as TensorFlow's matching does
    (`convert_to_tensor` with the signature's dtype as a hint), checks them against the
    signature and runs the graph. Eager models (`run_eagerly`) are left to Rasa.
    """
    from rasa.utils.tensorflow.models import RasaModel

    rasa_predict = RasaModel._rasa_predict
    if getattr(rasa_predict, "through_the_traced_graph", False):
        return

    def _rasa_predict(self: RasaModel, batch_in: Any) -> dict[str, Any]:
        if self._run_eagerly:
            return rasa_predict(self, batch_in)  # type: ignore[no-any-return]
        _ready_for_prediction(self)
        concrete, specs = _traced_graph(self, batch_in)
        return _run_graph(self, concrete, _as_inputs(batch_in, specs))

    _rasa_predict.through_the_traced_graph = True  # type: ignore[attr-defined]
    RasaModel._rasa_predict = _rasa_predict  # type: ignore[assignment,method-assign]


def _together(
    component: Any, recipe: tuple[str, ...], batch_in: Any, specs: tuple[Any, ...]
) -> tuple[tuple[Any, ...], Any] | None:
    """The DIET classifiers of the component's pipeline (`_dalil_group`, set by
    `a_chain_without_dask`) and one graph that runs all their predictions on the same
    inputs; None unless the component is one of two or more that read the same featurizers
    and take the same signature. The graph is traced once, from each model's own
    `predict_step`, and kept on the group's first classifier; so is a group that cannot
    run as one, so that it is checked once, not at every message."""
    import tensorflow as tf
    from rasa.utils.tensorflow.constants import FEATURIZERS

    group = getattr(component, "_dalil_group", None)
    if group is None or component not in group:
        return None
    kept = getattr(group[0], "_dalil_together", None)
    if kept is not None and kept[0] == (recipe, specs):
        return None if kept[1] is None else (group, kept[1])
    merged = None
    for member in group:
        model = member.model
        if (
            model is None
            or model._run_eagerly
            or tuple(member.component_config.get(FEATURIZERS) or ()) != recipe
        ):
            break
        _ready_for_prediction(model)
        if _traced_graph(model, batch_in)[1] != specs:
            break
    else:
        concrete, _ = _traced_graph(component.model, batch_in)
        models = [member.model for member in group]
        merged = tf.function(
            lambda batch: [model.predict_step(batch) for model in models],
            input_signature=[concrete.structured_input_signature[0][0]],
        ).get_concrete_function()
    group[0]._dalil_together = ((recipe, specs), merged)
    return None if merged is None else (group, merged)


# The attribute of a message that keeps the inputs its first DIET model built, for the next.
SHARED_INPUTS = "_dalil_inputs"


def one_input_for_every_model() -> None:
    """Build a message's inputs once for all of DIET's models that read the same features.

    Each DIET model (the served model has three classifiers and the rumour selector) turns
    the message's features into its arrays on its own (`_create_model_data`, a batch of one
    from Rasa's data generator), and each converts them to tensors: the same arrays four
    times. For prediction those arrays depend only on the message's text features and on
    which featurizers the model reads (`featurizers`; entity tags and labels are read in
    training only): the first model keeps its arrays and tensors on the message, and a later
    model reading the same featurizers uses them as long as the message holds the very same
    feature objects. A model whose signature converts them differently converts them again;
    eager models, and any message whose data make more than one batch, are left to Rasa.
    Needs `through_the_traced_graph`.
    """
    from rasa.nlu.classifiers.diet_classifier import DIETClassifier
    from rasa.utils import train_utils
    from rasa.utils.tensorflow.constants import FEATURIZERS

    rasa_predict = DIETClassifier._predict
    if getattr(rasa_predict, "one_input_for_every_model", False):
        return

    def _predict(self: DIETClassifier, message: Any) -> dict[str, Any] | None:
        model = self.model
        if model is None or model._run_eagerly:
            return rasa_predict(self, message)  # type: ignore[no-any-return]
        recipe = tuple(self.component_config.get(FEATURIZERS) or ())
        features = tuple(message.features)
        shared = getattr(message, SHARED_INPUTS, None)
        if (
            shared is None
            or shared["recipe"] != recipe
            or len(shared["features"]) != len(features)
            or any(kept is not now for kept, now in zip(shared["features"], features))
        ):
            model_data = self._create_model_data([message], training=False)
            if model_data.is_empty():
                batch_in = None
            else:
                generator, _ = train_utils.create_data_generators(
                    model_data=model_data, batch_sizes=1, epochs=1, shuffle=False
                )
                if len(generator) != 1:
                    return model.run_inference(model_data)  # type: ignore[no-any-return]
                batch_in = generator[0][0]
            # The features are kept, not their ids: an id may be reused once freed.
            shared = {"recipe": recipe, "features": features, "batch": batch_in, "inputs": {}}
            setattr(message, SHARED_INPUTS, shared)
        batch_in = shared["batch"]
        if batch_in is None:
            return None
        answered = shared.setdefault("answered", {})
        if self in answered:
            return answered.pop(self)  # type: ignore[no-any-return]
        _ready_for_prediction(model)
        concrete, specs = _traced_graph(model, batch_in)
        tensors = shared["inputs"].get(specs)
        if tensors is None:
            tensors = shared["inputs"][specs] = _as_inputs(batch_in, specs)
        together = _together(self, recipe, batch_in, specs)
        if together is None:
            return _run_graph(model, concrete, tensors)
        group, merged = together
        for member, outputs in zip(group, merged._call_flat(tensors, merged.captured_inputs)):
            answered[member] = _as_outputs(member.model, outputs)
        return answered.pop(self)  # type: ignore[no-any-return]

    _predict.one_input_for_every_model = True  # type: ignore[attr-defined]
    DIETClassifier._predict = _predict  # type: ignore[assignment,method-assign]


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


def _one_order(schema: Any, targets: list[str]) -> list[tuple[str, tuple[str, ...]]] | None:
    """The nodes of the part of `schema` that `targets` need, each with the names of what it
    needs, in the one order their dependencies allow; None when more than one order would."""
    nodes = schema.minimal_graph_schema(targets).nodes
    waiting = {name: {need for need in node.needs.values() if need in nodes}
               for name, node in nodes.items()}  # fmt: skip
    order = []
    while waiting:
        ready = [name for name, needs in waiting.items() if not needs]
        if len(ready) != 1:
            return None
        (done,) = ready
        del waiting[done]
        for needs in waiting.values():
            needs.discard(done)
        order.append((done, tuple(nodes[done].needs.values())))
    return order


def _group_the_classifiers(components: list[Any]) -> None:
    """Mark the DIET intent classifiers of one pipeline as a group (`_together`)."""
    from rasa.nlu.classifiers.diet_classifier import DIETClassifier

    group = tuple(c for c in components if type(c) is DIETClassifier)
    if len(group) > 1:
        for member in group:
            member._dalil_group = group


def a_chain_without_dask() -> None:
    """Run a graph whose nodes can run in one order only in that order, without dask.

    For every parse Rasa's `DaskGraphRunner.run` cuts the graph down to what the targets
    need, builds a dask graph of it and has dask order and run it: 0.14 of the server's time
    under the parse benchmark, for an NLU pipeline whose nodes form a chain (each needs the
    one before). Here the order is found once per set of targets; when the dependencies
    allow that one order only, the nodes are called in it with what dask would hand them
    (their parents' outputs, an input as the pair `(name, value)`). A graph with branches
    that could run in more than one order, and inputs that clash with a node's name (which
    Rasa refuses), go through Rasa's own run.
    """
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    rasa_run = DaskGraphRunner.run
    if getattr(rasa_run, "a_chain_without_dask", False):
        return

    def run(
        self: DaskGraphRunner,
        inputs: dict[str, Any] | None = None,
        targets: list[str] | None = None,
    ) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        orders = self.__dict__.setdefault("_dalil_orders", {})
        key = tuple(run_targets)
        if key not in orders:
            orders[key] = _one_order(self._graph_schema, run_targets)
            if orders[key] is not None:
                _group_the_classifiers(
                    [self._instantiated_nodes[name]._component for name, _ in orders[key]]
                )
        order = orders[key]
        inputs = inputs or {}
        if order is None or any(
            isinstance(value, str) and value in self._instantiated_nodes
            for value in inputs.values()
        ):
            return rasa_run(self, inputs, targets)  # type: ignore[no-any-return]
        # As dask resolves a task's arguments: a key of the graph is replaced by its value.
        values: dict[str, Any] = {name: (name, value) for name, value in inputs.items()}
        try:
            for name, needs in order:
                arguments = [values.get(need, need) for need in needs]
                values[name] = self._instantiated_nodes[name](*arguments)
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e
        return dict(values[target] for target in run_targets)

    run.a_chain_without_dask = True  # type: ignore[attr-defined]
    DaskGraphRunner.run = run  # type: ignore[method-assign]


def domain_emptiness_once() -> None:
    """Tell once whether a domain is empty, not at every parse.

    After each parse Rasa's processor checks the intent and entities against the domain,
    unless the domain is empty; `Domain.is_empty` answers by writing the domain out as a
    dict and comparing it with a new empty domain's (0.04 of the server's time). A domain
    is not changed once made (Rasa computes its other properties once too), so the answer
    is kept on it.
    """
    from rasa.shared.core.domain import Domain

    rasa_is_empty = Domain.is_empty
    if getattr(rasa_is_empty, "once", False):
        return

    def is_empty(self: Domain) -> bool:
        answer = self.__dict__.get("_dalil_is_empty")
        if answer is None:
            answer = self.__dict__["_dalil_is_empty"] = rasa_is_empty(self)
        return answer  # type: ignore[no-any-return]

    is_empty.once = True  # type: ignore[attr-defined]
    Domain.is_empty = is_empty  # type: ignore[method-assign]


def for_serving() -> None:
    """DIET's models loaded for prediction only, messages' features joined without scipy's
    general machinery, the traced prediction called directly, a message's inputs built once
    for every model, the stand-in features made without copies, a chain of nodes run
    without dask and a domain's emptiness told once; call it after `without_jax`, before
    the model is loaded."""
    import dalil_features

    for_prediction_only()
    dalil_features.apply()
    through_the_traced_graph()
    one_input_for_every_model()
    fake_features_without_copies()
    a_chain_without_dask()
    domain_emptiness_once()


def main() -> None:
    """`rasa`, lighter, e.g. `python -m dalil_rasa run --enable-api --model ...`."""
    without_jax()
    for_serving()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
