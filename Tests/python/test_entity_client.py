"""Entities through the client RPCs: a delayed signal (SignalEntity.scheduledTime), GetEntity with
and without its state, QueryEntities by name (and key) prefix across pages, and
CleanEntityStorage removing entities whose state was deleted."""

import threading
import time
from datetime import datetime, timedelta, timezone

import durabletask.internal.orchestrator_service_pb2 as pb
from google.protobuf import wrappers_pb2

from durabletask import entities
from durabletask.client import EntityQuery

from support import assert_holds, uid, unique, wait_until

DELAY = 2.0
PAGE = 3


def make_box():
    """A function entity under a unique name: set (state = input), delete (no state), get.
    Every operation's wall-clock time is recorded by key."""
    applied: dict[str, list[tuple[str, float]]] = {}
    lock = threading.Lock()

    @unique
    def box(ctx: entities.EntityContext, value):
        with lock:
            applied.setdefault(ctx.entity_id.key, []).append((ctx.operation, time.time()))
        if ctx.operation == "set":
            ctx.set_state(value)
        elif ctx.operation == "delete":
            ctx.set_state(None)
        elif ctx.operation == "get":
            return ctx.get_state()
        else:
            raise ValueError(f"unknown operation {ctx.operation}")
        return None

    return box, applied


def raw_entity(stub, entity_id: entities.EntityInstanceId, include_state: bool = True) -> pb.GetEntityResponse:
    return stub.GetEntity(pb.GetEntityRequest(instanceId=str(entity_id), includeState=include_state), timeout=10)


def wait_for_state(client, entity_id, expected):
    return wait_until(lambda: (m := client.get_entity(entity_id)) is not None and m.get_typed_state() == expected
                      and m, what=f"{entity_id} to have state {expected!r}")


def has_state(stub, entity_id) -> bool:
    response = raw_entity(stub, entity_id)
    return response.exists and response.entity.HasField("serializedState")


def test_delayed_signal_is_applied_no_earlier_than_its_time(client, worker, stub):
    box, applied = make_box()
    worker.add_entity(box)
    worker.start()

    entity_id = entities.EntityInstanceId(box.__name__, uid("later"))
    signal_at = datetime.now(timezone.utc) + timedelta(seconds=DELAY)
    client.signal_entity(entity_id, "set", input="delivered", signal_time=signal_at)

    watch = (signal_at - datetime.now(timezone.utc)).total_seconds() - 0.3
    assert watch > 1, "the signal call took too long to watch the wait"
    assert_holds(lambda: not applied and not has_state(stub, entity_id), seconds=watch,
                 what="the delayed signal staying unapplied before its time")

    meta = wait_for_state(client, entity_id, "delivered")
    (operation, ran_at), = applied[entity_id.key]
    assert operation == "set"
    assert ran_at >= signal_at.timestamp() - 0.001, f"applied {signal_at.timestamp() - ran_at:.3f} s early"
    assert meta.last_modified >= signal_at - timedelta(milliseconds=1)


def test_get_entity_with_and_without_state(client, worker, stub):
    box, _ = make_box()
    worker.add_entity(box)
    worker.start()

    entity_id = entities.EntityInstanceId(box.__name__, uid("get"))
    assert not raw_entity(stub, entity_id).exists
    client.signal_entity(entity_id, "set", input={"colour": "blue", "n": 3})
    with_state = wait_for_state(client, entity_id, {"colour": "blue", "n": 3})
    assert with_state.includes_state
    assert with_state.id == entity_id

    without = client.get_entity(entity_id, include_state=False)
    assert without is not None and not without.includes_state
    assert without.get_state() is None
    assert without.last_modified == with_state.last_modified

    response = raw_entity(stub, entity_id, include_state=False)
    assert response.exists
    assert response.entity.instanceId == str(entity_id)
    assert not response.entity.HasField("serializedState"), "no state was asked for"
    assert response.entity.HasField("lastModifiedTime")
    assert not response.entity.HasField("lockedBy")
    response = raw_entity(stub, entity_id, include_state=True)
    assert response.entity.serializedState.value.replace(" ", "") == '{"colour":"blue","n":3}'


def test_query_entities_by_name_prefix_follows_pages(client, worker, stub):
    box, _ = make_box()
    worker.add_entity(box)
    worker.start()

    keys = [f"k{n:02d}-{uid('q')}" for n in range(2 * PAGE + 1)]
    for n, key in enumerate(keys):
        client.signal_entity(entities.EntityInstanceId(box.__name__, key), "set", input=n)
    for n, key in enumerate(keys):
        wait_for_state(client, entities.EntityInstanceId(box.__name__, key), n)

    prefix = f"@{box.__name__.lower()}"
    pages: list[list[str]] = []
    token = None
    for _ in range(len(keys) + 2):  # bounded: never more pages than entities
        response = stub.QueryEntities(pb.QueryEntitiesRequest(query=pb.EntityQuery(
            instanceIdStartsWith=wrappers_pb2.StringValue(value=prefix), includeState=True,
            pageSize=wrappers_pb2.Int32Value(value=PAGE), continuationToken=token)), timeout=10)
        pages.append([e.instanceId for e in response.entities])
        for e in response.entities:
            assert e.serializedState.value == str(keys.index(e.instanceId.split("@", 2)[2]))
        if not response.HasField("continuationToken") or not response.continuationToken.value:
            break
        token = response.continuationToken

    assert all(len(page) <= PAGE for page in pages), pages
    assert len(pages[0]) == PAGE, f"a full first page: {pages}"
    found = [i for page in pages for i in page]
    assert len(found) == len(set(found)), f"an entity appeared on two pages: {pages}"
    assert sorted(found) == sorted(f"{prefix}@{key}" for key in keys)

    # The SDK's get_all_entities follows the same tokens.
    listed = client.get_all_entities(EntityQuery(instance_id_starts_with=prefix, page_size=PAGE, include_state=False))
    assert sorted(m.id.key for m in listed) == sorted(keys)
    assert all(not m.includes_state for m in listed)


def test_query_entities_by_name_and_key_prefix_keeps_the_key_case(client, worker):
    """Entity names are case-insensitive (stored lowercased); keys are not."""
    box, _ = make_box()
    worker.add_entity(box)
    worker.start()

    tag = uid("x").split("-")[1]
    keys = {f"Alpha-{tag}-1": 1, f"Alpha-{tag}-2": 2, f"alpha-{tag}-3": 3, f"Beta-{tag}-4": 4}
    for key, value in keys.items():
        client.signal_entity(entities.EntityInstanceId(box.__name__, key), "set", input=value)
    for key, value in keys.items():
        wait_for_state(client, entities.EntityInstanceId(box.__name__, key), value)

    def keys_starting(key_prefix: str) -> list[str]:
        query = EntityQuery(instance_id_starts_with=f"@{box.__name__.lower()}@{key_prefix}", page_size=PAGE)
        return sorted(m.id.key for m in client.get_all_entities(query))

    assert keys_starting("Alpha-") == [f"Alpha-{tag}-1", f"Alpha-{tag}-2"]
    assert keys_starting("alpha-") == [f"alpha-{tag}-3"]
    assert keys_starting("") == sorted(keys)


def test_clean_entity_storage_removes_entities_whose_state_was_deleted(client, worker, stub):
    box, _ = make_box()
    worker.add_entity(box)
    worker.start()

    # Whatever the session left empty so far is cleaned first, so the counts below are ours.
    client.clean_entity_storage(remove_empty_entities=True, release_orphaned_locks=False)

    emptied = [entities.EntityInstanceId(box.__name__, uid("gone")) for _ in range(2)]
    kept = entities.EntityInstanceId(box.__name__, uid("kept"))
    for entity_id in (*emptied, kept):
        client.signal_entity(entity_id, "set", input="something")
    for entity_id in (*emptied, kept):
        wait_for_state(client, entity_id, "something")
    for entity_id in emptied:
        client.signal_entity(entity_id, "delete")

    for entity_id in emptied:
        wait_until(lambda: not has_state(stub, entity_id), what=f"{entity_id}'s state to be deleted")

    result = client.clean_entity_storage(remove_empty_entities=True, release_orphaned_locks=False)
    assert result.empty_entities_removed == len(emptied)
    assert result.orphaned_locks_released == 0

    for entity_id in emptied:
        assert not raw_entity(stub, entity_id).exists, f"{entity_id} was removed"
        assert client.get_entity(entity_id) is None
    assert client.get_entity(kept).get_typed_state() == "something", "an entity with state stays"
    remaining = client.get_all_entities(EntityQuery(instance_id_starts_with=f"@{box.__name__.lower()}"))
    assert [m.id for m in remaining] == [kept]

    again = client.clean_entity_storage(remove_empty_entities=True, release_orphaned_locks=False)
    assert again.empty_entities_removed == 0

    # A removed entity can be used again from scratch.
    client.signal_entity(emptied[0], "set", input="back")
    wait_for_state(client, emptied[0], "back")
