"""Function chaining: three activities, one after another."""

from durabletask.client import OrchestrationStatus

from support import assert_completed, complete, history_kinds, unique


def test_three_activities_in_sequence(client, worker):
    @unique
    def first(ctx, text: str) -> str:
        return text + "-a"

    @unique
    def second(ctx, text: str) -> str:
        return text + "-b"

    @unique
    def third(ctx, text: str) -> str:
        return text.upper()

    @unique
    def chain(ctx, text: str):
        a = yield ctx.call_activity(first, input=text)
        b = yield ctx.call_activity(second, input=a)
        c = yield ctx.call_activity(third, input=b)
        return [a, b, c]

    for fn in (first, second, third):
        worker.add_activity(fn)
    worker.add_orchestrator(chain)
    worker.start()

    instance_id = client.schedule_new_orchestration(chain, input="go")
    state = complete(client, instance_id)

    assert_completed(state)
    assert state.name == chain.__name__
    assert state.get_input() == "go"
    assert state.get_output() == ["go-a", "go-a-b", "GO-A-B"]

    history = client.get_orchestration_history(instance_id)
    scheduled = [e.name for e in history if type(e).__name__ == "TaskScheduledEvent"]
    assert scheduled == [first.__name__, second.__name__, third.__name__]
    assert history_kinds(client, instance_id).count("TaskCompletedEvent") == 3
    # The execution ends with one ExecutionCompleted after the last result (a turn may close
    # with OrchestratorCompleted after it, as Durable Task Framework histories do).
    kinds = [type(e).__name__ for e in history]
    assert kinds.count("ExecutionCompletedEvent") == 1
    end = kinds.index("ExecutionCompletedEvent")
    assert end > max(i for i, k in enumerate(kinds) if k == "TaskCompletedEvent")
    assert all(k == "OrchestratorCompletedEvent" for k in kinds[end + 1:])
    assert history[end].orchestration_status == OrchestrationStatus.COMPLETED.value
