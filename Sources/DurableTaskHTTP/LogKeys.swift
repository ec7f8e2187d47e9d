/// Logger metadata keys of the durable HTTP module, in one place.
enum LogKeys {
    static let method = "durabletask.http.method"
    static let url = "durabletask.http.url"
    static let status = "durabletask.http.status"
    static let attempt = "durabletask.http.attempt"
    static let polls = "durabletask.http.polls"
}
