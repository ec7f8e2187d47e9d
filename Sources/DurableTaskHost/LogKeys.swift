/// Logger metadata keys of the management API, in one place.
enum APILogKeys {
    static let method = "http.method"
    static let path = "http.path"
    static let error = "durabletask.error"
}
