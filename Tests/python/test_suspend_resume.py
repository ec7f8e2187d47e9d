"""Suspend and resume: SUSPENDED is observed, events wait while suspended, resume completes."""

from durabletask.client import OrchestrationStatus

from support import (assert_completed, assert_holds, complete, history_kinds, status_of, unique,
                     wait_for_custom_status, wait_for_status)


def test_suspend_then_resume(client, worker):
    @unique
    def pausable(ctx, _):
        ctx.set_custom_status("waiting for go")
        value = yield ctx.wait_for_external_event("go")
        return f"went with {value}"

    worker.add_orchestrator(pausable)
    worker.start()

    instance_id = client.schedule_new_orchestration(pausable)
    wait_for_custom_status(client, instance_id, "waiting for go")

    client.suspend_orchestration(instance_id, reason="maintenance")
    wait_for_status(client, instance_id, OrchestrationStatus.SUSPENDED)

    # An event raised while suspended is kept, not processed.
    client.raise_orchestration_event(instance_id, "go", data=7)
    assert_holds(lambda: status_of(client, instance_id) == OrchestrationStatus.SUSPENDED, seconds=2,
                 what="the instance staying SUSPENDED after an event")

    client.resume_orchestration(instance_id, reason="done")
    state = complete(client, instance_id)
    assert_completed(state)
    assert state.get_output() == "went with 7"
    kinds = history_kinds(client, instance_id)
    assert "ExecutionSuspendedEvent" in kinds
    assert "ExecutionResumedEvent" in kinds
