import Foundation
import DurableTask
import HTTPTypes
import Hummingbird

/// One request on its way through a handler: the request, its query, and what the answer needs.
struct APICall {
    var request: Request
    let query: QueryParameters
    let configuration: ManagementAPI.Configuration

    init(request: Request, query: QueryParameters, configuration: ManagementAPI.Configuration) {
        self.request = request
        self.query = query
        self.configuration = configuration
    }

    /// `{scheme}://{authority}` of the request (the configured address if it names none).
    var origin: String {
        let scheme = request.head.scheme ?? "http"
        let authority = request.head.authority ?? "\(configuration.host):\(configuration.port)"
        return "\(scheme)://\(authority)"
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

    /// Reads the whole body, refusing more than the configured limit with `413`.
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
