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


@pytest.mark.durable_only(reason="the management HTTP API is durable serve's")
def test_management_http_api_reads_and_controls_python_instances(client, worker, http_base):
    """Instances a Python client starts are ordinary instances of the task hub: the Durable
    Functions management API reads their status and output, and terminates them."""
    import json
    import urllib.request

    @unique
    def waits_for_approval(ctx, amount: int):
        approved = yield ctx.wait_for_external_event("approval")
        return {"amount": amount, "approved": approved}

    worker.add_orchestrator(waits_for_approval)
    worker.start()

    def http(method: str, path: str) -> tuple[int, dict | list | None]:
        request = urllib.request.Request(http_base + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
            return response.status, (json.loads(body) if body else None)

    finished = client.schedule_new_orchestration(waits_for_approval, input=100)
    client.wait_for_orchestration_start(finished, timeout=30)
    client.raise_orchestration_event(finished, "approval", data=True)
    complete(client, finished)
    status, body = http("GET", f"/instances/{finished}")
    assert status == 200
    assert body["name"] == waits_for_approval.__name__
    assert body["runtimeStatus"] == "Completed"
    assert body["input"] == 100
    assert body["output"] == {"amount": 100, "approved": True}

    waiting = client.schedule_new_orchestration(waits_for_approval, input=5)
    client.wait_for_orchestration_start(waiting, timeout=30)
    status, _ = http("POST", f"/instances/{waiting}/terminate?reason=stop")
    assert status == 202
    state = complete(client, waiting)
    assert state.runtime_status.name == "TERMINATED"
