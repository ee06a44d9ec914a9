"""One person at the sandbox prompt: type `/zoom …`, press buttons, fill modals, fast-forward time.

A :class:`SandboxSession` plays the Slack client for the current user (``as bob``) in the
current channel (``in #design``) against an :class:`~bot.sandbox.world.OfflineWorld`:
slash commands and clicks go to the real bot as signed requests, and whatever the bot
then did in the Slack stand-in (posts, ephemerals, DMs, modals, Home tabs) is written
out as text. Lines come from a :class:`LineSource` — the terminal, or ``--run`` items —
and output goes to a plain callable, so tests read exactly what a person would see.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import httpx

from bot.sandbox import workflow
from bot.sandbox.clock import parse_wait
from bot.sandbox.forms import (
    CANCEL_WORD,
    CHANNEL_SELECTS,
    AnswerError,
    FormField,
    form_fields,
    numbered_choices,
    read_answer,
)
from bot.sandbox.render import (
    Button,
    Names,
    confirm_dialog,
    indented,
    message_label,
    page_summary,
    render_message,
    render_view,
)
from bot.sandbox.slack_standin import Message, ViewRecord
from bot.sandbox.typed import escape_typed
from bot.sandbox.world import DEFAULT_CHANNELS, OfflineWorld, Person
from bot.sandbox.zoom_simulator import ManualClock

QUIET_SECONDS = 0.3  # replies have settled once this long passes with nothing new
MAX_REPLY_SECONDS = 15.0  # give up waiting for a reply after this long
POLL_SECONDS = 0.02
_BUTTON_REF = re.compile(r"\[([0-9]{1,3})\]")
PASTE_SECONDS = 1.5  # how long a pasted link may take to get its preview
ERROR_PREFIX = ":warning:"  # every failure reply starts so (bot.slack.hints.Hint.text)
WORKING_PREFIX = ":hourglass"  # "Zoom is taking a moment": the real reply is still coming
CARD_UPDATE_SECONDS = 1.0  # how often the bot may update a meeting card here (bot.sandbox.cli)
MAX_EVENT_SECONDS = 60.0  # give up waiting for the bot to act on Zoom's events after this long
MAX_CROWD = 300
MEETING_EVENTS = {
    "start": "meeting.started",
    "end": "meeting.ended",
    "record": "recording.completed",
    "transcript": "recording.transcript_completed",
    "summary": "meeting.summary_completed",
}

HELP = """\
Type what you would type in Slack, plus a few sandbox commands:
  /zoom help              every /zoom command (try /zoom link first)
  click N                 press button [N] from the latest output
  paste <text>            post a message; a Zoom join link in it gets zoombot's preview
                          ([N] pastes the link of button [N], e.g. a Join button)
  as bob                  act as another person: {people}
  in #design              move to another channel: {channels}
  home                    open zoombot's App Home tab
  shortcut schedule       the "Schedule a Zoom meeting" shortcut (opens the form)
  shortcut message        "Zoom meeting about this" on the latest message here (e.g. after paste)
  workflow run topic="Sync" [start=+2h] [duration=45] [host=@bob]
                          a workflow reaches zoombot's step "Create a Zoom meeting" (you ran it)
  wait 10m                fast-forward the clock (s, m, h, d) so reminders, digests and
                          attendance after a meeting (`meeting end`, then `wait 3m`) fire
  meeting start|end [ID]  play Zoom: the meeting (the latest one unless ID is given) starts or ends
                          (with `/zoom status on`, the host's Slack status follows it)
  meeting join|leave [ID] NAME    someone joins or leaves it (bob, carol, or any guest's name)
  meeting crowd [ID] N    N guests join at once (the channel's card keeps up within Slack's limits)
  meeting record|transcript|summary [ID]   Zoom finishes the recording, transcript or AI summary
  (empty line)            show anything that arrived since
  help                    this text
  quit                    leave (Ctrl-D and Ctrl-C too)
In a form, press Enter to take the [default]; type {cancel} to close it."""


class LineSource(Protocol):
    """Where the session's lines come from."""

    @property
    def interactive(self) -> bool:
        """True for a person at a terminal: confirmations are asked, not assumed."""
        ...

    async def read(self, prompt: str) -> str | None:
        """The next line (without its newline), or None at the end of input."""
        ...


class ScriptedLines:
    """``--run`` items (or a test's list), echoed after the prompt as if typed."""

    def __init__(self, lines: Sequence[str], out: Callable[[str], None]) -> None:
        self._lines = list(lines)
        self._out = out

    @property
    def interactive(self) -> bool:
        return False

    async def read(self, prompt: str) -> str | None:
        if not self._lines:
            return None
        line = self._lines.pop(0)
        self._out(f"{prompt}{line}")
        return line


@dataclass(frozen=True)
class _Pressable:
    button: Button
    message: Message | None = None
    view: ViewRecord | None = None


class SandboxSession:
    def __init__(
        self,
        world: OfflineWorld,
        *,
        clock: ManualClock,
        source: LineSource,
        out: Callable[[str], None],
        user: str = "alice",
        channel: str = "general",
    ) -> None:
        self.world = world
        self.clock = clock
        self.source = source
        self.out = out
        self.channels = {name: channel_id for channel_id, name in DEFAULT_CHANNELS}
        self.user = self._person(user)
        self.channel_id = self._channel(channel)
        self.failed = False  # an error reply or a usage error happened (--run exits non-zero)
        self._buttons: list[_Pressable] = []
        self._seen_messages = len(world.standin.messages)
        self._seen_views = len(world.standin.views)
        self.names = Names(channel=self._channel_name, user=self._user_name, call=world.standin.slack_call)

    # -- who and where -----------------------------------------------------------------

    @property
    def prompt(self) -> str:
        return f"@{self.user.name} in #{self._channel_name(self.channel_id)}> "

    def banner(self) -> str:
        channel = self._channel_name(self.channel_id)
        return f"you are @{self.user.name} ({self.user.tz}) in #{channel}"

    def _person(self, name: str) -> Person:
        person = self.world.people.get(name.lstrip("@").lower())
        if person is None:
            raise LookupError(f"nobody called {name!r} here; try {self._people_list()}")
        return person

    def _channel(self, name: str) -> str:
        channel_id = self.channels.get(name.lstrip("#").lower())
        if channel_id is None:
            raise LookupError(f"no channel {name!r} here; try {self._channel_list()}")
        return channel_id

    def _people_list(self) -> str:
        return ", ".join(self.world.people)

    def _channel_list(self) -> str:
        return ", ".join(f"#{name}" for name in self.channels)

    def _channel_name(self, channel_id: str) -> str | None:
        return next((name for name, cid in self.channels.items() if cid == channel_id), None)

    def _user_name(self, user_id: str) -> str | None:
        return next((p.name for p in self.world.people.values() if p.slack_id == user_id), None)

    # -- the loop ------------------------------------------------------------------------

    async def run(self) -> None:
        """Read and run lines until the source ends or someone types ``quit``."""
        self.out(self.banner())
        while True:
            line = await self.source.read(self.prompt)
            if line is None or not await self.run_line(line):
                return

    async def run_line(self, line: str) -> bool:
        """Run one line; False when the session should end."""
        text = line.strip()
        word, _, rest = text.partition(" ")
        rest = rest.strip()
        try:
            if not text:
                await self._show_new()
            elif text.startswith("/"):
                await self._slash(text)
            elif word in ("quit", "exit"):
                return False
            elif word == "help":
                self.out(
                    HELP.format(people=self._people_list(), channels=self._channel_list(), cancel=CANCEL_WORD)
                )
            elif word == "as" and rest:
                self.user = self._person(rest)
                self.out(self.banner())
            elif word == "in" and rest:
                self.channel_id = self._channel(rest)
                self.out(self.banner())
            elif word == "click" and rest:
                await self._click(rest)
            elif word == "wait" and rest:
                await self._wait(rest)
            elif word == "paste" and rest:
                await self._paste(rest)
            elif word == "home":
                await self._home()
            elif word == "shortcut" and rest in ("schedule", "message"):
                await self._shortcut(rest)
            elif word == "meeting":
                await self._meeting(rest)
            elif word == "workflow":
                await self._workflow(rest)
            else:
                self._usage(f"unknown command {text!r}; type `help` for the list")
        except (LookupError, ValueError) as problem:
            self._usage(str(problem))
        return True

    def _usage(self, problem: str) -> None:
        self.failed = True
        self.out(f"sandbox: {problem}")

    # -- actions -------------------------------------------------------------------------

    async def _slash(self, text: str) -> None:
        command, _, argument = text.partition(" ")
        if command != "/zoom":
            raise LookupError(f"only /zoom is installed in this workspace, not {command}")
        escaped = escape_typed(argument.strip(), channels=self.channels, users=self._user_ids())
        before = self._arrivals()
        response = await self.world.driver.slash(self.user.slack_id, self.channel_id, escaped)
        if response.status_code != 200:
            self._usage(f"zoombot answered HTTP {response.status_code}")
            return
        ack_reply = self._ack_message(response)
        # A reply riding on the ack (usage errors) is all there is; otherwise one is coming.
        await self._settle(before, expect_reply=ack_reply is None)
        await self._show_new(first=[ack_reply] if ack_reply is not None else [])

    def _ack_message(self, response: httpx.Response) -> Message | None:
        """What Slack shows the user for an ack that carries a message (as an ephemeral)."""
        if not response.content:
            return None
        try:
            body = response.json()
        except ValueError:
            return Message(kind="ephemeral", channel=self.channel_id, ts="ack", text=response.text)
        if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
            return None
        return Message(
            kind="ephemeral",
            channel=self.channel_id,
            ts="ack",
            text=body.get("text"),
            blocks=body.get("blocks"),
            user=self.user.slack_id,
        )

    async def _click(self, which: str) -> None:
        if not which.isdigit() or not 1 <= int(which) <= len(self._buttons):
            shown = f"1 to {len(self._buttons)}" if self._buttons else "none are showing"
            raise LookupError(f"no button [{which}] ({shown})")
        pressed = self._buttons[int(which) - 1]
        button = pressed.button
        if button.confirm is not None and not await self._confirmed(button.confirm):
            self.out("(not pressed)")
            return
        driver = self.world.driver
        before = self._arrivals()
        if pressed.view is not None:
            response = await driver.block_action(
                self.user.slack_id, None, button.action_id, button.value, view=pressed.view
            )
        else:
            assert pressed.message is not None
            response = await driver.block_action(
                self.user.slack_id,
                pressed.message.channel,
                button.action_id,
                button.value,
                message=pressed.message,
            )
        if response.status_code != 200:
            self._usage(f"zoombot answered HTTP {response.status_code}")
            return
        if button.url is not None:
            # A link button: Slack tells the app, and the browser opens the URL.
            await self._open_in_browser(button.url)
        await self._settle(before, expect_reply=button.url is None)
        await self._show_new()

    async def _confirmed(self, confirm: dict[str, Any]) -> bool:
        self.out(f"[confirm] {confirm_dialog(confirm)}")
        if not self.source.interactive:
            self.out("(confirmed)")
            return True
        answer = await self.source.read("Confirm? [y/N] ")
        return (answer or "").strip().lower() in ("y", "yes")

    async def _open_in_browser(self, url: str) -> None:
        # Zoom's or Slack's consent page, signed in as this person; then back to zoombot's callback.
        try:
            if url.startswith(f"{self.world.zoom_url}/oauth/authorize"):
                page = await self.world.follow_consent(url, login_email=self.user.email)
            elif url.startswith(f"{self.world.slack_url}/oauth/v2/authorize"):
                page = await self.world.follow_slack_consent(url, slack_user=self.user.slack_id)
            else:
                self.out(f"[browser] opens {url}")
                return
        except (AssertionError, httpx.HTTPError, KeyError):
            self._usage("the consent page did not send the browser back to zoombot")
            return
        title, paragraphs = page_summary(page.text)
        self.out(f"[browser] {title or page.status_code}")
        for line in indented(paragraphs):
            self.out(line)
        if page.status_code != 200:
            self.failed = True

    async def _paste(self, text: str) -> None:
        """Post ``text`` as this person; a Zoom link in it reaches zoombot as ``link_shared``.
        ``[N]`` stands for the URL of button [N] in the latest output (e.g. a Join button)."""
        text = _BUTTON_REF.sub(lambda ref: self._button_url(ref.group(1)), text)
        message, answer = await self.world.driver.post_message(self.user.slack_id, self.channel_id, text)
        before = self._arrivals()  # the post itself is shown as it is; what follows is zoombot's
        if answer is not None and answer.status_code != 200:
            self._usage(f"zoombot answered HTTP {answer.status_code}")
            return
        if answer is not None:
            # A preview is optional (only meetings the poster can read): wait a little, expect nothing.
            await self._settle(before, expect_reply=False, at_least=PASTE_SECONDS)
        await self._show_new()

    async def _shortcut(self, which: str) -> None:
        """A shortcut, as Slack sends it: the global one, or the message one on the latest message
        posted in this channel (a person's or zoombot's, not an ephemeral)."""
        driver = self.world.driver
        before = self._arrivals()
        if which == "schedule":
            response = await driver.shortcut(self.user.slack_id, "schedule_meeting")
        else:
            posts = [m for m in self.world.standin.messages_in(self.channel_id) if m.kind == "post"]
            if not posts:
                raise LookupError("no message in this channel yet; `paste <text>` posts one")
            response = await driver.message_shortcut(self.user.slack_id, "meeting_about_message", posts[-1])
        if response.status_code != 200:
            self._usage(f"zoombot answered HTTP {response.status_code}")
            return
        await self._settle(before, expect_reply=True)
        await self._show_new()

    async def _workflow(self, rest: str) -> None:
        """`workflow run …`: Slack runs the step; show how it ended (outputs or the reason)."""
        verb, _, args = rest.partition(" ")
        if verb != "run":
            raise ValueError(f"usage: {workflow.USAGE}")
        inputs = workflow.step_inputs(args, now=self.clock.now(), tz=self.user.tz, user_ids=self._user_ids())
        driver, standin = self.world.driver, self.world.standin
        run_id, response = await driver.run_workflow_step(workflow.STEP, inputs, ran_by=self.user.slack_id)
        if response.status_code != 200:
            self._usage(f"zoombot answered HTTP {response.status_code}")
            return
        try:
            await standin.wait_for(
                lambda: standin.execution(run_id).state != "running" or None, timeout=MAX_REPLY_SECONDS
            )
        except TimeoutError:
            self._usage("the workflow step did not finish")
            return
        done = standin.execution(run_id)
        self.failed = self.failed or done.state != "completed"
        self.out(workflow.describe_end(done.state, done.outputs, done.error, self.user.tz))
        await self._show_new()

    def _button_url(self, which: str) -> str:
        number = int(which)
        if not 1 <= number <= len(self._buttons) or self._buttons[number - 1].button.url is None:
            raise LookupError(f"no link button [{which}] in the latest output")
        url = self._buttons[number - 1].button.url
        assert url is not None
        return url

    async def _home(self) -> None:
        before = self._arrivals()
        response = await self.world.driver.app_home_opened(self.user.slack_id)
        if response.status_code != 200:
            self._usage(f"zoombot answered HTTP {response.status_code}")
            return
        await self._settle(before, expect_reply=True)
        await self._show_new()

    async def _wait(self, how_long: str) -> None:
        delta = parse_wait(how_long)
        before = self._arrivals()
        now = self.clock.advance(delta.total_seconds())
        local = now.astimezone(ZoneInfo(self.user.tz))
        self.out(
            f"[clock] fast-forwarded {how_long.strip()}: it is now {local:%a %d %b %H:%M} ({self.user.tz})"
        )
        statuses = self._statuses()
        await self.world.reminders_caught_up()  # what fell due has been posted when this returns
        await self._settle(before, expect_reply=False)
        await self._show_new()
        self._show_status_changes(statuses)  # a status whose meeting's end never came

    async def _meeting(self, text: str) -> None:
        """Play Zoom: something happens in a meeting and Zoom tells the bot (a signed webhook)."""
        verb, _, rest = text.partition(" ")
        words = rest.split()
        crowd = words.pop() if verb == "crowd" and words else ""  # `meeting crowd [ID] N`: N comes last
        digits: list[str] = []
        while words and (words[0].isdigit() or words[0] == "last"):
            digits.append(words.pop(0))
        meeting_id = self._meeting_id("".join(d for d in digits if d != "last"))
        who = crowd or " ".join(words)
        if verb in MEETING_EVENTS and not words:
            event = MEETING_EVENTS[verb]
            await self._fire(event, meeting_id)
        elif verb in ("join", "leave") and who:
            event = "meeting.participant_joined" if verb == "join" else "meeting.participant_left"
            await self._fire(event, meeting_id, name=who)
        elif verb == "crowd" and not words and who.isdigit() and 1 <= int(who) <= MAX_CROWD:
            await self._crowd(meeting_id, int(who))
        else:
            raise ValueError(
                "try `meeting start`, `meeting join bob`, `meeting leave bob`, `meeting crowd 50`, "
                "`meeting end`, `meeting record`, `meeting transcript` or `meeting summary` "
                "(a meeting ID after the verb picks the meeting; the latest is the default)"
            )

    def _meeting_id(self, typed: str) -> int:
        meetings = self.world.sim.meetings
        if typed:
            if int(typed) not in meetings:
                raise LookupError(f"Zoom has no meeting {typed} here")
            return int(typed)
        if not meetings:
            raise LookupError("no meeting yet: make one with `/zoom new Standup` first")
        return list(meetings)[-1]

    async def _fire(self, event: str, meeting_id: int, **params: str) -> None:
        body = self.world.sim.webhook_payload(event, meeting_id=meeting_id, **params)
        before = self._arrivals()
        statuses = self._statuses()
        await self._deliver([body])
        self.out(f"[zoom] {_happened(event, body)}")
        await self._events_acted_on()
        await self._settle(before, expect_reply=False)
        await self._show_new()
        self._show_status_changes(statuses)

    def _statuses(self) -> dict[str, dict[str, Any]]:
        """Everyone's Slack status now, as the stand-in shows it (status sync changes them)."""
        return {name: self.world.standin.status_of(p.slack_id) for name, p in self.world.people.items()}

    def _show_status_changes(self, before: dict[str, dict[str, Any]]) -> None:
        for name, status in self._statuses().items():
            if status != before.get(name):
                shown = " ".join(s for s in (status["status_emoji"], status["status_text"]) if s)
                self.out(f"[slack] {name}'s status: {shown or '(none)'}")

    async def _crowd(self, meeting_id: int, count: int) -> None:
        taken = {p.handle for p in self.world.sim.meetings[meeting_id].participants}
        names = [f"guest {n}" for n in range(1, count + len(taken) + 1) if f"guest {n}" not in taken][:count]
        bodies = [
            self.world.sim.webhook_payload("meeting.participant_joined", meeting_id=meeting_id, name=name)
            for name in names
        ]
        before = self._arrivals()
        await self._deliver(bodies)
        self.out(f"[zoom] {count} guests joined meeting {meeting_id} at once")
        await self._events_acted_on()
        await self._settle(before, expect_reply=False)
        await self._show_new()

    async def _events_acted_on(self) -> None:
        """Wait for the bot to finish what the delivered events started (its card updates are
        coalesced, so the last one may come an interval or two later)."""
        try:
            await asyncio.wait_for(self.world.events_acted_on(), timeout=MAX_EVENT_SECONDS)
        except TimeoutError:
            self._usage(f"zoombot was still acting on Zoom's events after {MAX_EVENT_SECONDS:g} s")

    async def _deliver(self, bodies: Sequence[dict[str, Any]]) -> None:
        """Sign and POST each event as Zoom does, a few at a time; a busy answer is delivered again."""
        secret = self.world.settings.ZOOM_WEBHOOK_SECRET_TOKEN
        if secret is None:
            raise LookupError("zoombot has no webhook secret in this sandbox")
        url = f"{self.world.bot_url}/zoom/webhooks"
        gate = asyncio.Semaphore(8)
        async with httpx.AsyncClient(timeout=10) as client:

            async def one(body: dict[str, Any]) -> int:
                async with gate:
                    for _ in range(5):
                        # Signed by the wall clock: the bot checks signatures against real time.
                        answer = await self.world.sim.deliver_webhook(
                            url, secret, body, timestamp=int(time.time()), client=client
                        )
                        if answer.status_code != 503:
                            break
                    return answer.status_code

            statuses = await asyncio.gather(*(one(body) for body in bodies))
        refused = [status for status in statuses if status != 200]
        if refused:
            self._usage(f"zoombot answered {len(refused)} webhook(s) with HTTP {refused[0]}")

    # -- waiting for and showing what the bot did --------------------------------------

    def _arrivals(self) -> int:
        return len(self.world.standin.messages) + len(self.world.standin.views)

    async def _settle(
        self,
        before: int,
        *,
        expect_reply: bool,
        at_least: float = QUIET_SECONDS,
        quiet: float = QUIET_SECONDS,
    ) -> None:
        """Wait until the bot's replies have arrived: something new since ``before`` (the count of
        messages and views when the request went out), then ``quiet`` seconds with nothing new."""
        start = time.monotonic()
        last = self._arrivals()
        last_change = start
        while True:
            await asyncio.sleep(POLL_SECONDS)
            now = time.monotonic()
            count = self._arrivals()
            if count != last:
                last, last_change = count, now
            if now - start >= MAX_REPLY_SECONDS:
                if expect_reply and count == before:
                    self._usage(f"no reply from zoombot within {MAX_REPLY_SECONDS:g} s")
                return
            if now - start < at_least or now - last_change < quiet or self.world.busy():
                continue
            if count == before and not expect_reply:
                return
            if count != before and not self._still_working():
                return

    def _still_working(self) -> bool:
        messages = self.world.standin.messages
        latest = messages[-1] if len(messages) > self._seen_messages else None
        return latest is not None and (latest.text or "").startswith(WORKING_PREFIX)

    async def _show_new(self, first: Sequence[Message] = ()) -> None:
        """Write out every message and view that arrived since last time, numbering buttons."""
        standin = self.world.standin
        messages = [*first, *standin.messages[self._seen_messages :]]
        views = standin.views[self._seen_views :]
        self._seen_messages += len(messages) - len(first)
        self._seen_views += len(views)
        pressable: list[_Pressable] = []
        for message in messages:
            if message.text and message.text.startswith(ERROR_PREFIX):
                self.failed = True
            self._write_message(message, pressable)
        modal: ViewRecord | None = None
        for view in views:
            self._write_view(view, pressable)
            if view.view.get("type") == "modal" and view.user == self.user.slack_id:
                modal = view
        if pressable:
            self._buttons = pressable
        if modal is not None:
            await self._fill(modal)

    def _write_message(self, message: Message, pressable: list[_Pressable]) -> None:
        self.out(self._label(message))
        if message.kind == "delete" or message.delete_original:
            return
        rendered = render_message(message, names=self.names, first_number=len(pressable) + 1)
        pressable.extend(_Pressable(button, message=message) for button in rendered.buttons)
        for line in indented(rendered.lines):
            self.out(line)

    def _write_view(self, view: ViewRecord, pressable: list[_Pressable]) -> None:
        kind = "home" if view.view.get("type") == "home" else "modal"
        whose = "" if view.user in (None, self.user.slack_id) else f" of @{self._user_name(view.user or '')}"
        self.out(f"[{kind}{whose}]")
        rendered = render_view(view.view, names=self.names, first_number=len(pressable) + 1)
        if kind == "home":  # modal buttons are the form's own; only the Home tab's are clickable
            pressable.extend(_Pressable(button, view=view) for button in rendered.buttons)
        for line in indented(rendered.lines):
            self.out(line)

    def _label(self, message: Message) -> str:
        return message_label(
            message,
            self.world.standin.ensure_channel(message.channel),
            viewer=self.user.slack_id,
            viewer_channel=self.channel_id,
            names=self.names,
        )

    # -- modals --------------------------------------------------------------------------

    async def _fill(self, modal: ViewRecord) -> None:
        """Ask each input of ``modal``, submit it, and re-ask what the bot refuses."""
        fields = form_fields(modal.view)
        if not fields:
            return
        self.out(f"Fill in the form (Enter takes the [default]; {CANCEL_WORD} closes it):")
        values: dict[str, dict[str, Any]] = {}
        pending = fields
        while True:
            for field_ in pending:
                entry = await self._ask(field_)
                if entry is None:
                    self.out("[modal] closed without submitting")
                    if not self.source.interactive:
                        self.failed = True
                    return
                values[field_.block_id] = {field_.action_id: entry}
            before = self._arrivals()
            response = await self.world.driver.view_submission(self.user.slack_id, modal, values)
            errors = _submission_errors(response)
            if response.status_code != 200:
                self._usage(f"zoombot answered HTTP {response.status_code}")
                return
            if not errors:
                break
            labels = {f.block_id: f.label for f in fields}
            for block_id, problem in errors.items():
                self.out(f"  ! {labels.get(block_id, block_id)}: {problem}")
            pending = [f for f in fields if f.block_id in errors] or fields
        await self._settle(before, expect_reply=True)
        await self._show_new()

    async def _ask(self, field_: FormField) -> dict[str, Any] | None:
        channel_default = None
        if field_.kind in CHANNEL_SELECTS:
            channel_id = field_.initial or (self.channel_id if field_.current_conversation else None)
            if isinstance(channel_id, str):
                channel_default = f"#{self._channel_name(channel_id) or channel_id}"
        for line in numbered_choices(field_):
            self.out(line)
        today = self.clock.now().astimezone(ZoneInfo(self.user.tz)).date()
        while True:
            answer = await self.source.read("  " + field_.question(channel_default=channel_default))
            if answer is None or answer.strip() == CANCEL_WORD:
                return None
            try:
                return read_answer(
                    field_,
                    answer,
                    today=today,
                    channel_id_for=self.channels.get,
                    current_channel=self.channel_id if field_.current_conversation else None,
                    user_id_for=self._user_ids().get,
                )
            except AnswerError as problem:
                self.out(f"  ! {problem}")

    def _user_ids(self) -> dict[str, str]:
        return {p.name: p.slack_id for p in self.world.people.values()}


def _happened(event: str, body: dict[str, Any]) -> str:
    """One line saying what Zoom just reported."""
    obj = body["payload"]["object"]
    meeting = f"meeting {obj.get('id') or obj.get('meeting_id')}"
    person = (obj.get("participant") or {}).get("user_name", "someone")
    return {
        "meeting.started": f"{meeting} started",
        "meeting.participant_joined": f"{person} joined {meeting}",
        "meeting.participant_left": f"{person} left {meeting}",
        "meeting.ended": f"{meeting} ended",
        "recording.completed": f"the cloud recording of {meeting} is ready",
        "recording.transcript_completed": f"the transcript of {meeting} is ready",
        "meeting.summary_completed": f"AI Companion summarised {meeting}",
    }.get(event, event)


def _submission_errors(response: httpx.Response) -> dict[str, str]:
    """``response_action: errors`` from a view_submission ack: block id → message."""
    if not response.content:
        return {}
    try:
        body = json.loads(response.content)
    except ValueError:
        return {}
    if isinstance(body, dict) and body.get("response_action") == "errors":
        return {str(k): str(v) for k, v in (body.get("errors") or {}).items()}
    return {}
