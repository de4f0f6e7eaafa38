"""Webhook figure: 1,000 inbound webhooks over loopback through a real uvicorn server.

The server (a subprocess on 127.0.0.1, random port) serves the Telegram, SMS and WhatsApp
routers with a real Engine on a temp SQLite database holding the demo nursery, plus a bare
FastAPI echo endpoint. Each webhook is a full turn: verify, dedupe, understand, store, outbox.

1. Throughput: 1,000 mixed webhooks as fast as CONCURRENCY clients can send them, and 1,000
   echo requests the same way; the ratio of the two.
2. Latency: 1,000 more webhooks at a steady 50 messages/s; p50 and p99.

The final line is JSON, also written to bench/results/webhooks.json.
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
from itertools import count, cycle
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TOKEN = "bench-auth-token"
SECRET = "bench-secret"
PUBLIC = "https://bench.example.org"
MESSAGES = 1_000
CONCURRENCY = 16
RATE = 50  # messages per second in the latency phase
PHONES = [f"+4477009001{n:02d}" for n in (1, 2, 3, 11, 12, 21, 31, 32, 41, 51, 52, 61, 71, 81)]
TEXTS = [
    "Maya is off sick today with a temperature",
    "What time do you open on Friday?",
    "Leo has a dentist appointment tomorrow morning",
    "Can my sister collect Maya today at 4?",
    "Is there a parents evening this term?",
    "thank you",
]


def serve(port: int, db_url: str) -> None:
    """The server process: the adapters' routers and an echo endpoint under uvicorn."""
    import uvicorn
    from fastapi import FastAPI, Request

    from bot.engine import Engine
    from channels import telegram, twilio_sms, whatsapp
    from parentbot.setup import find_setting_id, open_database

    sessions = open_database(db_url, migrate=False)
    engine = Engine(sessions, find_setting_id(sessions))
    twilio = twilio_sms.TwilioConfig(
        "AC" + "0" * 32, TOKEN, "+447700900500", "+447700900501", PUBLIC
    )
    app = FastAPI()
    app.include_router(
        telegram.build_router(engine, telegram.TelegramConfig("1:X", SECRET, PUBLIC))
    )
    app.include_router(twilio_sms.build_router(engine, twilio))
    app.include_router(whatsapp.build_router(engine, twilio))

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, Any]:
        return {"echo": (await request.body()).decode()}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def prepare(folder: Path) -> str:
    """A migrated SQLite file with the demo nursery and Telegram users linked to guardians."""
    from bot.db.models import ChannelIdentity, Guardian
    from bot.db.session import transaction
    from parentbot.setup import demo_folder, import_setting_folder, open_database

    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    sessions = open_database(url)
    import_setting_folder(sessions, demo_folder())
    with transaction(sessions) as session:
        for guardian in session.query(Guardian).all():
            session.add(
                ChannelIdentity(
                    channel="telegram", external_id=str(9000 + guardian.id), guardian_id=guardian.id
                )
            )
    return url


def requests_for(numbers: count[int]) -> list[tuple[str, dict[str, Any]]]:
    """MESSAGES webhooks, a third per channel, each (path, httpx kwargs), signed."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(TOKEN)
    made: list[tuple[str, dict[str, Any]]] = []
    for (channel, phone, text), n in zip(
        cycle((c, p, t) for p in PHONES for t in TEXTS for c in ("telegram", "sms", "whatsapp")),
        range(MESSAGES),
        strict=False,
    ):
        number = next(numbers)
        if channel == "telegram":
            user = {"id": 9001 + n % 16, "is_bot": False, "first_name": "Bench"}
            message = {
                "message_id": number,
                "date": 0,
                "text": text,
                "from": user,
                "chat": {"id": user["id"], "type": "private"},
            }
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            made.append(
                (
                    "/telegram/webhook",
                    {"json": {"update_id": number, "message": message}, "headers": headers},
                )
            )
            continue
        prefix = "whatsapp:" if channel == "whatsapp" else ""
        path = f"/twilio/{'whatsapp' if prefix else 'sms'}"
        params = {
            "MessageSid": f"SM{number:032d}",
            "From": prefix + phone,
            "To": prefix + "+447700900500",
            "Body": text,
            "NumMedia": "0",
        }
        signature = validator.compute_signature(PUBLIC + path, params)
        made.append((path, {"data": params, "headers": {"X-Twilio-Signature": signature}}))
    return made


async def timed(client: httpx.AsyncClient, path: str, kwargs: dict[str, Any]) -> float:
    started = time.perf_counter()
    answer = await client.post(path, **kwargs)
    if answer.status_code >= 300:
        raise RuntimeError(f"{path}: HTTP {answer.status_code} {answer.text[:200]}")
    return time.perf_counter() - started


async def flood(client: httpx.AsyncClient, work: list[tuple[str, dict[str, Any]]]) -> float:
    """Send everything with CONCURRENCY workers; requests per second."""
    queue = list(reversed(work))

    async def worker() -> None:
        while queue:
            path, kwargs = queue.pop()
            await timed(client, path, kwargs)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return len(work) / (time.perf_counter() - started)


async def steady(client: httpx.AsyncClient, work: list[tuple[str, dict[str, Any]]]) -> list[float]:
    """Send at RATE per second on a fixed schedule (open loop); each latency in ms."""
    started = time.perf_counter()
    tasks = []
    for index, (path, kwargs) in enumerate(work):
        await asyncio.sleep(max(0.0, started + index / RATE - time.perf_counter()))
        tasks.append(asyncio.create_task(timed(client, path, kwargs)))
    return [seconds * 1000 for seconds in await asyncio.gather(*tasks)]


async def measure(base_url: str) -> dict[str, float]:
    numbers = count(1)
    limits = httpx.Limits(max_connections=CONCURRENCY * 4)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        await flood(client, [("/echo", {"content": b"warm"})] * 100)
        echo_per_s = await flood(client, [("/echo", {"content": b"x" * 200})] * MESSAGES)
        turns_per_s = await flood(client, requests_for(numbers))
        latencies = sorted(await steady(client, requests_for(numbers)))
    return {
        "throughput_ratio": round(turns_per_s / echo_per_s, 3),
        "turns_per_s": round(turns_per_s, 1),
        "echo_per_s": round(echo_per_s, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1),
        "messages": MESSAGES,
        "concurrency": CONCURRENCY,
        "rate_per_s": RATE,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(base_url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise RuntimeError("the server process exited")
        try:
            httpx.post(base_url + "/echo", content=b"ping", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


def main() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        db_url = prepare(Path(folder))
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        server = subprocess.Popen(
            [sys.executable, __file__, "serve", str(port), db_url], env=env, cwd=REPO
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}", server)
            return asyncio.run(measure(f"http://127.0.0.1:{port}"))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3])
    else:
        figures = main()
        results = REPO / "bench" / "results"
        results.mkdir(parents=True, exist_ok=True)
        (results / "webhooks.json").write_text(json.dumps(figures, indent=2) + "\n")
        print(json.dumps(figures))
