"""Durable timers: create_timer fires after its delay and the orchestration clock moves on."""

import time
from datetime import timedelta

from support import assert_completed, complete, history_kinds, unique


def test_timer_delays_and_advances_current_utc_datetime(client, worker):
    @unique
    def sleeper(ctx, seconds: float):
        before = ctx.current_utc_datetime
        fire_at = before + timedelta(seconds=seconds)
        yield ctx.create_timer(fire_at)
        after = ctx.current_utc_datetime
        return {"before": before.isoformat(), "after": after.isoformat(),
                "fire_at": fire_at.isoformat(),
                "elapsed": (after - before).total_seconds()}

    worker.add_orchestrator(sleeper)
    worker.start()

    started = time.monotonic()
    instance_id = client.schedule_new_orchestration(sleeper, input=1.5)
    state = complete(client, instance_id)
    wall = time.monotonic() - started

    assert_completed(state)
    out = state.get_output()
    assert out["elapsed"] >= 1.5, out
    assert out["after"] >= out["fire_at"], "the replay clock is not earlier than the timer's due time"
    assert wall >= 1.5, f"completed after {wall:.2f} s, before the timer was due"
    assert wall < 15, f"the 1.5 s timer took {wall:.2f} s"
    kinds = history_kinds(client, instance_id)
    assert kinds.count("TimerCreatedEvent") == 1
    assert kinds.count("TimerFiredEvent") == 1


def test_timer_with_relative_delay(client, worker):
    @unique
    def nap(ctx, _):
        yield ctx.create_timer(timedelta(milliseconds=300))
        yield ctx.create_timer(timedelta(milliseconds=300))
        return "woke twice"

    worker.add_orchestrator(nap)
    worker.start()

    instance_id = client.schedule_new_orchestration(nap)
    state = complete(client, instance_id)
    assert_completed(state)
    assert state.get_output() == "woke twice"
    assert history_kinds(client, instance_id).count("TimerFiredEvent") == 2
