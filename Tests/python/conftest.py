"""Fixtures for the end-to-end tests of the gRPC sidecar with the Durable Task Python SDK.

The sidecar under test is chosen by the environment variable DURABLE_PY_BACKEND:

* ``durable`` (default): our host, ``durable serve``, started as a real process with its
  own embedded redis-server in a fresh data directory. The binary is $DURABLE_BIN, else
  ``$(swift build --show-bin-path)/durable``. Extra arguments may be appended with
  $DURABLE_SERVE_ARGS (split like a shell would).
* ``reference``: the SDK's in-memory reference sidecar (``durabletask.testing``), run as
  a separate process by reference_sidecar.py. It validates the tests themselves. With
  $DURABLE_PY_REFERENCE_TRACE=FILE it appends every RPC and its request to FILE.

One sidecar serves the whole session. Each test starts its own workers (``worker`` /
``make_worker``) and names its orchestrations, activities, entities and instances
uniquely (see support.py), so tests cannot pick up each other's work.
"""

from __future__ import annotations

import atexit
import logging
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2

import durabletask.internal.orchestrator_service_pb2_grpc as stubs
from durabletask.client import TaskHubGrpcClient
from durabletask.worker import TaskHubGrpcWorker

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
BACKENDS = ("durable", "reference")
BACKEND = os.environ.get("DURABLE_PY_BACKEND", "durable").strip().lower() or "durable"

READY_TIMEOUT = 60.0      # seconds for the sidecar to accept a Hello
STOP_GRACE = 10.0         # seconds between SIGTERM and SIGKILL
LOG_TAIL_LINES = 60


# --------------------------------------------------------------------------- markers

def pytest_configure(config: pytest.Config) -> None:
    if BACKEND not in BACKENDS:
        raise pytest.UsageError(
            f"DURABLE_PY_BACKEND={BACKEND!r}: use one of {', '.join(BACKENDS)}")
    config.addinivalue_line(
        "markers",
        "durable_only(reason): needs `durable serve` itself; skipped under the reference backend")
    config.addinivalue_line(
        "markers",
        "reference_xfail(reason): the SDK's reference sidecar lacks this feature; "
        "xfail (not strict) under the reference backend only, a normal test under durable")


def pytest_report_header(config: pytest.Config) -> str:
    return f"sidecar backend: {BACKEND} (DURABLE_PY_BACKEND)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND != "reference":
        return
    for item in items:
        marker = item.get_closest_marker("durable_only")
        if marker is not None:
            why = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(
                reason=f"durable_only: needs `durable serve` (DURABLE_PY_BACKEND=durable). {why}".strip()))
        marker = item.get_closest_marker("reference_xfail")
        if marker is not None:
            why = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.xfail(
                reason=f"reference sidecar: {why}", strict=False))


# --------------------------------------------------------------------------- the sidecar process

def free_port() -> int:
    """A port that was free on 127.0.0.1 a moment ago (bind port 0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _durable_binary() -> Path:
    explicit = os.environ.get("DURABLE_BIN", "").strip()
    if explicit:
        path = Path(explicit)
        if not (path.is_file() and os.access(path, os.X_OK)):
            pytest.exit(f"DURABLE_BIN={explicit} is not an executable file", returncode=4)
        return path
    try:
        out = subprocess.run(
            ["swift", "build", "--show-bin-path"], cwd=REPO_ROOT, capture_output=True,
            text=True, timeout=120, check=True)
    except (OSError, subprocess.SubprocessError) as error:
        pytest.exit(
            "cannot find the durable binary: set DURABLE_BIN, or make `swift build --show-bin-path` "
            f"work in {REPO_ROOT} ({error})", returncode=4)
    path = Path(out.stdout.strip()) / "durable"
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.exit(
            f"the durable binary is missing: {path} does not exist. Build it first "
            f"(`swift build --product durable` in {REPO_ROOT}) or point DURABLE_BIN at one. "
            "To check the tests against the SDK's reference sidecar instead, run with "
            "DURABLE_PY_BACKEND=reference.", returncode=4)
    return path


class Sidecar:
    """The sidecar process: start, readiness, stop by PID, kill -9 and restart on the same port."""

    def __init__(self, backend: str, workdir: Path, binary: Path | None = None):
        self.backend = backend
        self.workdir = workdir
        self.port = free_port()
        self.address = f"localhost:{self.port}"
        # The management HTTP API of durable serve, on a port of its own.
        self.http_port = free_port()
        while self.http_port == self.port:
            self.http_port = free_port()
        self.http_base = f"http://127.0.0.1:{self.http_port}/runtime/webhooks/durabletask"
        self.log_path = workdir / f"{backend}-sidecar.log"
        self.data_dir = workdir / "data"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        if backend == "durable":
            assert binary is not None
            self.command = [
                str(binary), "serve",
                "--port", str(self.http_port),
                "--grpc-port", str(self.port),
                "--data-dir", str(self.data_dir),
                "--log-level", "warning",
                *shlex.split(os.environ.get("DURABLE_SERVE_ARGS", "")),
            ]
        else:
            self.command = [sys.executable, str(HERE / "reference_sidecar.py"), "--port", str(self.port)]
            trace = os.environ.get("DURABLE_PY_REFERENCE_TRACE", "").strip()
            if trace:  # every RPC the SDK makes, with its request, appended to this file
                self.command += ["--trace", str(Path(trace).resolve())]

    # ---- lifecycle

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "sidecar already running"
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== start #{self.starts}: {shlex.join(self.command)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                self.command, cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready()

    def _wait_ready(self) -> None:
        """Until the port accepts a connection and a Hello RPC succeeds, up to READY_TIMEOUT."""
        assert self.process is not None
        deadline = time.monotonic() + READY_TIMEOUT
        last_error = "no attempt yet"
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                self._startup_failed(f"the sidecar exited with status {code} before it was ready")
            try:
                with socket.create_connection(("localhost", self.port), timeout=0.5):
                    pass
                with grpc.insecure_channel(self.address) as channel:
                    stubs.TaskHubSidecarServiceStub(channel).Hello(empty_pb2.Empty(), timeout=2)
                return
            except (OSError, grpc.RpcError) as error:
                last_error = str(error).splitlines()[0] if str(error) else type(error).__name__
            time.sleep(0.1)
        self.stop()
        self._startup_failed(
            f"the sidecar did not answer Hello on {self.address} within {READY_TIMEOUT:.0f} s "
            f"(last error: {last_error})")

    def _startup_failed(self, why: str) -> None:
        pytest.exit(
            f"{why}\ncommand: {shlex.join(self.command)}\nlog: {self.log_path}\n"
            f"--- last lines of the log ---\n{self.log_tail()}", returncode=1)

    def stop(self) -> int | None:
        """SIGTERM by PID, SIGKILL after STOP_GRACE seconds. Returns the exit status."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_GRACE)
        return process.returncode

    def kill(self) -> None:
        """kill -9 by PID and reap it. The embedded redis-server (a child) is left running,
        as after a real crash; the next start in the same data directory stops it."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=STOP_GRACE)

    def restart(self) -> None:
        """Start again with the same data directory and gRPC port."""
        self.start()

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # ---- diagnostics and cleanup

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop_leftover_redis(self) -> None:
        """Stops a redis-server still recorded in the data directory (e.g. after a kill -9 with
        no restart). Only that PID, and only if it is a redis-server of this data directory."""
        pid_file = self.data_dir / "redis.pid"
        try:
            pid = int(pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            return
        if "redis-server" in cmdline and str(self.data_dir) in cmdline:
            os.kill(pid, signal.SIGKILL)


_SIDECAR: Sidecar | None = None


@pytest.fixture(scope="session")
def sidecar(request: pytest.FixtureRequest) -> Iterator[Sidecar]:
    """The session's sidecar process (see the module docstring for the backends)."""
    global _SIDECAR
    binary = _durable_binary() if BACKEND == "durable" else None
    # Short path: the embedded redis-server's unix socket lives in the data directory.
    workdir = Path(tempfile.mkdtemp(prefix=f"dtpy-{BACKEND}-"))
    process = Sidecar(BACKEND, workdir, binary)
    _SIDECAR = process

    def last_resort() -> None:  # pytest killed mid-session: never leave the sidecar behind
        if process.is_running():
            process.process.kill()  # type: ignore[union-attr]
    atexit.register(last_resort)

    process.start()
    try:
        yield process
    finally:
        status = process.stop()
        process.stop_leftover_redis()
        _SIDECAR = None
        atexit.unregister(last_resort)
        if request.session.testsfailed:
            print(f"\nsidecar log and data kept in {workdir} (exit status {status})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def http_base(sidecar: Sidecar) -> str:
    """The base URL of durable serve's management HTTP API (``.../runtime/webhooks/durabletask``)."""
    return sidecar.http_base


@pytest.fixture(scope="session")
def sidecar_address(sidecar: Sidecar) -> str:
    """``localhost:<port>`` of the session's sidecar."""
    return sidecar.address


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    if report.failed and _SIDECAR is not None:
        report.sections.append((
            f"{_SIDECAR.backend} sidecar log (last {LOG_TAIL_LINES} lines of {_SIDECAR.log_path})",
            _SIDECAR.log_tail()))


# --------------------------------------------------------------------------- SDK objects

@pytest.fixture
def client(sidecar_address: str) -> Iterator[TaskHubGrpcClient]:
    """A TaskHubGrpcClient on the session's sidecar, closed after the test."""
    c = TaskHubGrpcClient(host_address=sidecar_address, logger=logging.getLogger("durabletask.client"))
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def stub(sidecar_address: str) -> Iterator[stubs.TaskHubSidecarServiceStub]:
    """The raw TaskHubSidecarService stub on its own channel, for the RPCs and fields the SDK's
    client does not expose (and to see status codes as they are). Closed after the test."""
    with grpc.insecure_channel(sidecar_address) as channel:
        yield stubs.TaskHubSidecarServiceStub(channel)


@pytest.fixture
def make_worker(sidecar_address: str) -> Iterator[Callable[..., TaskHubGrpcWorker]]:
    """A factory of TaskHubGrpcWorkers on the session's sidecar. The test registers its
    functions and calls start(); every worker it made is stopped after the test."""
    workers: list[TaskHubGrpcWorker] = []

    def make(**kwargs) -> TaskHubGrpcWorker:
        kwargs.setdefault("host_address", sidecar_address)
        kwargs.setdefault("logger", logging.getLogger(f"durabletask.worker{len(workers) + 1}"))
        w = TaskHubGrpcWorker(**kwargs)
        workers.append(w)
        return w

    try:
        yield make
    finally:
        # stop() takes about a second (the SDK polls its queues once a second): stop the
        # workers in parallel.
        stoppers = [threading.Thread(target=w.stop, name=f"stop-worker-{i}") for i, w in enumerate(workers)]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join()


@pytest.fixture
def worker(make_worker: Callable[..., TaskHubGrpcWorker]) -> TaskHubGrpcWorker:
    """One not-yet-started worker for this test (stopped after it)."""
    return make_worker()
