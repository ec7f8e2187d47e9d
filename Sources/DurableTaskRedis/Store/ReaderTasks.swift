import Synchronization

/// The store's blocking readers, one task per kind of work, started when a loop first waits and
/// stopped when the worker stops or the store closes.
final class ReaderTasks: Sendable {
    /// The kinds of work a reader reads.
    enum Kind: Hashable, Sendable {
        case orchestrations
        case activities
    }

    private struct State {
        var running: [Kind: Task<Void, Never>] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    init() {}

    /// Starts the reader of `kind` unless it runs (or the store is closed).
    func ensure(_ kind: Kind, _ read: @escaping @Sendable () async -> Void) {
        state.withLock { s in
            guard !s.closed, s.running[kind] == nil else { return }
            s.running[kind] = Task { await read() }
        }
    }

    /// Cancels every reader (a blocked read is interrupted); the next waiting loop starts them
    /// again unless `closing`.
    func stopAll(closing: Bool = false) {
        let stopped = state.withLock { s -> [Task<Void, Never>] in
            if closing { s.closed = true }
            defer { s.running.removeAll() }
            return Array(s.running.values)
        }
        for task in stopped { task.cancel() }
    }
}
