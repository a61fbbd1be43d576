"""Errors of the NLU package."""

from __future__ import annotations

from core.errors import DalilError


class NLUError(DalilError):
    """Base of NLU errors."""

    status_code = 503
    code = "nlu_error"


class NLUUnavailable(NLUError):
    """Rasa did not answer in time, or answered something that is not a parse result."""

    code = "nlu_unavailable"


class NLUSetupError(NLUError):
    """The NLU environment is missing something it needs (Python 3.10, Rasa, a model)."""

    status_code = 500
    code = "nlu_setup"
