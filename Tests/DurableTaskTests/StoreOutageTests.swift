import DurableTask
import DurableTaskTesting
import Foundation
import Logging
import Synchronization
import Testing

/// The in-memory store, except that leasing work fails while ``down`` is set. Counts lease calls.
final class FlakyStore: ForwardingStore {
    let inner: any OrchestrationStore = InMemoryOrchestrationStore()
    let down = Atomic<Bool>(false)
    let leaseCalls = Atomic<Int>(0)

    private func leasing() throws {
        leaseCalls.add(1, ordering: .relaxed)
        if down.load(ordering: .relaxed) { throw DurableTaskError(.storeFailure, "the store is down (test)") }
    }

    func lockNextOrchestrationWorkItem(timeout: Duration) async throws -> OrchestrationWorkItem? {
        try leasing()
        return try await inner.lockNextOrchestrationWorkItem(timeout: timeout)
    }

    func lockNextActivityWorkItem(timeout: Duration) async throws -> ActivityWorkItem? {
        try leasing()
        return try await inner.lockNextActivityWorkItem(timeout: timeout)
    }
}

@Suite("Worker during a store outage", .timeLimit(.minutes(1)))
struct StoreOutageTests {
    /// While the store fails, the dispatch loops back off (not a retry every 100 ms) and the
    /// worker says so once per loop kind; once it works again, the worker says that once and
    /// runs new work.
    @Test func dispatchLoopsBackOffAndLogOncePerStateChange() async throws {
        let store = FlakyStore()
        let recorder = LogRecorder()
        let loops = 8
        try await TestHost.run(
            store: store,
            configuration: .init(orchestrationConcurrency: loops / 2, activityConcurrency: loops / 2, lockWaitTimeout: .milliseconds(50)),
            logger: recorder.logger("worker", level: .info)
        ) { host in
            #expect(try await host.runToCompletion("Hello", input: "before").runtimeStatus == .completed)

            let mark = recorder.count
            store.down.store(true, ordering: .relaxed)
            let callsBefore = store.leaseCalls.load(ordering: .relaxed)
            let outage = Duration.seconds(3)
            try await Task.sleep(for: outage)
            let calls = store.leaseCalls.load(ordering: .relaxed) - callsBefore
            let outageLines = recorder.lines(since: mark, atLeast: .warning)
            store.down.store(false, ordering: .relaxed)

            let done = try await host.runToCompletion("Hello", input: "after")
            #expect(try done.output(as: String.self) == "Hello after!")

            // One line per loop kind when the store went down, whatever the number of loops and attempts.
            #expect(outageLines.count <= 2, "\(outageLines.count) warnings and errors: \(outageLines.prefix(10))")
            // Retrying every 100 ms, 8 loops would try 240 times in 3 s; backing off (100 ms doubling
            // to 5 s, full jitter) each tries about 6 times.
            #expect(calls <= 120, "\(calls) lease attempts in \(outage)")
            let back = recorder.lines(since: mark).filter { $0.message.contains("available again") }
            #expect(back.count == 2, "expected one 'available again' per loop kind: \(back)")
        }
    }
}
