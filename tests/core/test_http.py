"""Which proxy Dalil's HTTP clients go through: the one the environment names, read once."""

from __future__ import annotations

import pytest

from core.http import proxy_for

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY")


@pytest.fixture(autouse=True)
def no_proxy_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def test_no_proxy_named_means_direct() -> None:
    assert proxy_for("https://graph.facebook.com/v21.0") is None
    assert proxy_for("http://127.0.0.1:5005") is None


def test_each_scheme_takes_its_own_proxy_and_no_proxy_is_honoured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://egress.internal:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://plain.internal:3128")
    monkeypatch.setenv("NO_PROXY", "nlu,localhost")
    assert proxy_for("https://graph.facebook.com/v21.0") == "http://egress.internal:3128"
    assert proxy_for("https://api.telegram.org/bot") == "http://egress.internal:3128"
    assert proxy_for("http://example.org/") == "http://plain.internal:3128"
    # Rasa inside the deployment is reached directly.
    assert proxy_for("http://nlu:5005") is None
    assert proxy_for("http://localhost:5005") is None
