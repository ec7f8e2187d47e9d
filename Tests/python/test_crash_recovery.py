"""kill -9 of `durable serve` while a Python worker is connected and instances are in flight:
the host restarts on the same data directory and gRPC port, the worker reconnects by itself
(it is never restarted), and every instance completes with the right output."""

import logging
import time
from datetime import timedelta

import pytest

from durabletask.client import OrchestrationStatus, TaskHubGrpcClient

from support import uid, unique, wait_for_custom_status, wait_until

INSTANCES = 20
# Bounds the recovery: the leases the killed host held expire (--lease-timeout, 30 s by
# default) and the SDK worker's reconnect backoff is capped at 30 s.
RECOVERY_TIMEOUT = 100.0


@pytest.mark.durable_only(reason="kills and restarts the durable serve process")
@pytest.mark.timeout(240)
def test_worker_reconnects_and_instances_complete_after_host_kill(sidecar, client, worker):
    @unique
    def finish_item(ctx, n: int) -> str:
        return f"item {n} finished"

    @unique
    def nap_then_work(ctx, n: int):
        ctx.set_custom_status("napping")
        yield ctx.create_timer(timedelta(seconds=2))
        return (yield ctx.call_activity(finish_item, input=n))

    worker.add_activity(finish_item)
    worker.add_orchestrator(nap_then_work)
    worker.start()

    prefix = uid("crash")
    ids = {n: client.schedule_new_orchestration(nap_then_work, input=n, instance_id=f"{prefix}-{n:02d}")
           for n in range(INSTANCES)}
    for instance_id in ids.values():
        wait_for_custom_status(client, instance_id, "napping")
    done_before_kill = sum(
        client.get_orchestration_state(i).runtime_status == OrchestrationStatus.COMPLETED for i in ids.values())

    sidecar.kill()
    time.sleep(1)
    sidecar.restart()

    assert done_before_kill < INSTANCES, "everything finished before the kill: the test proved nothing"
    deadline = time.monotonic() + RECOVERY_TIMEOUT
    with TaskHubGrpcClient(host_address=sidecar.address, logger=logging.getLogger("durabletask.client2")) as fresh:
        # Nothing was lost: every instance is still known to the restarted host.
        for instance_id in ids.values():
            assert fresh.get_orchestration_state(instance_id) is not None, f"{instance_id} was lost"
        for n, instance_id in ids.items():
            remaining = max(1.0, deadline - time.monotonic())
            state = fresh.wait_for_orchestration_completion(instance_id, timeout=remaining)
            assert state is not None
            assert state.runtime_status == OrchestrationStatus.COMPLETED, (instance_id, state.failure_details)
            assert state.get_output() == f"item {n} finished"

    # The client made before the kill works again too.
    def old_client_answers():
        try:
            return client.get_orchestration_state(ids[0])
        except Exception:
            return None
    state = wait_until(old_client_answers, timeout=40, interval=0.5, what="the old client to reconnect")
    assert state.runtime_status == OrchestrationStatus.COMPLETED
