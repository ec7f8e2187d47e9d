import AsyncHTTPClient
import DurableTask
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `GET /metrics` of a real `durable serve`: Prometheus text whose counters move by what a run did.
@Suite("durable serve /metrics", .serialized, .timeLimit(.minutes(3)))
struct MetricsEndpointTests {
    @Test func countersMoveByWhatTheRunDid() async throws {
        let directory = try makeTempDirectory()
        let host = try await HostProcess.start(["serve", "--port", "0", "--grpc-port", "0", "--data-dir", directory], in: directory)
        defer { host.kill9() }
        let port = try await host.waitForPort()
        let base = "http://127.0.0.1:\(port)"
        let api = base + "/runtime/webhooks/durabletask"

        let before = try await Scrape.read(base)
        // 5 FunctionChaining (3 activities each: 4 turns), 1 RetryFlaky (its activity fails twice,
        // with durable timers between attempts), and 2 signals to one entity.
        var ids: [String] = []
        for _ in 0..<5 { ids.append(try await start(api, "FunctionChaining")) }
        ids.append(try await start(api, "RetryFlaky"))
        for _ in 0..<2 { #expect(try await httpPost(api + "/entities/Counter/metrics?op=add").0 == 202) }
        for id in ids { try await waitCompleted(api, id) }
        try await Task.sleep(for: .milliseconds(300))  // the entity's batches commit
        let after = try await Scrape.read(base)

        #expect(after.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
        func delta(_ name: String, _ labels: [String: String] = [:]) -> Double {
            (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0)
        }
        #expect(delta(MetricNames.activities) == 5 * 3 + 3, "15 chain activities and RetryFlaky's 3 attempts")
        #expect(delta(MetricNames.failures, ["kind": "activity"]) == 2)
        #expect(delta(MetricNames.turns) >= 5 * 4 + 3)
        #expect(delta(MetricNames.entityBatches) >= 1)
        #expect(delta(MetricNames.entityOperations) == 2)
        #expect(delta(MetricNames.httpRequests, ["route": "start", "code": "202"]) == 6)
        #expect(delta(MetricNames.timerLateness + "_count") >= 2, "RetryFlaky's retry timers")
        #expect(delta(MetricNames.turnDuration + "_count") >= 5 * 4)
        #expect(delta(MetricNames.dispatchLatency + "_count") >= 5 * 4)
        #expect(delta(MetricNames.redisRoundTrips, ["purpose": "orchestration"]) > 0)
        #expect(delta(MetricNames.redisRoundTrips, ["purpose": "client"]) > 0)
        for partition in 0..<4 {
            #expect(after.value(MetricNames.backlogReady, ["partition": "\(partition)"]) == 0)
            #expect(after.value(MetricNames.backlogActivities, ["partition": "\(partition)"]) == 0)
        }
        #expect(after.value(MetricNames.httpRequests, ["route": "metrics", "code": "200"]) ?? 0 >= 1)
        // Names follow Prometheus conventions.
        for name in after.names {
            #expect(name.range(of: #"^durabletask_[a-z_]+$"#, options: .regularExpression) != nil, "\(name)")
        }
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0)
    }

    /// Off loopback the key rule applies to /metrics as to the API.
    @Test func metricsNeedTheKeyWhenOneIsSet() async throws {
        let directory = try makeTempDirectory()
        let host = try await HostProcess.start(
            ["serve", "--port", "0", "--grpc-port", "0", "--data-dir", directory, "--system-key", "s3cret"], in: directory)
        defer { host.kill9() }
        let port = try await host.waitForPort()
        let refused = try await Scrape.get("http://127.0.0.1:\(port)/metrics", key: nil)
        #expect(refused.status == 401)
        let allowed = try await Scrape.get("http://127.0.0.1:\(port)/metrics", key: "s3cret")
        #expect(allowed.status == 200)
        #expect(allowed.body.contains("durabletask_http_requests_total"))
    }

    private func start(_ api: String, _ name: String) async throws -> String {
        let (status, body) = try await httpPost(api + "/orchestrators/\(name)")
        #expect(status == 202)
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        return try #require(object?["id"] as? String)
    }

    private func waitCompleted(_ api: String, _ id: String) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let status = try await Scrape.get(api + "/instances/\(id)", key: nil)
            if status.body.contains("\"Completed\"") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("\(id) did not complete")
    }
}

/// One scrape of `/metrics`, parsed: sample lines `name{labels} value`.
struct Scrape {
    var samples: [(name: String, labels: [String: String], value: Double)] = []
    var contentType: String?

    static func read(_ base: String) async throws -> Scrape {
        let response = try await get(base + "/metrics", key: nil)
        #expect(response.status == 200)
        var scrape = Scrape(contentType: response.contentType)
        for line in response.body.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let key = line[..<space]
            var labels: [String: String] = [:]
            let name: Substring
            if let brace = key.firstIndex(of: "{") {
                name = key[..<brace]
                for pair in key[key.index(after: brace)...].dropLast().split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2 { labels[String(parts[0])] = String(parts[1].dropFirst().dropLast()) }
                }
            } else {
                name = key
            }
            scrape.samples.append((String(name), labels, value))
        }
        return scrape
    }

    /// The sum over samples named `name` whose labels include `labels`; `nil` if none.
    func value(_ name: String, _ labels: [String: String]) -> Double? {
        let matching = samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }

    /// The metric names (without the histogram suffixes).
    var names: Set<String> {
        Set(samples.map { $0.name.replacingOccurrences(of: #"_(bucket|sum|count)$"#, with: "", options: .regularExpression) })
    }

    static func get(_ url: String, key: String?) async throws -> (status: Int, body: String, contentType: String?) {
        var request = HTTPClientRequest(url: url)
        if let key { request.headers.add(name: "x-functions-key", value: key) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body), response.headers.first(name: "Content-Type"))
    }
}
