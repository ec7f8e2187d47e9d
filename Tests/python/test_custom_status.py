"""Custom status: set_custom_status is visible through GetInstance while the orchestration
runs, changes as it goes, and stays after completion."""

from support import assert_completed, complete, unique, wait_for_custom_status


def test_custom_status_while_running_and_after_completion(client, worker):
    @unique
    def reporter(ctx, _):
        ctx.set_custom_status({"stage": "waiting", "progress": 0.5})
        approved = yield ctx.wait_for_external_event("continue")
        ctx.set_custom_status({"stage": "done", "approved": approved})
        return "finished"

    worker.add_orchestrator(reporter)
    worker.start()

    instance_id = client.schedule_new_orchestration(reporter)
    running = wait_for_custom_status(client, instance_id, {"stage": "waiting", "progress": 0.5})
    assert running.get_output() is None
    # The raw JSON travels as sent.
    assert running.serialized_custom_status.replace(" ", "") == '{"stage":"waiting","progress":0.5}'

    client.raise_orchestration_event(instance_id, "continue", data=True)
    state = complete(client, instance_id)
    assert_completed(state)
    assert state.get_output() == "finished"
    assert state.get_custom_status() == {"stage": "done", "approved": True}
    # Still there on a later read.
    assert client.get_orchestration_state(instance_id).get_custom_status() == {"stage": "done", "approved": True}


def test_plain_string_custom_status(client, worker):
    @unique
    def stringly(ctx, _):
        ctx.set_custom_status("almost there")
        return 1

    worker.add_orchestrator(stringly)
    worker.start()
    instance_id = client.schedule_new_orchestration(stringly)
    state = complete(client, instance_id)
    assert_completed(state)
    assert state.get_custom_status() == "almost there"
    assert state.serialized_custom_status == '"almost there"'
