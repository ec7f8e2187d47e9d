"""Rewind: a failed orchestration is rewound with the client's rewind API (SDK 1.12.0 has
TaskHubGrpcClient.rewind_orchestration -> RewindInstance) and completes; the work that had
succeeded is not redone."""

import threading

import grpc
import pytest

from durabletask.client import OrchestrationStatus

from support import Counter, assert_completed, complete, history_kinds, unique


def test_rewind_failed_orchestration(client, worker):
    calls = Counter()
    broken = threading.Event()
    broken.set()  # the flag: while set, `fragile` fails

    @unique
    def steady(ctx, text: str) -> str:
        calls.hit("steady")
        return text + "+steady"

    @unique
    def fragile(ctx, text: str) -> str:
        calls.hit("fragile")
        if broken.is_set():
            raise RuntimeError("fragile is broken right now")
        return text + "+fragile"

    @unique
    def two_steps(ctx, text: str):
        a = yield ctx.call_activity(steady, input=text)
        b = yield ctx.call_activity(fragile, input=a)
        return b

    worker.add_activity(steady)
    worker.add_activity(fragile)
    worker.add_orchestrator(two_steps)
    worker.start()

    instance_id = client.schedule_new_orchestration(two_steps, input="in")
    state = complete(client, instance_id)
    assert state.runtime_status == OrchestrationStatus.FAILED
    assert "fragile is broken right now" in state.failure_details.message
    assert (calls["steady"], calls["fragile"]) == (1, 1)

    broken.clear()
    client.rewind_orchestration(instance_id, reason="fixed fragile")
    state = complete(client, instance_id)

    assert_completed(state)
    assert state.get_output() == "in+steady+fragile"
    # Only the failed activity ran again.
    assert (calls["steady"], calls["fragile"]) == (1, 2)
    kinds = history_kinds(client, instance_id)
    assert "ExecutionRewoundEvent" in kinds
    assert "TaskFailedEvent" not in kinds, "rewind removes the failed task from the history"


def test_rewind_of_a_completed_instance_is_refused(client, worker):
    @unique
    def fine(ctx, _):
        return "ok"

    worker.add_orchestrator(fine)
    worker.start()
    instance_id = client.schedule_new_orchestration(fine)
    assert_completed(complete(client, instance_id))

    with pytest.raises(grpc.RpcError) as raised:
        client.rewind_orchestration(instance_id)
    assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert client.get_orchestration_state(instance_id).runtime_status == OrchestrationStatus.COMPLETED
