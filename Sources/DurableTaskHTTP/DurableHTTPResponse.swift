/// The answer to a durable HTTP call: status, headers and body text.
public struct DurableHTTPResponse: Codable, Sendable, Hashable {
    /// The HTTP status code.
    public var statusCode: Int
    /// Response headers. Repeated fields are joined with `", "` under the first spelling seen.
    /// Use ``header(_:)`` for a case-insensitive lookup.
    public var headers: [String: String]
    /// The body decoded as UTF-8, or `nil` when the response had no body.
    public var body: String?

    /// Creates a response.
    public init(statusCode: Int, headers: [String: String] = [:], body: String? = nil) {
        self.statusCode = statusCode
        self.headers = headers
        self.body = body
    }

    /// The value of the header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        if let exact = headers[name] { return exact }
        let key = name.lowercased()
        // Several spellings of one name would be a malformed dictionary; take the smallest key
        // so the answer does not depend on the dictionary's order.
        return headers.filter { $0.key.lowercased() == key }.min { $0.key < $1.key }?.value
    }
}
