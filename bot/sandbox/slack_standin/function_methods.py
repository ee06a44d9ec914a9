"""Workflow Builder's custom steps: runs of the app's functions and ``functions.complete*``.

A run starts with :func:`start_execution` (the ``function_executed`` event Slack sends, with a
fresh execution id and a token that only that run may use); the app ends it once with
``functions.completeSuccess`` (outputs checked against the function's ``output_parameters`` in
the app's manifest: every required one, no other names, each of its type) or
``functions.completeError`` (a non-empty reason). Anything else is refused with Slack's errors:
``function_execution_not_found``, ``execution_not_in_running_state``, ``access_denied``,
``parameter_validation_failed``.
"""

from __future__ import annotations

import secrets
from typing import Any

from bot.sandbox.slack_standin.context import MethodContext, Refusal, required
from bot.sandbox.slack_standin.executions import COMPLETED, FAILED, RUNNING, Execution


def start_execution(ctx: MethodContext, callback_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Begin a run of ``callback_id`` and return its ``function_executed`` event."""
    definition = ctx.executions.functions.get(callback_id)
    if definition is None:
        raise LookupError(f"the app's manifest declares no function {callback_id!r}")
    declared = definition.get("input_parameters") or {}
    execution = Execution(
        id="Fx" + secrets.token_hex(5).upper(),
        callback_id=callback_id,
        inputs={name: value for name, value in inputs.items() if name in declared},  # as Slack passes them
        token="xwfp-" + secrets.token_hex(12),
    )
    ctx.executions.by_id[execution.id] = execution
    return {
        "type": "function_executed",
        "function": {
            "id": "Fn" + callback_id.upper()[:9],
            "callback_id": callback_id,
            "title": definition.get("title", ""),
            "description": definition.get("description", ""),
            "type": "app",
            "input_parameters": _parameter_list(definition.get("input_parameters")),
            "output_parameters": _parameter_list(definition.get("output_parameters")),
            "app_id": ctx.identity.app_id,
        },
        "inputs": execution.inputs,
        "function_execution_id": execution.id,
        "workflow_execution_id": "Wx" + secrets.token_hex(5).upper(),
        "bot_access_token": execution.token,
    }


def _parameter_list(parameters: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [{"name": name, **spec} for name, spec in (parameters or {}).items()]


def complete_success(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    execution = _running(ctx, args)
    outputs = args.get("outputs")
    if not isinstance(outputs, dict):
        raise Refusal("invalid_arguments", extra=_messages("outputs must be a JSON object"))
    problems = _output_problems(ctx.executions.functions[execution.callback_id], outputs)
    if problems:
        raise Refusal("parameter_validation_failed", extra=_messages(*problems))
    execution.state, execution.outputs = COMPLETED, outputs
    return {}


def complete_error(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    execution = _running(ctx, args)
    error = required(args, "error")
    if not error.strip():
        raise Refusal("invalid_arguments", extra=_messages("error must not be empty"))
    execution.state, execution.error = FAILED, error
    return {}


def _running(ctx: MethodContext, args: dict[str, Any]) -> Execution:
    execution = ctx.executions.by_id.get(required(args, "function_execution_id"))
    if execution is None:
        raise Refusal("function_execution_not_found")
    token = ctx.caller_token
    if token != ctx.identity.bot_token and token != execution.token:
        raise Refusal("access_denied")  # another run's token
    if execution.state != RUNNING:
        raise Refusal("execution_not_in_running_state")
    return execution


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "slack#/types/timestamp": (int,),
    "slack#/types/user_id": (str,),
    "slack#/types/channel_id": (str,),
}


def _output_problems(definition: dict[str, Any], outputs: dict[str, Any]) -> list[str]:
    declared: dict[str, Any] = definition.get("output_parameters") or {}
    problems = [f"unknown output parameter: {name}" for name in outputs if name not in declared]
    for name, spec in declared.items():
        if name not in outputs:
            if spec.get("is_required"):
                problems.append(f"missing required output parameter: {name}")
            continue
        value, kinds = outputs[name], _TYPES.get(str(spec.get("type")))
        wrong_bool = isinstance(value, bool) and bool not in (kinds or ())
        if kinds is not None and (not isinstance(value, kinds) or wrong_bool):
            problems.append(f"output parameter {name} must be of type {spec.get('type')}")
        elif isinstance(value, str) and spec.get("is_required") and not value:
            problems.append(f"required output parameter {name} is empty")
    return problems


def _messages(*lines: str) -> dict[str, Any]:
    return {"response_metadata": {"messages": [f"[ERROR] {line}" for line in lines]}}
