/// Derives every Redis key of a task hub, in one place. See `lua/README.md` for the data model.
///
/// Keys of partition `p` share the hash tag `{<hub>:<p>}`, so each function call touches one slot.
struct TaskHubKeys: Sendable {
    let hub: String
    let partitions: Int

    init(hub: String, partitions: Int) {
        self.hub = hub
        self.partitions = max(1, partitions)
    }

    /// The statuses in the order of `KEYS[16...23]` (lua/lib.lua's STATUS table).
    static let statusOrder = ["Pending", "Running", "Completed", "ContinuedAsNew", "Failed", "Canceled", "Terminated", "Suspended"]

    /// The partition of an instance: FNV-1a of its ID, stable across processes.
    func partition(of instanceId: String) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in instanceId.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return Int(h % UInt64(partitions))
    }

    /// The key prefix of a partition: `dt:{<hub>:<p>}:`.
    func prefix(_ partition: Int) -> String { "dt:{\(hub):\(partition)}:" }

    /// The pattern matching every key of the hub (for deleting it).
    var matchPattern: String { "dt:{\(hub):*" }

    func ready(_ p: Int) -> String { prefix(p) + "ready" }
    func queued(_ p: Int) -> String { prefix(p) + "queued" }
    func leases(_ p: Int) -> String { prefix(p) + "leases" }
    func timers(_ p: Int) -> String { prefix(p) + "timers" }
    func timerWake(_ p: Int) -> String { prefix(p) + "twake" }
    func activities(_ p: Int) -> String { prefix(p) + "act" }
    func outbox(_ p: Int) -> String { prefix(p) + "outbox" }
    func createdIndex(_ p: Int) -> String { prefix(p) + "idx:created" }
    func idIndex(_ p: Int) -> String { prefix(p) + "idx:id" }
    func nameIndex(_ p: Int, _ name: String) -> String { prefix(p) + "idx:n:" + name }
    func statusIndex(_ p: Int, _ status: String) -> String { prefix(p) + "idx:s:" + status }
    func instance(_ id: String) -> String { prefix(partition(of: id)) + "i:" + id }
    func history(_ id: String) -> String { prefix(partition(of: id)) + "h:" + id }
    func waiters(_ id: String) -> String { prefix(partition(of: id)) + "w:" + id }

    /// The `KEYS` array every instance function receives (lua/lib.lua documents the layout).
    /// - Parameter name: the orchestrator name whose index is `KEYS[13]` (functions that do not
    ///   create or purge pass `nil`; an unused key of the same partition is sent).
    func instanceKeys(_ id: String, name: String? = nil) -> [String] {
        let p = partition(of: id)
        let base = prefix(p)
        var keys = [
            base + "i:" + id, base + "h:" + id, base + "in:" + id, base + "ready", base + "queued", base + "leases",
            base + "timers", base + "twake", base + "act", base + "outbox", base + "idx:created", base + "idx:id",
            base + "idx:n:" + (name ?? ""), base + "seen", base + "w:" + id,
        ]
        keys.reserveCapacity(23)
        for status in Self.statusOrder { keys.append(base + "idx:s:" + status) }
        return keys
    }
}
