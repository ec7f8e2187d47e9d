import DurableTask
import DurableTaskRedisServer
import DurableTaskRedisTestSupport
import DurableTaskTesting
import Foundation

/// One orchestration the chaos load starts, and what it must produce.
struct ChaosInstance: Sendable {
    enum Work: Sendable {
        /// "FanOut": n activities "Double"; output n*(n+1).
        case fanOut(n: Int)
        /// "Transfer" between two TestAccounts; output "transferred" or "insufficient funds".
        case transfer(TestTransfer)
        /// "EntitySignals": `count` signals "add 1" to TestCounter `key`; no output.
        case signals(key: String, count: Int)
    }

    var id: String
    var work: Work

    var name: String {
        switch work {
        case .fanOut: "FanOut"
        case .transfer: "Transfer"
        case .signals: "EntitySignals"
        }
    }
}

/// The load of a scenario: a mix of fan-outs, bank transfers between funded accounts (whose total
/// must not change) and entity signals (each counter must end at the number of signals sent).
struct ChaosPlan: Sendable {
    static let accounts = ["a0", "a1", "a2", "a3"]
    static let counters = ["c0", "c1", "c2"]
    static let initialBalance = 1_000

    var instances: [ChaosInstance]

    init(prefix: String, count: Int) {
        instances = (0..<count).map { i in
            let id = "\(prefix)-\(i)"
            switch i % 4 {
            case 0, 1:
                return ChaosInstance(id: id, work: .fanOut(n: 1 + (i * 7) % 10))
            case 2:
                let from = (i / 4) % Self.accounts.count
                let to = (from + 1 + i % 3) % Self.accounts.count
                let transfer = TestTransfer(from: Self.accounts[from], to: Self.accounts[to], amount: 10 + i % 40)
                return ChaosInstance(id: id, work: .transfer(transfer))
            default:
                return ChaosInstance(id: id, work: .signals(key: Self.counters[i % Self.counters.count], count: 1 + i % 5))
            }
        }
    }

    /// Deposits the initial balance into every account (signals; applied once each).
    static func fund(_ client: DurableTaskClient) async throws {
        for account in accounts {
            try await client.signalEntity(TestAccount.id(account), operation: "deposit", input: initialBalance)
        }
    }

    /// Starts `instance` under its fixed ID. A start that failed (a dropped connection, a server
    /// restarting) is retried with the same ID: the retry finds the instance if the first attempt
    /// created it. Returns once the store acknowledged the start.
    static func start(_ instance: ChaosInstance, _ client: DurableTaskClient, retryFor timeout: Duration) async throws {
        let options = DurableTaskClient.StartOptions(instanceId: instance.id, reusePolicy: .useExisting)
        try await retrying(for: timeout) {
            switch instance.work {
            case .fanOut(let n):
                _ = try await client.scheduleNewOrchestration(named: instance.name, input: n, options: options)
            case .transfer(let transfer):
                _ = try await client.scheduleNewOrchestration(named: instance.name, input: transfer, options: options)
            case .signals(let key, let count):
                struct Input: Encodable { var key: String; var count: Int }
                _ = try await client.scheduleNewOrchestration(named: instance.name, input: Input(key: key, count: count), options: options)
            }
        }
    }

    /// Starts every instance, spread evenly over `duration` so the load lasts through the chaos.
    /// Returns the instances whose start was acknowledged.
    func startPaced(_ client: DurableTaskClient, over duration: Duration, retryFor timeout: Duration = .seconds(30)) async throws
        -> [ChaosInstance]
    {
        let gap = duration / max(1, instances.count)
        var accepted: [ChaosInstance] = []
        for instance in instances {
            try await Self.start(instance, client, retryFor: timeout)
            accepted.append(instance)
            try await Task.sleep(for: gap)
        }
        return accepted
    }
}
