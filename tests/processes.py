"""A process a test starts and stops: its output read as it comes, and waits on what it
does, never on a fixed time.

A loaded machine (two cores, a second test run beside this one) can take many seconds to
start Python, import the app and draw a first page; a fixed pause that fits an idle machine
fails there. So a test waits for what it can see (a line the process prints once it is
ready, a file it writes), under a deadline generous enough for any machine that works at
all: a passing test never waits it out.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

DEADLINE = 180.0  # seconds; only a broken (or hung) process waits this long


class Watched:
    """A running process whose stdout and stderr are collected line by line as it prints."""

    def __init__(
        self, args: Sequence[str | Path], *, env: dict[str, str | None] | None = None
    ) -> None:
        """Start ``args``; ``env`` changes the environment (None: the variable is unset)."""
        environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for name, value in (env or {}).items():
            if value is None:
                environment.pop(name, None)
            else:
                environment[name] = value
        self.args = [str(a) for a in args]
        self.proc = subprocess.Popen(
            self.args,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: object, lines: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.append(line)

    @property
    def stdout(self) -> str:
        return "".join(self.out)

    @property
    def stderr(self) -> str:
        return "".join(self.err)

    def wait_for(
        self, condition: Callable[[], bool], what: str, *, deadline: float = DEADLINE
    ) -> None:
        """Return once ``condition`` holds; fail (saying ``what`` was awaited, and what the
        process printed) when the process ended first or the deadline passed."""
        give_up = time.monotonic() + deadline
        while not condition():
            if self.proc.poll() is not None:
                self._join()
                if condition():
                    return
                pytest.fail(
                    f"{what}: the process ended first (exit {self.proc.returncode})\n"
                    f"{self._printed()}"
                )
            if time.monotonic() > give_up:
                pytest.fail(f"{what}: not within {deadline:.0f} s\n{self._printed()}")
            time.sleep(0.05)

    def wait_for_line(self, text: str, *, stream: str = "stderr") -> None:
        """Return once the process printed a line containing ``text``."""
        lines = self.err if stream == "stderr" else self.out
        self.wait_for(lambda: any(text in line for line in lines), f"waiting for {text!r}")

    def interrupt(self, *, deadline: float = DEADLINE) -> int:
        """Ctrl+C: send SIGINT and wait for the process to end; its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            self.stop()
            pytest.fail(f"still running {deadline:.0f} s after Ctrl+C\n{self._printed()}")
        self._join()
        return code

    def stop(self) -> None:
        """End the process whatever it is doing (a test that failed halfway)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._join()

    def _join(self) -> None:
        for reader in self._readers:
            reader.join(timeout=10)

    def _printed(self) -> str:
        return f"stdout:\n{self.stdout}\nstderr:\n{self.stderr}"

    def __enter__(self) -> Watched:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
