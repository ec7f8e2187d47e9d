import Synchronization

/// The records of recently run entities, so the next batch needs no history read.
/// Bounded: beyond capacity, an arbitrary entry is dropped (a miss only costs one read).
final class EntitySnapshotCache: Sendable {
    let capacity: Int
    private let entries = Mutex<[String: EntityTurnProcessor.Snapshot]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Removes and returns the snapshot for an entity.
    func take(_ instanceId: String) -> EntityTurnProcessor.Snapshot? {
        entries.withLock { $0.removeValue(forKey: instanceId) }
    }

    /// Stores a snapshot.
    func put(_ instanceId: String, _ snapshot: EntityTurnProcessor.Snapshot) {
        guard capacity > 0 else { return }
        entries.withLock { e in
            if e.count >= capacity, e[instanceId] == nil, let victim = e.keys.first { e.removeValue(forKey: victim) }
            e[instanceId] = snapshot
        }
    }

    func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
