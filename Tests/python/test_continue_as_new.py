"""Continue-as-new: an eternal counter that restarts itself, and carried-over events."""

from durabletask.client import OrchestrationStatus

from support import Counter, assert_completed, complete, history_kinds, unique

TARGET = 5


def test_counter_continues_as_new_until_target(client, worker):
    generations = Counter()

    @unique
    def tick(ctx, n: int) -> int:
        generations.hit()
        return n + 1

    @unique
    def counter(ctx, n: int):
        ctx.set_custom_status({"generation": n})
        following = yield ctx.call_activity(tick, input=n)
        if following < TARGET:
            ctx.continue_as_new(following)
            return None
        return following

    worker.add_activity(tick)
    worker.add_orchestrator(counter)
    worker.start()

    instance_id = client.schedule_new_orchestration(counter, input=0)
    state = complete(client, instance_id)

    assert_completed(state)
    assert state.get_output() == TARGET
    assert generations[""] == TARGET  # one activity per generation, none repeated
    # The last generation started with the input its predecessor passed on.
    assert state.get_input() == TARGET - 1
    assert state.get_custom_status() == {"generation": TARGET - 1}
    # Each generation starts a fresh history: only the last one's is kept.
    kinds = history_kinds(client, instance_id)
    assert kinds.count("ExecutionStartedEvent") == 1
    assert kinds.count("TaskScheduledEvent") == 1


def test_continue_as_new_with_save_events_keeps_unprocessed_events(client, worker):
    @unique
    def accumulate(ctx, items: list):
        item = yield ctx.wait_for_external_event("add")
        items = items + [item]
        if len(items) < 3:
            # The other "add" events already delivered must survive the restart.
            ctx.continue_as_new(items, save_events=True)
            return None
        return items

    worker.add_orchestrator(accumulate)

    # Raise all three events before any worker runs the instance, so that they are
    # delivered together with its start and two are still unprocessed at continue-as-new.
    instance_id = client.schedule_new_orchestration(accumulate, input=[])
    for value in (1, 2, 3):
        client.raise_orchestration_event(instance_id, "add", data=value)
    assert client.get_orchestration_state(instance_id).runtime_status == OrchestrationStatus.PENDING

    worker.start()
    state = complete(client, instance_id)
    assert_completed(state)
    assert state.get_output() == [1, 2, 3]
