"""The expected errors of handed-over conversations, each with its HTTP status."""

from __future__ import annotations

from core.errors import DalilError


class HandoffError(DalilError):
    """Base of the handover's expected errors."""


class NotFound(HandoffError):
    """Absent, or not one the volunteer may see: the two are never told apart."""

    status_code = 404
    code = "not_found"


class AlreadyTaken(HandoffError):
    """Another volunteer took the conversation first."""

    status_code = 409
    code = "already_taken"


class Ended(HandoffError):
    """The conversation is over: nothing more can be sent in it."""

    status_code = 409
    code = "ended"


class WindowClosed(HandoffError):
    """WhatsApp forbids free-form messages 24 hours after the person last wrote."""

    status_code = 409
    code = "window_closed"
