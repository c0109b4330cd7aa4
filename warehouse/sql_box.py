"""The analysts' read-only SQL box: one reading statement on the warehouse, in a worker process with hard limits.

DuckDB can read files and show paths from SQL in many ways, and even with external access disabled it still reads
the attached warehouse file, its .wal and its temp directory; its own memory limit does not count what a result
costs once fetched into Python. So every query runs in a fresh worker process (warehouse.sql_box_worker, forked from
a small server that has DuckDB imported), which

- accepts only statements that the allowlist (warehouse.sql_box_guard) passes: warehouse tables, a few catalog
  views and table functions, no functions that show settings or paths or run SQL from a string;
- runs them on a read-only, locked DuckDB without external access, extensions or temp files, in a process that
  cannot open any new file, write to a file or grow past ADDRESS_SPACE bytes;
- returns at most row_cap rows and DEFAULT_BYTE_CAP bytes, which this process reads with that bound and unpickles
  with an allowlist of classes.

This process kills the worker at the time limit (and the worker's own kernel alarm ends it shortly after), so no
query outlives timeout_s by more than a fraction of a second. This process never holds more than one bounded reply.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from warehouse.sql_box_worker import HEADER, REPLY_CLASSES, SIZE_MESSAGE, megabytes

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_ROW_CAP = 10_000
DEFAULT_BYTE_CAP = 32 * 1024 ** 2
DUCKDB_MEMORY = "1GB"
# The worker's whole address space: DuckDB's 1 GB plus Python, the fetched rows and the reply.
ADDRESS_SPACE = 1536 * 1024 ** 2
MAX_SQL_CHARS = 100_000
KILL_GRACE_S = 0.5  # the worker's own alarm, in case this process is gone; a reply being read may finish within it
START_TIMEOUT_S = 30.0  # the first query also starts the server (about a second); never part of the time limit
REPLY_OVERHEAD = 1024 ** 2  # pickle framing and column names on top of the chunks' bytes
EXAMPLE_QUERY = "select level, is_technical, count(*) as opleidingen from education group by all order by all"
TIME_MESSAGE = "De query duurde langer dan {timeout:g} seconden en is gestopt. Filter of groepeer eerder."
CRASH_MESSAGE = ("De query is afgebroken zonder antwoord (waarschijnlijk te veel geheugen: de SQL-box heeft "
                 "{limit}). Filter of groepeer eerder.")
START_MESSAGE = "De SQL-box kon niet worden gestart; probeer het opnieuw of meld het aan de beheerder."
ROOT = Path(__file__).resolve().parent.parent


class QueryRefusedError(Exception):
    """The SQL was not run, or stopped: the message says why in Dutch."""


@dataclass(frozen=True)
class QueryResult:
    """Rows of a query, and whether the row cap cut them off."""

    frame: pd.DataFrame
    truncated: bool


def run_query(db_path: Path | str, sql: str, timeout_s: float = DEFAULT_TIMEOUT_S,
              row_cap: int = DEFAULT_ROW_CAP) -> QueryResult:
    """Run one reading statement on the warehouse; at most row_cap rows and DEFAULT_BYTE_CAP bytes, within timeout_s."""
    return _run(db_path, sql, timeout_s=timeout_s, row_cap=row_cap)


def _run(db_path: Path | str, sql: str, *, timeout_s: float, row_cap: int, byte_cap: int = DEFAULT_BYTE_CAP,
         guard: bool = True) -> QueryResult:
    """run_query with every limit open to the tests; guard=False (tests only) skips the allowlist."""
    if len(sql) > MAX_SQL_CHARS:
        raise QueryRefusedError(f"De SQL is te lang (meer dan {MAX_SQL_CHARS:,} tekens).".replace(",", "."))
    if not sql.strip():
        raise QueryRefusedError("Geef een SELECT-opdracht.")
    request = {"db_path": os.path.abspath(db_path), "sql": sql, "row_cap": row_cap, "byte_cap": byte_cap,
               "address_space": ADDRESS_SPACE, "duckdb_memory": DUCKDB_MEMORY, "guard": guard,
               "deadline_s": timeout_s + KILL_GRACE_S}
    channel, pid = _SERVER.worker()
    pidfd = _pidfd(pid)  # the worker waits for the request, so this is certainly that process
    try:
        deadline = time.monotonic() + timeout_s
        body = json.dumps(request).encode("utf-8")
        channel.sendall(HEADER.pack(len(body)) + body)
        (size,) = HEADER.unpack(_exactly(channel, HEADER.size, deadline))
        if size > byte_cap + REPLY_OVERHEAD:  # never read: the worker checks the cap, this is the second bound
            raise QueryRefusedError(SIZE_MESSAGE.format(cap=megabytes(byte_cap)))
        reply = _exactly(channel, size, deadline + KILL_GRACE_S)
    except TimeoutError:
        raise QueryRefusedError(TIME_MESSAGE.format(timeout=timeout_s)) from None
    except (EOFError, OSError):
        raise QueryRefusedError(CRASH_MESSAGE.format(limit=DUCKDB_MEMORY)) from None
    finally:
        _kill(pid, pidfd)  # a finished worker only has DuckDB's teardown left; a running one stops here
        channel.close()
    return _result(reply)


def _exactly(channel: socket.socket, size: int, deadline: float) -> bytes:
    """size bytes from channel, or TimeoutError at the deadline, or EOFError if the worker is gone."""
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        channel.settimeout(remaining)
        count = channel.recv_into(view[got:])
        if not count:
            raise EOFError
        got += count
    return bytes(buffer)


def _pidfd(pid: int) -> int | None:
    with contextlib.suppress(AttributeError, OSError):
        return os.pidfd_open(pid)
    return None


def _kill(pid: int, pidfd: int | None) -> None:
    if pidfd is not None:
        with contextlib.suppress(ProcessLookupError, OSError):
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        os.close(pidfd)
    elif pid:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


class _ReplyUnpickler(pickle.Unpickler):
    """Unpickles a worker's rows, refusing every class that DuckDB's values do not need."""

    def find_class(self, module: str, name: str) -> object:
        if (module, name) in REPLY_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a SQL box reply")


def _unpickle(data: bytes) -> object:
    return _ReplyUnpickler(io.BytesIO(data)).load()


def _result(reply: bytes) -> QueryResult:
    kind, body = reply[:1], reply[1:]
    if kind == b"E":
        raise QueryRefusedError(body.decode("utf-8", errors="replace"))
    try:
        columns, truncated, chunks = _unpickle(body)
        rows = [row for chunk in chunks for row in _unpickle(chunk)]
    except (pickle.UnpicklingError, ValueError, TypeError, EOFError):
        raise QueryRefusedError(CRASH_MESSAGE.format(limit=DUCKDB_MEMORY)) from None
    return QueryResult(pd.DataFrame(rows, columns=columns), bool(truncated))


class _Server:
    """The worker server: started on first use, restarted if it died; it ends when this process closes its socket."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None

    def worker(self) -> tuple[socket.socket, int]:
        """A socket to a freshly forked worker, and its pid; the server is (re)started if it is not running."""
        for _attempt in range(2):
            channel = self._connect()
            try:
                (pid,) = HEADER.unpack(_exactly(channel, HEADER.size, time.monotonic() + START_TIMEOUT_S))
            except (EOFError, OSError):  # the server died after the check in _connect
                channel.close()
                with self._lock:
                    self._stop()
                continue
            return channel, pid
        raise QueryRefusedError(START_MESSAGE)

    def _connect(self) -> socket.socket:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._start()
            ours, theirs = socket.socketpair()
            try:
                socket.send_fds(self._control, [b"w"], [theirs.fileno()])
            except OSError:
                ours.close()
                self._stop()
                self._start()
                socket.send_fds(self._control, [b"w"], [theirs.fileno()])
            finally:
                theirs.close()
            return ours

    def _start(self) -> None:
        self._stop()
        ours, theirs = socket.socketpair()
        env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        # Its own session, so a Ctrl+C in the app's terminal does not kill it mid-query; cwd / so that no relative
        # path means anything of the project's.
        self._process = subprocess.Popen(
            [sys.executable, "-m", "warehouse.sql_box_worker", str(theirs.fileno())], pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, cwd="/", env=env, start_new_session=True)
        theirs.close()
        self._control = ours

    def _stop(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            with contextlib.suppress(OSError):
                self._process.kill()
                self._process.wait(timeout=5)
            self._process = None

    def pid(self) -> int | None:
        """The server's process id, for the benchmark's memory figures."""
        return self._process.pid if self._process is not None else None


_SERVER = _Server()
