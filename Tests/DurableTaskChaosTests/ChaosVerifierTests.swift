import DurableTask
import Foundation
import Testing

/// The verifier itself: it must see a duplicated result, a missing one, an unlogged run and a
/// wrong output, or the chaos scenarios could not fail.
@Suite("Chaos verifier")
struct ChaosVerifierTests {
    let now = Date()
    let fanOut = ChaosInstance(id: "f", work: .fanOut(n: 2))

    func event(_ id: Int, _ kind: HistoryEvent.Kind) -> HistoryEvent { HistoryEvent(eventId: id, timestamp: now, kind: kind) }

    func history(results: [(Int, String?)]) -> [HistoryEvent] {
        [event(-1, .executionStarted(ExecutionStartedEvent(name: "FanOut", instanceId: "f", executionId: "e", input: "2"))),
         event(0, .taskScheduled(name: "Double", input: "1", attempt: 1)),
         event(1, .taskScheduled(name: "Double", input: "2", attempt: 1))]
            + results.map { event(-1, .taskCompleted(taskScheduledId: $0.0, result: $0.1)) }
            + [event(-1, .executionCompleted(status: .completed, result: "6", failure: nil))]
    }

    func figures(_ history: [HistoryEvent], runs: [String: Int] = ["f 0": 1, "f 1": 1]) -> ChaosFigures {
        var figures = ChaosFigures(scenario: "self-test")
        ChaosVerifier(client: DurableTaskClient(store: InMemoryOrchestrationStore()), runLog: "/nonexistent")
            .checkHistory(fanOut, history, runs: runs, into: &figures)
        return figures
    }

    @Test func aCleanHistoryPasses() {
        let clean = figures(history(results: [(0, "2"), (1, "4")]), runs: ["f 0": 1, "f 1": 2])
        #expect(clean.isClean, "\(clean.problems)")
        #expect(clean.applied == 2 && clean.reruns == 1)
    }

    @Test func duplicatedMissingAndUnloggedResultsAreCaught() {
        #expect(figures(history(results: [(0, "2"), (1, "4"), (1, "4")])).duplicated == 1)
        #expect(figures(history(results: [(0, "2")])).lost == 1)
        #expect(!figures(history(results: [(0, "2"), (1, "4")]), runs: ["f 0": 1]).isClean)
        var twice = history(results: [(0, "2"), (1, "4")])
        twice.append(twice.last!)
        #expect(figures(twice).duplicated == 1)
    }

    @Test func aWrongOutputIsCaught() {
        var figures = ChaosFigures(scenario: "self-test")
        let metadata = OrchestrationMetadata(
            instanceId: "f", name: "FanOut", executionId: "e", runtimeStatus: .completed, createdAt: now, lastUpdatedAt: now, output: "7")
        ChaosVerifier(client: DurableTaskClient(store: InMemoryOrchestrationStore()), runLog: "/nonexistent")
            .checkOutput(fanOut, metadata, into: &figures)
        #expect(figures.wrong == 1)
    }
}
