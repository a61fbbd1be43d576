"""Waiting for a real Rasa server to load its model."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from nlu.client import NLUClient
from tests.helpers.settings import RASA_TOKEN


async def wait_ready(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    client = NLUClient(url, token=RASA_TOKEN)
    try:
        for _ in range(180):
            if process.poll() is not None:
                pytest.fail(
                    f"Rasa exited with {process.returncode}: {log_path.read_text()[-2000:]}"
                )
            if await client.is_ready():
                return
            await asyncio.sleep(1)
        pytest.fail("Rasa did not load its model within 180 s")
    finally:
        await client.aclose()
