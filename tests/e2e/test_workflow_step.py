"""The Workflow Builder step "Create a Zoom meeting" end to end: a signed ``function_executed``
event in, the host's Zoom creates the meeting, and the step ends with ``functions.completeSuccess``
(its outputs checked by the stand-in against the manifest) or ``functions.completeError`` with a
reason a person can act on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.sandbox.slack_standin import SlackStandin
from bot.sandbox.slack_standin.executions import Execution
from bot.sandbox.world import OfflineWorld
from tests.e2e.test_commands import ALICE, BOB

STEP = "create_zoom_meeting"
CREATE = "POST /v2/users/{userId}/meetings"


async def finished(standin: SlackStandin, execution_id: str) -> Execution:
    return await standin.wait_for(
        lambda: (run := standin.execution(execution_id)).state != "running" and run or None, timeout=30
    )


async def run_step(w: OfflineWorld, inputs: dict[str, object], *, ran_by: str | None = ALICE) -> Execution:
    execution_id, response = await w.driver.run_workflow_step(STEP, inputs, ran_by=ran_by)
    assert response.status_code == 200  # the event is acked at once
    return await finished(w.standin, execution_id)


async def test_a_scheduled_meeting_and_its_outputs_for_the_next_step(linked_world: OfflineWorld) -> None:
    w = linked_world
    start = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    run = await run_step(
        w, {"topic": "Onboarding: Dana", "start_time": int(start.timestamp()), "duration": 45}
    )
    assert run.state == "completed", run.error
    (meeting,) = w.sim.meetings_of("alice@example.com")
    assert (meeting.topic, meeting.duration, meeting.type) == ("Onboarding: Dana", 45, 2)
    assert meeting.start_time == start
    assert run.outputs == {
        "join_url": meeting.join_url,
        "meeting_id": str(meeting.id),
        "start_time": int(start.timestamp()),
    }
    (completed,) = w.standin.calls_to("functions.completeSuccess")
    assert completed.ok and completed.token == run.token  # the run's own token, as Bolt sends it
    assert "start_url" not in str(run.outputs) and "/s/" not in str(run.outputs)


async def test_no_start_means_now_and_no_host_means_whoever_ran_the_workflow(
    linked_world: OfflineWorld,
) -> None:
    w = linked_world
    before = datetime.now(UTC)
    run = await run_step(w, {"topic": "Incident bridge"}, ran_by=ALICE)
    assert run.state == "completed", run.error
    after = datetime.now(UTC)
    (meeting,) = w.sim.meetings_of("alice@example.com")
    # As `/zoom new` does: a meeting starting now (Zoom is sent a scheduled one at this moment).
    assert meeting.topic == "Incident bridge" and meeting.duration == 30
    assert before - timedelta(seconds=1) <= meeting.start_time <= after
    assert run.outputs == {
        "join_url": meeting.join_url,
        "meeting_id": str(meeting.id),
        "start_time": int(meeting.start_time.timestamp()),
    }


async def test_an_unlinked_host_fails_the_step_with_a_readable_reason(linked_world: OfflineWorld) -> None:
    w = linked_world
    run = await run_step(w, {"topic": "Bob's sync", "host": BOB}, ran_by=ALICE)
    assert run.state == "failed" and run.outputs is None
    assert run.error is not None
    assert "hasn't linked a Zoom account" in run.error and "/zoom link" in run.error
    assert "bob" in run.error.lower()
    # Plain text: Slack shows the reason as it is, so no emoji codes, emphasis or escapes.
    assert ":warning:" not in run.error and "*" not in run.error and "&amp;" not in run.error
    assert w.sim.meetings_of("bob@example.com") == [] and w.sim.meetings_of("alice@example.com") == []
    assert [c.ok for c in w.standin.calls_to("functions.completeError")] == [True]
    assert w.standin.calls_to("functions.completeSuccess") == []


async def test_inputs_zoom_cannot_take_fail_the_step_naming_the_field(linked_world: OfflineWorld) -> None:
    w = linked_world
    long_ago = int((datetime.now(UTC) - timedelta(days=1)).timestamp())
    cases = [
        ({"topic": "Too long", "duration": 5000}, "Duration"),
        ({"topic": "Yesterday", "start_time": long_ago}, "in the past"),
        ({"topic": "   "}, "Topic"),
    ]
    for inputs, named in cases:
        run = await run_step(w, inputs)
        assert run.state == "failed" and run.error is not None and named in run.error, run.error
        assert "Workflow Builder" in run.error
    assert w.sim.meetings_of("alice@example.com") == []
    assert w.sim.stats.get(CREATE, 0) == 0


async def test_zoom_refusing_fails_the_step_with_zooms_reason(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.inject(CREATE, status=400, body={"code": 3161, "message": "Meeting hosting is not allowed."})
    run = await run_step(w, {"topic": "Refused"})
    assert run.state == "failed" and run.error is not None
    assert "3161" in run.error and "What to do:" in run.error
    assert w.sim.meetings_of("alice@example.com") == []


async def test_account_mode_creates_on_the_hosts_path_without_a_link(account_world: OfflineWorld) -> None:
    w = account_world
    start = (datetime.now(UTC) + timedelta(days=3)).replace(minute=30, second=0, microsecond=0)
    run = await run_step(w, {"topic": "Quarterly review", "start_time": int(start.timestamp()), "host": BOB})
    assert run.state == "completed", run.error
    (meeting,) = w.sim.meetings_of("bob@example.com")
    assert meeting.topic == "Quarterly review" and meeting.start_time == start
    assert run.outputs == {
        "join_url": meeting.join_url,
        "meeting_id": str(meeting.id),
        "start_time": int(start.timestamp()),
    }
    assert w.sim.meetings_of("alice@example.com") == []


async def test_the_stand_in_holds_the_app_to_slacks_rules(linked_world: OfflineWorld) -> None:
    """Completing a run twice, an unknown run, or outputs the manifest does not declare: refused."""
    w = linked_world
    run = await run_step(w, {"topic": "Once"})
    client = w.standin
    again = await _call(w, "functions.completeSuccess", run.token, run.id, {"outputs": run.outputs})
    assert again["error"] == "execution_not_in_running_state"
    unknown = await _call(w, "functions.completeError", client.bot_token, "Fx0NOSUCHRUN", {"error": "x"})
    assert unknown["error"] == "function_execution_not_found"
    execution_id, _ = await w.driver.run_workflow_step(STEP, {"topic": ""}, ran_by=None)
    await finished(w.standin, execution_id)
    pending = w.standin.start_execution(STEP, {"topic": "Left running"})
    run_id, token = pending["function_execution_id"], pending["bot_access_token"]
    wrong = await _call(w, "functions.completeSuccess", token, run_id, {"outputs": {"join_url": "x"}})
    assert wrong["error"] == "parameter_validation_failed"
    extra = {"join_url": "https://z", "meeting_id": "1", "start_time": 1, "start_url": "https://z/s/1"}
    assert (await _call(w, "functions.completeSuccess", token, run_id, {"outputs": extra}))["error"] == (
        "parameter_validation_failed"
    )
    other_run = await _call(w, "functions.completeError", run.token, run_id, {"error": "x"})
    assert other_run["error"] == "access_denied"


async def _call(w: OfflineWorld, method: str, token: str, run_id: str, args: dict[str, object]) -> dict:
    import httpx

    async with httpx.AsyncClient() as http:
        answer = await http.post(
            w.standin.api_url + method,
            json={"function_execution_id": run_id, **args},
            headers={"Authorization": f"Bearer {token}"},
        )
    body: dict = answer.json()
    return body
