"""Webhook figure: 1,000 inbound webhooks over loopback through a real uvicorn server.

The product runs as the Procfile deploys it: a web process (a uvicorn subprocess on 127.0.0.1,
random port, serving the production app `parentbot.web.create_app` configured from the
environment: Telegram, SMS and WhatsApp webhooks, PARENTBOT_TURNS=queued) that verifies, dedupes
and keeps each webhook, and a `parentbot turns` process that runs each kept message's turn
(understand, store, outbox), both on a temp SQLite database holding the demo nursery. The web
process also serves a bare FastAPI echo endpoint. Measuring starts once warm-up messages
(policy questions among them) have been answered.

1. Throughput: 1,000 mixed webhooks as fast as CONCURRENCY clients can send them, each round
   timed until the last of its turns has committed (the bench watches the inbound log), and
   1,000 echo requests the same way, alternating in rounds; the ratio of the two.
2. Latency: 1,000 more webhooks at a steady 50 messages/s; p50 and p99 from sending a webhook to
   its turn's commit (the reply is in the outbox), and the same for the webhook's HTTP answer.

Also 1,000 SMS webhooks to a route whose engine does nothing (adapter_only_per_s): what the
adapter itself costs. Every turn must end handled (failed_turns counts the others), and every
conversation's messages answered in the order they were kept (out_of_order counts the messages
answered after a later one of their conversation).
BENCH_WORKERS sets the uvicorn processes (default 1); BENCH_TURNS=inline runs the turns in the web
process instead (one process, no turns process), for comparison; BENCH_DATABASE_URL runs on that
PostgreSQL database instead of a temp SQLite file (it is emptied first: use a scratch one).
BENCH_TURNS_WORKERS runs the whole bench once per count of turns processes, e.g. "1,2" (more than
one needs PostgreSQL); turns_scaling is the turns throughput with the most processes over that with
the fewest, and turns_scaling_vs_echo the same over each run's own echo rate (load from other
processes that differs between the runs cancels out). The final line is JSON, also written to
bench/results/webhooks.json: the figures of the run with the most turns processes, and each
run's under by_turns_workers.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future
from itertools import count, cycle
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI, Request

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TOKEN = "bench-auth-token"
SECRET = "bench-secret"
PUBLIC = "https://bench.example.org"
MESSAGES = 1_000
CONCURRENCY = 16
ROUNDS = 5  # throughput kinds alternate in this many rounds
RATE = 50  # messages per second in the latency phase
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))  # uvicorn processes
TURNS = os.environ.get("BENCH_TURNS", "queued")  # PARENTBOT_TURNS for the web process
DATABASE = os.environ.get("BENCH_DATABASE_URL")  # a scratch PostgreSQL database, emptied first
TURNS_WORKERS = [int(n) for n in os.environ.get("BENCH_TURNS_WORKERS", "1").split(",")]
PHONES = [f"+4477009001{n:02d}" for n in (1, 2, 3, 11, 12, 21, 31, 32, 41, 51, 52, 61, 71, 81)]
TEXTS = [
    "Maya is off sick today with a temperature",
    "What time do you open on Friday?",
    "Leo has a dentist appointment tomorrow morning",
    "Can my sister collect Maya today at 4?",
    "Is there a parents evening this term?",
    "thank you",
]


class NullEngine:
    """Accepts every message and does nothing: the adapters' own cost, without a turn."""

    def submit(self, inbound: object) -> Future[bool]:
        done: Future[bool] = Future()
        done.set_result(True)
        return done


def make_app() -> FastAPI:
    """The server app (uvicorn --factory): the production app, configured from the environment.

    Plus an SMS route under /bare whose engine does nothing, and a bare echo endpoint.
    """
    from channels import twilio_sms
    from parentbot.web import create_app
    from parentbot.wiring import twilio_config

    app = create_app(demo=False)
    twilio = twilio_config()
    assert twilio is not None
    app.include_router(twilio_sms.build_router(NullEngine(), twilio), prefix="/bare")  # type: ignore[arg-type]

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, Any]:
        return {"echo": (await request.body()).decode()}

    return app


def server_environment(db_url: str) -> dict[str, str]:
    """The production settings the server reads: the database and every channel's credentials."""
    return {
        "DATABASE_URL": db_url,
        "PUBLIC_BASE_URL": PUBLIC,
        "TELEGRAM_BOT_TOKEN": "1:X",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_SMS_FROM": "+447700900500",
        "TWILIO_WHATSAPP_FROM": "+447700900501",
        "PARENTBOT_TURNS": TURNS,
        "PARENTBOT_SECRET_KEY": "bench-" + "x" * 40,  # the staff dashboard's, required
    }


def prepare(url: str) -> None:
    """A migrated database with the demo nursery and Telegram users linked to guardians (a
    PostgreSQL database is emptied first)."""
    from bot.db.models import ChannelIdentity, Guardian
    from bot.db.session import normalise_url, transaction
    from parentbot.setup import demo_folder, import_setting_folder, open_database

    if url.startswith("postgres"):
        with sa.create_engine(normalise_url(url)).begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    sessions = open_database(url)
    import_setting_folder(sessions, demo_folder())
    with transaction(sessions) as session:
        for guardian in session.query(Guardian).all():
            session.add(
                ChannelIdentity(
                    channel="telegram", external_id=str(9000 + guardian.id), guardian_id=guardian.id
                )
            )


Call = tuple[str, dict[str, Any]]  # (path, httpx keyword arguments)


def requests_for(numbers: count[int], base: str = "") -> list[Call]:
    """MESSAGES webhooks, a third per channel (SMS only under a `base` prefix), signed."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(TOKEN)
    channels = ("sms",) if base else ("telegram", "sms", "whatsapp")
    mix = cycle((c, p, t) for p in PHONES for t in TEXTS for c in channels)
    made: list[Call] = []
    for n, (channel, phone, text) in zip(range(MESSAGES), mix, strict=False):
        number = next(numbers)
        if channel == "telegram":
            made.append(telegram_request(number, 9001 + n % 16, text))
        else:
            made.append(twilio_request(validator, number, channel, phone, text, base))
    return made


def telegram_request(update_id: int, user_id: int, text: str) -> Call:
    user = {"id": user_id, "is_bot": False, "first_name": "Bench"}
    chat = {"id": user_id, "type": "private"}
    message = {"message_id": update_id, "date": 0, "text": text, "from": user, "chat": chat}
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    return "/telegram/webhook", {
        "json": {"update_id": update_id, "message": message},
        "headers": headers,
    }


def twilio_request(
    validator: Any, number: int, channel: str, phone: str, text: str, base: str
) -> Call:
    prefix = "whatsapp:" if channel == "whatsapp" else ""
    path = f"{base}/twilio/{channel}"
    params = {
        "MessageSid": f"SM{number:032d}",
        "From": prefix + phone,
        "To": prefix + "+447700900500",
        "Body": text,
        "NumMedia": "0",
    }
    signature = validator.compute_signature(PUBLIC + path, params)
    return path, {"data": params, "headers": {"X-Twilio-Signature": signature}}


async def timed(client: httpx.AsyncClient, path: str, kwargs: dict[str, Any]) -> float:
    started = time.perf_counter()
    answer = await client.post(path, **kwargs)
    if answer.status_code >= 300:
        raise RuntimeError(f"{path}: HTTP {answer.status_code} {answer.text[:200]}")
    return time.perf_counter() - started


async def flood(client: httpx.AsyncClient, work: list[Call]) -> None:
    """Send everything with CONCURRENCY workers."""
    queue = list(reversed(work))

    async def worker() -> None:
        while queue:
            path, kwargs = queue.pop()
            await timed(client, path, kwargs)

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))


class TurnsWatch:
    """The bench's read-only look at the inbound log: which kept messages the turns process has
    answered, and when each turn finished. A plain engine: its reads never queue for the writer."""

    def __init__(self, url: str) -> None:
        from bot.db.session import normalise_url

        self.engine = sa.create_engine(normalise_url(url))

    def count(self, status: str) -> int:
        from bot.db.models import InboundLog

        query = sa.select(sa.func.count(InboundLog.id)).where(InboundLog.status == status)
        with self.engine.connect() as connection:
            return int(connection.scalar(query) or 0)

    async def drained(self, timeout: float = 300) -> None:
        """Until no kept message waits for its turn."""
        deadline = time.perf_counter() + timeout
        while self.count("received"):
            if time.perf_counter() > deadline:
                raise RuntimeError("the turns process did not keep up")
            await asyncio.sleep(0.002)

    def out_of_order(self) -> int:
        """Messages answered after a later-kept message of their own conversation (a turn's
        first reply row marks when it ran: a conversation's turns commit one after another)."""
        from bot.db.models import InboundLog, Outbox

        query = (
            sa.select(InboundLog.channel, InboundLog.sender_id, InboundLog.id)
            .join(Outbox, Outbox.inbound_id == InboundLog.id)
            .group_by(InboundLog.id, InboundLog.channel, InboundLog.sender_id)
            .order_by(sa.func.min(Outbox.id))
        )
        latest: dict[tuple[str, str], int] = {}
        late = 0
        with self.engine.connect() as connection:
            for channel, sender, inbound_id in connection.execute(query):
                if inbound_id < latest.get((channel, sender), 0):
                    late += 1
                latest[(channel, sender)] = max(inbound_id, latest.get((channel, sender), 0))
        return late

    def handled_at(self) -> dict[str, float]:
        """Each handled message's provider id -> when its turn finished (epoch seconds)."""
        from bot.db.models import InboundLog

        query = sa.select(InboundLog.provider_message_id, InboundLog.handled_at).where(
            InboundLog.status == "handled"
        )
        with self.engine.connect() as connection:
            return {key: at.timestamp() for key, at in connection.execute(query)}


def provider_id(call: Call) -> str:
    """The id the inbound log keeps for a webhook: Telegram's update_id or Twilio's MessageSid."""
    _path, kwargs = call
    return str(kwargs["json"]["update_id"]) if "json" in kwargs else kwargs["data"]["MessageSid"]


async def interleaved(
    client: httpx.AsyncClient, kinds: dict[str, list[Call]], turns: TurnsWatch
) -> dict[str, float]:
    """Requests per second of each kind, sent in alternating rounds; a round of turns lasts
    until its last turn has committed. So load from outside the benchmark falls on every kind
    alike."""
    seconds = dict.fromkeys(kinds, 0.0)
    for start in range(0, MESSAGES, MESSAGES // ROUNDS):
        for kind, work in kinds.items():
            started = time.perf_counter()
            await flood(client, work[start : start + MESSAGES // ROUNDS])
            if kind == "turns":
                await turns.drained()
            seconds[kind] += time.perf_counter() - started
    return {kind: len(kinds[kind]) / spent for kind, spent in seconds.items()}


async def steady(
    client: httpx.AsyncClient, work: list[Call], turns: TurnsWatch
) -> tuple[list[float], list[float]]:
    """Send at RATE per second on a fixed schedule (open loop); the milliseconds from sending
    each webhook to its turn's commit, and to its HTTP answer."""
    started = time.perf_counter()
    sent: dict[str, float] = {}
    tasks = []
    for index, (path, kwargs) in enumerate(work):
        await asyncio.sleep(max(0.0, started + index / RATE - time.perf_counter()))
        sent[provider_id((path, kwargs))] = time.time()
        tasks.append(asyncio.create_task(timed(client, path, kwargs)))
    answered = [seconds * 1000 for seconds in await asyncio.gather(*tasks)]
    await turns.drained()
    committed = turns.handled_at()
    return [(committed[key] - at) * 1000 for key, at in sent.items()], answered


def percentiles(milliseconds: list[float]) -> tuple[float, float]:
    """p50 and p99."""
    ordered = sorted(milliseconds)
    return round(statistics.median(ordered), 1), round(ordered[int(len(ordered) * 0.99) - 1], 1)


async def measure(base_url: str, turns: TurnsWatch) -> dict[str, object]:
    numbers = count(1)
    limits = httpx.Limits(max_connections=CONCURRENCY * 4)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        await flood(client, [("/echo", {"content": b"warm"})] * 100)
        await flood(client, requests_for(numbers)[:60])  # every text, policy questions included
        await turns.drained()
        rates = await interleaved(
            client,
            {
                "echo": [("/echo", {"content": b"x" * 200})] * MESSAGES,
                "adapter": requests_for(numbers, base="/bare"),
                "turns": requests_for(numbers),
            },
            turns,
        )
        to_commit, to_answer = await steady(client, requests_for(numbers), turns)
    p50, p99 = percentiles(to_commit)
    answer_p50, answer_p99 = percentiles(to_answer)
    return {
        "throughput_ratio": round(rates["turns"] / rates["echo"], 3),
        "turns_per_s": round(rates["turns"], 1),
        "echo_per_s": round(rates["echo"], 1),
        "adapter_only_per_s": round(rates["adapter"], 1),
        "p50_ms": p50,
        "p99_ms": p99,
        "http_answer_p50_ms": answer_p50,
        "http_answer_p99_ms": answer_p99,
        "failed_turns": turns.count("failed"),
        "out_of_order": turns.out_of_order(),
        "messages": MESSAGES,
        "concurrency": CONCURRENCY,
        "rate_per_s": RATE,
        "workers": WORKERS,
        "turns": TURNS,
        "database": "postgresql" if DATABASE else "sqlite",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_ready(base_url: str, server: subprocess.Popen[bytes]) -> None:
    """Until /readyz answers 200 (the app is warmed up), or fail after a minute."""
    for _ in range(600):
        if server.poll() is not None:
            raise RuntimeError("the server process exited")
        try:
            if httpx.get(base_url + "/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not become ready")


def run(turns_workers: int) -> dict[str, object]:
    """The whole bench with that many turns processes (none when turns run inline)."""
    with tempfile.TemporaryDirectory() as folder:
        db_url = DATABASE or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        prepare(db_url)
        port = free_port()
        path = os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))
        env = {**os.environ, "PYTHONPATH": path, **server_environment(db_url)}
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.webhooks:make_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        server = subprocess.Popen(command, env=env, cwd=REPO)
        processes = [server]
        if TURNS == "queued":
            turns = [sys.executable, "-m", "parentbot", "turns"]
            for _ in range(turns_workers):
                processes.append(subprocess.Popen(turns, env=env, cwd=REPO))
        try:
            wait_until_ready(f"http://127.0.0.1:{port}", server)
            figures = asyncio.run(measure(f"http://127.0.0.1:{port}", TurnsWatch(db_url)))
            return {**figures, "turns_workers": turns_workers if TURNS == "queued" else 0}
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=10)


def main() -> dict[str, object]:
    """One run per count in BENCH_TURNS_WORKERS; the last run's figures, each run's, and the
    turns throughput of the most processes over the fewest."""
    if max(TURNS_WORKERS) > 1 and not DATABASE:
        raise SystemExit("Several turns processes need PostgreSQL: set BENCH_DATABASE_URL.")
    runs = {str(n): run(n) for n in sorted(set(TURNS_WORKERS))}
    fewest, most = runs[min(runs, key=int)], runs[max(runs, key=int)]
    figures = dict(most)
    if len(runs) > 1:
        scaling = float(most["turns_per_s"]) / float(fewest["turns_per_s"])  # type: ignore[arg-type]
        figures["turns_scaling"] = round(scaling, 2)
        # the same over each run's echo rate: machine load that differs between the runs
        # (other processes) cancels out, as in throughput_ratio within a run
        steady = float(most["throughput_ratio"]) / float(fewest["throughput_ratio"])  # type: ignore[arg-type]
        figures["turns_scaling_vs_echo"] = round(steady, 2)
        figures["by_turns_workers"] = runs
    return figures


if __name__ == "__main__":
    figures = main()
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "webhooks.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures))
