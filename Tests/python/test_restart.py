"""Restart: restart_orchestration reruns a finished instance with its original input, under
the same instance ID or a new one."""

import grpc
import pytest

from durabletask.client import OrchestrationStatus

from support import Counter, assert_completed, complete, uid, unique, wait_until


def test_restart_with_same_and_new_instance_id(client, worker):
    runs = Counter()

    @unique
    def count_run(ctx, text: str) -> int:
        return runs.hit(text)

    @unique
    def restartable(ctx, text: str):
        run = yield ctx.call_activity(count_run, input=text)
        return {"text": text, "run": run}

    worker.add_activity(count_run)
    worker.add_orchestrator(restartable)
    worker.start()

    original = uid("restart")
    client.schedule_new_orchestration(restartable, input="abc", instance_id=original)
    first = complete(client, original)
    assert_completed(first)
    assert first.get_output() == {"text": "abc", "run": 1}

    # Same instance ID: the instance runs again from the start with the same input.
    same = client.restart_orchestration(original)
    assert same == original
    wait_until(lambda: runs["abc"] >= 2, what="the restarted instance to run its activity")
    second = complete(client, original)
    assert_completed(second)
    assert second.get_input() == "abc"
    assert second.get_output() == {"text": "abc", "run": 2}

    # New instance ID: a new instance with the same name and input; the old one is untouched.
    new_id = client.restart_orchestration(original, restart_with_new_instance_id=True)
    assert new_id and new_id != original
    third = complete(client, new_id)
    assert_completed(third)
    assert third.name == restartable.__name__
    assert third.get_input() == "abc"
    assert third.get_output() == {"text": "abc", "run": 3}
    assert client.get_orchestration_state(original).get_output() == {"text": "abc", "run": 2}


def test_restart_of_a_running_instance_is_refused(client, worker):
    @unique
    def still_running(ctx, _):
        ctx.set_custom_status("running")
        yield ctx.wait_for_external_event("never")

    worker.add_orchestrator(still_running)
    worker.start()
    instance_id = client.schedule_new_orchestration(still_running)
    wait_until(lambda: (s := client.get_orchestration_state(instance_id)) and s.get_custom_status() == "running",
               what="the instance to run")

    with pytest.raises(grpc.RpcError) as raised:
        client.restart_orchestration(instance_id)
    assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    client.terminate_orchestration(instance_id)
    assert complete(client, instance_id).runtime_status == OrchestrationStatus.TERMINATED
