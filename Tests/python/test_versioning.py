"""Orchestration versions: the version given at scheduling reaches the orchestrator, a worker's
default version reaches sub-orchestrations, and a worker with a STRICT version match does not
run other versions (VersionFailureStrategy FAIL fails them, REJECT abandons them to another worker)."""

from durabletask.client import OrchestrationStatus
from durabletask.worker import VersioningOptions, VersionFailureStrategy, VersionMatchStrategy

from support import Counter, assert_completed, assert_holds, complete, history_kinds, status_of, unique


def test_version_reaches_the_orchestrator(client, worker):
    @unique
    def versioned(ctx, _):
        return {"version": ctx.version}

    worker.add_orchestrator(versioned)
    worker.start()

    with_version = client.schedule_new_orchestration(versioned, version="1.2.0")
    without_version = client.schedule_new_orchestration(versioned)

    state = complete(client, with_version)
    assert_completed(state)
    assert state.get_output() == {"version": "1.2.0"}
    started = [e for e in client.get_orchestration_history(with_version)
               if type(e).__name__ == "ExecutionStartedEvent"]
    assert [e.version for e in started] == ["1.2.0"]

    state = complete(client, without_version)
    assert_completed(state)
    assert state.get_output()["version"] in (None, "")


def test_worker_default_version_goes_to_sub_orchestrations(client, worker):
    @unique
    def child_version(ctx, _):
        return ctx.version

    @unique
    def parent_version(ctx, _):
        defaulted = yield ctx.call_sub_orchestrator(child_version)
        explicit = yield ctx.call_sub_orchestrator(child_version, version="3.0")
        return {"parent": ctx.version, "defaulted": defaulted, "explicit": explicit}

    worker.use_versioning(VersioningOptions(version="2.0", default_version="2.0",
                                            match_strategy=VersionMatchStrategy.NONE))
    worker.add_orchestrator(child_version)
    worker.add_orchestrator(parent_version)
    worker.start()

    instance_id = client.schedule_new_orchestration(parent_version, version="1.0")
    state = complete(client, instance_id)
    assert_completed(state)
    assert state.get_output() == {"parent": "1.0", "defaulted": "2.0", "explicit": "3.0"}


def test_strict_mismatch_with_fail_strategy_fails_without_running(client, worker):
    ran = Counter()

    @unique
    def strict_only(ctx, _):
        ran.hit(ctx.version or "")
        return f"ran {ctx.version}"

    worker.use_versioning(VersioningOptions(version="2.0", match_strategy=VersionMatchStrategy.STRICT,
                                            failure_strategy=VersionFailureStrategy.FAIL))
    worker.add_orchestrator(strict_only)
    worker.start()

    matching = client.schedule_new_orchestration(strict_only, version="2.0")
    older = client.schedule_new_orchestration(strict_only, version="1.0")

    state = complete(client, matching)
    assert_completed(state)
    assert state.get_output() == "ran 2.0"

    state = complete(client, older)
    assert state.runtime_status == OrchestrationStatus.FAILED
    assert state.failure_details.error_type == "VersionMismatch"
    assert "1.0" in state.failure_details.message and "2.0" in state.failure_details.message
    assert ran["1.0"] == 0, "the orchestrator body never ran for the mismatched version"


def test_strict_mismatch_with_reject_strategy_leaves_it_to_another_worker(client, make_worker):
    ran_by = Counter()

    def make_orchestrator(worker_name: str):
        def rejectable(ctx, _):
            ran_by.hit(worker_name)
            return {"version": ctx.version, "worker": worker_name}
        return rejectable

    name = unique(make_orchestrator("")).__name__  # one name, two implementations

    strict = make_worker()
    strict.use_versioning(VersioningOptions(version="2.0", match_strategy=VersionMatchStrategy.STRICT,
                                            failure_strategy=VersionFailureStrategy.REJECT))
    strict_fn = make_orchestrator("strict-2.0")
    strict_fn.__name__ = name
    strict.add_orchestrator(strict_fn)
    strict.start()

    instance_id = client.schedule_new_orchestration(name, version="1.0")

    # The strict worker abandons the work item (AbandonTaskOrchestratorWorkItem) every time
    # it gets it: the instance neither runs nor fails.
    assert_holds(lambda: status_of(client, instance_id) == OrchestrationStatus.PENDING, seconds=3,
                 what="the 1.0 instance staying PENDING with only the strict 2.0 worker connected")
    assert ran_by["strict-2.0"] == 0

    lenient = make_worker()
    lenient_fn = make_orchestrator("lenient")
    lenient_fn.__name__ = name
    lenient.add_orchestrator(lenient_fn)
    lenient.start()

    state = complete(client, instance_id)
    assert_completed(state)
    assert state.get_output() == {"version": "1.0", "worker": "lenient"}
    assert ran_by["strict-2.0"] == 0
    assert history_kinds(client, instance_id).count("ExecutionStartedEvent") == 1
