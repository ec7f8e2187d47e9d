package import DurableTask
import Foundation

/// Entity locks are granted only to live orchestrations, and an operator can break a stuck one.
extension ConformanceSuite {
    static var entityLocks: [ConformanceScenario] {
        [
            ConformanceScenario("a lock request that no live orchestration made is dropped and cannot wedge the entity") { make in
                try await withHost(make) { host in
                    let counter = TestCounter.id("forged")
                    let finished = try await host.runToCompletion("Hello", input: "done")
                    // Requests written straight into the store, as a forger with store access would:
                    // from an instance that never existed, and from one that has finished.
                    try await forgeLock(on: counter, from: "no-such-orchestration", host.store)
                    try await forgeLock(on: counter, from: finished.instanceId, host.store)
                    try await host.client.signalEntity(counter, operation: "add", input: 3)
                    try await waitUntil("the signal after the forged locks") {
                        try await host.client.getEntity(counter)?.state(as: TestCounter.State.self).value == 3
                    }
                    try requireEqual(try await host.client.getEntity(counter)?.lockedBy, nil)
                }
            },
            ConformanceScenario("an operator breaks a stuck entity lock; the break is recorded and the queue runs") { make in
                try await withHost(make) { host in
                    let counter = TestCounter.id("stuck")
                    try await host.client.signalEntity(counter, operation: "add", input: 1)
                    try await waitUntil("the first add") { try await host.client.getEntity(counter)?.state != nil }
                    // A live orchestration that holds the lock and will never release it.
                    let holder = try await host.client.scheduleNewOrchestration(named: "WaitEvent", input: 1)
                    try await waitUntil("the holder runs") { try await host.client.getInstance(holder)?.runtimeStatus == .running }
                    try await forgeLock(on: counter, from: holder, host.store)
                    try await waitUntil("the lock") { try await host.client.getEntity(counter)?.lockedBy == holder }
                    try await host.client.signalEntity(counter, operation: "add", input: 2)
                    try await waitUntil("the signal waits") { try await host.client.getEntity(counter)?.backlog == 1 }
                    try await host.client.breakEntityLock(counter, reason: "holder stuck (ticket 42)")
                    try await waitUntil("the queued signal runs") {
                        try await host.client.getEntity(counter)?.state(as: TestCounter.State.self).value == 3
                    }
                    let entity = try await host.client.getEntity(counter)
                    try requireEqual(entity?.lockedBy, nil)
                    try requireEqual(entity?.lockBreaks.count, 1)
                    try requireEqual(entity?.lockBreaks.first?.holder, holder)
                    try requireEqual(entity?.lockBreaks.first?.reason, "holder stuck (ticket 42)")
                }
            },
        ]
    }

    /// Writes a lock request for `entity` alone, in `parent`'s name, straight into the store.
    package static func forgeLock(on entity: EntityID, from parent: String, _ store: any OrchestrationStore) async throws {
        let request = EntityRequest(
            kind: .lock, requestId: RandomIdentifier.uuidString(), parent: parent, lockSet: [entity.instanceId], position: 0)
        try await store.sendMessage(try request.message(to: entity, at: Date()))
    }
}
