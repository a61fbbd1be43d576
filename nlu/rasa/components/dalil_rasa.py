"""`rasa`, without JAX: `python -m dalil_rasa run ...` serves a model as `rasa run ...` does.

TensorFlow 2.12 requires JAX, and importing TensorFlow tries `from jax import
xla_computation` for TensorFlow Lite's converter, which Rasa never uses. That import alone
held 79 MB in a Rasa process here (591 MB against 670 MB once Rasa's classifier and agent
are imported, 5 December 2026) and took about 0.5 s. `without_jax` marks JAX as not
importable (a module set to None in `sys.modules` makes Python's import raise ImportError),
so TensorFlow's guarded import falls back as it does where JAX is not installed. Nothing
else changes: the server's command line and behaviour are Rasa's.
"""

from __future__ import annotations

import sys

NOT_IMPORTED = ("jax", "jaxlib")


def without_jax() -> None:
    """Make `import jax` fail in this process; call it before TensorFlow is imported."""
    for name in NOT_IMPORTED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def main() -> None:
    """`rasa` without JAX, e.g. `python -m dalil_rasa run --enable-api --model ...`."""
    without_jax()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
