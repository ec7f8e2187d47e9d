"""External events: wait_for_external_event + raise_orchestration_event, and an event
raced against a timer with when_any (the event wins; the timer wins)."""

from datetime import timedelta

from durabletask import task
from durabletask.client import OrchestrationStatus

from support import assert_completed, complete, history_kinds, unique, wait_for_custom_status


def test_wait_for_event_receives_raised_data(client, worker):
    @unique
    def approval(ctx, _):
        ctx.set_custom_status("waiting")
        decision = yield ctx.wait_for_external_event("Approval")
        return {"decision": decision}

    worker.add_orchestrator(approval)
    worker.start()

    instance_id = client.schedule_new_orchestration(approval)
    wait_for_custom_status(client, instance_id, "waiting")
    assert client.get_orchestration_state(instance_id).runtime_status == OrchestrationStatus.RUNNING

    client.raise_orchestration_event(instance_id, "Approval", data={"approved": True, "by": "ana"})
    state = complete(client, instance_id)

    assert_completed(state)
    assert state.get_output() == {"decision": {"approved": True, "by": "ana"}}
    assert "EventRaisedEvent" in history_kinds(client, instance_id)


def test_event_names_are_case_insensitive_and_queue_in_order(client, worker):
    @unique
    def collector(ctx, _):
        first = yield ctx.wait_for_external_event("item")
        second = yield ctx.wait_for_external_event("ITEM")
        return [first, second]

    worker.add_orchestrator(collector)
    worker.start()

    instance_id = client.schedule_new_orchestration(collector)
    client.raise_orchestration_event(instance_id, "Item", data=1)
    client.raise_orchestration_event(instance_id, "item", data=2)
    state = complete(client, instance_id)
    assert_completed(state)
    assert state.get_output() == [1, 2]


@unique
def event_or_timeout(ctx, timeout_seconds: float):
    ctx.set_custom_status("waiting")
    event = ctx.wait_for_external_event("Reply")
    timeout = ctx.create_timer(timedelta(seconds=timeout_seconds))
    winner = yield task.when_any([event, timeout])
    if winner == event:
        return {"branch": "event", "data": event.get_result()}
    return {"branch": "timeout"}


def test_event_arrives_before_timeout(client, worker):
    worker.add_orchestrator(event_or_timeout)
    worker.start()

    instance_id = client.schedule_new_orchestration(event_or_timeout, input=20)
    wait_for_custom_status(client, instance_id, "waiting")
    client.raise_orchestration_event(instance_id, "Reply", data="pong")
    state = complete(client, instance_id, timeout=15)  # well before the 20 s timer

    assert_completed(state)
    assert state.get_output() == {"branch": "event", "data": "pong"}
    kinds = history_kinds(client, instance_id)
    assert "EventRaisedEvent" in kinds
    assert "TimerFiredEvent" not in kinds


def test_timeout_fires_when_no_event(client, worker):
    worker.add_orchestrator(event_or_timeout)
    worker.start()

    instance_id = client.schedule_new_orchestration(event_or_timeout, input=1)
    state = complete(client, instance_id)

    assert_completed(state)
    assert state.get_output() == {"branch": "timeout"}
    kinds = history_kinds(client, instance_id)
    assert "TimerFiredEvent" in kinds
    assert "EventRaisedEvent" not in kinds
