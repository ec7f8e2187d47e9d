"""Activity retries with a RetryPolicy: success on the third attempt, and exhaustion."""

from datetime import timedelta

from durabletask import task
from durabletask.client import OrchestrationStatus

from support import Counter, assert_completed, complete, history_kinds, unique

POLICY = task.RetryPolicy(first_retry_interval=timedelta(milliseconds=200),
                          max_number_of_attempts=3, backoff_coefficient=1.0)


def test_activity_fails_twice_then_succeeds(client, worker):
    attempts = Counter()

    @unique
    def flaky(ctx, name: str) -> str:
        n = attempts.hit(name)
        if n < 3:
            raise RuntimeError(f"transient failure {n}")
        return f"{name} ok after {n} attempts"

    @unique
    def retrying(ctx, name: str):
        return (yield ctx.call_activity(flaky, input=name, retry_policy=POLICY))

    worker.add_activity(flaky)
    worker.add_orchestrator(retrying)
    worker.start()

    instance_id = client.schedule_new_orchestration(retrying, input="job")
    state = complete(client, instance_id)

    assert_completed(state)
    assert state.get_output() == "job ok after 3 attempts"
    assert attempts["job"] == 3
    kinds = history_kinds(client, instance_id)
    assert kinds.count("TaskFailedEvent") == 2
    assert kinds.count("TaskCompletedEvent") == 1
    # The SDK waits between attempts with durable timers.
    assert kinds.count("TimerFiredEvent") == 2


def test_retries_exhausted_fail_the_orchestration(client, worker):
    attempts = Counter()

    @unique
    def always_fails(ctx, _):
        n = attempts.hit()
        raise ValueError(f"permanent failure on attempt {n}")

    @unique
    def gives_up(ctx, _):
        policy = task.RetryPolicy(first_retry_interval=timedelta(milliseconds=100),
                                  max_number_of_attempts=2)
        yield ctx.call_activity(always_fails, retry_policy=policy)
        return "unreachable"

    worker.add_activity(always_fails)
    worker.add_orchestrator(gives_up)
    worker.start()

    instance_id = client.schedule_new_orchestration(gives_up)
    state = complete(client, instance_id)

    assert state.runtime_status == OrchestrationStatus.FAILED
    assert state.get_output() is None
    assert attempts[""] == 2
    details = state.failure_details
    assert details is not None
    # Error types are fully qualified names and must come back exactly as the worker sent them.
    assert details.error_type == "durabletask.task.TaskFailedError"
    assert "permanent failure on attempt 2" in details.message
    # The activity's own failure travels as the inner failure.
    assert details.inner_failure is not None
    assert details.inner_failure.error_type == "builtins.ValueError"
    assert details.inner_failure.is_caused_by(ValueError)
    assert details.inner_failure.message == "permanent failure on attempt 2"
    assert history_kinds(client, instance_id).count("TaskFailedEvent") == 2
