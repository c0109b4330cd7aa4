"""Load benchmark (issue 12): what users experience when many people use the app at once.

Usage: .venv/bin/python bench/load_sessions.py [--sessions N [N ...]] [--duration S | --views K] [--browsers B]
           [--think MIN MAX] [--timeout S] [--stagger S] [--cached] [--seed SEED] [--no-etl] [--server-log FILE]
Defaults: levels 1 5 10 20, 60 s per level, 1 Chromium, think time 0.5-1.5 s, page-view time-out 60 s.

The national demo is made in a temporary data folder (raw/, uploads/, warehouse.duckdb: TECHNIEKMONITOR_DATA), the app
is started on it (`python -m ui.serve`) and Debian's headless Chromium is driven with Playwright:

1. First visit after a start: right after the server is healthy, one fresh browser context opens every page once,
   in navigation order (page.goto of its URL), so each page's first run meets empty caches.
2. Warm: one fresh context opens every page 3 times in a row (page.goto); the median per page.
3. Concurrent, per level N: N sessions (browser contexts, spread over --browsers Chromium processes, started
   --stagger seconds apart; with --cached each session is a tab of one context per Chromium that has opened the app
   once, so the app's JavaScript is in its HTTP cache as in a returning user's browser) each open the home page
   and then click the sidebar's page links in a seeded random order with a think time, until --duration seconds
   have passed (or each did --views page views) and the background jobs have ended.
   Background, in the same data folder: a full build (`python -m etl build`, which swaps the warehouse) starts
   --build-at seconds into the level and a commit of a monthly report for the current month (`python -m etl
   upload`, each level another subproject, so always a month not yet uploaded) --upload-at seconds in. Before each
   level the script waits until the server is idle (its warm-up after a changed warehouse may still run; at most
   60 s).

A page view lasts from the click (or the start of page.goto) until the page is drawn (_app_server.DRAWN_JS): the
stApp element's data-test-script-state is "notRunning", an <h1> with the page's title is present, no stSkeleton is
left (Streamlit's placeholder for a chart or download button whose code is still loading) and every
[data-testid="stVegaLiteChart"] holds its svg.marks, all of it without a break for 100 ms (Streamlit flips the script
state for a moment right after a click and for the live-update fragment every 2 s). The view ends where those 100 ms
began, as the page saw it; the condition is polled every 50 ms in the page. A view not drawn within --timeout is a
timeout: the session reopens the home page and goes on. After each view the page's error elements are counted:
[data-testid="stException"] and error alerts ([data-testid="stAlert"] holding [data-testid="stAlertContentError"],
which is how Streamlit 1.67 marks st.error; warnings and infos are not counted).

Wall clock throughout. The browsers, this driver and the server share the machine, so every level reports the CPU
each used (and what other processes used); the figures are only as good as the machine is quiet.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import psutil
import streamlit
from _app_server import (  # ROOT on sys.path
    CHROMIUM,
    CHROMIUM_ARGS,
    DRAWN_JS,
    PAGES,
    POLL_MS,
    ROOT,
    SEED,
    AppServer,
    drawn_arg,
    make_demo_data,
)
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

LEVELS = [1, 5, 10, 20]
VIEWPORT = {"width": 1280, "height": 800}
WARM_REPEATS = 3
TITLES = {name: title for name, _path, title in PAGES}
PATHS = {name: path for name, path, _title in PAGES}
PAGE_STATE_JS = """() => ({
  charts: document.querySelectorAll('[data-testid="stVegaLiteChart"]').length,
  exceptions: [...document.querySelectorAll('[data-testid="stException"]')].map(e => e.innerText.slice(0, 300)),
  alerts: [...document.querySelectorAll('[data-testid="stAlert"] [data-testid="stAlertContentError"]')]
    .map(e => e.innerText.slice(0, 300)),
})"""


@dataclass
class View:
    """One page view: which page, how it went, and what error elements the page showed after it."""

    page: str
    kind: str  # first | warm | home | click
    started: float  # perf_counter at the click or page.goto
    seconds: float | None  # None: timed out or failed
    outcome: str  # ok | timeout | failed
    detail: str = ""
    charts: int = 0
    exceptions: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return len(self.exceptions) + len(self.alerts)


@dataclass
class Job:
    """A background ETL command run during a concurrent level."""

    name: str
    started: float
    seconds: float
    returncode: int
    output: str


@dataclass
class Level:
    sessions: int
    seconds: float
    views: list[View]
    jobs: list[Job]
    cpu: dict[str, float]  # core-seconds per wall second, per group


async def view(page: Page, name: str, kind: str, action, timeout_s: float) -> View:
    """Run `action` (a click or a page.goto) and wait until the page `name` is drawn; never raises."""
    start = time.perf_counter()
    try:
        await action(timeout_s * 1000)
        remaining = max(1.0, timeout_s * 1000 - (time.perf_counter() - start) * 1000)
        handle = await page.wait_for_function(DRAWN_JS, arg=drawn_arg(TITLES[name]), polling=POLL_MS,
                                              timeout=remaining)
        end = time.perf_counter()
        held_ms = (await handle.json_value())["held"]
        result = View(name, kind, start, end - start - held_ms / 1000, "ok")
    except PlaywrightTimeoutError:
        result = View(name, kind, start, None, "timeout")
    except PlaywrightError as exc:
        result = View(name, kind, start, None, "failed", str(exc).strip().splitlines()[0][:200])
    try:
        state = await page.evaluate(PAGE_STATE_JS)
        result.charts, result.exceptions, result.alerts = state["charts"], state["exceptions"], state["alerts"]
    except PlaywrightError as exc:
        result.detail = result.detail or f"page state unreadable: {str(exc).strip().splitlines()[0][:150]}"
    return result


def goto(page: Page, base: str, name: str):
    return lambda timeout_ms: page.goto(f"{base}/{PATHS[name]}", timeout=timeout_ms)


def click(page: Page, base: str, name: str):
    link = page.locator(f'[data-testid="stSidebarNavLink"][href="{base}/{PATHS[name]}"]')
    return lambda timeout_ms: link.click(timeout=timeout_ms)


async def new_context(browser: Browser) -> BrowserContext:
    return await browser.new_context(viewport=VIEWPORT, locale="nl-NL")


async def first_visit(browser: Browser, base: str, timeout_s: float) -> list[View]:
    context = await new_context(browser)
    page = await context.new_page()
    views = [await view(page, name, "first", goto(page, base, name), timeout_s) for name, _p, _t in PAGES]
    await context.close()
    return views


async def warm(browser: Browser, base: str, timeout_s: float) -> list[View]:
    context = await new_context(browser)
    page = await context.new_page()
    views = [await view(page, name, "warm", goto(page, base, name), timeout_s)
             for name, _p, _t in PAGES for _ in range(WARM_REPEATS)]
    await context.close()
    return views


async def session(number: int, level: int, context: BrowserContext, base: str, args: argparse.Namespace,
                  deadline: float, etl_done: asyncio.Event) -> list[View]:
    """One user: the home page, then sidebar clicks in a seeded random order, a think time before each."""
    rng = random.Random(f"{args.seed}:{level}:{number}")
    await asyncio.sleep(number * args.stagger)
    page = await context.new_page()
    views = [await view(page, "overzicht", "home", goto(page, base, "overzicht"), args.timeout)]
    current = "overzicht" if views[0].outcome == "ok" else None
    order: list[str] = []
    clicks = 0

    def done() -> bool:
        enough = clicks >= args.views if args.views else time.perf_counter() >= deadline
        return enough and etl_done.is_set()

    while not done():
        await asyncio.sleep(rng.uniform(*args.think))
        if current is None:  # the last view failed: start again from the home page, as a user would
            again = await view(page, "overzicht", "home", goto(page, base, "overzicht"), args.timeout)
            views.append(again)
            current = "overzicht" if again.outcome == "ok" else None
            continue
        if not order:  # a round through every other page, in a random order (never the page it is on)
            order = [name for name in rng.sample(list(PATHS), len(PATHS)) if name != current]
        target = order.pop()
        result = await view(page, target, "click", click(page, base, target), args.timeout)
        views.append(result)
        clicks += 1
        current = target if result.outcome == "ok" else None
    with contextlib.suppress(PlaywrightError):
        await page.close()
    return views


def monthly_report(uploads: Path, subproject: str, month: str, target: Path) -> Path:
    """A valid monthly report of `subproject` for `month`: its latest active report with the month changed (the
    cumulative values stay, so they do not fall)."""
    from openpyxl import load_workbook

    from etl.workbooks.store import events, file_of, kept, statuses

    uploads_kept = kept(uploads)
    status = statuses(uploads_kept, events(uploads))
    latest = max((u for u in uploads_kept if u.kind == "monthly" and u.subproject == subproject
                  and status[u.upload_id] == "active" and u.month < month), key=lambda u: u.month)
    book = load_workbook(file_of(uploads, latest))
    changed = 0
    for row in book["Toelichting"].iter_rows():
        for cell in row:
            if cell.value == latest.month:
                cell.value, changed = month, changed + 1
    if changed != 1:
        raise SystemExit(f"{file_of(uploads, latest)}: expected the month {latest.month} once in Toelichting")
    book.save(target)
    return target


def run_job(name: str, command: list[str], env: dict[str, str]) -> Job:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    output = (done.stdout + done.stderr).strip()
    return Job(name, start, time.perf_counter() - start, done.returncode, output[-2000:])


async def background(jobs: list[tuple[str, float, list[str]]], env: dict[str, str], start: float,
                     done: asyncio.Event) -> list[Job]:
    async def delayed(name: str, at: float, command: list[str]) -> Job:
        await asyncio.sleep(max(0.0, start + at - time.perf_counter()))
        return await asyncio.to_thread(run_job, name, command, env)

    try:
        return list(await asyncio.gather(*(delayed(*job) for job in jobs)))
    finally:
        done.set()


def cpu_sample(server_pid: int) -> dict[tuple, float]:
    """Cumulative CPU seconds per process (keyed by group, pid and start time) of the server, the Chromium processes
    and this driver with Playwright's node; and of the ETL jobs (reaped children) and the whole machine (busy)."""
    sample: dict[tuple, float] = {}
    server_pids = {server_pid}
    with contextlib.suppress(psutil.NoSuchProcess):
        server_pids |= {p.pid for p in psutil.Process(server_pid).children(recursive=True)}
    me = psutil.Process()
    for process in [me, *me.children(recursive=True)]:
        try:
            name = process.name().lower()
            group = ("server" if process.pid in server_pids else "chromium" if "chrom" in name
                     else "driver" if process is me or name.startswith("node") else None)
            if group:
                times = process.cpu_times()
                sample[(group, process.pid, process.create_time())] = times.user + times.system
        except psutil.NoSuchProcess:
            continue
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    sample[("etl",)] = children.ru_utime + children.ru_stime  # the server and browsers are reaped only at the end
    machine = psutil.cpu_times()
    sample[("machine",)] = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
    return sample


def cpu_use(before: dict[tuple, float], after: dict[tuple, float], seconds: float) -> dict[str, float]:
    """Cores busy on average per group between two samples. A process that ended in between is left out (its last
    seconds are lost); one that started in between counts from zero."""
    use = {"server": 0.0, "chromium": 0.0, "driver": 0.0, "etl": 0.0, "machine": 0.0}
    for key, value in after.items():
        use[key[0]] += (value - before.get(key, 0.0)) / seconds
    use["other"] = use.pop("machine") - sum(use.values())
    return use


async def concurrent(level: int, level_index: int, browsers: list[Browser], base: str, data: Path,
                     env: dict[str, str], server_pid: int, args: argparse.Namespace, work: Path) -> Level:
    from etl.workbooks.demo import SUBPROJECTS

    if args.cached:  # one context per browser, its HTTP cache filled by one visit: every session is a tab of it
        shared = [await new_context(browser) for browser in browsers]
        for context in shared:
            page = await context.new_page()
            await view(page, "overzicht", "home", goto(page, base, "overzicht"), args.timeout)
            await page.close()
        contexts = [shared[i % len(shared)] for i in range(level)]
    else:
        contexts = [await new_context(browsers[i % len(browsers)]) for i in range(level)]
    jobs = []
    if not args.no_etl:
        subproject = SUBPROJECTS[level_index % len(SUBPROJECTS)][0]
        report = monthly_report(data / "uploads", subproject, f"{date.today():%Y-%m}",
                                work / f"maandrapportage_{subproject}_{level_index}.xlsx")
        jobs = [("build", args.build_at, [sys.executable, "-m", "etl", "build", "--quiet"]),
                ("upload", args.upload_at, [sys.executable, "-m", "etl", "upload", str(report),
                                            "--uploader", "Demo Loadtest", "--demo"])]
    before = cpu_sample(server_pid)
    start = time.perf_counter()
    etl_done = asyncio.Event()
    etl = asyncio.create_task(background(jobs, env, start, etl_done))
    sessions = await asyncio.gather(*(session(i, level, contexts[i], base, args, start + args.duration, etl_done)
                                      for i in range(level)))
    finished = await etl
    seconds = time.perf_counter() - start
    after = cpu_sample(server_pid)
    for context in set(contexts):
        await context.close()
    return Level(level, seconds, [v for views in sessions for v in views], finished, cpu_use(before, after, seconds))


async def settle(server_pid: int, limit_s: float = 60.0) -> float:
    """Wait until the server is idle (under a tenth of a core for a second; at most `limit_s`): after a level its
    warm-up of the changed warehouse may still run. Returns the seconds waited."""
    server = psutil.Process(server_pid)
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        if await asyncio.to_thread(server.cpu_percent, 1.0) < 10.0:
            break
    return time.perf_counter() - start


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[8] if len(values) > 1 else values[0]


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _stats(views: list[View]) -> tuple[float | None, float | None, float | None]:
    times = [v.seconds for v in views if v.seconds is not None]
    return (statistics.median(times), _p90(times), max(times)) if times else (None, None, None)


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    memory = psutil.virtual_memory().total / 2**30
    return (f"{model}, {psutil.cpu_count()} logical cores ({psutil.cpu_count(logical=False)} physical), "
            f"{memory:.1f} GiB; load average before the start (1, 5, 15 min): {load}")


def code_version() -> str:
    """The commit measured, and whether the working tree differed from it."""
    def git(*command: str) -> str:
        done = subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    dirty = " with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    return f"commit {git('rev-parse', '--short', 'HEAD') or 'unknown'}{dirty}"


def tracebacks(log: str) -> list[list[str]]:
    """Every Python traceback in the server's output, as lines."""
    found, current = [], None
    for line in log.splitlines():
        if line.startswith("Traceback (most recent call last):"):
            if current is None:
                current = []
                found.append(current)
            current.append(line)
        elif current is not None:
            current.append(line)
            if line and not line[0].isspace() and not line.startswith(("During handling", "The above exception")):
                current = None
    return found


def report(args: argparse.Namespace, header: list[str], first: list[View], warm_views: list[View],
           levels: list[Level], log: str) -> None:
    print("\n".join(header))
    print("\n### First visit after a start, and warm (page.goto; seconds until drawn)\n")
    print(f"| page | charts | first visit | warm, median of {WARM_REPEATS} | warm min–max | error elements |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, _path, _title in PAGES:
        one = next(v for v in first if v.page == name)
        repeats = [v for v in warm_views if v.page == name]
        times = [v.seconds for v in repeats if v.seconds is not None]
        first_s = _s(one.seconds) if one.outcome == "ok" else one.outcome
        warm_s = f"{statistics.median(times):.2f}" if len(times) == len(repeats) else \
            f"{len(repeats) - len(times)} of {len(repeats)} not drawn"
        spread = f"{min(times):.2f}–{max(times):.2f}" if times else "–"
        errors = one.errors + sum(v.errors for v in repeats)
        print(f"| {name} | {one.charts} | {first_s} | {warm_s} | {spread} | {errors} |")
    if not levels:
        return
    print("\n### Concurrent sessions (sidebar clicks; seconds from click until drawn)\n")
    amount = f"{args.views} clicks per session" if args.views else f"{args.duration:g} s"
    etl = "no build or upload" if args.no_etl else (f"build from {args.build_at:g} s and upload from "
                                                    f"{args.upload_at:g} s into the level, which goes on until both "
                                                    "ended")
    print(f"{amount} per level; {etl}; think time {args.think[0]:g}–{args.think[1]:g} s; sessions started "
          f"{args.stagger:g} s apart{'; sessions as tabs sharing a warm HTTP cache' if args.cached else ''}; "
          f"{args.browsers} Chromium process(es); time-out {args.timeout:g} s. Median, p90 and max over the clicks "
          "drawn in time (time-outs counted apart); the median while build/upload ran is over the clicks "
          "overlapping either (their count).\n")
    print("| sessions | wall (s) | page views | median | p90 | max | error elements | timeouts | failed "
          "| home page open, median | median while build/upload ran | build (s, exit) | upload (s, exit) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for level in levels:
        clicks = [v for v in level.views if v.kind == "click"]
        median, p90, top = _stats(clicks)
        homes = _stats([v for v in level.views if v.kind == "home"])[0]
        windows = [(j.started, j.started + j.seconds) for j in level.jobs]
        during = [v for v in clicks if v.seconds is not None
                  and any(v.started < end and v.started + v.seconds > begin for begin, end in windows)]
        jobs = {j.name: f"{j.seconds:.1f}, {j.returncode}" for j in level.jobs}
        print(f"| {level.sessions} | {level.seconds:.0f} | {len(clicks)} | {_s(median)} | {_s(p90)} | {_s(top)} "
              f"| {sum(v.errors for v in level.views)} | {sum(v.outcome == 'timeout' for v in level.views)} "
              f"| {sum(v.outcome == 'failed' for v in level.views)} | {_s(homes)} "
              f"| {_s(_stats(during)[0])} ({len(during)}) | {jobs.get('build', '–')} | {jobs.get('upload', '–')} |")
    print("\nPer page: median / p90 of the clicks (count)\n")
    print("| page | " + " | ".join(f"{level.sessions} session(s)" for level in levels) + " |")
    print("| --- |" + " --- |" * len(levels))
    for name, _path, _title in PAGES:
        cells = []
        for level in levels:
            views = [v for v in level.views if v.kind == "click" and v.page == name]
            median, p90, _top = _stats(views)
            cells.append(f"{_s(median)} / {_s(p90)} ({len(views)})")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"\nCPU during each level, in cores busy on average (of {psutil.cpu_count()}):\n")
    print("| sessions | server | Chromium | driver (Python + node) | build and upload | other processes |")
    print("| --- | --- | --- | --- | --- | --- |")
    for level in levels:
        c = level.cpu
        print(f"| {level.sessions} | {c['server']:.2f} | {c['chromium']:.2f} | {c['driver']:.2f} | {c['etl']:.2f} "
              f"| {c['other']:.2f} |")
    problems(first + warm_views + [v for level in levels for v in level.views], levels, log)


def problems(views: list[View], levels: list[Level], log: str) -> None:
    errors: Counter[tuple[str, str]] = Counter()
    pages: dict[tuple[str, str], set[str]] = defaultdict(set)
    for v in views:
        for kind, texts in (("exception", v.exceptions), ("error alert", v.alerts)):
            for text in texts:
                key = (kind, " ".join(text.split())[:200])
                errors[key] += 1
                pages[key].add(v.page)
    failures = Counter((v.page, v.outcome, v.detail) for v in views if v.outcome != "ok")
    print("\n### Problems\n")
    for (kind, text), count in errors.most_common():
        print(f"- {count}× {kind} on {', '.join(sorted(pages[(kind, text)]))}: {text}")
    for (page, outcome, detail), count in failures.most_common():
        print(f"- {count}× {outcome} on {page}{': ' + detail if detail else ''}")
    for level in levels:
        for job in level.jobs:
            if job.returncode:
                print(f"- {job.name} at {level.sessions} session(s) exited {job.returncode}:\n```\n{job.output}\n```")
    found = tracebacks(log)
    by_last: dict[str, list[list[str]]] = defaultdict(list)
    for trace in found:
        by_last[trace[-1]].append(trace)
    for last, traces in by_last.items():
        print(f"- {len(traces)}× traceback in the server log, ending `{last}`:\n```\n"
              + "\n".join(traces[0][-30:]) + "\n```")
    if not (errors or failures or found or any(j.returncode for level in levels for j in level.jobs)):
        print("None: no error elements, time-outs, failed jobs or server tracebacks.")
    lines = log_lines(log)
    if lines:
        print("\nThe server's log lines (timestamps removed; what followed its stop is marked):\n")
        for line, count in lines.most_common(25):
            print(f"- {count}× {line}")


def log_lines(log: str) -> Counter[str]:
    """The server's own log lines (those with a timestamp, and the nanobind and "Exception ignored" notes at its
    exit), counted, without the start banner."""
    lines: Counter[str] = Counter()
    stopped = False
    for line in log.splitlines():
        stopped = stopped or line.strip() == "Stopping..."
        match = re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ (.*)", line)
        text = match.group(1) if match else line if line.startswith(("nanobind:", "Exception ignored")) else None
        if text and not text.startswith(("Uvicorn server started", "Did not auto detect")):
            lines[text[:200] + (" (after the stop)" if stopped else "")] += 1
    return lines


async def run(args: argparse.Namespace) -> None:
    header = [f"## Load benchmark ({datetime.now():%Y-%m-%d %H:%M})\n",
              f"Machine: {machine()}. Python {platform.python_version()}, Streamlit {streamlit.__version__}; code: "
              f"{code_version()}."]
    with tempfile.TemporaryDirectory(prefix="load_sessions_") as tmp:
        data = Path(tmp) / "data"
        print(f"Making the national demo in {data} ...", file=sys.stderr)
        started = time.perf_counter()
        make_demo_data(data, "national", args.seed)
        print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        env = {"TECHNIEKMONITOR_DATA": str(data), "TECHNIEKMONITOR_DB": None, "TECHNIEKMONITOR_UPLOADS": None}
        etl_env = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
        log_path = Path(args.server_log) if args.server_log else Path(tmp) / "server.log"
        async with async_playwright() as playwright:
            browsers = [await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                        for _ in range(args.browsers)]
            header.append(f"Chromium {browsers[0].version} (Debian, headless). National demo, seed {args.seed}.")
            started = time.perf_counter()
            with AppServer(env, log_path) as server:
                header.append(f"Server start until healthy: {time.perf_counter() - started:.1f} s.")
                print("First visit ...", file=sys.stderr)
                first = await first_visit(browsers[0], server.base, args.timeout)
                print("Warm ...", file=sys.stderr)
                warm_views = await warm(browsers[0], server.base, args.timeout)
                levels = []
                for index, sessions in enumerate(args.sessions):
                    waited = await settle(server.process.pid)
                    print(f"{sessions} concurrent session(s) (server idle after {waited:.0f} s) ...", file=sys.stderr)
                    levels.append(await concurrent(sessions, index, browsers, server.base, data, etl_env,
                                                   server.process.pid, args, Path(tmp)))
            for browser in browsers:
                await browser.close()
        report(args, header, first, warm_views, levels, log_path.read_text(encoding="utf-8", errors="replace"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=LEVELS, help="concurrency levels (1 5 10 20)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of clicking per level (60)")
    parser.add_argument("--views", type=int, default=0, help="instead of --duration: page views per session")
    parser.add_argument("--browsers", type=int, default=1, help="Chromium processes the sessions are spread over (1)")
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 1.5), metavar=("MIN", "MAX"),
                        help="think time before each click, seconds (0.5 1.5)")
    parser.add_argument("--timeout", type=float, default=60.0, help="page-view time-out, seconds (60)")
    parser.add_argument("--stagger", type=float, default=0.25, help="seconds between the sessions' starts (0.25)")
    parser.add_argument("--cached", action="store_true",
                        help="sessions are tabs of one context per Chromium whose HTTP cache holds the app's code")
    parser.add_argument("--seed", type=int, default=SEED, help="demo data and page order seed")
    parser.add_argument("--build-at", type=float, default=10.0, help="seconds into a level the build starts (10)")
    parser.add_argument("--upload-at", type=float, default=20.0, help="seconds into a level the upload starts (20)")
    parser.add_argument("--no-etl", action="store_true", help="no build and upload during the levels")
    parser.add_argument("--server-log", help="keep the server's output in this file")
    args = parser.parse_args()
    if args.browsers < 1 or any(n < 1 for n in args.sessions):
        parser.error("--browsers and --sessions must be at least 1")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
