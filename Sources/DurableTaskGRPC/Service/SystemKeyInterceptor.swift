import GRPCCore

/// Refuses calls without the host's system key (`x-functions-key` metadata, as the management
/// HTTP API takes it), with UNAUTHENTICATED. Installed when the sidecar listens beyond loopback.
struct SystemKeyInterceptor: ServerInterceptor {
    let key: String

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let given = request.metadata[stringValues: "x-functions-key"].first(where: { _ in true }) ?? ""
        guard Self.equal(Array(given.utf8), Array(key.utf8)) else {
            throw RPCError(code: .unauthenticated, message: "missing or wrong system key: send it as x-functions-key metadata")
        }
        return try await next(request, context)
    }

    /// Compares in time that depends only on the lengths.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
