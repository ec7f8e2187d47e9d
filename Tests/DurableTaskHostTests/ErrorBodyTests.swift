import DurableTask
import DurableTaskHost
import Foundation
import Testing

/// Every error answer of the management API's server has a JSON body, whichever layer gives it:
/// the API, Hummingbird, or the HTTP/1.1 parser below them. Sent over raw TCP, as no HTTP client
/// would send most of these requests.
@Suite("JSON error bodies from every layer", .timeLimit(.minutes(2)))
struct ErrorBodyTests {
    static let base = "/runtime/webhooks/durabletask"

    /// A chunked body with a malformed chunk size is answered 400 `malformed_request` (it was 500)
    /// and the connection is closed; the chunks before the bad one start nothing.
    @Test(arguments: [
        "zz\r\n\"Tokyo\"\r\n0\r\n\r\n",  // not hex
        "7\r\n\"Tokyo\"\r\nzz\r\n\r\n",  // a whole JSON value, then a bad chunk
        "FFFFFFFFFFFFFFFFFFFF\r\n\"Tokyo\"\r\n0\r\n\r\n",  // overflows
        "7\r\n\"Tokyo\"XY\r\n0\r\n\r\n",  // chunk longer than its size
    ])
    func malformedChunkedBody(chunks: String) async throws {
        try await withAPIServer { server in
            let connection = try await RawHTTPConnection.connect(port: server.port)
            let response = try #require(try await connection.exchange(
                "POST \(Self.base)/orchestrators/APIGreet/chunky HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + chunks))
            try expectError(response, 400, "malformed_request")
            #expect(try await connection.waitForClose(timeout: .seconds(5)))
            #expect(try await server.client.getInstance("chunky") == nil, "a malformed body started an instance")
        }
    }

    /// A body cut short by the client closing its side is malformed too.
    @Test func bodyCutShort() async throws {
        try await withAPIServer { server in
            let connection = try await RawHTTPConnection.connect(port: server.port)
            try await connection.send(
                "POST \(Self.base)/orchestrators/APIGreet/cut HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 50\r\n\r\n\"Tokyo\"")
            try await connection.finishSending()
            let response = try #require(try await connection.response())
            try expectError(response, 400, "malformed_request")
            #expect(try await server.client.getInstance("cut") == nil)
        }
    }

    /// What the HTTP/1.1 parser refuses before any routing gets a JSON 400 too.
    @Test(arguments: [
        RawRequest("not HTTP", "GARBAGE\r\n\r\n"),
        RawRequest("a header without a colon", "GET \(base)/instances HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n"),
        RawRequest("100 KB of headers", "GET \(base)/instances HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n"),
        RawRequest("a Content-Length that is no number", "POST \(base)/orchestrators/APIGreet HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n"),
        RawRequest("two Content-Lengths", "POST \(base)/orchestrators/APIGreet HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n\"a\""),
        RawRequest("a control character in the path", "GET \(base)/in\u{0001}stances HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
    ])
    func unparsableRequest(request: RawRequest) async throws {
        try await withAPIServer { server in
            let connection = try await RawHTTPConnection.connect(port: server.port)
            let response = try #require(try await connection.exchange(request.text), "no answer to \(request.name)")
            try expectError(response, 400, "malformed_request")
            #expect(try await connection.waitForClose(timeout: .seconds(5)))
        }
    }

    /// Walks many bad requests: every answer is a client error (never 5xx) with the JSON content
    /// type and a body of exactly `error` and `message`.
    @Test func everyErrorAnswerHasAJSONBody() async throws {
        let base = Self.base
        let host = "Host: 127.0.0.1\r\n"
        let json = "Content-Type: application/json\r\n"
        func post(_ path: String, _ body: String, headers: String = json) -> String {
            "POST \(base)\(path) HTTP/1.1\r\n\(host)\(headers)Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        let requests: [String] = [
            "GET / HTTP/1.1\r\n\(host)\r\n",
            "GET /nowhere HTTP/1.1\r\n\(host)\r\n",
            "GET \(base) HTTP/1.1\r\n\(host)\r\n",
            "GET \(base)/unknown HTTP/1.1\r\n\(host)\r\n",
            "GET \(base)/instances/a//b HTTP/1.1\r\n\(host)\r\n",
            "GET \(base)/instances/%zz HTTP/1.1\r\n\(host)\r\n",
            "GET \(base)/instances/missing HTTP/1.1\r\n\(host)\r\n",
            "PUT \(base)/instances HTTP/1.1\r\n\(host)Content-Length: 0\r\n\r\n",
            "PATCH \(base)/instances/x HTTP/1.1\r\n\(host)Content-Length: 0\r\n\r\n",
            "GET \(base)/orchestrators/APIGreet HTTP/1.1\r\n\(host)\r\n",
            "DELETE \(base)/orchestrators/APIGreet HTTP/1.1\r\n\(host)\r\n",
            "OPTIONS \(base)/instances HTTP/1.1\r\n\(host)\r\n",
            "TRACE \(base)/instances HTTP/1.1\r\n\(host)\r\n",
            "BREW \(base)/instances HTTP/1.1\r\n\(host)\r\n",
            "GET \(base)/instances?taskHub=other HTTP/1.1\r\n\(host)\r\n",
            "GET \(base)/instances?top=-1 HTTP/1.1\r\n\(host)\r\n",
            "GET \(base)/instances?createdTimeFrom=yesterday HTTP/1.1\r\n\(host)\r\n",
            post("/orchestrators/APIGreet", "{not json"),
            post("/orchestrators/APIGreet", "\"a\" \"b\""),
            post("/orchestrators/NoSuchOrchestrator", "1"),
            post("/orchestrators/APIGreet/bad%2Fid", "\"a\""),
            post("/orchestrators/APIGreet", String(repeating: "1", count: (1 << 20) + 1)),
            "POST \(base)/orchestrators/APIGreet HTTP/1.1\r\n\(host)\(json)Content-Length: 99999999\r\n\r\n",
            "POST \(base)/orchestrators/APIGreet HTTP/1.1\r\n\(host)\(json)Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
            "POST \(base)/orchestrators/APIGreet HTTP/1.1\r\n\(host)\(json)Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\n\"a\"\r\n0\r\n\r\n",
            post("/instances/missing/terminate", ""),
            post("/instances/missing/raiseEvent/go", "1"),
            post("/instances/missing/explode", ""),
            post("/entities/nosuchentity/k?op=add", "1"),
            "GET \(base)/entities/a/b/c HTTP/1.1\r\n\(host)\r\n",
            "GARBAGE\r\n\r\n",
            "GET \(base)/instances HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n",
            "GET \(base)/instances HTTP/1.1\r\n\(host)X-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "\u{16}\u{03}\u{01}\u{00}\u{a5}\u{01}\u{00}\u{00}\u{a1}\u{03}\u{03}\r\n\r\n",  // the start of a TLS hello
        ]
        var answered = 0
        try await withAPIServer { server in
            for request in requests {
                let label = String(request.prefix(120)).debugDescription
                let connection = try await RawHTTPConnection.connect(port: server.port)
                defer { Task { await connection.close() } }
                let response = try #require(try await connection.exchange(request), "no answer to \(label)")
                answered += 1
                #expect((400..<500).contains(response.status), "\(label): \(response.status) \(response.text)")
                #expect(response.header("Content-Type") == "application/json; charset=utf-8", "\(label): \(response.headers)")
                let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
                #expect(object?["error"] is String && object?["message"] is String && object?.count == 2, "\(label): \(response.text)")
            }
        }
        #expect(answered == requests.count)
    }
}

/// A request as raw bytes, named for the test log.
struct RawRequest: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    init(_ name: String, _ text: String) {
        self.name = name
        self.text = text
    }
    var testDescription: String { name }
}
