import AsyncHTTPClient
import DurableTask
import DurableTaskHost
import DurableTaskTesting
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// A logger that discards everything.
let apiQuietLogger = Logger(label: "ManagementAPITests", factory: { _ in SwiftLogNoOpLogHandler() })

/// The event payload the test orchestrations wait for.
struct APIEventData: Codable, Sendable, Equatable {
    var n: Int
    var tag: String
}

/// Small orchestrations for the management API tests.
enum APITestOrchestrations {
    /// `APIGreet`: input a name, calls `APIEcho`, sets a custom status, completes with "Hello <name>!".
    /// `APIFail`: fails with `BoomError: boom`. `APIWaitEvent`: waits for `input` (default 1) events
    /// named `go` and completes with them. `APICallHang`: calls `APIHang`, which sleeps 120 s. `APISleep`: sleeps on a durable timer of `input` ms.
    static func register(_ r: inout TaskRegistry) {
        r.addActivity(named: "APIEcho") { _, input in input }
        r.addOrchestrator(named: "APIGreet") { ctx, input in
            let name = try PayloadCoding.decode(String.self, from: input)
            try ctx.setCustomStatus(["stage": "greeting"])
            let greeting: String = try await ctx.callActivity(named: "APIEcho", input: "Hello \(name)!")
            return try PayloadCoding.encode(greeting)
        }
        r.addOrchestrator(named: "APIFail") { _, _ in
            throw ApplicationError(type: "BoomError", message: "boom")
        }
        r.addOrchestrator(named: "APIWaitEvent") { ctx, input in
            let count = (try? PayloadCoding.decode(Int.self, from: input)) ?? 1
            var got: [APIEventData] = []
            for _ in 0..<count { got.append(try await ctx.waitForExternalEvent("go", as: APIEventData.self)) }
            return try PayloadCoding.encode(got)
        }
        r.addActivity(named: "APIHang") { _, input in
            try await Task.sleep(for: .seconds(120))
            return input
        }
        r.addOrchestrator(named: "APICallHang") { ctx, input in
            let text = try PayloadCoding.decode(String.self, from: input)
            let out: String = try await ctx.callActivity(named: "APIHang", input: text)
            return try PayloadCoding.encode(out)
        }
        r.addOrchestrator(named: "APISleep") { ctx, input in
            let ms = try PayloadCoding.decode(Int.self, from: input)
            try await ctx.createTimer(for: .milliseconds(ms))
            return try PayloadCoding.encode("slept")
        }
    }
}

/// An HTTP response, fully read.
struct APIResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? { headers.first(name: name) }

    /// The body parsed with Foundation's parser (fragments allowed).
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
    }

    /// The body as a JSON object.
    func object(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(try json() as? [String: Any], "body is not a JSON object: \(text)", sourceLocation: sourceLocation)
    }

    /// The body as a JSON array of objects.
    func array(sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        try #require(try json() as? [[String: Any]], "body is not a JSON array: \(text)", sourceLocation: sourceLocation)
    }
}

/// A running management API server on 127.0.0.1 with a worker behind it.
struct APIServer: Sendable {
    let client: DurableTaskClient
    let port: Int
    let configuration: ManagementAPI.Configuration

    var store: any OrchestrationStore { client.store }
    /// `http://127.0.0.1:<port>`.
    var origin: String { "http://127.0.0.1:\(port)" }
    /// The base URL.
    var base: String { origin + "/runtime/webhooks/durabletask" }

    /// Sends a request to `base + path` (or to `path` itself if it is a full URL).
    func send(
        _ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String? = nil,
        headers: [(String, String)] = [], chunked: Bool = false
    ) async throws -> APIResponse {
        var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body {
            let bytes = Array(body.utf8)
            request.body = chunked ? .bytes(bytes, length: .unknown) : .bytes(bytes)
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        return APIResponse(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> APIResponse {
        try await send(.GET, path, headers: headers)
    }

    func post(_ path: String, body: String? = nil, contentType: String? = nil, headers: [(String, String)] = []) async throws
        -> APIResponse
    {
        try await send(.POST, path, body: body, contentType: contentType, headers: headers)
    }

    func delete(_ path: String) async throws -> APIResponse { try await send(.DELETE, path) }

    /// Waits (bounded) until the instance has `status`.
    func waitFor(_ id: String, _ status: OrchestrationStatus, timeout: Duration = .seconds(15)) async throws -> OrchestrationMetadata {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let m = try await client.getInstance(id), m.runtimeStatus == status { return m }
            guard ContinuousClock.now < deadline else {
                let now = try await client.getInstance(id)?.runtimeStatus.rawValue ?? "missing"
                throw APITestError("instance \(id) did not become \(status.rawValue) within \(timeout) (it is \(now))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits (bounded) for the instance to finish.
    func waitDone(_ id: String) async throws -> OrchestrationMetadata {
        try await client.waitForInstanceCompletion(id, timeout: .seconds(15))
    }

    /// Starts an instance directly through the client.
    @discardableResult
    func schedule(_ name: String, id: String? = nil, input: some Encodable = NoValue()) async throws -> String {
        try await client.scheduleNewOrchestration(named: name, input: input, options: .init(instanceId: id))
    }
}

struct APITestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` against a management API served on 127.0.0.1 (port 0) by a real Hummingbird
/// server, with one worker running the test orchestrations on `store`.
func withAPIServer<R: Sendable>(
    store: any OrchestrationStore = InMemoryOrchestrationStore(),
    configuration: ManagementAPI.Configuration = .init(),
    _ body: (APIServer) async throws -> R
) async throws -> R {
    try await TestHost.run(store: store, register: APITestOrchestrations.register) { host in
        var config = configuration
        config.host = "127.0.0.1"
        config.port = 0
        if config.orchestratorNames == nil { config.orchestratorNames = Set(host.registry.orchestratorNames) }
        if config.entityNames == nil { config.entityNames = Set(host.registry.entityNames) }
        let api = ManagementAPI(client: host.client, configuration: config, logger: apiQuietLogger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try api.makeApplication { port in continuation.yield(port) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // If the server fails to start, end the port stream so the wait below ends too.
                defer { continuation.finish() }
                try await app.run()
            }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw APITestError("the server did not report a port") }
            return try await body(APIServer(client: host.client, port: port, configuration: config))
        }
    }
}

/// A response whose status, content type and body ``expectError(_:_:_:sourceLocation:)`` checks.
protocol ReadResponse {
    var status: Int { get }
    var body: [UInt8] { get }
    func header(_ name: String) -> String?
}

extension APIResponse: ReadResponse {}
extension RawHTTPResponse: ReadResponse {}

/// Checks §8.2 / row 35: a JSON body `{"error": code, "message": text}` with the JSON content type.
func expectError(
    _ response: some ReadResponse, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let text = String(decoding: response.body, as: UTF8.self)
    #expect(response.status == status, "status \(response.status), body \(text)", sourceLocation: sourceLocation)
    #expect(response.header("Content-Type") == "application/json; charset=utf-8", sourceLocation: sourceLocation)
    let object = try #require(
        try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], "body is not a JSON object: \(text)",
        sourceLocation: sourceLocation)
    #expect(object["error"] as? String == code, "body \(text)", sourceLocation: sourceLocation)
    #expect((object["message"] as? String).map { !$0.isEmpty } == true, sourceLocation: sourceLocation)
    #expect(object.count == 2, "body \(text)", sourceLocation: sourceLocation)
    #expect(!text.contains("StackTrace"), sourceLocation: sourceLocation)
}

/// A JSON string literal of `s`.
func jsonQuote(_ s: String) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed]), as: UTF8.self)
}

/// Whether `id` is 32 lowercase hex digits.
func isHex32(_ id: String) -> Bool {
    id.count == 32 && id.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
}
