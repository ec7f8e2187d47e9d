"""A Durable Task Python app, unchanged, on durable serve's Redis task hub.

    make run                                        # in one terminal: durable serve, gRPC on localhost:4001
    python3 -m venv .venv && .venv/bin/pip install durabletask==1.12.0
    .venv/bin/python Examples/python/hello_sequence.py

The worker and client below are the SDK's own; localhost:4001 is also the SDK's default address.
The last activity, SayHello, is a Swift activity that durable serve registers: one task hub,
two languages.
"""
from durabletask import client, task, worker

ADDRESS = "localhost:4001"


def greet(ctx: task.ActivityContext, city: str) -> str:
    return f"Hello {city}!"


def hello_sequence(ctx: task.OrchestrationContext, _):
    tokyo = yield ctx.call_activity(greet, input="Tokyo")
    seattle = yield ctx.call_activity(greet, input="Seattle")
    london = yield ctx.call_activity("SayHello", input="London")  # runs in Swift
    return [tokyo, seattle, london]


if __name__ == "__main__":
    w = worker.TaskHubGrpcWorker(host_address=ADDRESS)
    w.add_orchestrator(hello_sequence)
    w.add_activity(greet)
    w.start()
    try:
        c = client.TaskHubGrpcClient(host_address=ADDRESS)
        instance_id = c.schedule_new_orchestration(hello_sequence)
        state = c.wait_for_orchestration_completion(instance_id, timeout=30)
        print(state.runtime_status.name, state.serialized_output)
    finally:
        w.stop()
