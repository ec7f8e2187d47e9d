/// Logger metadata keys of the gRPC sidecar, in one place.
enum LogKeys {
    /// A remote worker's work-item stream.
    static let connection = "grpc.connection"
    /// How many held work items a disconnected worker released.
    static let released = "grpc.released"
    /// The instance a log line is about.
    static let instanceId = "instanceId"
    /// The address the sidecar binds.
    static let host = "host"
    /// Every address the sidecar binds.
    static let hosts = "hosts"
    /// The port the sidecar listens on.
    static let port = "port"
    /// The error a log line reports.
    static let error = "error"
}
