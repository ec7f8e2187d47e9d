/// Actions the code produced that history has not yet confirmed, in sequence order.
///
/// Sequence numbers are dense, so slots are indexed by `id - base`; this keeps replay free of
/// hashing. Confirmed actions leave `nil` holes that are trimmed from the front.
struct PendingActions {
    private var slots: [OrchestratorAction?] = []
    private var base = 0
    private var live = 0

    var isEmpty: Bool { live == 0 }

    mutating func append(_ action: OrchestratorAction) {
        if live == 0 {
            slots.removeAll(keepingCapacity: true)
            base = action.id
        }
        while base + slots.count < action.id { slots.append(nil) }
        slots.append(action)
        live += 1
    }

    /// Removes and returns the action with this sequence number, if pending.
    mutating func take(_ id: Int) -> OrchestratorAction? {
        let index = id - base
        guard index >= 0, index < slots.count, let action = slots[index] else { return nil }
        slots[index] = nil
        live -= 1
        return action
    }

    /// The action with this sequence number, if pending.
    func peek(_ id: Int) -> OrchestratorAction? {
        let index = id - base
        guard index >= 0, index < slots.count else { return nil }
        return slots[index]
    }

    /// Removes and returns every pending action, in sequence order.
    mutating func takeAll() -> [OrchestratorAction] {
        let all = slots.compactMap { $0 }
        removeAll()
        return all
    }

    mutating func removeAll() {
        slots.removeAll(keepingCapacity: true)
        live = 0
    }
}
