# ruff: noqa: E501  (the YAML lines hold five languages)
"""The production run under a burst: representatives answer a consultation at once while a
bulletin goes out, and one web process is killed.

    python benchmarks/burst.py [--full | --reps 200 --cities 100 --subscribers 5000]
                               [--pg URL] [--redis URL] [--skip-embedded] [--skip-scaling]

The default size is for development (a few minutes); `--full` is the issue's size: 1,000
representatives of 500 cities, 20,000 subscribers.

Production: the repo's Procfile processes started by honcho on PostgreSQL (--pg, default
AIVE_TEST_DATABASE_URL; its schema is dropped: use a scratch database) and Redis (--redis,
default redis://127.0.0.1:6379/13, flushed), with web=2 (one port, SO_REUSEPORT), worker=2,
scheduler=2 (one leader). Each `web` runs under a restart loop, as systemd's Restart=always
would. Telegram is the fake Bot API of tests/fakes in this process, delivering updates to
/webhooks/telegram like Telegram (at most --max-connections at once, resent until 2xx);
SendGrid is the fake SendGrid in a process of its own.

Each representative opens the consultation (`/start c<id>`) and answers its 9 questions
(branching: two are asked only after some answers) like a person: the next step only after
the bot's answer. Measured per update: from the fake's first delivery attempt to the bot's
answer (a message sent or edited in that chat) reaching the fake. Printed: p50/p95/p99/max,
updates/s overall and per web process, the bulletin's send time next to its time alone,
answers lost or doubled, then the same burst on the embedded default (`aive run`, SQLite), and
the updates/s with one web process against two.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "benchmarks"))  # after ROOT: benchmarks/bot.py is no package

from scratch_database import migrated_engine  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bot.features.consultation_screens import Act, Step  # noqa: E402
from engagement.consultations import lifecycle  # noqa: E402
from engagement.consultations.invitations import OPEN_PREFIX  # noqa: E402
from storage.base import utcnow  # noqa: E402
from storage.bulletins_queries import enqueue_edition  # noqa: E402
from storage.consultations import ConsultationStatus  # noqa: E402
from storage.deliveries import Delivery, DeliveryState  # noqa: E402
from storage.engine import create_session_factory  # noqa: E402
from storage.networks import City  # noqa: E402
from storage.people import Person, PersonRole, Role  # noqa: E402
from storage.seed import load_seed  # noqa: E402
from tests.fakes.telegram import FakeTelegram, load_bot_api_spec  # noqa: E402
from tests.fakes.telegram_objects import FakeUser  # noqa: E402
from tests.fakes.telegram_webhook import WebhookDeliverer  # noqa: E402
from tests.newsletter.delivery.world import add_subscribers, make_edition  # noqa: E402

LANGUAGES = ("en", "fr", "es", "pt", "ca")
SECRET = "burst-webhook-secret"
ANSWERS = ("sendMessage", "editMessageText", "editMessageReplyMarkup")
BIN = Path(sys.executable).parent
CONSULTATION = """
slug: burst
title: {en: "Burst 2026", fr: "Rafale 2026", es: "Ráfaga 2026", pt: "Rajada 2026", ca: "Ràfega 2026"}
audience: city_representatives
one_response_per: person
opens_at: OPENS
closes_at: CLOSES
questions:
  - id: priority
    type: single_choice
    text: {en: "Main priority?", fr: "Priorité ?", es: "¿Prioridad?", pt: "Prioridade?", ca: "Prioritat?"}
    options:
      - {id: inclusion, text: {en: Inclusion, fr: Inclusion, es: Inclusión, pt: Inclusão, ca: Inclusió}}
      - {id: climate, text: {en: Climate, fr: Climat, es: Clima, pt: Clima, ca: Clima}}
      - {id: culture, text: {en: Culture, fr: Culture, es: Cultura, pt: Cultura, ca: Cultura}}
  - id: why
    type: text
    max_length: 200
    show_if: {question: priority, in: [inclusion]}
    text: {en: "Why?", fr: "Pourquoi ?", es: "¿Por qué?", pt: "Porquê?", ca: "Per què?"}
  - id: actions
    type: multi_choice
    max_choices: 2
    text: {en: "Actions?", fr: "Actions ?", es: "¿Acciones?", pt: "Ações?", ca: "Accions?"}
    options:
      - {id: schools, text: {en: Schools, fr: Écoles, es: Escuelas, pt: Escolas, ca: Escoles}}
      - {id: parks, text: {en: Parks, fr: Parcs, es: Parques, pt: Parques, ca: Parcs}}
      - {id: transport, text: {en: Transport, fr: Transports, es: Transporte, pt: Transportes, ca: Transport}}
  - id: satisfaction
    type: scale
    min: 1
    max: 5
    text: {en: "Satisfied?", fr: "Satisfait ?", es: "¿Satisfecho?", pt: "Satisfeito?", ca: "Satisfet?"}
  - id: budget
    type: number
    min: 0
    max: 1000
    text: {en: "Budget?", fr: "Budget ?", es: "¿Presupuesto?", pt: "Orçamento?", ca: "Pressupost?"}
  - id: youth
    type: single_choice
    text: {en: "Youth council?", fr: "Conseil des jeunes ?", es: "¿Consejo juvenil?", pt: "Conselho jovem?", ca: "Consell jove?"}
    options:
      - {id: "yes", text: {en: "Yes", fr: Oui, es: Sí, pt: Sim, ca: Sí}}
      - {id: "no", text: {en: "No", fr: Non, es: "No", pt: Não, ca: "No"}}
  - id: youth_how
    type: text
    max_length: 200
    show_if: {question: youth, in: ["yes"]}
    text: {en: "How?", fr: "Comment ?", es: "¿Cómo?", pt: "Como?", ca: "Com?"}
  - id: partners
    type: multi_choice
    max_choices: 3
    text: {en: "Partners?", fr: "Partenaires ?", es: "¿Socios?", pt: "Parceiros?", ca: "Socis?"}
    options:
      - {id: ngo, text: {en: NGOs, fr: ONG, es: ONG, pt: ONG, ca: ONG}}
      - {id: school, text: {en: Schools, fr: Écoles, es: Escuelas, pt: Escolas, ca: Escoles}}
      - {id: business, text: {en: Business, fr: Entreprises, es: Empresas, pt: Empresas, ca: Empreses}}
  - id: comment
    type: text
    required: false
    max_length: 500
    text: {en: "Comment?", fr: "Commentaire ?", es: "¿Comentario?", pt: "Comentário?", ca: "Comentari?"}
"""
QUESTIONS = (
    "priority",
    "why",
    "actions",
    "satisfaction",
    "budget",
    "youth",
    "youth_how",
    "partners",
    "comment",
)
TYPED = {
    "why": "Nobody left behind.",
    "youth_how": "A yearly council.",
    "comment": "Thank you.",
    "budget": "250",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the fake Telegram: updates go to the webhook, answers wake the representative ----------


class BurstTelegram(FakeTelegram):
    """The fake Bot API whose users' updates are pushed to a webhook; times each answer."""

    def __init__(self) -> None:
        super().__init__(load_bot_api_spec())
        self.deliverer: WebhookDeliverer | None = None
        self.waiting: dict[int, asyncio.Future[float]] = {}  # chat id -> its answer's time
        self.first_attempt: dict[int, float] = {}
        self.last_update: dict[str, Any] = {}

    def _queue(self, **content: Any) -> dict[str, Any]:
        update = self.world.updates.put(**content)
        self.last_update = update
        self.world.updates.pending.remove(update)  # webhook mode: nothing waits for getUpdates
        assert self.deliverer is not None
        self.deliverer.push(update)
        return update

    def attempted(self, update: dict[str, Any]) -> None:
        self.first_attempt.setdefault(update["update_id"], time.monotonic())

    async def _perform(self, method: str, params: dict[str, Any]) -> Any:
        try:
            return await super()._perform(method, params)
        finally:  # an answer the fake refused ("message is not modified") is still an answer
            chat = None
            if method in ANSWERS:
                chat = int(params.get("chat_id", 0))
            elif method == "answerCallbackQuery" and params.get("text"):  # a popup
                query = self.world.callback_queries.get(str(params.get("callback_query_id")))
                chat = query.user.id if query else None
            waiter = self.waiting.get(chat) if chat else None
            if waiter is not None and not waiter.done():
                waiter.set_result(time.monotonic())


@dataclass
class Figures:
    latencies: list[float] = field(default_factory=list)
    # from the tap (the update handed to the fake Telegram) to the answer: what people feel,
    # including the wait at Telegram before a webhook connection is free
    felt: list[float] = field(default_factory=list)
    no_answer: int = 0  # steps whose answer never came (the person tapped again)
    finished: int = 0
    stuck: int = 0
    updates: int = 0


class Representative:
    """Answers like a person: reads the last screen, taps or types, waits for the bot."""

    def __init__(
        self, fake: BurstTelegram, user: FakeUser, consultation: int, figures: Figures
    ) -> None:
        self.fake, self.user, self.consultation, self.figures = fake, user, consultation, figures
        self.rng = random.Random(user.id)

    async def act(self, make_update: Any, patience: float = 20.0) -> bool:
        """Tap or type, then wait for the bot: while Telegram has not delivered the update
        (its webhook connections are busy) and `patience` seconds after it did."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[float] = loop.create_future()
        self.fake.waiting[self.user.id] = waiter
        tapped = time.monotonic()
        make_update()
        update = self.fake.last_update
        self.figures.updates += 1
        while not waiter.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(waiter), 1.0)
            first = self.fake.first_attempt.get(update["update_id"])
            now = time.monotonic()
            if not waiter.done() and (
                (first is not None and now - first > patience) or now - tapped > 600
            ):
                self.figures.no_answer += 1
                return False
        answered = waiter.result()
        self.figures.felt.append(answered - tapped)
        started = self.fake.first_attempt.get(update["update_id"])
        if started is not None:  # else a late answer to the step before: not this one's
            self.figures.latencies.append(answered - started)
        return True

    async def press(self, message: Any, data: str) -> None:
        await self.act(lambda: self.fake.user_presses_button(self.user, message, data))

    async def run(self) -> None:
        await self.act(lambda: self.fake.user_sends_text(self.user, f"/start c{self.consultation}"))
        toggled: set[int] = set()
        for _ in range(40):
            if not self.fake.sent_messages(self.user.id):  # /start got no answer: again
                await self.act(
                    lambda: self.fake.user_sends_text(self.user, f"/start c{self.consultation}")
                )
                continue
            message = self.fake.last_message(self.user.id)
            steps = []
            opener = None
            for button in message.buttons:
                data = str(button.get("callback_data", ""))
                if data.startswith(f"{OPEN_PREFIX}:"):
                    opener = data
                elif data.startswith("ca:"):
                    steps.append((data, Step.unpack(data)))
            acts = {step.a for _, step in steps}
            if opener is not None and not steps:
                await self.press(message, opener)
            elif Act.submit in acts:
                data = next(d for d, s in steps if s.a == Act.submit)
                await self.press(message, data)
                self.figures.finished += 1
                return
            elif Act.option in acts:
                data = self.rng.choice([d for d, s in steps if s.a == Act.option])
                await self.press(message, data)
            elif Act.toggle in acts:
                question = next(s.q for _, s in steps)
                if question in toggled:
                    data = next(d for d, s in steps if s.a == Act.done)
                else:
                    toggled.add(question)
                    data = self.rng.choice([d for d, s in steps if s.a == Act.toggle])
                await self.press(message, data)
            else:  # a question answered by typing: which one the buttons (back, skip) tell
                question = QUESTIONS[next((s.q for _, s in steps), 0)] if steps else "comment"
                text = TYPED.get(question, "12")
                await self.act(lambda t=text: self.fake.user_sends_text(self.user, t))
        self.figures.stuck += 1


# -- the database ---------------------------------------------------------------------------


@dataclass
class World:
    consultation: int
    edition: int
    users: list[FakeUser]


async def prepare(url: str, fake: BurstTelegram, reps: int, cities: int, subscribers: int) -> World:
    engine = await migrated_engine(url)
    sessions = create_session_factory(engine)
    async with sessions() as session:
        await load_seed(session)
        rows = [City(name=f"City {i}", country="ES", languages=[]) for i in range(cities)]
        session.add_all(rows)
        await session.flush()
        users = []
        for i in range(reps):
            lang = LANGUAGES[i % len(LANGUAGES)]
            user = fake.make_user(f"Rep{i}", language_code=lang, user_id=7_000_000 + i)
            users.append(user)
            session.add(
                Person(
                    telegram_id=user.id,
                    display_name=user.first_name,
                    language=lang,
                    roles=[PersonRole(role=Role.city_representative, city_id=rows[i % cities].id)],
                )
            )
        await session.commit()
        now = utcnow()
        source = CONSULTATION.replace("OPENS", (now - timedelta(hours=1)).isoformat()).replace(
            "CLOSES", (now + timedelta(days=10)).isoformat()
        )
        consultation = await lifecycle.create_consultation(session, source, actor="burst")
        consultation.status = ConsultationStatus.open  # no invitation broadcast: they come by link
        await session.commit()
        consultation_id = consultation.id
    if subscribers:
        await add_subscribers(sessions, subscribers)
    edition = await make_edition(sessions, slug="burst")
    await engine.dispose()
    return World(consultation_id, edition, users)


async def queue_bulletin(url: str, edition: int) -> None:
    engine = migrated_engine_plain(url)
    async with create_session_factory(engine)() as session:
        await enqueue_edition(session, edition, utcnow())
        await session.commit()
    await engine.dispose()


def migrated_engine_plain(url: str) -> Any:
    from storage.engine import create_engine

    return create_engine(url)


async def bulletin_done(url: str) -> tuple[int, int]:
    """(deliveries still to send, deliveries accepted)"""
    engine = migrated_engine_plain(url)
    async with create_session_factory(engine)() as session:
        rows = dict(
            (
                await session.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
            ).all()
        )
    await engine.dispose()
    waiting = rows.get(DeliveryState.queued, 0) + rows.get(DeliveryState.sending, 0)
    return waiting, rows.get(DeliveryState.accepted, 0)


async def answers_stored(url: str) -> tuple[int, int, int]:
    """(submitted responses, complete ones: every question asked has its answer, responses
    holding something other than what one pass gives: a choice toggled twice, an extra answer)"""
    from storage.consultations import ConsultationResponse

    engine = migrated_engine_plain(url)
    async with create_session_factory(engine)() as session:
        rows = (
            (
                await session.execute(
                    select(ConsultationResponse.answers).where(
                        ConsultationResponse.submitted_at.is_not(None)
                    )
                )
            )
            .scalars()
            .all()
        )
    await engine.dispose()
    complete = odd = 0
    for answers in rows:
        asked = {"priority", "actions", "satisfaction", "budget", "youth", "partners"}
        if answers.get("priority") == "inclusion":
            asked.add("why")
        if answers.get("youth") == "yes":
            asked.add("youth_how")
        if asked <= set(answers) and all(answers[q] not in (None, [], "") for q in asked):
            complete += 1
        if set(answers) - asked - {"comment"} or any(
            len(answers.get(q) or []) != 1 for q in ("actions", "partners")
        ):
            odd += 1
    return len(rows), complete, odd


# -- the processes ----------------------------------------------------------------------------


def wait_ready(port: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing ready on port {port} after {timeout:.0f} s")


def descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every process under `pid`."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            parent = int(stat.rpartition(")")[2].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            with contextlib.suppress(OSError):
                cmd = (
                    (Path("/proc") / str(child) / "cmdline")
                    .read_bytes()
                    .replace(b"\0", b" ")
                    .decode()
                )
                found.append((child, cmd))
            todo.append(child)
    return found


def web_pids(root: int) -> list[int]:
    return [
        pid
        for pid, cmd in descendants(root)
        if cmd.rstrip().endswith("aive web") or cmd.rstrip().endswith("aive run")
    ]


@dataclass
class Run:
    name: str
    env: dict[str, str]
    command: list[str]
    port: int
    cwd: Path
    webs: int = 1
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        path = self.cwd / f"{self.name}.log"
        with path.open("wb") as log:
            self.proc = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_ready(self.port)
        deadline = time.monotonic() + 180
        while path.read_text(errors="replace").count("web listening on") < self.webs:
            if time.monotonic() > deadline:
                raise SystemExit(f"fewer than {self.webs} web processes listen; see {path}")
            time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM to the runner; then whatever of ours still runs (a restart loop's child
        outliving its shell would keep the port) gets SIGKILL, by pid."""
        if self.proc is None:
            return
        ours = [pid for pid, _ in descendants(self.proc.pid)]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        for pid in ours:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def production(cwd: Path, env: dict[str, str], port: int, webs: int) -> Run:
    procfile = cwd / "Procfile"
    # web under a restart loop (systemd: Restart=always); the others as the repo's Procfile says
    procfile.write_text(
        f"web: trap 'kill $child; exit' TERM INT; while true; do {BIN / 'aive'} web & child=$!; wait $child; sleep 0.2; done\n"
        f"worker: {BIN / 'aive'} worker\n"
        f"scheduler: {BIN / 'aive'} scheduler\n"
    )
    command = [
        str(BIN / "honcho"),
        "start",
        "-f",
        str(procfile),
        "-d",
        str(cwd),
        "--no-prefix",
        "-c",
        f"web={webs},worker=2,scheduler=2",
    ]
    return Run("production", env, command, port, cwd, webs)


def embedded(cwd: Path, env: dict[str, str], port: int) -> Run:
    return Run("embedded", env, [str(BIN / "aive"), "run"], port, cwd)


def serve_fake_sendgrid(conn: Any) -> None:
    from send import _serve_fake  # benchmarks/send.py: the fake SendGrid without schema checks

    _serve_fake(conn)


def start_sendgrid() -> tuple[Any, str]:
    import multiprocessing

    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.Process(target=serve_fake_sendgrid, args=(child,), daemon=True)
    proc.start()
    return proc, parent.recv()


def per_process_updates(metrics_dir: Path, outcome: str | None = None) -> dict[int, float]:
    """Updates each process handled (with this outcome: "error"), from its own multiprocess
    file."""
    from prometheus_client.multiprocess import MultiProcessCollector

    counts = {}
    for path in metrics_dir.glob("counter_*.db"):
        pid = int(path.stem.rpartition("_")[2])
        total = 0.0
        for metric in MultiProcessCollector.merge([str(path)], accumulate=False):
            if metric.name == "aive_bot_updates":
                total += sum(
                    s.value
                    for s in metric.samples
                    if s.name.endswith("_total")
                    and (outcome is None or s.labels.get("outcome") == outcome)
                )
        if total:
            counts[pid] = total
    return counts


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process used so far."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


@dataclass
class Result:
    name: str
    figures: Figures
    seconds: float
    per_process: dict[int, float]
    bulletin_seconds: float | None
    stored: tuple[int, int, int]
    delivered: int
    killed: bool
    deliverer: Any
    cpu: dict[int, float] = field(default_factory=dict)  # web pid -> CPU seconds
    errors: float = 0  # updates answered with "sorry"
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)
    own_cpu: float = 0.0  # CPU seconds this script used during the burst


async def burst(
    name: str,
    url: str,
    run: Run,
    reps: int,
    cities: int,
    subscribers: int,
    args: argparse.Namespace,
    *,
    kill: bool,
    bulletin: bool,
) -> Result:
    fake = BurstTelegram()
    await fake.start()
    world = await prepare(url, fake, reps, cities, subscribers if bulletin else 0)
    run.env.update(AIVE_TELEGRAM_API_URL=fake.url, AIVE_TELEGRAM_TOKEN=fake.token)
    metrics_dir = run.cwd / "metrics"
    run.env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    for old in metrics_dir.glob("*.db"):
        old.unlink()
    run.start()
    deliverer = WebhookDeliverer(
        f"http://127.0.0.1:{run.port}/webhooks/telegram",
        SECRET,
        max_connections=args.max_connections,
        timeout=10.0,
        on_attempt=fake.attempted,
    )
    fake.deliverer = deliverer
    await deliverer.start()
    figures = Figures()
    people = [Representative(fake, user, world.consultation, figures) for user in world.users]
    started = time.monotonic()
    own_started = time.process_time()
    bulletin_seconds = None
    try:
        if bulletin:
            await queue_bulletin(url, world.edition)
        tasks = [asyncio.create_task(p.run()) for p in people]
        killed = False
        while not all(t.done() for t in tasks):
            await asyncio.sleep(0.25)
            if kill and not killed and figures.finished >= len(people) // 3:
                pids = web_pids(run.proc.pid) if run.proc else []
                if pids:
                    os.kill(pids[0], signal.SIGKILL)
                    killed = True
                    print(
                        f"  [{name}] SIGKILL web pid {pids[0]} after {time.monotonic() - started:.1f} s",
                        flush=True,
                    )
            if bulletin and bulletin_seconds is None:
                waiting, _ = await bulletin_done(url)
                if waiting == 0:
                    bulletin_seconds = time.monotonic() - started
        seconds = time.monotonic() - started
        own_cpu = time.process_time() - own_started
        while bulletin and bulletin_seconds is None:
            waiting, _ = await bulletin_done(url)
            if waiting == 0:
                bulletin_seconds = time.monotonic() - started
            await asyncio.sleep(0.25)
        await asyncio.sleep(1)  # let the metrics files settle
        per_process = per_process_updates(metrics_dir)
        errors = sum(per_process_updates(metrics_dir, "error").values())
        load = os.getloadavg()
        cpu = {pid: cpu_seconds(pid) for pid in (web_pids(run.proc.pid) if run.proc else [])}
        stored = await answers_stored(url)
        delivered = (await bulletin_done(url))[1] if bulletin else 0
    finally:
        await deliverer.close()
        run.stop()
        await fake.close()
    return Result(
        name,
        figures,
        seconds,
        per_process,
        bulletin_seconds,
        stored,
        delivered,
        kill,
        deliverer,
        cpu,
        errors,
        load,
        own_cpu,
    )


async def bulletin_alone(url: str, run: Run, subscribers: int) -> float:
    fake = BurstTelegram()
    await fake.start()
    world = await prepare(url, fake, 0, 1, subscribers)
    run.env.update(AIVE_TELEGRAM_API_URL=fake.url, AIVE_TELEGRAM_TOKEN=fake.token)
    run.start()
    try:
        started = time.monotonic()
        await queue_bulletin(url, world.edition)
        while (await bulletin_done(url))[0]:
            await asyncio.sleep(0.25)
        return time.monotonic() - started
    finally:
        run.stop()
        await fake.close()


def report(result: Result, reps: int) -> None:
    f = result.figures
    lat = [x * 1000 for x in f.latencies]
    print(f"\n== {result.name}")
    print("  load average at the end (1, 5, 15 min): " + " ".join(f"{x:.1f}" for x in result.load))
    print(
        f"  delivery -> answer (ms): p50 {percentile(lat, 0.5):.0f}  p95 {percentile(lat, 0.95):.0f}  "
        f"p99 {percentile(lat, 0.99):.0f}  max {max(lat, default=float('nan')):.0f}   ({len(lat)} answers)"
    )
    felt = [x * 1000 for x in f.felt]
    print(
        f"  tap -> answer (ms, with the wait for a free webhook connection): p50 {percentile(felt, 0.5):.0f}  "
        f"p95 {percentile(felt, 0.95):.0f}  p99 {percentile(felt, 0.99):.0f}  max {max(felt, default=float('nan')):.0f}"
    )
    print(
        f"  updates: {f.updates} in {result.seconds:.1f} s = {f.updates / result.seconds:.1f}/s overall; "
        f"this script (fake Telegram, deliverer, people) used {1000 * result.own_cpu / max(1, f.updates):.1f} ms CPU per update"
    )
    if result.per_process:
        shares = ", ".join(
            f"pid {pid}: {n:.0f} ({n / result.seconds:.1f}/s)"
            for pid, n in sorted(result.per_process.items())
        )
        print(f"  per process: {shares}")
        costs = ", ".join(
            f"pid {pid}: {1000 * cpu / result.per_process[pid]:.1f} ms"
            for pid, cpu in sorted(result.cpu.items())
            if result.per_process.get(pid)
        )
        if costs:
            print(f"  web CPU per update (start-up included): {costs}")
    d = result.deliverer.stats
    print(
        f"  webhook: {d.attempts} POSTs, {d.delivered} delivered, {d.retried} resent "
        f"({d.timeouts} timeouts), most at once {result.deliverer.most_in_flight}; statuses {dict(d.statuses)}"
    )
    submitted, complete, doubled = result.stored
    print(
        f"  representatives: {f.finished}/{reps} submitted by the bot's account, stuck {f.stuck}, "
        f"steps without an answer (tapped again) {f.no_answer}"
    )
    print(
        f"  stored: {submitted} submitted responses, {complete} complete, {doubled} answers doubled, lost {reps - submitted}; "
        f"updates answered with an error: {result.errors:.0f}"
    )
    if result.bulletin_seconds is not None:
        print(
            f"  bulletin: {result.delivered} accepted, all sent after {result.bulletin_seconds:.1f} s"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--cities", type=int, default=100)
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--full", action="store_true", help="the issue's size: 1000 / 500 / 20000")
    parser.add_argument("--pg", default=os.environ.get("AIVE_TEST_DATABASE_URL"))
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--max-connections", type=int, default=40)
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args()
    if args.full:
        args.reps, args.cities, args.subscribers = 1000, 500, 20_000
    if not args.pg:
        raise SystemExit("give --pg postgresql+asyncpg://… (a scratch database: it is emptied)")
    sendgrid, sendgrid_url = start_sendgrid()
    work = Path(tempfile.mkdtemp(prefix="aive-burst-"))
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AIVE_", "PROMETHEUS_"))}
    base.update(
        AIVE_TELEGRAM_WEBHOOK_SECRET=SECRET,
        AIVE_SENDGRID_API_KEY="SG.burst",
        AIVE_SENDGRID_HOST=sendgrid_url,
        AIVE_SECRET_KEY="burst-" + "k" * 40,
        AIVE_PUBLIC_URL="https://aive.example",
        AIVE_LOG_FORMAT="json",
    )
    from redis import Redis

    Redis.from_url(args.redis).flushdb()
    port = free_port()
    pg_env = {
        **base,
        "AIVE_DATABASE_URL": args.pg,
        "AIVE_REDIS_URL": args.redis,
        "AIVE_WEB_PORT": str(port),
        "AIVE_WEB_REUSE_PORT": "1",
    }
    print(
        f"burst: {args.reps} representatives of {args.cities} cities, {args.subscribers} subscribers; logs in {work}"
    )

    alone = await bulletin_alone(args.pg, production(work, dict(pg_env), port, 2), args.subscribers)
    print(f"bulletin alone on the production run: {args.subscribers} in {alone:.1f} s")
    Redis.from_url(args.redis).flushdb()
    prod = await burst(
        "production: PostgreSQL + Redis, honcho web=2 worker=2 scheduler=2, kill one web",
        args.pg,
        production(work, dict(pg_env), port, 2),
        args.reps,
        args.cities,
        args.subscribers,
        args,
        kill=True,
        bulletin=True,
    )
    report(prod, args.reps)
    if prod.bulletin_seconds:
        print(
            f"  bulletin under the burst / alone: {prod.bulletin_seconds:.1f} / {alone:.1f} s = {prod.bulletin_seconds / alone:.2f}x"
        )
    if not args.skip_scaling:
        rates = {}
        for webs in (1, 2):
            Redis.from_url(args.redis).flushdb()
            result = await burst(
                f"scaling: web={webs}, no bulletin, no kill",
                args.pg,
                production(work, dict(pg_env), port, webs),
                args.reps,
                args.cities,
                0,
                args,
                kill=False,
                bulletin=False,
            )
            report(result, args.reps)
            rates[webs] = result.figures.updates / result.seconds
        print(
            f"\nupdates/s with two web processes / one: {rates[2]:.1f} / {rates[1]:.1f} = {rates[2] / rates[1]:.2f}x"
        )
    if not args.skip_embedded:
        sqlite = f"sqlite+aiosqlite:///{work / 'embedded.db'}"
        emb_env = {**base, "AIVE_DATABASE_URL": sqlite, "AIVE_WEB_PORT": str(port)}
        emb = await burst(
            "embedded default: aive run, SQLite, in-memory bot state (same burst, no kill)",
            sqlite,
            embedded(work, emb_env, port),
            args.reps,
            args.cities,
            args.subscribers,
            args,
            kill=False,
            bulletin=True,
        )
        report(emb, args.reps)
    goals(prod, alone, rates if not args.skip_scaling else None, args.reps)
    sendgrid.terminate()


def goals(prod: Result, alone: float, rates: dict[int, float] | None, reps: int) -> None:
    """The issue's goals next to what this run measured on the production burst."""
    lat = [x * 1000 for x in prod.figures.latencies]
    p50, p99 = percentile(lat, 0.5), percentile(lat, 0.99)
    submitted, _, doubled = prod.stored
    sent = prod.bulletin_seconds / alone if prod.bulletin_seconds else float("nan")
    rows = [
        ("p50 delivery -> answer", "<= 150 ms", f"{p50:.0f} ms", p50 <= 150),
        ("p99 delivery -> answer", "<= 1000 ms", f"{p99:.0f} ms", p99 <= 1000),
        (
            "answers lost / doubled",
            "0 / 0",
            f"{reps - submitted} / {doubled}",
            submitted == reps and not doubled,
        ),
        ("updates answered with an error", "0", f"{prod.errors:.0f}", not prod.errors),
        ("bulletin under the burst / alone", "<= 1.5x", f"{sent:.2f}x", sent <= 1.5),
    ]
    if rates:
        ratio = rates[2] / rates[1]
        rows.append(("updates/s, 2 web / 1 web", ">= 1.6x", f"{ratio:.2f}x", ratio >= 1.6))
    print(f"\n== goals (production burst; load average now {os.getloadavg()[0]:.1f})")
    for name, goal, seen, met in rows:
        print(f"  {name:34} {goal:>11}  {seen:>12}  {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    asyncio.run(main())
