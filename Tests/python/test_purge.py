"""Purge: one instance by ID, and several by a filter (created time + runtime status)."""

import time
from datetime import datetime, timedelta, timezone

from durabletask.client import OrchestrationStatus

from support import assert_completed, complete, unique, wait_for_custom_status


def test_purge_by_instance_id(client, worker):
    @unique
    def short_lived(ctx, value):
        return value

    worker.add_orchestrator(short_lived)
    worker.start()

    instance_id = client.schedule_new_orchestration(short_lived, input="x")
    assert_completed(complete(client, instance_id))

    result = client.purge_orchestration(instance_id)
    assert result.deleted_instance_count == 1
    assert client.get_orchestration_state(instance_id) is None

    # Purging it again finds nothing.
    assert client.purge_orchestration(instance_id).deleted_instance_count == 0


def test_purge_by_filter(client, worker):
    @unique
    def outcome(ctx, fail: bool):
        if fail:
            raise RuntimeError("asked to fail")
        return "fine"

    @unique
    def lingering(ctx, _):
        ctx.set_custom_status("lingering")
        yield ctx.wait_for_external_event("never")

    worker.add_orchestrator(outcome)
    worker.add_orchestrator(lingering)
    worker.start()

    # Created-time window that holds only this test's instances (tests run one at a time).
    time.sleep(0.05)
    window_start = datetime.now(timezone.utc) - timedelta(milliseconds=10)
    finished = [client.schedule_new_orchestration(outcome, input=fail) for fail in (False, False, True)]
    running = client.schedule_new_orchestration(lingering)
    for instance_id in finished:
        complete(client, instance_id)
    wait_for_custom_status(client, running, "lingering")
    window_end = datetime.now(timezone.utc) + timedelta(seconds=1)

    result = client.purge_orchestrations_by(
        created_time_from=window_start, created_time_to=window_end,
        runtime_status=[OrchestrationStatus.COMPLETED, OrchestrationStatus.FAILED])

    assert result.deleted_instance_count == 3
    assert result.is_complete in (True, None)
    for instance_id in finished:
        assert client.get_orchestration_state(instance_id) is None, f"{instance_id} was not purged"
    # A running instance in the window is not terminal and stays.
    assert client.get_orchestration_state(running).runtime_status == OrchestrationStatus.RUNNING

    client.terminate_orchestration(running)
    assert complete(client, running).runtime_status == OrchestrationStatus.TERMINATED
    assert client.purge_orchestration(running).deleted_instance_count == 1
