"""The shape check answers for any body: a reason or None, never an exception."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.payloads import payload_problem

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
def test_any_json_payload_gets_an_answer(value: object) -> None:
    for body, content_type in (
        (json.dumps(value), "application/json"),
        (urlencode({"payload": json.dumps(value)}), "application/x-www-form-urlencoded"),
    ):
        assert payload_problem(body, content_type) is None or isinstance(
            payload_problem(body, content_type), str
        )


@given(
    body=st.text(max_size=200), content_type=st.sampled_from([None, "application/json", "text/plain; x=1"])
)
def test_any_text_gets_an_answer(body: str, content_type: str | None) -> None:
    problem = payload_problem(body, content_type)
    assert problem is None or isinstance(problem, str)
