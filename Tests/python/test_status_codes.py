"""gRPC status codes of the client RPCs at their edges: a duplicate instance ID (ALREADY_EXISTS)
and the reuse policy that replaces a live instance, invalid instance IDs (INVALID_ARGUMENT),
events and terminations to unknown instances (NOT_FOUND), and WaitForInstanceCompletion past
its deadline (DEADLINE_EXCEEDED, in time) or for an unknown instance (NOT_FOUND).

RewindInstance of a completed instance (FAILED_PRECONDITION) is in test_rewind.py."""

import time

import durabletask.internal.orchestrator_service_pb2 as pb
import grpc
import pytest

from durabletask.client import OrchestrationStatus

from support import (assert_completed, complete, history_kinds, uid, unique, wait_for_custom_status,
                     wait_for_status)


def rpc_code(call, *args, **kwargs) -> grpc.StatusCode:
    """Calls ``call`` and returns the status code of the RpcError it must raise."""
    with pytest.raises(grpc.RpcError) as raised:
        call(*args, **kwargs)
    return raised.value.code()


@unique
def waits_for_go(ctx, tag: str):
    """Waits for the event "go", then returns its tag and the event's payload."""
    ctx.set_custom_status(f"waiting:{tag}")
    payload = yield ctx.wait_for_external_event("go")
    return {"tag": tag, "payload": payload}


def test_start_with_the_id_of_a_live_instance_is_already_exists(client, worker):
    worker.add_orchestrator(waits_for_go)
    worker.start()

    instance_id = client.schedule_new_orchestration(waits_for_go, input="first", instance_id=uid("dup"))
    wait_for_custom_status(client, instance_id, "waiting:first")

    code = rpc_code(client.schedule_new_orchestration, waits_for_go, input="second", instance_id=instance_id)
    assert code == grpc.StatusCode.ALREADY_EXISTS

    # A policy that replaces only finished instances does not replace a live one either.
    terminal_only = pb.OrchestrationIdReusePolicy(replaceableStatus=[
        pb.ORCHESTRATION_STATUS_COMPLETED, pb.ORCHESTRATION_STATUS_FAILED, pb.ORCHESTRATION_STATUS_TERMINATED])
    code = rpc_code(client.schedule_new_orchestration, waits_for_go, input="third", instance_id=instance_id,
                    reuse_id_policy=terminal_only)
    assert code == grpc.StatusCode.ALREADY_EXISTS

    # The first instance is untouched: it still runs with its own input and finishes on "go".
    state = client.get_orchestration_state(instance_id)
    assert state.runtime_status == OrchestrationStatus.RUNNING
    assert state.get_input() == "first"
    client.raise_orchestration_event(instance_id, "go", data=1)
    assert complete(client, instance_id).get_output() == {"tag": "first", "payload": 1}


def test_reuse_policy_with_running_replaces_the_live_instance(client, worker):
    worker.add_orchestrator(waits_for_go)
    worker.start()

    instance_id = client.schedule_new_orchestration(waits_for_go, input="old", instance_id=uid("reuse"))
    wait_for_custom_status(client, instance_id, "waiting:old")
    old_execution = client.get_orchestration_state(instance_id)

    policy = pb.OrchestrationIdReusePolicy(replaceableStatus=[pb.ORCHESTRATION_STATUS_RUNNING])
    assert client.schedule_new_orchestration(
        waits_for_go, input="new", instance_id=instance_id, reuse_id_policy=policy) == instance_id

    # The new instance runs from its own start: its input, its own wait.
    state = wait_for_custom_status(client, instance_id, "waiting:new")
    assert state.get_input() == "new"
    assert state.created_at >= old_execution.created_at
    client.raise_orchestration_event(instance_id, "go", data=2)
    state = complete(client, instance_id)
    assert_completed(state)
    assert state.get_output() == {"tag": "new", "payload": 2}
    # The history is the new execution's alone: one start, one event, and no sign of the old one.
    kinds = history_kinds(client, instance_id)
    assert kinds.count("ExecutionStartedEvent") == 1
    assert kinds.count("EventRaisedEvent") == 1
    starts = [e for e in client.get_orchestration_history(instance_id) if type(e).__name__ == "ExecutionStartedEvent"]
    assert starts[0].input == '"new"'


def test_reuse_policy_without_suspended_does_not_replace_a_suspended_instance(client, worker):
    """replaceableStatus lists the statuses in which the existing instance may be replaced:
    RUNNING alone does not cover a SUSPENDED instance."""
    worker.add_orchestrator(waits_for_go)
    worker.start()

    instance_id = client.schedule_new_orchestration(waits_for_go, input="old", instance_id=uid("susp"))
    wait_for_custom_status(client, instance_id, "waiting:old")
    client.suspend_orchestration(instance_id)
    wait_for_status(client, instance_id, OrchestrationStatus.SUSPENDED)

    policy = pb.OrchestrationIdReusePolicy(replaceableStatus=[pb.ORCHESTRATION_STATUS_RUNNING])
    code = rpc_code(client.schedule_new_orchestration, waits_for_go, input="new", instance_id=instance_id,
                    reuse_id_policy=policy)
    assert code == grpc.StatusCode.ALREADY_EXISTS
    state = client.get_orchestration_state(instance_id)
    assert state.runtime_status == OrchestrationStatus.SUSPENDED
    assert state.get_input() == "old"
    client.terminate_orchestration(instance_id)
    complete(client, instance_id)


@pytest.mark.reference_xfail(reason="InMemoryOrchestrationBackend.StartInstance accepts any instance ID")
@pytest.mark.parametrize("bad_id", ["has/slash", "has\x01control", "has\x7fdelete", "@looks-like-an-entity"],
                         ids=["slash", "control", "delete", "at-sign"])
def test_start_with_an_invalid_instance_id_is_invalid_argument(client, bad_id):
    code = rpc_code(client.schedule_new_orchestration, "any_orchestration", instance_id=bad_id)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert client.get_orchestration_state(bad_id) is None


def test_raise_event_to_an_unknown_instance_is_not_found(client):
    code = rpc_code(client.raise_orchestration_event, uid("nobody"), "go", data=1)
    assert code == grpc.StatusCode.NOT_FOUND


@pytest.mark.reference_xfail(reason="InMemoryOrchestrationBackend.TerminateInstance ignores unknown instances")
def test_terminate_an_unknown_instance_is_not_found(client):
    instance_id = uid("nobody")
    code = rpc_code(client.terminate_orchestration, instance_id, output="x")
    assert code == grpc.StatusCode.NOT_FOUND
    assert client.get_orchestration_state(instance_id) is None


def test_wait_for_completion_past_its_deadline_is_deadline_exceeded(client, worker, stub):
    worker.add_orchestrator(waits_for_go)
    worker.start()
    instance_id = client.schedule_new_orchestration(waits_for_go, input="late")
    wait_for_custom_status(client, instance_id, "waiting:late")

    started = time.monotonic()
    code = rpc_code(stub.WaitForInstanceCompletion, pb.GetInstanceRequest(instanceId=instance_id), timeout=1)
    elapsed = time.monotonic() - started
    assert code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert 0.9 <= elapsed < 5, f"the wait answered after {elapsed:.2f} s"

    # Through the SDK the same is a TimeoutError; the instance is still waiting.
    with pytest.raises(TimeoutError):
        client.wait_for_orchestration_completion(instance_id, timeout=1)
    assert client.get_orchestration_state(instance_id).runtime_status == OrchestrationStatus.RUNNING
    client.terminate_orchestration(instance_id)
    complete(client, instance_id)


@pytest.mark.reference_xfail(reason="InMemoryOrchestrationBackend waits out the deadline for an unknown "
                                    "instance and then answers exists=false")
def test_wait_for_completion_of_an_unknown_instance_is_not_found(stub):
    started = time.monotonic()
    code = rpc_code(stub.WaitForInstanceCompletion, pb.GetInstanceRequest(instanceId=uid("nobody")), timeout=5)
    elapsed = time.monotonic() - started
    assert code == grpc.StatusCode.NOT_FOUND
    assert elapsed < 2, f"NOT_FOUND came after {elapsed:.2f} s: an unknown instance needs no wait"


@pytest.mark.durable_only(reason="the reference sidecar lets clients raise the engine's internal events")
def test_events_to_entities_and_reserved_names_are_refused(client):
    """Raising an event to an entity ID, or with a reserved '$' name, would forge the engine's own
    messages (a forged lock request can wedge an entity): INVALID_ARGUMENT, nothing delivered."""
    with pytest.raises(grpc.RpcError) as to_entity:
        client.raise_orchestration_event("@counter@forged", "$entity", data={"kind": "lock"})
    assert to_entity.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.RpcError) as reserved:
        client.raise_orchestration_event("some-instance", "$entity", data=None)
    assert reserved.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert client.get_orchestration_state("@counter@forged") is None
