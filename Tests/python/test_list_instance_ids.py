"""ListInstanceIds with a completed-time window and a page size, following lastInstanceKey:
exactly the instances that finished inside the window, whatever their terminal status, and
none that finished before or after it or have not finished."""

import time
from datetime import datetime, timezone

from durabletask.client import OrchestrationStatus

from support import complete, uid, unique, wait_for_custom_status

PAGE = 2
# Seconds between the window's edges and the nearest instance that finished.
MARGIN = 0.25


def list_all(client, page_size: int = PAGE, **filters) -> tuple[list[str], list[list[str]]]:
    """Every ID the filters select, page by page (bounded), following lastInstanceKey."""
    pages: list[list[str]] = []
    token = None
    for _ in range(50):
        page = client.list_instance_ids(page_size=page_size, continuation_token=token, **filters)
        pages.append(page.items)
        token = page.continuation_token
        if not token:
            break
    else:
        raise AssertionError(f"still more pages after 50: {pages}")
    return [i for page in pages for i in page], pages


def test_completed_time_window_with_paging(client, worker):
    @unique
    def finish(ctx, n: int):
        if n < 0:
            raise ValueError("asked to fail")
        return n

    @unique
    def hold(ctx, _):
        ctx.set_custom_status("holding")
        yield ctx.wait_for_external_event("never")

    worker.add_orchestrator(finish)
    worker.add_orchestrator(hold)
    worker.start()

    def run(tag: str, n: int) -> str:
        instance_id = client.schedule_new_orchestration(finish, input=n, instance_id=uid(tag))
        complete(client, instance_id)
        return instance_id

    before = [run("before", n) for n in range(2)]
    # Started before the window, still running at its end, terminated after it.
    running = client.schedule_new_orchestration(hold, instance_id=uid("running"))
    wait_for_custom_status(client, running, "holding")
    # Started before the window and terminated inside it.
    terminated = client.schedule_new_orchestration(hold, instance_id=uid("terminated"))
    wait_for_custom_status(client, terminated, "holding")

    time.sleep(MARGIN)
    window_from = datetime.now(timezone.utc)
    time.sleep(MARGIN)
    completed_inside = [run("inside", n) for n in range(5)]
    failed_inside = run("failed", -1)
    client.terminate_orchestration(terminated, output="stop")
    assert complete(client, terminated).runtime_status == OrchestrationStatus.TERMINATED
    time.sleep(MARGIN)
    window_to = datetime.now(timezone.utc)
    time.sleep(MARGIN)
    after = [run("after", n) for n in range(2)]
    client.terminate_orchestration(running, output="stop")
    assert complete(client, running).runtime_status == OrchestrationStatus.TERMINATED

    inside = [*completed_inside, failed_inside, terminated]
    found, pages = list_all(client, completed_time_from=window_from, completed_time_to=window_to)
    assert all(len(page) <= PAGE for page in pages), pages
    assert len(found) == len(set(found)), f"an instance appeared on two pages: {pages}"
    assert sorted(found) == sorted(inside), {
        "missing": sorted(set(inside) - set(found)), "extra": sorted(set(found) - set(inside))}
    assert not set(found) & {*before, *after, running}

    found, pages = list_all(client, runtime_status=[OrchestrationStatus.COMPLETED],
                            completed_time_from=window_from, completed_time_to=window_to)
    assert sorted(found) == sorted(completed_inside), pages

    # Open-ended windows: from its start on, and up to its end.
    found, _ = list_all(client, completed_time_from=window_from)
    assert set(inside) | set(after) | {running} <= set(found)
    assert not set(found) & set(before)
    found, _ = list_all(client, completed_time_to=window_to)
    assert set(before) | set(inside) <= set(found)
    assert not set(found) & {*after, running}


def test_without_a_window_only_finished_instances_are_listed(client, worker):
    """ListInstanceIds lists finished (terminal) instances, by completion time: an instance that
    has not finished has no completion time to list it by."""
    @unique
    def finish(ctx, _):
        return "done"

    @unique
    def hold(ctx, _):
        ctx.set_custom_status("holding")
        yield ctx.wait_for_external_event("never")

    worker.add_orchestrator(finish)
    worker.add_orchestrator(hold)
    worker.start()

    finished = client.schedule_new_orchestration(finish, instance_id=uid("finished"))
    complete(client, finished)
    running = client.schedule_new_orchestration(hold, instance_id=uid("running"))
    wait_for_custom_status(client, running, "holding")
    try:
        found, _ = list_all(client, page_size=1000)
        assert finished in found
        assert running not in found, "a RUNNING instance was listed"
    finally:
        client.terminate_orchestration(running)
        complete(client, running)
