"""Helpers shared by the test modules: unique names, bounded waits, history summaries."""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import durabletask.internal.orchestrator_service_pb2 as pb
from durabletask.client import OrchestrationState, OrchestrationStatus, TaskHubGrpcClient

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

# Every wait in the suite is bounded by one of these.
COMPLETION_TIMEOUT = 30.0
POLL_TIMEOUT = 15.0


def uid(prefix: str) -> str:
    """A unique instance ID or entity key, readable in logs: ``<prefix>-<12 hex>``."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def unique(fn: F) -> F:
    """Decorator: gives an orchestrator, activity or entity function a unique registered name.

    The SDK registers and calls functions by ``__name__``; a random suffix keeps one test's
    work from ever being dispatched to another test's worker on the shared sidecar.
    """
    fn.__name__ = f"{fn.__name__}_{uuid.uuid4().hex[:8]}"
    fn.__qualname__ = fn.__name__
    return fn


def wait_until(probe: Callable[[], T], *, timeout: float = POLL_TIMEOUT, interval: float = 0.1,
               what: str = "condition") -> T:
    """Polls ``probe`` until it returns something truthy, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last value: {last!r})")
        time.sleep(interval)


def assert_holds(probe: Callable[[], Any], *, seconds: float, interval: float = 0.2,
                 what: str = "condition") -> None:
    """Checks that ``probe`` stays truthy for ``seconds`` (for things that must NOT happen)."""
    deadline = time.monotonic() + seconds
    while True:
        value = probe()
        assert value, f"{what} stopped holding (got {value!r})"
        if time.monotonic() >= deadline:
            return
        time.sleep(interval)


def status_of(client: TaskHubGrpcClient, instance_id: str) -> OrchestrationStatus | None:
    state = client.get_orchestration_state(instance_id)
    return state.runtime_status if state is not None else None


def wait_for_status(client: TaskHubGrpcClient, instance_id: str, *statuses: OrchestrationStatus,
                    timeout: float = POLL_TIMEOUT) -> OrchestrationState:
    """Polls GetInstance until the instance has one of ``statuses``."""
    def probe() -> OrchestrationState | None:
        state = client.get_orchestration_state(instance_id)
        return state if state is not None and state.runtime_status in statuses else None
    return wait_until(probe, timeout=timeout,
                      what=f"{instance_id} to be {'/'.join(s.name for s in statuses)}")


def wait_for_custom_status(client: TaskHubGrpcClient, instance_id: str, expected: Any,
                           timeout: float = POLL_TIMEOUT) -> OrchestrationState:
    """Polls GetInstance until the instance's custom status deserializes to ``expected``."""
    def probe() -> OrchestrationState | None:
        state = client.get_orchestration_state(instance_id)
        return state if state is not None and state.get_custom_status() == expected else None
    return wait_until(probe, timeout=timeout, what=f"{instance_id} custom status {expected!r}")


def complete(client: TaskHubGrpcClient, instance_id: str,
             timeout: float = COMPLETION_TIMEOUT) -> OrchestrationState:
    """WaitForInstanceCompletion, bounded; fails the test if the instance does not exist."""
    state = client.wait_for_orchestration_completion(instance_id, timeout=timeout)
    assert state is not None, f"instance {instance_id} does not exist"
    return state


def assert_completed(state: OrchestrationState) -> None:
    assert state.runtime_status == OrchestrationStatus.COMPLETED, (
        f"{state.instance_id} is {state.runtime_status.name}, failure: {state.failure_details}")
    assert state.failure_details is None


def history_kinds(client: TaskHubGrpcClient, instance_id: str) -> list[str]:
    """The instance's history (StreamInstanceHistory) as event class names, e.g. 'TaskScheduledEvent'."""
    return [type(e).__name__ for e in client.get_orchestration_history(instance_id)]


class Counter:
    """A thread-safe call counter (activities run on the worker's threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def hit(self, key: str = "") -> int:
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]

    def __getitem__(self, key: str) -> int:
        with self._lock:
            return self._counts.get(key, 0)



class RawWorkItemStream:
    """A worker of our own: a raw GetWorkItems stream (no SDK worker), read on a thread into a
    queue so every read is bounded. Health pings are skipped. ``close()`` cancels the call.

    ``filters`` (a ``WorkItemFilters``) keeps other tests' work away from it: without them the
    sidecar may send it anything.
    """

    def __init__(self, stub, filters: pb.WorkItemFilters) -> None:
        self._queue: queue.Queue = queue.Queue()
        self._call = stub.GetWorkItems(pb.GetWorkItemsRequest(workItemFilters=filters))
        self._reader = threading.Thread(target=self._read, name="raw-work-items", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            for item in self._call:
                if item.WhichOneof("request") != "healthPing":
                    self._queue.put(item)
        except Exception as error:  # the call was cancelled or the sidecar went away
            self._queue.put(error)

    def next(self, timeout: float = POLL_TIMEOUT, what: str = "a work item") -> pb.WorkItem:
        """The next work item, waiting at most ``timeout`` seconds (AssertionError after)."""
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no work item on the raw stream within {timeout:.0f} s (waiting for {what})")
        if isinstance(item, Exception):
            raise AssertionError(f"the raw work item stream ended while waiting for {what}: {item}")
        return item

    def close(self) -> None:
        self._call.cancel()
        self._reader.join(timeout=5)
