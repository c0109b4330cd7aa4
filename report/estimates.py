"""The progress report's effect estimates, from the effects worker process (report/effects_worker.py).

For the estimates a warehouse has not stored (warehouse/effects/stored.py): the report hands them to the worker as
soon as it knows them, and the worker imports the estimators and estimates on the other core while the report reads
the subprojects. When the worker cannot be started, has died, failed, or saw another warehouse file, the answer is
None and the report estimates in its own process, on its own connection (warehouse.effects.stored.answer, the
same function).
"""

from __future__ import annotations

import atexit
import json
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from report.effects_worker import ROOT, file_identity
from warehouse.effects.stored import Task

# Given the estimates a report needs, a Future of the worker's answers (None: the report estimates them itself).
Estimator = Callable[[list[Task]], Future[list[dict] | None]]


class _Estimator:
    """Sends requests to the worker process, one at a time from one thread, in the order submitted."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[dict, Future[list[dict] | None]]] = queue.Queue()
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, name="report-effects", daemon=True).start()

    def start(self) -> None:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = _start()

    def submit(self, request: dict) -> Future[list[dict] | None]:
        future: Future[list[dict] | None] = Future()
        self._queue.put((request, future))
        return future

    def _ask(self, request: dict) -> list[dict] | None:
        """The worker's answers, or None when it cannot give them (the caller then estimates itself)."""
        self.start()
        with self._lock:
            process = self._process
        if process is None:
            return None
        try:
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
            reply = json.loads(process.stdout.readline() or "null")
        except (OSError, ValueError):
            reply = None
        if isinstance(reply, dict) and isinstance(reply.get("answers"), list):
            return reply["answers"]
        if not isinstance(reply, dict):  # no answer at all: the worker is gone or confused; the next one is new
            process.kill()
            with self._lock:
                self._process = None
        return None

    def _serve(self) -> None:
        while True:
            request, future = self._queue.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._ask(request))
            except Exception as exc:  # handed to whoever waits for the estimates
                future.set_exception(exc)


def _start() -> subprocess.Popen | None:
    try:
        process = subprocess.Popen([sys.executable, "-m", "report.effects_worker"], cwd=ROOT, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)
    except OSError:
        return None
    atexit.register(process.kill)
    return process


_ESTIMATOR: _Estimator | None = None
_ESTIMATOR_LOCK = threading.Lock()


def _estimator() -> _Estimator:
    global _ESTIMATOR
    with _ESTIMATOR_LOCK:
        if _ESTIMATOR is None:
            _ESTIMATOR = _Estimator()
        return _ESTIMATOR


def estimator(db_path: Path | str) -> Estimator | None:
    """A function that hands the worker the estimates for `db_path` as it is now (call it before connecting: a file
    replaced in between then counts as another one) and gives a Future of the answers (None: estimate yourself).
    None when the file is not there (connecting will say so)."""
    path = str(Path(db_path).resolve())
    try:
        identity = file_identity(path)
    except OSError:
        return None
    return lambda tasks: _estimator().submit({"db": path, "identity": identity, "tasks": [list(t) for t in tasks]})
