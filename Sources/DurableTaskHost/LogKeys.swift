/// Logger metadata keys of the host module, in one place.
enum LogKeys {
    /// The method of an API request.
    static let method = "http.method"
    /// The path of an API request.
    static let path = "http.path"
    /// The error a log line reports.
    static let error = "durabletask.error"
    /// The most HTTP connections held at once.
    static let connectionLimit = "limit"
    /// HTTP connections open now.
    static let openConnections = "open"
}
