"""Server capacity without browsers: many users over Streamlit's own websocket protocol, no page rendering.

bench/load_sessions.py drives real Chromium tabs on the same machine as the server, so at 20 sessions the browsers
take most of the two cores and the figures measure Chromium as much as the app. Real users' browsers run on their
own machines. Here each simulated user keeps one websocket session (as a browser tab does) and moves between pages
the way the sidebar does (a rerun with another page name), waiting a think time between views; a view ends when the
server says the script has finished. While the users run, a full build and a monthly-report upload run as in
load_sessions.py (the app runs in demo mode, without login, so the upload is a demo upload).

Usage: .venv/bin/python bench/load_protocol.py [--users 20 50 100] [--think 1 3] [--duration 60]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from _app_server import PAGES, SEED, AppServer, make_demo_data
from load_sessions import machine, monthly_report, run_job
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

SUBPROJECTS = ["ALM", "LEL", "DRO", "NOP", "URK", "ZEE"]
MIN_ELEMENTS = 20  # the smallest page (Upload) draws about 35


def user(base: str, seed: int, think: tuple[float, float], until: float, views: list[tuple[str, float, bool]]) -> None:
    """One user: a session that opens pages in a seeded random order until `until`; appends (page, s, ok)."""
    rng = random.Random(seed)
    url = base.replace("http", "ws", 1) + "/_stcore/stream"
    with connect(url, subprotocols=["streamlit"], origin=base, max_size=None, open_timeout=60) as socket:
        while time.monotonic() < until:
            name = rng.choice(PAGES)[1]
            message = BackMsg()
            message.rerun_script.page_name = name or "overzicht"
            start = time.perf_counter()
            socket.send(message.SerializeToString())
            ok, elements = False, 0
            try:
                while True:
                    reply = ForwardMsg.FromString(socket.recv(timeout=60))
                    kind = reply.WhichOneof("type")
                    if kind == "delta":
                        elements += 1
                        if reply.delta.new_element.WhichOneof("type") == "exception":
                            break  # an error element: the view counts as failed
                    if kind == "script_finished":
                        # A whole run of a page draws dozens of elements; fewer means it ended early.
                        ok = reply.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY and elements >= MIN_ELEMENTS
                        break
            except TimeoutError:
                pass
            finally:
                views.append((name or "overzicht", time.perf_counter() - start, ok))
            time.sleep(rng.uniform(*think))


def level(server: AppServer, data: Path, users: int, args: argparse.Namespace, index: int) -> str:
    """Run `users` users for the duration with a build and an upload in the background; one Markdown row."""
    views: list[tuple[str, float, bool]] = []
    until = time.monotonic() + args.duration
    threads = [threading.Thread(target=user, args=(server.base, args.seed + i, tuple(args.think), until, views))
               for i in range(users)]
    env = {**server.env, "TECHNIEKMONITOR_DATA": str(data)}
    report = monthly_report(data / "uploads", SUBPROJECTS[index % len(SUBPROJECTS)],
                            f"{date.today():%Y-%m}", data / f"load-{index}.xlsx")
    jobs: list = []

    def job(name: str, at: float, *command: str) -> threading.Thread:
        return threading.Thread(target=lambda: (time.sleep(at), jobs.append(run_job(
            name, [sys.executable, "-m", "etl", *command], env))))

    etl = [job("build", args.duration / 6, "build"),
           job("upload", args.duration / 3, "upload", str(report), "--uploader", "Demo Loadtest", "--demo")]
    for thread in [*threads, *etl]:
        thread.start()
        time.sleep(0.05)
    for thread in [*threads, *etl]:
        thread.join()
    times = sorted(s for _, s, _ in views)
    failed = sum(not ok for _, _, ok in views)
    p90 = times[int(0.9 * (len(times) - 1))] if times else float("nan")
    etl_text = ", ".join(f"{j.name} {j.seconds:.1f} s (exit {j.returncode})"
                         for j in sorted(jobs, key=lambda j: j.name))
    return (f"| {users} | {len(views)} | {len(views) / args.duration:.1f} | {statistics.median(times):.2f} | "
            f"{p90:.2f} | {times[-1]:.2f} | {failed} | {etl_text} |")


def main() -> None:
    """Make the national demo, start the app, run each level of users and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[20, 50, 100])
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"))
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        make_demo_data(data, "national", args.seed)
        print(f"{date.today()} · {machine()} · think time {args.think[0]:g}–{args.think[1]:g} s · "
              f"{args.duration:g} s per level\n")
        print("| users | page views | views/s | median (s) | p90 (s) | max (s) | failed | build, upload |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        with AppServer({"TECHNIEKMONITOR_DATA": str(data), "TECHNIEKMONITOR_DB": None,
                        "TECHNIEKMONITOR_UPLOADS": None}) as server:
            time.sleep(15)  # let the start's warm-up finish, as on a server that has been up a while
            for index, users in enumerate(args.users):
                print(level(server, data, users, args, index), flush=True)


if __name__ == "__main__":
    main()
