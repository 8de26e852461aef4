"""The mixed load under gunicorn (issue 19, "Speed"); run by ``make bench-load``.

Against the database in ``DATABASE_URL`` (PostgreSQL with ``seed_scale``'s Returns, ``--ensure N`` tops it up as
``make bench`` does), this starts gunicorn with the Dockerfile's command (its workers and timeout, bound to
127.0.0.1) and production settings (DEBUG off, collected static files), with the minimal pages of
``bench/minimal_urls.py`` beside the product's, and drives it with ``wrk`` on loopback (Debian's package; a Lua
script picks each request), each run bounded in time. Interleaved, round after round:

- the real mix as store1 (store S001): 40 % the returns list page, 30 % the API list, 15 % a Return's page,
  10 % the API detail, 5 % logging a Return over the API (``POST /api/v1/returns/``);
- the minimal mix, the ceiling: the same shares of minimal pages (session, login, scope, one query, a bare table
  or JSON; a bare insert for the 5 %);
- the API list alone and the minimal JSON list alone (store1);
- the API list at page 1 and at page 1,000 (tech1, every Return; page 1,000's cursor reached by following
  ``next``), alone.

For each: requests a second, p50/p95/p99 (wrk's latency histogram), errors (any answer other than 200/201, and
socket errors), the workers' largest RSS, and the one-minute load average (the machine is shared). Writes its
section of ``bench/RESULTS.md`` (``--no-write`` only prints).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/as_bench python bench/bench_load.py --ensure 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
# One key for this script and the server: the session cookie made here carries a hash under it.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(48))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from cases.choices import ReturnState  # noqa: E402
from cases.models import Return  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION_START = "<!-- bench_load: start -->"
SECTION_END = "<!-- bench_load: end -->"
STATIC_ROOT = Path(tempfile.gettempdir()) / "aftersales-bench-static"
MIX = [(40, "list"), (30, "api_list"), (15, "detail"), (10, "api_detail"), (5, "api_create")]
TARGET_MIX = 0.8
TARGET_API_LIST = 2.0
TARGET_DEEP_PAGE = 1.2

LUA = r"""
local entries = %(entries)s
local ids = %(ids)s
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000) + tonumber(tostring({}):sub(8), 16))
  bad = 0
  codes = ""
end
function request()
  local e = entries[math.random(#entries)]
  local path = string.gsub(e[2], "{id}", tostring(ids[math.random(#ids)]))
  return wrk.format(e[1], path, e[3], e[4])
end
function response(status, headers, body)
  if status ~= 200 and status ~= 201 then
    bad = bad + 1
    if #codes < 200 then codes = codes .. status .. " " end
  end
end
function done(summary, latency, requests)
  local bad = 0
  local codes = ""
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("bad")
    codes = codes .. thread:get("codes")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "bad_status": %%d, "socket_errors": %%d, ' ..
    '"p50": %%.1f, "p95": %%.1f, "p99": %%.1f, "codes": "%%s"}\n',
    summary.requests, summary.duration, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, codes))
end
"""


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def lua_string(value: str) -> str:
    """A Lua long-bracket string: the text as it is (UTF-8), no escapes to translate."""
    if "]==]" in value:
        raise ValueError(value)
    return f"[==[{value}]==]"


def lua_entries(entries: list[tuple[int, str, str, dict[str, str], str | None]]) -> str:
    """``{{method, path, {headers}, body}, ...}``, each repeated by its weight."""
    rows = []
    for weight, method, path, headers, body in entries:
        header_lua = "{" + ", ".join(f"[ {lua_string(k)} ] = {lua_string(v)}" for k, v in headers.items()) + "}"
        body_lua = lua_string(body) if body is not None else "nil"
        rows += [f"{{{lua_string(method)}, {lua_string(path)}, {header_lua}, {body_lua}}}"] * weight
    return "{\n  " + ",\n  ".join(rows) + "\n}"


@dataclass
class Run:
    name: str
    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float
    rss_mib: float
    load: float
    codes: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Scenario:
    name: str
    label: str
    entries: list = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in self.runs)


def session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def dockerfile_command(port: int) -> list[str]:
    """The Dockerfile's CMD, bound to loopback."""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("CMD "):
            command = json.loads(line[4:])
            break
    else:
        raise SystemExit("Dockerfile has no CMD")
    bind = command.index("--bind")
    command[bind + 1] = f"127.0.0.1:{port}"
    command[0] = str(Path(sys.executable).parent / command[0])
    return command


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_STATIC_ROOT=str(STATIC_ROOT),
        # The product's URLs and the minimal pages (bench/load_settings.py).
        DJANGO_SETTINGS_MODULE="bench.load_settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "aftersales.settings"},
        check=True,
    )


def worker_rss_mib(master: int) -> float:
    """The largest resident size among gunicorn's workers (MiB)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    pids = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    largest = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    largest = max(largest, int(line.split()[1]))
    return largest / 1024


def wait_ready(base: str, timeout: float = 120) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(f"{base}/healthz/", timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz/")


def get_json(url: str, headers: dict[str, str]) -> dict:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return json.loads(response.read())


def run_wrk(scenario: Scenario, *, base: str, ids: list[int], seconds: int, connections: int, master: int) -> Run:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(LUA % {"entries": lua_entries(scenario.entries), "ids": "{" + ",".join(map(str, ids)) + "}"})
    try:
        completed = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(script), base],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        script.unlink()
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise SystemExit(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
    line = lines[0]
    figures = json.loads(line.removeprefix("RESULT "))
    return Run(
        name=scenario.name,
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        errors=figures["bad_status"] + figures["socket_errors"],
        p50=figures["p50"],
        p95=figures["p95"],
        p99=figures["p99"],
        rss_mib=worker_rss_mib(master),
        load=os.getloadavg()[0],
        codes=figures["codes"].strip(),
    )


def main() -> None:  # noqa: PLR0915 - one script, read top to bottom
    parser = argparse.ArgumentParser()
    parser.add_argument("--ensure", type=int, default=0, help="Load data up to this many Returns first.")
    parser.add_argument("--seconds", type=int, default=15, help="Length of each run.")
    parser.add_argument("--rounds", type=int, default=3, help="Rounds of the interleaved runs.")
    parser.add_argument("--connections", type=int, default=6)
    parser.add_argument("--port", type=int, default=8798)
    parser.add_argument("--page", type=int, default=1000, help="The deep API page.")
    parser.add_argument("--no-write", action="store_true", help="Print only; leave bench/RESULTS.md alone.")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench-load installs it)")
    if options.ensure:
        import bench_returns

        bench_returns.ensure(options.ensure)

    users = get_user_model().objects
    store1, tech1 = users.get(username="store1"), users.get(username="tech1")
    cookie = session_cookie(store1)
    store_token = AuthToken.objects.create(user=store1, expiry=dt.timedelta(hours=2))[1]
    tech_token = AuthToken.objects.create(user=tech1, expiry=dt.timedelta(hours=2))[1]
    returned = Return.objects.filter(store__code="S001", state=ReturnState.RETURNED).order_by("-id")
    ids = list(returned.values_list("id", flat=True)[:50])
    total = Return.objects.count()
    page = {"Cookie": cookie}
    api = {"Authorization": f"Token {store_token}", "Accept": "application/json"}
    body = json.dumps(
        {
            "store": "S001",
            "style": "226101JK001",
            "color": "黑色",
            "size": "L",
            "production_year": timezone.localdate().year - 1,
            "purchase_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            "receipt_no": "POS-LOAD",
            "defect_description": "拉链坏",
            "onsite_handling": "exchange",
        },
        ensure_ascii=False,
    )
    post = {**api, "Content-Type": "application/json"}
    minimal_post = {**page, "Content-Type": "application/json"}
    paths = {
        "list": ("GET", "/returns/", page, None),
        "api_list": ("GET", "/api/v1/returns/", api, None),
        "detail": ("GET", "/returns/{id}/", page, None),
        "api_detail": ("GET", "/api/v1/returns/{id}/", api, None),
        "api_create": ("POST", "/api/v1/returns/", post, body),
    }
    minimal = {
        "list": ("GET", "/bench/minimal/returns/", page, None),
        "api_list": ("GET", "/bench/minimal/api/returns/", page, None),
        "detail": ("GET", "/bench/minimal/returns/{id}/", page, None),
        "api_detail": ("GET", "/bench/minimal/api/returns/{id}/", page, None),
        "api_create": ("POST", f"/bench/minimal/api/returns/{ids[0]}/copy/", minimal_post, '{"color": "黑色"}'),
    }
    env = server_env()
    say("collectstatic (production static files) …")
    collectstatic(env)
    base = f"http://127.0.0.1:{options.port}"
    command = dockerfile_command(options.port)
    say("starting " + " ".join(command))
    server_log = Path(tempfile.gettempdir()) / "aftersales-bench-load-gunicorn.log"
    say(f"gunicorn's log: {server_log}")
    log = server_log.open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        wait_ready(base)
        tech = {"Authorization": f"Token {tech_token}", "Accept": "application/json"}
        url = f"{base}/api/v1/returns/"
        for _ in range(options.page - 1):
            url = get_json(url, tech)["next"]
        deep = url.removeprefix(base)
        scenarios = [
            Scenario("mix", "real mix (store1)", [(weight, *paths[kind]) for weight, kind in MIX]),
            Scenario("minimal_mix", "minimal mix (store1)", [(weight, *minimal[kind]) for weight, kind in MIX]),
            Scenario("api_list", "API list, page 1 (store1)", [(1, *paths["api_list"])]),
            Scenario("minimal_api_list", "minimal JSON list (store1)", [(1, *minimal["api_list"])]),
            Scenario("api_page1", "API list, page 1 (tech1)", [(1, "GET", "/api/v1/returns/", tech, None)]),
            Scenario("api_deep", f"API list, page {options.page} (tech1)", [(1, "GET", deep, tech, None)]),
        ]
        runs = {"base": base, "ids": ids, "connections": options.connections, "master": server.pid}
        for scenario in scenarios:  # warm-up: every worker has served every page
            run_wrk(scenario, seconds=3, **runs)
        for round_number in range(1, options.rounds + 1):
            for scenario in scenarios:
                run = run_wrk(scenario, seconds=options.seconds, **runs)
                scenario.runs.append(run)
                say(
                    f"round {round_number} {scenario.label}: {run.rps:.1f} req/s, p50 {run.p50:.0f} / p95 "
                    f"{run.p95:.0f} / p99 {run.p99:.0f} ms, {run.errors} errors, worker RSS {run.rss_mib:.0f} MiB, "
                    f"load {run.load:.2f}" + (f"; statuses of the errors: {run.codes}" if run.codes else "")
                )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        AuthToken.objects.filter(user__in=[store1, tech1], expiry__lte=timezone.now() + dt.timedelta(hours=2)).delete()
    section = report(scenarios, options=options, total=total, command=command)
    say(section)
    if not options.no_write:
        write_section(section)


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("inf")


def report(scenarios: list[Scenario], *, options, total: int, command: list[str]) -> str:
    by = {scenario.name: scenario for scenario in scenarios}
    mix_ratio = ratio(by["mix"].median("rps"), by["minimal_mix"].median("rps"))
    mix_errors = sum(run.errors for run in by["mix"].runs)
    api_ratio = ratio(by["api_list"].median("p95"), by["minimal_api_list"].median("p95"))
    deep_ratio = ratio(by["api_deep"].median("p95"), by["api_page1"].median("p95"))
    loads = [run.load for scenario in scenarios for run in scenario.runs]
    lines = [
        SECTION_START,
        "## Mixed load under gunicorn (issue 19): `make bench-load`",
        "",
        f"`bench/bench_load.py` on {platform.node()} ({os.cpu_count()} cores, PostgreSQL "
        f"{connection.pg_version // 10000 if connection.vendor == 'postgresql' else '-'}), "
        f"{timezone.localtime():%Y-%m-%d %H:%M}; {total:,} Returns. Server: `gunicorn "
        f"{' '.join(command[1:])}` (the Dockerfile's command on loopback, DEBUG off); load: wrk, 2 threads, "
        f"{options.connections} connections, {options.rounds} interleaved rounds of {options.seconds} s per row "
        f"(medians over the rounds). The machine is shared: one-minute load average "
        f"{min(loads):.1f}–{max(loads):.1f} during the runs, shown per row.",
        "",
        "| row | req/s | p50 / p95 / p99 ms | errors | worker RSS MiB | load avg |",
        "|---|---|---|---|---|---|",
    ]
    for scenario in scenarios:
        lines.append(
            f"| {scenario.label} | {scenario.median('rps'):.1f} | {scenario.median('p50'):.0f} / "
            f"{scenario.median('p95'):.0f} / {scenario.median('p99'):.0f} | {sum(r.errors for r in scenario.runs)} | "
            f"{max(r.rss_mib for r in scenario.runs):.0f} | "
            f"{', '.join(f'{r.load:.1f}' for r in scenario.runs)} |"
        )
    met = {True: "**met**", False: "**missed**"}
    lines += [
        "",
        "| target | figure | |",
        "|---|---|---|",
        f"| mix ≥ {TARGET_MIX}× the minimal mix (req/s), 0 errors | {mix_ratio:.2f}×, {mix_errors} errors | "
        f"{met[mix_ratio >= TARGET_MIX and mix_errors == 0]} |",
        f"| API list ≤ {TARGET_API_LIST:.0f}× the minimal JSON list (p95) | {api_ratio:.2f}× | "
        f"{met[api_ratio <= TARGET_API_LIST]} |",
        f"| API page {options.page} within 20 % of page 1 (p95) | {deep_ratio:.2f}× | "
        f"{met[deep_ratio <= TARGET_DEEP_PAGE]} |",
        "",
        SECTION_END,
    ]
    return "\n".join(lines)


def write_section(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        text = before + section + rest.split(SECTION_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
