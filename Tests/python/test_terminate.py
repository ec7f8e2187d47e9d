"""Terminate: a running instance ends TERMINATED with the given output; recursive
termination of a parent also terminates its running child."""

import pytest

from durabletask.client import OrchestrationStatus

from support import complete, history_kinds, uid, unique, wait_for_custom_status, wait_for_status


def test_terminate_running_instance(client, worker):
    @unique
    def endless(ctx, _):
        ctx.set_custom_status("waiting")
        yield ctx.wait_for_external_event("never")
        return "unreachable"

    worker.add_orchestrator(endless)
    worker.start()

    instance_id = client.schedule_new_orchestration(endless)
    wait_for_custom_status(client, instance_id, "waiting")

    client.terminate_orchestration(instance_id, output={"reason": "test says stop"})
    state = complete(client, instance_id)

    assert state.runtime_status == OrchestrationStatus.TERMINATED
    assert state.get_output() == {"reason": "test says stop"}
    assert state.failure_details is None
    assert "ExecutionTerminatedEvent" in history_kinds(client, instance_id)


@pytest.mark.reference_xfail(reason="InMemoryOrchestrationBackend ignores TerminateRequest.recursive")
def test_recursive_terminate_stops_running_child(client, worker):
    @unique
    def stuck_child(ctx, _):
        ctx.set_custom_status("child waiting")
        yield ctx.wait_for_external_event("never")
        return "unreachable"

    @unique
    def waiting_parent(ctx, _):
        yield ctx.call_sub_orchestrator(stuck_child, instance_id=f"{ctx.instance_id}-child")
        return "unreachable"

    worker.add_orchestrator(stuck_child)
    worker.add_orchestrator(waiting_parent)
    worker.start()

    parent_id = client.schedule_new_orchestration(waiting_parent, instance_id=uid("parent"))
    child_id = f"{parent_id}-child"
    wait_for_custom_status(client, child_id, "child waiting")
    wait_for_status(client, parent_id, OrchestrationStatus.RUNNING)

    client.terminate_orchestration(parent_id, output="stop all", recursive=True)

    assert complete(client, parent_id).runtime_status == OrchestrationStatus.TERMINATED
    child = complete(client, child_id, timeout=10)
    assert child.runtime_status == OrchestrationStatus.TERMINATED
