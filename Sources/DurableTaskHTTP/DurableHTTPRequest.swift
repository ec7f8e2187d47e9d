/// An HTTP request an orchestration makes durably with ``DurableTask/OrchestrationContext/callHttp(_:)``.
///
/// The request is recorded in the orchestration's history (as the input of the built-in
/// activity `BuiltIn::HttpActivity`), so keep secrets out of it where you can: headers and body
/// are stored in the task hub like any other activity input.
public struct DurableHTTPRequest: Codable, Sendable, Hashable {
    /// The HTTP method, such as `"GET"` or `"POST"`. Sent upper-cased.
    public var method: String
    /// The absolute `http` or `https` URL.
    public var url: String
    /// Request headers. `Content-Length` and `Transfer-Encoding` are computed by the client and
    /// ignored here.
    public var headers: [String: String]
    /// The request body as text (sent UTF-8 encoded), or `nil` for none.
    public var body: String?
    /// How the call behaves: the asynchronous 202 pattern, timeouts, retries.
    public var options: DurableHTTPOptions

    /// Creates a request.
    public init(
        method: String = "GET", url: String, headers: [String: String] = [:], body: String? = nil,
        options: DurableHTTPOptions = DurableHTTPOptions()
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.options = options
    }

    private enum CodingKeys: String, CodingKey {
        case method, url, headers, body, options
    }

    /// Decodes a request; every field except `url` may be missing and takes its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decodeIfPresent(String.self, forKey: .method) ?? "GET"
        url = try c.decode(String.self, forKey: .url)
        headers = try c.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        body = try c.decodeIfPresent(String.self, forKey: .body)
        options = try c.decodeIfPresent(DurableHTTPOptions.self, forKey: .options) ?? DurableHTTPOptions()
    }

    /// Encodes the request.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        try c.encode(url, forKey: .url)
        try c.encode(headers, forKey: .headers)
        try c.encodeIfPresent(body, forKey: .body)
        try c.encode(options, forKey: .options)
    }
}
