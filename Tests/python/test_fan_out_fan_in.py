"""Fan-out/fan-in: 20 activities scheduled at once, joined with when_all."""

from durabletask import task

from support import Counter, assert_completed, complete, history_kinds, unique

WIDTH = 20


def test_twenty_activities_in_parallel(client, worker):
    calls = Counter()

    @unique
    def square(ctx, n: int) -> int:
        calls.hit(str(n))
        return n * n

    @unique
    def fan_out(ctx, width: int):
        results = yield task.when_all([ctx.call_activity(square, input=i) for i in range(width)])
        return {"squares": results, "sum": sum(results)}

    worker.add_activity(square)
    worker.add_orchestrator(fan_out)
    worker.start()

    instance_id = client.schedule_new_orchestration(fan_out, input=WIDTH)
    state = complete(client, instance_id)

    assert_completed(state)
    # when_all keeps the order of the tasks, whatever order they finished in.
    assert state.get_output() == {"squares": [i * i for i in range(WIDTH)],
                                  "sum": sum(i * i for i in range(WIDTH))}
    assert all(calls[str(i)] == 1 for i in range(WIDTH)), "each activity runs exactly once"
    kinds = history_kinds(client, instance_id)
    assert kinds.count("TaskScheduledEvent") == WIDTH
    assert kinds.count("TaskCompletedEvent") == WIDTH
