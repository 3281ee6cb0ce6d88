"""The dashboard's one I/O thread: it owns the weekend's store and the live view over it.

Every read and write the screen asks for (the poll, a check-in, what the rules would refuse, a
what-if, the recovery options) runs here, one after the other in the order asked, in a
Textual thread worker; its result comes back to the event loop as an ``Answered`` message.
So the screen never waits on a database: while a check-in waits for a lock or a slow server,
the keys, the clock and the dialogs still answer, and the result shows when it comes.

The store (an SQLite connection opened to be shared between threads, or a PostgreSQL one)
and ``Live``'s records are touched only by this thread once it has started; what it hands to
the screen (a snapshot, the recent events) it no longer changes (``Live`` copies a record
before folding an event into it).
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from textual.app import App
from textual.message import Message
from textual.worker import Worker, get_current_worker

T = TypeVar("T")

# How often (seconds) an idle thread looks whether the app is leaving.
WAKE_S = 0.1


@dataclass
class Job(Generic[T]):
    """A piece of work for the store's thread, and what to do with its result on the loop."""

    run: Callable[[], T]
    done: Callable[[T], None] | None = None
    failed: Callable[[Exception], bool] | None = None  # True: handled (else raised on the loop)
    kind: str = ""  # "poll": at most one waits at a time


class Answered(Message):
    """A job's result (or the error it raised), back on the event loop."""

    def __init__(self, job: Job[Any], result: object, error: Exception | None) -> None:
        super().__init__()
        self.job = job
        self.result = result
        self.error = error


class StoreIO:
    """The queue of the store's thread, as the app uses it."""

    def __init__(self, app: App[None]) -> None:
        self.app = app
        self._jobs: queue.SimpleQueue[Job[Any] | None] = queue.SimpleQueue()
        self.pending = 0  # jobs asked for whose answer has not been handled yet
        self._kinds: dict[str, int] = {}
        self.worker: Worker[None] | None = None
        self._ended = threading.Event()

    def start(self) -> None:
        """Start the thread (once the screen has what it shows first)."""
        self.worker = self.app.run_worker(
            self._serve, name="store I/O", group="store", thread=True, exit_on_error=True
        )

    async def stop(self) -> None:
        """Let the thread end once the jobs asked for so far are done, and wait for that: a
        check-in confirmed just before leaving is still written, and the store is not closed
        under a job (the app is leaving)."""
        self._jobs.put(None)
        while self.worker is not None and not self._ended.is_set():
            await asyncio.sleep(WAKE_S / 10)

    @property
    def busy(self) -> bool:
        """Whether a job is queued, under way, or its answer not handled yet."""
        return self.pending > 0

    def waiting(self, kind: str) -> bool:
        """Whether a job of this kind is queued or under way."""
        return self._kinds.get(kind, 0) > 0

    def ask(
        self,
        run: Callable[[], T],
        done: Callable[[T], None] | None = None,
        failed: Callable[[Exception], bool] | None = None,
        kind: str = "",
    ) -> None:
        """Run ``run`` on the store's thread; ``done`` gets its result on the event loop,
        ``failed`` the error it raised (an error it does not handle is raised there)."""
        self.pending += 1
        self._kinds[kind] = self._kinds.get(kind, 0) + 1
        self._jobs.put(Job(run, done, failed, kind))

    def _serve(self) -> None:
        """The thread: each job in turn, its answer posted to the app."""
        worker = get_current_worker()
        try:
            while True:
                try:
                    job = self._jobs.get(timeout=WAKE_S)
                except queue.Empty:
                    if worker.is_cancelled:  # the app ended without stopping it
                        return
                    continue
                if job is None:
                    return
                try:
                    result, error = job.run(), None
                except Exception as exc:  # handed to the loop, raised there when not handled
                    result, error = None, exc
                self.app.post_message(Answered(job, result, error))
        finally:
            self._ended.set()

    def answered(self, message: Answered) -> None:
        """Hand a job's answer to its callbacks (on the event loop)."""
        job = message.job
        self.pending -= 1
        self._kinds[job.kind] -= 1
        if message.error is not None:
            if job.failed is None or not job.failed(message.error):
                raise message.error
            return
        if job.done is not None:
            job.done(message.result)
