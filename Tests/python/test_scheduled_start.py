"""Scheduled start (CreateInstanceRequest.scheduledStartTimestamp, the SDK's start_at): the
instance stays PENDING until its time, reports that time, and first runs no earlier."""

import time
from datetime import datetime, timedelta, timezone

import durabletask.internal.orchestrator_service_pb2 as pb
import pytest

from durabletask.client import OrchestrationStatus

from support import assert_completed, assert_holds, complete, status_of, uid, unique

DELAY = 3.0


@pytest.mark.reference_xfail(reason="InMemoryOrchestrationBackend runs a scheduled instance at once and "
                                    "does not report scheduledStartTimestamp")
def test_scheduled_start_waits_until_its_time(client, worker, stub):
    @unique
    def first_turn_time(ctx, _):
        return ctx.current_utc_datetime.replace(tzinfo=timezone.utc).isoformat()

    worker.add_orchestrator(first_turn_time)
    worker.start()

    start_at = datetime.now(timezone.utc) + timedelta(seconds=DELAY)
    instance_id = client.schedule_new_orchestration(first_turn_time, instance_id=uid("later"), start_at=start_at)

    response = stub.GetInstance(pb.GetInstanceRequest(instanceId=instance_id), timeout=10)
    assert response.exists
    state = response.orchestrationState
    assert state.orchestrationStatus == pb.ORCHESTRATION_STATUS_PENDING
    assert state.HasField("scheduledStartTimestamp"), "the scheduled start time is reported"
    reported = state.scheduledStartTimestamp.ToDatetime(tzinfo=timezone.utc)
    assert abs((reported - start_at).total_seconds()) < 0.01, (reported, start_at)

    # PENDING until shortly before its time (a worker is connected all along).
    until = (start_at - datetime.now(timezone.utc)).total_seconds() - 0.3
    assert until > 1, "the setup took too long to watch the wait"
    assert_holds(lambda: status_of(client, instance_id) == OrchestrationStatus.PENDING, seconds=until,
                 what="the scheduled instance staying PENDING before its start time")

    final = complete(client, instance_id)
    assert datetime.now(timezone.utc) >= start_at
    assert_completed(final)
    first_turn = datetime.fromisoformat(final.get_output())
    assert first_turn >= start_at - timedelta(milliseconds=1), f"first turn at {first_turn}, scheduled {start_at}"

    started = [e for e in client.get_orchestration_history(instance_id) if type(e).__name__ == "ExecutionStartedEvent"]
    assert len(started) == 1
    assert started[0].scheduled_start_timestamp is not None
    in_history = started[0].scheduled_start_timestamp.replace(tzinfo=timezone.utc)
    assert abs((in_history - start_at).total_seconds()) < 0.01
