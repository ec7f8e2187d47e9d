@testable import DurableTask
import DurableTaskTesting
import Foundation
import Testing

/// `newGUID()` is RFC 4122 version 5 with the Python Durable Task SDK's namespace and name format.
///
/// The expected values were computed with CPython 3.11's `uuid` module and checked with the real
/// SDK (durabletask 1.12.0, the version Tests/python pins):
/// ```python
/// import uuid, datetime, durabletask.worker as w
/// ns = uuid.uuid5(uuid.NAMESPACE_OID, "9e952958-5e33-4daf-827f-2fa12937b875")
/// uuid.uuid5(ns, "test-instance_2023-11-14T22:13:21.123456Z_0")  # f8975409-…
/// ctx = w._RuntimeOrchestrationContext("test-instance", w._Registry(), None)
/// ctx.current_utc_datetime = datetime.datetime(2023, 11, 14, 22, 13, 21, 123456)
/// ctx.new_uuid(), ctx.new_uuid()  # f8975409-…, 5e450b32-…
/// ```
@Suite("Deterministic GUIDs")
struct DeterministicGUIDTests {
    /// RFC 4122 Appendix C namespaces.
    static let dns = UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")!
    static let url = UUID(uuidString: "6ba7b811-9dad-11d1-80b4-00c04fd430c8")!

    /// Python's `uuid.uuid5(NAMESPACE_DNS, "python.org")` (its documentation's example) and
    /// `uuid.uuid5(NAMESPACE_URL, "http://python.org/")`, and `uuid.uuid5(NAMESPACE_OID,
    /// "9e952958-5e33-4daf-827f-2fa12937b875")`, the SDK's namespace.
    @Test(arguments: [
        (dns, "python.org", "886313e1-3b8a-5372-9b90-0c9aee199e5d"),
        (url, "http://python.org/", "4c565f0d-3f5a-5890-b41b-20cf47701c5e"),
        (DeterministicGUID.oidNamespace, "9e952958-5e33-4daf-827f-2fa12937b875", "5bf3dc27-d91d-5ea7-9c3e-9f1f2ae7c309"),
    ])
    func version5MatchesKnownVectors(namespace: UUID, name: String, expected: String) {
        #expect(DeterministicGUID.version5(namespace: namespace, name: name).uuidString.lowercased() == expected)
    }

    @Test func orchestrationNamespaceIsTheSDKs() {
        #expect(DeterministicGUID.oidNamespace.uuidString.lowercased() == "6ba7b812-9dad-11d1-80b4-00c04fd430c8")
        #expect(DeterministicGUID.orchestrationNamespace.uuidString.lowercased() == "5bf3dc27-d91d-5ea7-9c3e-9f1f2ae7c309")
    }

    /// The name format (`{id}_{%Y-%m-%dT%H:%M:%S.%fZ}_{counter}`) and its GUID, from Python as
    /// above: a non-ASCII ID, leap days (1600 is one in the proleptic Gregorian calendar), a time
    /// before 1970 and the ends of the time range (a time beyond it is clamped, as the engine keeps
    /// times). (CPython on glibc prints year 1 as `1`; we pad
    /// to four digits, so that row has no GUID from Python.)
    @Test(arguments: [
        ("commande-é✓", 1_709_164_800.0, 0, "commande-é✓_2024-02-29T00:00:00.000000Z_0", "28d77fd7-c754-5c27-a33f-312b481b821e"),
        ("leap", -11_670_955_199.75, 0, "leap_1600-02-29T12:00:00.250000Z_0", "ea2d7a11-f146-51b4-818d-56f3f5579890"),
        ("before-1970", -1.5, 1, "before-1970_1969-12-31T23:59:58.500000Z_1", "fbdd0f29-9359-5b0a-a21f-22914d414aca"),
        ("x", -62_135_596_800, 12, "x_0001-01-01T00:00:00.000000Z_12", nil),
        ("x", 253_402_300_799, 7, "x_9999-12-31T23:59:59.000000Z_7", "2999e9c7-0db4-58ff-8ecf-9c89388be34d"),
        ("x", 1e300, 7, "x_9999-12-31T23:59:59.000000Z_7", "2999e9c7-0db4-58ff-8ecf-9c89388be34d"),
        ("test-instance", 1_700_000_001.123456, 3, "test-instance_2023-11-14T22:13:21.123456Z_3", "416eaaf7-a596-5071-aedc-13cf5918df35"),
    ] as [(String, Double, Int, String, String?)])
    func orchestrationNameAndGUID(id: String, seconds: Double, counter: Int, name: String, guid: String?) {
        let time = Date(timeIntervalSince1970: seconds)
        #expect(DeterministicGUID.orchestrationName(instanceId: id, time: time, counter: counter) == name)
        if let guid {
            #expect(DeterministicGUID.orchestrationGUID(instanceId: id, time: time, counter: counter).uuidString.lowercased() == guid)
        }
    }

    /// Two GUIDs in the first turn, one in the second. Values from Python as above, for instance
    /// "test-instance" and turn times 2023-11-14T22:13:21.123456Z and …22.123456Z.
    static let expected = [
        "f8975409-525c-5e19-8dd8-fe6418ef4661",  // turn 1, counter 0
        "5e450b32-f52a-5ec1-ab3e-81d47a8b4b2a",  // turn 1, counter 1
        "1367a4a9-5544-5ed3-9a05-a5934c8a46c4",  // turn 2, counter 2
    ]

    static let threeGUIDs: OrchestratorFunction = { ctx, _ in
        let first = [ctx.newGUID(), ctx.newGUID()]
        let _: Int = try await ctx.callActivity(named: "Add", input: 1)
        return try PayloadCoding.encode((first + [ctx.newGUID()]).map { $0.uuidString.lowercased() })
    }

    /// Through the runner, at fixed turn times: the first run, a cached runner and a replay from
    /// scratch give the SDK's GUIDs.
    @Test func replayedOrchestrationGivesTheSDKsGUIDs() throws {
        for cachedRunner in [false, true] {
            var driver = RunnerDriver(["GUIDs": Self.threeGUIDs])
            driver.clock = Date(timeIntervalSince1970: 1_700_000_000.123456)
            let runner = driver.makeRunner()
            defer { runner.abandon() }
            func turn(_ events: [HistoryEvent]) -> OrchestrationTurnOutcome {
                cachedRunner ? driver.cachedTurn(runner, events) : driver.replayTurn(events)
            }
            let first = turn([driver.start("GUIDs")])
            let scheduled = try #require(first.actions.first)
            let second = turn([driver.event(.taskCompleted(taskScheduledId: scheduled.id, result: "2"))])
            let done = try #require(second.completion)
            #expect(done.status == .completed, "\(done.failureDetails?.description ?? "")")
            #expect(try PayloadCoding.decode([String].self, from: done.result) == Self.expected, "cached runner: \(cachedRunner)")
        }
    }

    /// Through workers and the in-memory store, with and without the runner cache (without it,
    /// the second turn replays the first from stored history): each GUID is the version-5 UUID of
    /// the instance ID, the stored turn time printed to the microsecond, and the counter.
    @Test(arguments: [0, 100])
    func orchestrationOnTestHostGivesTheSDKsGUIDs(runnerCacheCapacity: Int) async throws {
        let id = "guid-host-\(runnerCacheCapacity)"
        try await TestHost.run(
            store: InMemoryOrchestrationStore(),
            configuration: .init(runnerCacheCapacity: runnerCacheCapacity, lockWaitTimeout: .milliseconds(100)),
            register: { r in
                r.addOrchestrator(named: "GUIDs", Self.threeGUIDs)
                r.addActivity(named: "Add") { _, input in String(try PayloadCoding.decode(Int.self, from: input) + 1) }
            }
        ) { host in
            let done = try await host.runToCompletion("GUIDs", instanceId: id)
            #expect(done.runtimeStatus == .completed, "\(done.failureDetails?.description ?? "")")
            let guids = try done.output(as: [String].self)

            // The turn times: the orchestratorStarted before the first event and before the task's result.
            let history = try await host.client.getHistory(id)
            var turnTime: Date?
            var times: [Date] = []
            for event in history {
                switch event.kind {
                case .orchestratorStarted: turnTime = event.timestamp
                case .executionStarted, .taskCompleted: times.append(try #require(turnTime))
                default: break
                }
            }
            try #require(times.count == 2)
            let names = [(times[0], 0), (times[0], 1), (times[1], 2)].map { "\(id)_\(Self.pythonTime($0.0))_\($0.1)" }
            let expected = names.map {
                DeterministicGUID.version5(namespace: DeterministicGUID.orchestrationNamespace, name: $0).uuidString.lowercased()
            }
            #expect(guids == expected)
        }
    }

    /// Python's `strftime("%Y-%m-%dT%H:%M:%S.%fZ")` of a recent time, written independently of the engine's.
    static func pythonTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let whole = Date(timeIntervalSince1970: Double(micros / 1_000_000))
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: whole)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!,
            Int(micros % 1_000_000))
    }
}
