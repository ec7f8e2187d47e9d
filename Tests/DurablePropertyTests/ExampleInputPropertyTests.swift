@testable import DurableExamples
import DurableTask
import DurableTaskTesting
import Foundation
import PropertyBased
import Testing

/// The examples that take numbers, run on the in-memory store with numbers from all over the
/// range of `Int` and `Double`: each instance either does its job or fails with `InvalidInput`
/// naming the field, as an oracle written from the documented limits predicts. A trap would
/// end the test process.
@Suite("Property: example inputs", .timeLimit(.minutes(2)))
struct ExampleInputPropertyTests {
    static let maxSeconds = DurableTime.maxDelaySeconds

    func withExamples(_ body: (TestHost) async throws -> Void) async throws {
        try await TestHost.run(store: InMemoryOrchestrationStore(), register: { ExampleCatalog.register(into: &$0) }, body)
    }

    func run(_ host: TestHost, _ name: String, _ input: some Encodable & Sendable) async throws -> OrchestrationMetadata {
        try await host.runToCompletion(name, input: input, timeout: .seconds(10))
    }

    func expectInvalid(_ done: OrchestrationMetadata, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(done.runtimeStatus == .failed, sourceLocation: sourceLocation)
        #expect(done.failureDetails?.errorType == InvalidInput.errorType, sourceLocation: sourceLocation)
        #expect(done.failureDetails?.errorMessage.contains(text) == true, "\(String(describing: done.failureDetails))",
                sourceLocation: sourceLocation)
    }

    @Test func checkedArithmeticMatchesWideArithmetic() async {
        await propertyCheck(count: 2000, input: Extreme.ints, Extreme.ints) { a, b in
            let representable = Int128(Int.min)...Int128(Int.max)
            let sum: Int128 = Int128(a) + Int128(b)
            let product: Int128 = Int128(a) * Int128(b)
            let checkedSum: Int128? = (try? CheckedInput.sum(a, b, "")).map { Int128($0) }
            let checkedProduct: Int128? = (try? CheckedInput.product(a, b, "")).map { Int128($0) }
            #expect(checkedSum == (representable.contains(sum) ? sum : nil))
            #expect(checkedProduct == (representable.contains(product) ? product : nil))
        }
    }

    @Test func acceptedSecondsMakeDurations() async {
        await propertyCheck(count: 2000, input: Extreme.doubles) { seconds in
            guard let accepted = try? CheckedInput.seconds(seconds, named: "s") else {
                #expect(!(seconds >= 0 && seconds <= Self.maxSeconds))
                return
            }
            #expect(Duration.seconds(accepted) <= .seconds(Int64(Self.maxSeconds)))
        }
    }

    @Test func fanOutFanIn() async throws {
        let counts = generator { (rng: inout Randomness) -> Int in
            Bool.random(using: &rng) ? Int.random(in: -3...12, using: &rng) : Extreme.int(using: &rng)
        }
        try await withExamples { host in
            await propertyCheck(count: 40, input: counts) { n in
                guard !(13...GetWorkItems.maxItems).contains(n) else { return }  // valid, but slow to run
                let done = try await run(host, "FanOutFanIn", n)
                if n >= 1 {
                    #expect(try done.output(as: Int.self) == n * (n + 1))
                } else {
                    expectInvalid(done, "the item count n must be between 1 and 10000, got \(n)")
                }
            }
        }
    }

    @Test func budgetApproval() async throws {
        let timeouts = generator { (rng: inout Randomness) -> Double in Extreme.finiteDouble(using: &rng) }
        try await withExamples { host in
            await propertyCheck(count: 40, input: timeouts) { seconds in
                let id = try await host.client.scheduleNewOrchestration(named: "BudgetApproval", input: BudgetApprovalInput(timeoutSeconds: seconds))
                try await host.client.raiseEvent(id, name: "Approval", payload: true)
                let done = try await host.client.waitForInstanceCompletion(id, timeout: .seconds(10))
                if seconds >= 0 && seconds <= Self.maxSeconds {
                    // A timeout that ends before the event arrives escalates.
                    #expect(["Approved", "Escalated"].contains(try done.output(as: String.self)), "\(seconds)")
                } else {
                    expectInvalid(done, "timeoutSeconds must be between 0.0 and 315576000000.0 seconds (10,000 years), got \(seconds)")
                }
            }
        }
    }

    @Test func monitorJobStatus() async throws {
        let inputs = generator { (rng: inout Randomness) -> MonitorJobInput in
            MonitorJobInput(
                jobId: "j", pollingIntervalSeconds: Extreme.finiteDouble(using: &rng), expirySeconds: Extreme.finiteDouble(using: &rng),
                completeAfterPolls: 1)
        }
        try await withExamples { host in
            await propertyCheck(count: 40, input: inputs) { input in
                let done = try await run(host, "MonitorJobStatus", input)
                if !(input.pollingIntervalSeconds >= 0.001 && input.pollingIntervalSeconds <= Self.maxSeconds) {
                    expectInvalid(done, "pollingIntervalSeconds must be between 0.001 and 315576000000.0 seconds")
                } else if !(input.expirySeconds >= 0 && input.expirySeconds <= Self.maxSeconds) {
                    expectInvalid(done, "expirySeconds must be between 0.0 and 315576000000.0 seconds")
                } else {
                    #expect(try done.output(as: String.self) == "Completed", "the job completes at its first poll")
                }
            }
        }
    }

    @Test func periodicCleanup() async throws {
        let inputs = generator { (rng: inout Randomness) -> PeriodicCleanupInput in
            let generation = Bool.random(using: &rng) ? Int.random(in: -2...5, using: &rng) : Extreme.int(using: &rng)
            var interval = Extreme.int(using: &rng)
            if (0...PeriodicCleanup.maxIntervalMs).contains(interval) { interval %= 3 }  // valid, and short
            // One generation when valid: the first one done reaches the maximum.
            let max = generation >= 0 && generation < .max ? generation + 1 : Extreme.int(using: &rng)
            return PeriodicCleanupInput(intervalMs: interval, maxGenerations: max, generation: generation)
        }
        try await withExamples { host in
            await propertyCheck(count: 40, input: inputs) { input in
                let done = try await run(host, "PeriodicCleanup", input)
                let generation = input.generation ?? 0
                if generation < 0 {
                    expectInvalid(done, "generation must be at least 0, got \(generation)")
                } else if generation == .max {
                    expectInvalid(done, "the next generation: 9223372036854775807 + 1 overflows Int")
                } else if !(0...PeriodicCleanup.maxIntervalMs).contains(input.intervalMs) {
                    expectInvalid(done, "intervalMs must be between 0 and 315576000000000, got \(input.intervalMs)")
                } else {
                    #expect(try done.output(as: Int.self) == generation + 1)
                }
            }
        }
    }

    @Test func bankTransfer() async throws {
        try await withExamples { host in
            await propertyCheck(count: 40, input: Extreme.ints) { amount in
                // Fresh, empty accounts: only 0 can move.
                let key = UUID().uuidString
                let done = try await run(host, "BankTransfer", TransferInput(from: "a" + key, to: "b" + key, amount: amount))
                switch amount {
                case ..<0: expectInvalid(done, "amount must be at least 0, got \(amount)")
                case 0: #expect(try done.output(as: String.self) == "transferred")
                default: #expect(try done.output(as: String.self) == "insufficient funds")
                }
            }
        }
    }
}
