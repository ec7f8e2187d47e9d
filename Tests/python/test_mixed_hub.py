"""A mixed task hub: Python orchestrations and the Swift activities and orchestrations that
`durable serve` registers (Examples/Patterns, ExampleCatalog) run in one task hub.

From Examples/Patterns/FunctionChaining.swift: the activity `SayHello` takes a string city and
returns "Hello <city>!"; the orchestrator `FunctionChaining` (no input) calls it for Tokyo,
Seattle and London and returns the three greetings."""

import pytest

from support import assert_completed, complete, unique

CITIES = ["Tokyo", "Seattle", "London"]
GREETINGS = ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]


@pytest.mark.durable_only(reason="SayHello is an activity of durable serve's Swift worker")
@pytest.mark.parametrize("filtered", [False, True], ids=["plain-worker", "filtered-worker"])
def test_python_orchestration_calls_swift_activity(client, worker, filtered):
    @unique
    def greet_cities(ctx, cities: list):
        greetings = []
        for city in cities:
            greetings.append((yield ctx.call_activity("SayHello", input=city)))
        return greetings

    worker.add_orchestrator(greet_cities)
    if filtered:
        worker.use_work_item_filters()  # this worker registers no activities at all
    worker.start()

    instance_id = client.schedule_new_orchestration(greet_cities, input=CITIES)
    state = complete(client, instance_id)

    assert_completed(state)
    assert state.get_output() == GREETINGS
    scheduled = [e.name for e in client.get_orchestration_history(instance_id)
                 if type(e).__name__ == "TaskScheduledEvent"]
    assert scheduled == ["SayHello"] * 3


@pytest.mark.durable_only(reason="FunctionChaining is an orchestration of durable serve's Swift worker")
def test_python_client_runs_swift_orchestration(client, worker):
    # A connected Python worker that does not know FunctionChaining must not receive it.
    @unique
    def unrelated(ctx, _):
        return None

    worker.add_orchestrator(unrelated)
    worker.start()

    instance_id = client.schedule_new_orchestration("FunctionChaining")
    state = complete(client, instance_id)

    assert_completed(state)
    assert state.name == "FunctionChaining"
    assert state.get_output() == GREETINGS
