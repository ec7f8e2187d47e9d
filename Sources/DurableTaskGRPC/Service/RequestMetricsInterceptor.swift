import DurableTask
import GRPCCore
import Metrics

/// Counts sidecar calls by method and final status code (``MetricNames/grpcRequests``). A
/// streaming call is counted when its stream ends, with the code it ended with.
struct RequestMetricsInterceptor: ServerInterceptor {
    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let method = context.descriptor.method
        var response: StreamingServerResponse<Output>
        do {
            response = try await next(request, context)
        } catch {
            Self.count(method, error)
            throw error
        }
        switch response.accepted {
        case .success(var contents):
            let producer = contents.producer
            contents.producer = { writer in
                do {
                    let trailers = try await producer(writer)
                    Self.count(method, nil)
                    return trailers
                } catch {
                    Self.count(method, error)
                    throw error
                }
            }
            response.accepted = .success(contents)
        case .failure(let error):
            Self.count(method, error)
        }
        return response
    }

    private static func count(_ method: String, _ error: (any Error)?) {
        let code: String
        switch error {
        case nil: code = "ok"
        case let rpc as RPCError: code = "\(rpc.code)"
        case let convertible as any RPCErrorConvertible: code = "\(convertible.rpcErrorCode)"
        default: code = "unknown"
        }
        Counter(label: MetricNames.grpcRequests, dimensions: [("method", method), ("code", code)]).increment()
    }
}
