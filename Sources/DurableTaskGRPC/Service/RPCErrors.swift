import DurableTask
import GRPCCore

/// Maps the engine's errors to the gRPC status codes the Durable Task SDKs expect.
enum RPCErrors {
    static func map(_ error: any Error) -> RPCError {
        if let rpc = error as? RPCError { return rpc }
        guard let error = error as? DurableTaskError else {
            return RPCError(code: .internalError, message: "\(error)")
        }
        let code: RPCError.Code
        switch error.code {
        case .instanceAlreadyExists: code = .alreadyExists
        case .instanceNotFound, .taskHubNotFound: code = .notFound
        case .instanceCompleted, .invalidState, .leaseLost: code = .failedPrecondition
        case .invalidArgument, .serialization, .notRegistered: code = .invalidArgument
        case .timeout: code = .deadlineExceeded
        case .storeFailure: code = .unavailable
        default: code = .internalError
        }
        return RPCError(code: code, message: error.message)
    }

    /// Runs `body`, turning the engine's errors into gRPC statuses.
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw map(error) }
    }

    static func invalid(_ message: String) -> RPCError { RPCError(code: .invalidArgument, message: message) }
}
