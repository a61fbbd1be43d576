"""Real processes for crash tests: `dalil run`, and private Redis, PostgreSQL and Rasa servers.

Each one runs as a subprocess the test can kill with SIGKILL and start again on the same
port (and, for the servers, the same data directory). Output goes to a log file in the
test's directory, shown when something does not come up.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from nlu import training
from tests.helpers.rasa import wait_ready
from tests.helpers.settings import (
    PSEUDONYM_KEY,
    RASA_TOKEN,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    make_settings,
)
from tests.standins.server import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def _stop(process: subprocess.Popen[bytes] | None, *, kill: bool = False) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass
class Dalil:
    """`dalil run --roles ...` as its own process, on a fixed port, restartable.

    It runs in `workdir` (no `.env` there), with the test's settings and `overrides`.
    """

    workdir: Path
    roles: str
    database_url: str
    redis_url: str
    rasa_url: str
    telegram_url: str
    overrides: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        env = {
            **os.environ,
            "DALIL_PROFILE": "test",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "RASA_URL": self.rasa_url,
            "RASA_TOKEN": RASA_TOKEN,
            "PSEUDONYM_KEY": PSEUDONYM_KEY,
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
            "TELEGRAM_API_BASE_URL": f"{self.telegram_url}/bot",
            "PUBLIC_BASE_URL": "https://dalil.example.org",
            **self.overrides,
        }
        dalil = Path(sys.executable).parent / "dalil"
        command = [str(dalil), "run", "--roles", self.roles, "--no-rasa", "--port", str(self.port)]
        self.starts += 1
        log = self.workdir / f"dalil-{self.roles.replace(',', '-')}-{self.port}-{self.starts}.log"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command, env=env, cwd=self.workdir, stdout=out, stderr=subprocess.STDOUT
            )
        self.log = log

    async def wait_up(self, timeout_s: float = 60) -> None:
        """Wait until the process answers /health (its roles are started by then)."""
        assert self.process is not None
        deadline = asyncio.get_running_loop().time() + timeout_s
        async with httpx.AsyncClient(timeout=2) as http:
            while asyncio.get_running_loop().time() < deadline:
                if self.process.poll() is not None:
                    raise AssertionError(f"dalil exited: {_tail(self.log)}")
                try:
                    await http.get(f"{self.url}/health")
                    return
                except httpx.HTTPError:
                    await asyncio.sleep(0.1)
        raise AssertionError(f"dalil did not answer within {timeout_s} s: {_tail(self.log)}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no round finished."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(timeout=10) == -signal.SIGKILL

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.thaw()
        _stop(self.process)


@dataclass
class PrivateRedis:
    """A redis-server of the test's own on a free port, with an append-only file fsynced on
    every write, in `directory`: killed and started again on the same port and files."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        command = [
            binary, "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.directory), "--appendonly", "yes", "--appendfsync", "always",
            "--save", "",
        ]  # fmt: skip
        with (self.directory / "redis.log").open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        for _ in range(200):
            if self.process.poll() is not None:
                raise AssertionError(f"redis-server exited: {_tail(self.directory / 'redis.log')}")
            ping = await asyncio.create_subprocess_exec(
                "redis-cli", "-p", str(self.port), "ping",
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            out_bytes, _ = await ping.communicate()
            if out_bytes.strip() == b"PONG":
                return
            await asyncio.sleep(0.05)
        raise AssertionError("redis-server did not answer")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        _stop(self.process)


@dataclass
class PrivatePostgres:
    """A PostgreSQL 15 cluster of the test's own (initdb in `directory`, a free port, its
    socket in the same directory), run as the `postgres` user when the test runs as root."""

    directory: Path
    port: int = field(default_factory=free_port)
    running: bool = False

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def url(self, database: str = "dalil") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def _as_owner(self, *command: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return list(command)

    def _run(self, *command: str) -> None:
        result = subprocess.run(
            self._as_owner(*command), capture_output=True, timeout=120, check=False
        )
        assert result.returncode == 0, (result.stdout + result.stderr).decode()[-2000:]

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=on"
        self._run(
            str(PG_BIN / "pg_ctl"), "start", "-D", str(self.data), "-w", "-t", "60",
            "-l", str(self.directory / "postgres.log"), "-o", options,
        )  # fmt: skip
        self.running = True

    def crash(self) -> None:
        """Stop at once, as a crash does: no checkpoint; recovery runs at the next start."""
        self._run(str(PG_BIN / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate", "-w")
        self.running = False

    def create_database(self, name: str = "dalil") -> None:
        self._run(
            str(PG_BIN / "createdb"), "-h", str(self.directory), "-p", str(self.port),
            "-U", "postgres", name,
        )  # fmt: skip

    def stop(self) -> None:
        if self.running:
            self._run(str(PG_BIN / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast", "-w")
            self.running = False


@dataclass
class PrivateRasa:
    """A Rasa server of the test's own serving the trained model, on a fixed free port."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        settings = make_settings()
        model = training.model_path(settings.nlu_model_dir)
        assert model.exists(), f"No trained NLU model at {model}: run `make model`"
        command = training.serve_command(
            venv=settings.nlu_venv, model=model, host="127.0.0.1", port=self.port,
            token=RASA_TOKEN,
        )  # fmt: skip
        self.starts += 1
        log = self.directory / f"rasa-{self.starts}.log"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command, env=training.rasa_environment(), stdout=out, stderr=subprocess.STDOUT
            )
        await wait_ready(self.url, self.process, log)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        _stop(self.process)
