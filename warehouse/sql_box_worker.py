"""The SQL box's worker processes: one checked statement on a locked-down DuckDB, inside hard process limits.

`python -m warehouse.sql_box_worker FD` is a small server (started once by warehouse.sql_box) that has imported
DuckDB and nothing that starts threads, so forking it is safe and a worker starts in milliseconds. For every
socket the parent sends over FD it forks one worker, which:

1. sends its pid (the parent opens a pidfd on it before the worker goes on, so it can kill exactly this process);
2. reads the request (JSON) and sets its limits: an address-space limit (no query, result or conversion can grow
   the process past it), a kernel alarm at the deadline (the default SIGALRM action ends it even inside DuckDB),
   no core dumps and no file writes;
3. opens the warehouse read-only, locks DuckDB down and then seals its file descriptors, so that no file at all
   can be opened any more, whatever SQL runs; checks the statement against the allowlist (sql_box_guard);
4. streams the result, stopping at row_cap rows or byte_cap pickled bytes, and replies with one framed message:
   b"R" + pickled chunks of rows, or b"E" + a Dutch message.

The parent unpickles replies with an allowlist of classes (sql_box.py), so a worker cannot make it run code.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import decimal
import json
import os
import pickle
import resource
import signal
import socket
import struct
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb

from warehouse.sql_box_guard import FILES_MESSAGE, Refusal, builtins, catalogue, check, first_line

DATABASE = "warehouse"
START_CONFIG = {"autoload_known_extensions": False, "autoinstall_known_extensions": False,
                "allow_community_extensions": False, "allow_unsigned_extensions": False,
                "python_enable_replacements": False, "temp_directory": "", "threads": 2}
# After the warehouse is attached (attaching needs file access); the lock makes them final. DuckDB keeps the
# attached file and its .wal readable whatever allowed_paths says, which is why the allowlist and the file
# descriptor seal exist.
LOCKDOWN = ("set enable_external_access = false", "set lock_configuration = true")
FETCH_ROWS = 256
M_ARENA_MAX = -8  # glibc mallopt: every thread arena reserves 64 MB of address space, which the limit counts
HEADER = struct.Struct("!Q")
MAX_REQUEST = 4 * 1024 ** 2
# Classes a reply may contain: what DuckDB's Python conversion gives besides builtins (see sql_box._ReplyUnpickler).
REPLY_CLASSES = frozenset({("decimal", "Decimal"), ("datetime", "date"), ("datetime", "datetime"),
                           ("datetime", "time"), ("datetime", "timedelta"), ("datetime", "timezone"),
                           ("uuid", "UUID"), ("uuid", "SafeUUID")})
_PRELOADED = (datetime, decimal, uuid)  # imported before the seal: a worker cannot open module files later
with contextlib.suppress(ImportError):
    import pytz  # noqa: F401 - DuckDB imports it lazily for TIMESTAMPTZ values, which the seal would then forbid
_BUILTINS: tuple[frozenset[str], frozenset[str]] | None = None  # set by serve() before it forks

MEMORY_MESSAGE = ("De query had meer werkgeheugen nodig dan de SQL-box heeft ({limit}) en is gestopt. Filter of "
                  "groepeer eerder, of kies minder kolommen.")
SIZE_MESSAGE = ("Het resultaat is groter dan {cap} en wordt niet getoond. Kies minder kolommen of rijen (LIMIT), of "
                "groepeer eerder.")


def serve(control: socket.socket) -> None:
    """Fork one worker for every socket the parent sends; stop when the parent closes the control socket."""
    global _BUILTINS
    # Read once here; closing the connection ends DuckDB's threads, so the forks below copy one thread only.
    con = duckdb.connect(":memory:", config=START_CONFIG | {"threads": 1})
    _BUILTINS = builtins(con)
    con.close()
    del con
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps finished workers
    while True:
        message, fds, _flags, _address = socket.recv_fds(control, 1, 1)
        if not message:
            return
        if not fds:
            continue
        if os.fork() == 0:
            code = 1
            try:
                control.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                with socket.socket(fileno=fds[0]) as channel:
                    work(channel)
                code = 0
            finally:
                os._exit(code)
        os.close(fds[0])


def work(channel: socket.socket) -> None:
    """One worker: pid out, request in, limits on, reply out."""
    channel.sendall(HEADER.pack(os.getpid()))
    request = json.loads(_receive(channel, MAX_REQUEST))
    _limit_process(request["address_space"], request["deadline_s"])
    try:
        reply = answer(request)
    except MemoryError:
        reply = _refusal(MEMORY_MESSAGE.format(limit=request["duckdb_memory"]))
    except RecursionError:
        reply = _refusal("De SQL is te diep genest voor de SQL-box.")
    except Exception as exc:  # any other failure still gets a Dutch answer instead of none
        reply = _refusal(f"De SQL kon niet worden uitgevoerd. Technische details: {type(exc).__name__}")
    channel.sendall(HEADER.pack(len(reply)))
    channel.sendall(reply)


def _receive(channel: socket.socket, limit: int) -> bytes:
    (size,) = HEADER.unpack(_exactly(channel, HEADER.size))
    if size > limit:
        raise ValueError("request too large")
    return _exactly(channel, size)


def _exactly(channel: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        count = channel.recv_into(view[got:])
        if not count:
            raise EOFError
        got += count
    return bytes(buffer)


def _limit_process(address_space: int, deadline_s: float) -> None:
    # The kernel ends the process at the deadline (SIGALRM's default action), even if the parent is gone.
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_REAL, deadline_s)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 2)
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # No file may grow: a write fails with EFBIG instead of killing the process with SIGXFSZ.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _seal_file_descriptors() -> None:
    """Let no new file be opened: every descriptor below the limit is taken, and the limit cannot be raised."""
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        return
    spare = os.open(os.devnull, os.O_RDONLY)
    limit = max(int(name) for name in os.listdir(fd_dir)) + 1
    for fd in range(limit):
        try:
            os.fstat(fd)
        except OSError:
            os.dup2(spare, fd)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))


def answer(request: dict) -> bytes:
    """Open, lock, check and run; the reply (b"R" rows or b"E" a Dutch message)."""
    scrub = _scrubber(request["db_path"])
    con = duckdb.connect(":memory:", config=START_CONFIG | {"memory_limit": request["duckdb_memory"]})
    try:
        con.execute("attach ? as warehouse (read_only)", [request["db_path"]])
        con.execute("use warehouse")
        for statement in LOCKDOWN:
            con.execute(statement)
        _seal_file_descriptors()
        sql = request["sql"]
        functions, views = _BUILTINS or builtins(con)
        allowed = catalogue(con, DATABASE, functions, views)
        query = check(con, sql, allowed) if request.get("guard", True) else sql
        return _run(con, query, request["row_cap"], request["byte_cap"])
    except Refusal as refusal:
        return _refusal(scrub(str(refusal)))
    except (duckdb.OutOfMemoryException, MemoryError):
        return _refusal(MEMORY_MESSAGE.format(limit=request["duckdb_memory"]))
    except (duckdb.PermissionException, duckdb.IOException, duckdb.HTTPException):
        return _refusal(FILES_MESSAGE)
    except duckdb.ParserException as exc:
        return _refusal(scrub(f"De SQL klopt niet. Technische details: {first_line(exc)}"))
    except duckdb.Error as exc:
        return _refusal(scrub(f"De SQL kon niet worden uitgevoerd. Technische details: {first_line(exc)}"))
    finally:
        con.close()


def _refusal(message: str) -> bytes:
    return b"E" + message.encode("utf-8")


def _run(con: duckdb.DuckDBPyConnection, query: str, row_cap: int, byte_cap: int) -> bytes:
    """Fetch a few rows at a time, so that neither cap is passed by more than one small chunk."""
    cursor = con.execute(query)
    if cursor.description is None:
        return _refusal("De opdracht gaf geen resultaat.")
    columns = [str(d[0]) for d in cursor.description]
    chunks, rows, size, truncated = [], 0, 0, False
    while not truncated:
        fetched = cursor.fetchmany(min(FETCH_ROWS, row_cap + 1 - rows))
        if not fetched:
            break
        if rows + len(fetched) > row_cap:  # the one row past the cap only tells that there are more
            truncated, fetched = True, fetched[:row_cap - rows]
        chunk = pickle.dumps(fetched, protocol=pickle.HIGHEST_PROTOCOL)
        size += len(chunk)
        if size > byte_cap:
            return _refusal(SIZE_MESSAGE.format(cap=megabytes(byte_cap)))
        chunks.append(chunk)
        rows += len(fetched)
    return b"R" + pickle.dumps((columns, truncated, chunks), protocol=pickle.HIGHEST_PROTOCOL)


def megabytes(size: int) -> str:
    """A byte count as '32 MB' for the Dutch messages."""
    return f"{size / 1024 ** 2:g} MB"


def _scrubber(db_path: str) -> Callable[[str], str]:
    """Remove the warehouse's path, its folder and the home folder from a message DuckDB wrote."""
    path = Path(db_path)
    secrets = {str(path), str(path.resolve()), str(path.parent), str(path.resolve().parent), str(Path.home())}
    ordered = sorted((s for s in secrets if len(s) > 1), key=len, reverse=True)

    def scrub(text: str) -> str:
        for secret in ordered:
            text = text.replace(secret, "…")
        return text

    return scrub


if __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[1])))
