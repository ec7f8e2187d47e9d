import Foundation
import DurableTask
import HTTPTypes
import Hummingbird
import NIOHTTP1

/// One request on its way through a handler: the request, its query, and what the answer needs.
struct APICall {
    var request: Request
    let query: QueryParameters
    let configuration: ManagementAPI.Configuration
    /// The port the server bound, if known.
    let boundPort: Int?

    init(request: Request, query: QueryParameters, configuration: ManagementAPI.Configuration, boundPort: Int? = nil) {
        self.request = request
        self.query = query
        self.configuration = configuration
        self.boundPort = boundPort
    }

    /// `{scheme}://{authority}` of the request: its `Host`, if that is a well-formed host and
    /// port, else the configured address. A raw header is never echoed into links.
    var origin: String {
        let scheme = request.head.scheme.flatMap { $0 == "http" || $0 == "https" ? $0 : nil } ?? "http"
        let authority = request.head.authority.flatMap { Self.isWellFormedAuthority($0) ? $0 : nil }
            ?? "\(configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host):\(boundPort ?? configuration.port)"
        return "\(scheme)://\(authority)"
    }

    /// `host[:port]`: a DNS name or IPv4 address (letters, digits, `-`, `.`), or an IPv6 address in
    /// brackets, then an optional port of 1 to 5 digits.
    static func isWellFormedAuthority(_ text: String) -> Bool {
        var host = Substring(text)
        var port: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let inside = host[host.index(after: host.startIndex)..<close]
            guard !inside.isEmpty, inside.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
            let rest = host[host.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { return false }
                port = rest.dropFirst()
            }
            host = inside
        } else {
            if let colon = host.lastIndex(of: ":") {
                port = host[host.index(after: colon)...]
                host = host[..<colon]
            }
            guard !host.isEmpty, host.count <= 253,
                host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
            else { return false }
        }
        if let port { return (1...5).contains(port.count) && port.allSatisfy(\.isASCII) && port.allSatisfy(\.isNumber) }
        return true
    }

    /// The request URL as received.
    var requestURL: String { origin + (request.head.path ?? request.uri.string) }

    /// The links of the check-status payload, with the request's hub and connection (or the defaults).
    var links: CheckStatusLinks {
        CheckStatusLinks(
            origin: origin, basePath: configuration.basePath, taskHub: query["taskHub"] ?? configuration.taskHub,
            connection: query["connection"] ?? configuration.connectionName, key: configuration.systemKey)
    }

    /// The paging token of the `x-ms-continuation-token` request header, if any.
    var continuationToken: String? {
        guard let token = request.headers[APIResponses.continuationToken]?.trimmingCharacters(in: .whitespaces),
            !token.isEmpty
        else { return nil }
        return token
    }

    /// Reads the whole body, refusing more than the configured limit with `413` and a body that is
    /// not well-formed HTTP/1.1 (a malformed chunk, say) with `400 malformed_request`.
    mutating func body() async throws -> [UInt8] {
        let limit = configuration.maxBodySize
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw Self.tooLarge(limit)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw Self.tooLarge(limit)
        } catch let error as HTTPParserError {
            throw ManagementAPIError.malformedBody(error)
        }
    }

    /// The body as one JSON value, or `nil` if it is empty or whitespace.
    /// - Throws: `400 invalid_json` if it is not one JSON value; `413` if it is too large.
    mutating func jsonBody() async throws -> JSONValue? {
        let bytes = try await body()
        guard bytes.contains(where: { !(($0 == 0x20) || ($0 == 0x09) || ($0 == 0x0A) || ($0 == 0x0D)) }) else { return nil }
        do { return try JSONValue.parse(bytes) } catch { throw ManagementAPIError.invalidJSON("the body is not valid JSON: \(error)") }
    }

    private static func tooLarge(_ limit: Int) -> ManagementAPIError {
        ManagementAPIError(.contentTooLarge, .payloadTooLarge, "the request body is larger than \(limit) bytes")
    }
}
