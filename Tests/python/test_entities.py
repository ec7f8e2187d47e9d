"""Durable entities: client signals and reads, calls from an orchestration, and a critical
section (lock_entities) around two entities."""

from durabletask import entities, task
from durabletask.client import OrchestrationStatus

from support import (assert_completed, assert_holds, complete, uid, unique, wait_for_custom_status,
                     wait_for_status, wait_until)


@unique
def counter(ctx: entities.EntityContext, value):
    """A function entity: add, get, reset."""
    state = ctx.get_state(int, 0)
    if ctx.operation == "add":
        state += value
        ctx.set_state(state)
        return state
    if ctx.operation == "get":
        return state
    if ctx.operation == "reset":
        ctx.set_state(0)
        return 0
    raise ValueError(f"unknown operation {ctx.operation}")


class Account(entities.DurableEntity):
    """A class entity: one method per operation."""

    def deposit(self, amount: int) -> int:
        balance = self.get_state(int, 0) + amount
        self.set_state(balance)
        return balance

    def withdraw(self, amount: int) -> int:
        balance = self.get_state(int, 0)
        if amount > balance:
            raise ValueError(f"insufficient funds: {balance} < {amount}")
        self.set_state(balance - amount)
        return balance - amount

    def balance(self) -> int:
        return self.get_state(int, 0)


# Registered under a unique name: `durable serve` has a Swift entity called "Account" too
# (entity names are case-insensitive), and this must not be dispatched to it.
ACCOUNT = f"{Account.__name__}_{uid('py').split('-')[1][:8]}"


def test_signal_entity_and_get_entity(client, worker):
    worker.add_entity(counter)
    worker.start()

    entity_id = entities.EntityInstanceId(counter.__name__, uid("c"))
    assert client.get_entity(entity_id) is None

    for amount in (5, 3, 4):
        client.signal_entity(entity_id, "add", input=amount)

    def state_is_12():
        meta = client.get_entity(entity_id)
        return meta if meta is not None and meta.get_typed_state(int) == 12 else None
    meta = wait_until(state_is_12, what="the counter entity to reach 12")

    assert meta.id == entity_id
    assert str(meta.id) == f"@{counter.__name__.lower()}@{entity_id.key}"
    assert meta.includes_state
    assert meta.get_state() == "12"  # the raw serialized state
    assert client.get_entity(entity_id, include_state=False).get_state() is None


def test_call_entity_from_orchestration(client, worker):
    @unique
    def use_counter(ctx, key: str):
        entity_id = entities.EntityInstanceId(counter.__name__, key)
        after_add = yield ctx.call_entity(entity_id, "add", 10)
        after_more = yield ctx.call_entity(entity_id, "add", 5)
        current = yield ctx.call_entity(entity_id, "get")
        ctx.signal_entity(entity_id, "add", 100)  # one-way: no result
        return [after_add, after_more, current]

    worker.add_entity(counter)
    worker.add_orchestrator(use_counter)
    worker.start()

    key = uid("c")
    instance_id = client.schedule_new_orchestration(use_counter, input=key)
    state = complete(client, instance_id)
    assert_completed(state)
    assert state.get_output() == [10, 15, 15]

    entity_id = entities.EntityInstanceId(counter.__name__, key)
    wait_until(lambda: (m := client.get_entity(entity_id)) and m.get_typed_state(int) == 115,
               what="the signal sent by the orchestration to be applied")


def test_failed_entity_operation_surfaces_in_orchestration(client, worker):
    @unique
    def overdraw(ctx, key: str):
        account = entities.EntityInstanceId(ACCOUNT, key)
        yield ctx.call_entity(account, "deposit", 10)
        try:
            yield ctx.call_entity(account, "withdraw", 50)
        except task.TaskFailedError as error:
            balance = yield ctx.call_entity(account, "balance")
            return {"error": error.details.message, "balance": balance}
        return "unreachable"

    worker.add_entity(Account, name=ACCOUNT)
    worker.add_orchestrator(overdraw)
    worker.start()

    instance_id = client.schedule_new_orchestration(overdraw, input=uid("acct"))
    state = complete(client, instance_id)
    assert_completed(state)
    out = state.get_output()
    assert "insufficient funds: 10 < 50" in out["error"]
    assert out["balance"] == 10, "a failed operation leaves the state as it was"


def test_critical_section_over_two_entities(client, worker):
    @unique
    def transfer(ctx, args: dict):
        source = entities.EntityInstanceId(ACCOUNT, args["from"])
        target = entities.EntityInstanceId(ACCOUNT, args["to"])
        with (yield ctx.lock_entities([source, target])):
            ctx.set_custom_status("locked")
            if args.get("hold"):
                yield ctx.wait_for_external_event("release")
            balance = yield ctx.call_entity(source, "balance")
            if balance < args["amount"]:
                return "insufficient funds"
            yield ctx.call_entity(source, "withdraw", args["amount"])
            yield ctx.call_entity(target, "deposit", args["amount"])
        ctx.set_custom_status("unlocked")
        return "transferred"

    worker.add_entity(Account, name=ACCOUNT)
    worker.add_orchestrator(transfer)
    worker.start()

    alice, bob = uid("alice"), uid("bob")
    client.signal_entity(entities.EntityInstanceId(ACCOUNT, alice), "deposit", input=100)
    wait_until(lambda: (m := client.get_entity(entities.EntityInstanceId(ACCOUNT, alice)))
               and m.get_typed_state(int) == 100, what="alice's deposit")

    # The first transfer takes both locks and holds them until it gets "release".
    holder = client.schedule_new_orchestration(
        transfer, input={"from": alice, "to": bob, "amount": 30, "hold": True}, instance_id=uid("holder"))
    wait_for_custom_status(client, holder, "locked")

    # A second transfer over the same accounts cannot enter its critical section meanwhile.
    waiter = client.schedule_new_orchestration(
        transfer, input={"from": alice, "to": bob, "amount": 50}, instance_id=uid("waiter"))
    wait_for_status(client, waiter, OrchestrationStatus.RUNNING)
    assert_holds(lambda: client.get_orchestration_state(waiter).get_custom_status() != "locked",
                 seconds=2, what="the second transfer staying out of the critical section")

    client.raise_orchestration_event(holder, "release")
    assert complete(client, holder).get_output() == "transferred"
    waiter_state = complete(client, waiter)
    assert_completed(waiter_state)
    assert waiter_state.get_output() == "transferred"
    assert waiter_state.get_custom_status() == "unlocked"

    for key, expected in ((alice, 20), (bob, 80)):
        meta = client.get_entity(entities.EntityInstanceId(ACCOUNT, key))
        assert meta.get_typed_state(int) == expected, key
