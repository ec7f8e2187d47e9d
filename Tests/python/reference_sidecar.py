"""Runs the Durable Task SDK's reference in-memory sidecar as its own process.

    python reference_sidecar.py --port PORT [--trace FILE]

Serves `durabletask.testing.InMemoryOrchestrationBackend` (the SDK's own
`TaskHubSidecarService`) on 127.0.0.1:PORT until SIGTERM or SIGINT. conftest.py
starts it for DURABLE_PY_BACKEND=reference, so the suite can be checked against the
SDK's reference behaviour before it is pointed at `durable serve`.
"""

import argparse
import signal
import sys
import threading
import time
from concurrent import futures

import grpc
from google.protobuf import text_format

import durabletask.internal.orchestrator_service_pb2_grpc as stubs
from durabletask.testing import InMemoryOrchestrationBackend


class TraceInterceptor(grpc.ServerInterceptor):
    """Writes every RPC and its request (protobuf text, one line) to a file: handy for seeing
    exactly what the SDK's client and worker send for each feature."""

    def __init__(self, path: str):
        self._file = open(path, "a", buffering=1)
        self._lock = threading.Lock()

    def _write(self, method: str, request) -> None:
        text = text_format.MessageToString(request, as_one_line=True) if request is not None else ""
        with self._lock:
            self._file.write(f"{time.time():.3f} {method} {text}\n")

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None:
            return None
        method = handler_call_details.method.rsplit("/", 1)[-1]
        if handler.unary_unary is not None:
            inner = handler.unary_unary

            def unary_unary(request, context):
                self._write(method, request)
                return inner(request, context)
            return grpc.unary_unary_rpc_method_handler(
                unary_unary, handler.request_deserializer, handler.response_serializer)
        if handler.unary_stream is not None:
            inner_stream = handler.unary_stream

            def unary_stream(request, context):
                self._write(method, request)
                for response in inner_stream(request, context):
                    self._write(f"{method}->", response)
                    yield response
            return grpc.unary_stream_rpc_method_handler(
                unary_stream, handler.request_deserializer, handler.response_serializer)
        return handler


class LoopbackBackend(InMemoryOrchestrationBackend):
    """The reference backend, bound to loopback only and with more server threads.

    The SDK's start() binds [::]:PORT with 10 threads; every connected worker holds one
    thread for its GetWorkItems stream and every WaitForInstance* call holds another,
    so tests with several workers could starve it.
    """

    def __init__(self, port: int, trace: str | None = None):
        super().__init__(port=port)
        self._interceptors = [TraceInterceptor(trace)] if trace else []

    def start(self) -> str:
        self._shutdown_event.clear()
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=64), interceptors=self._interceptors)
        stubs.add_TaskHubSidecarServiceServicer_to_server(self, server)
        if server.add_insecure_port(f"127.0.0.1:{self._port}") == 0:
            raise RuntimeError(f"cannot bind 127.0.0.1:{self._port}")
        server.start()
        self._server = server
        return f"localhost:{self._port}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--trace", metavar="FILE", help="append every RPC and its request to FILE")
    args = parser.parse_args()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    backend = LoopbackBackend(port=args.port, trace=args.trace)
    address = backend.start()
    print(f"reference sidecar listening on {address}", flush=True)
    stop.wait()
    backend.stop(grace=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
