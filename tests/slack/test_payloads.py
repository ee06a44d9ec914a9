"""The shape check answers for any body: a reason or None, never an exception."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.slack.payloads import bolt_request, payload_problem

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "actions",
                    "action_id",
                    "user",
                    "id",
                    "view",
                    "callback_id",
                    "private_metadata",
                    "event",
                    "state",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@given(value=JSON_VALUES)
def test_any_parsed_payload_gets_an_answer(value: object) -> None:
    problem = payload_problem(value)
    assert problem is None or isinstance(problem, str)


HEADERS = {"x-slack-signature": "v0=checked-before", "x-slack-request-timestamp": "1"}


def built_or_refused(body: str, content_type: str | None) -> None:
    headers = {**HEADERS, **({"content-type": content_type} if content_type else {})}
    checked = bolt_request(body, query={}, headers=headers, context={})
    assert isinstance(checked, str | AsyncBoltRequest)
    if isinstance(checked, AsyncBoltRequest):
        assert checked.body and isinstance(checked.body, dict)  # parsed once, here, for Bolt


@given(value=JSON_VALUES)
def test_bolt_request_for_any_json_payload_is_built_or_refused(value: object) -> None:
    built_or_refused(json.dumps(value), "application/json")
    built_or_refused(urlencode({"payload": json.dumps(value)}), "application/x-www-form-urlencoded")


@given(
    body=st.text(max_size=200), content_type=st.sampled_from([None, "application/json", "text/plain; x=1"])
)
def test_bolt_request_for_any_text_is_built_or_refused(body: str, content_type: str | None) -> None:
    built_or_refused(body, content_type)


def test_bolt_request_carries_the_command_and_the_context() -> None:
    body = urlencode(
        {"command": "/zoom", "text": "list", "team_id": "T1", "user_id": "U1", "channel_id": "C1"}
    )
    checked = bolt_request(
        body, query={}, headers={"content-type": "application/x-www-form-urlencoded"}, context={"port": 1}
    )
    assert isinstance(checked, AsyncBoltRequest)
    assert checked.body["text"] == "list" and checked.raw_body == body
    assert checked.context["port"] == 1 and checked.context.user_id == "U1"


def test_a_team_that_is_a_number_is_refused_not_raised() -> None:
    # Bolt's own reading of the context does `"id" in team`: a TypeError for a number.
    body = json.dumps({"type": "block_actions", "team": 5, "user": {"id": "U1"}, "actions": []})
    assert bolt_request(body, query={}, headers={"content-type": "application/json"}, context={}) == (
        "payload is not shaped as Slack sends it (TypeError in Bolt)"
    )
