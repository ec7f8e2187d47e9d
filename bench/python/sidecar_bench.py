"""The Durable Task Python SDK against two gRPC sidecars, side by side, in one run.

    python bench/python/sidecar_bench.py [--json FILE] [--durable-bin PATH] [options]

For each backend in turn (same client code, same worker code, same worker settings):

* ``durable``: our host, ``durable serve --port 0 --grpc-port P --data-dir TMP
  --log-level warning``, with its own embedded redis-server in a fresh data directory;
* ``reference``: the SDK's in-memory sidecar (``durabletask.testing.InMemoryOrchestrationBackend``),
  run as a separate process by Tests/python/reference_sidecar.py (loopback only, 64 server
  threads).

it measures, client-observed:

1. gRPC floor: sequential ``Hello`` RPCs on a raw stub (one round trip, no work);
2. one-activity orchestration, sequential: start -> wait_for_orchestration_completion;
3. empty orchestration (returns its input), sequential: the SDK's own turn, no activity;
4. a burst: N one-activity orchestrations scheduled at once, then waited for;
5. fan-out of W activities then fan-in (when_all), one orchestration, several runs;
6. a timeline: sequential one-activity and empty orchestrations, served by a second worker
   process whose orchestrator and activity write a timestamp to a file when their code runs
   (not while replaying), and whose gRPC interceptor marks when each Complete*Task answer is
   sent and acknowledged. Joined with the client's marks, each orchestration splits into
   stages: StartInstance, dispatch of each work item, the SDK's own time, each answer RPC, and
   the client seeing the completion. The clock is CLOCK_MONOTONIC, one clock for every process
   on the machine. The worker of phases 1-5 has no interceptor and writes no timestamps.

The worker runs in its own process (this script with ``--role worker``), so the client's
threads and the worker's threads never share a GIL. The client runs in this process.
Every sidecar and worker is stopped by PID (SIGTERM, then SIGKILL after 10 s). All
addresses are 127.0.0.1 and every port is picked by binding port 0. Every loop is bounded
in count and every wait in time.

Percentiles are nearest-rank over the measured samples (warm-ups discarded).
The markdown table goes to stdout; --json writes every raw sample too.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import logging
import math
import os
import platform
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
REFERENCE_SIDECAR = REPO_ROOT / "Tests" / "python" / "reference_sidecar.py"

READY_TIMEOUT = 60.0        # seconds for a sidecar to answer Hello / a worker to connect
STOP_GRACE = 10.0           # seconds between SIGTERM and SIGKILL
WAIT_TIMEOUT = 60.0         # seconds for one orchestration to complete
BURST_TIMEOUT = 300.0       # seconds for the whole burst
FANOUT_TIMEOUT = 120.0      # seconds for one fan-out run

# Registered names: the worker registers these, the client schedules them by name.
ORCH_ONE_ACTIVITY = "bench_one_activity"
ORCH_EMPTY = "bench_empty"
ORCH_FANOUT = "bench_fanout"
ACTIVITY_ECHO = "bench_echo"
ORCH_TIMELINE = "bench_timeline"
ORCH_TIMELINE_EMPTY = "bench_timeline_empty"
ACTIVITY_TIMELINE = "bench_timeline_activity"


def quiet_logger(name: str) -> logging.Logger:
    """The SDK's default logger prints an INFO line per orchestration to stderr; both backends
    get this WARNING-level logger instead, so log formatting is not part of the figures."""
    logger = logging.Logger(name, level=logging.WARNING)
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
    logger.addHandler(handler)
    return logger


# =========================================================================== worker role

def _answer_timer_base():
    import grpc
    return grpc.UnaryUnaryClientInterceptor


class AnswerTimer(_answer_timer_base()):
    """The timeline worker's interceptor: marks when each CompleteOrchestratorTask /
    CompleteActivityTask is sent and when its reply arrives. An instance's first orchestrator
    answer is turn 1's, its second turn 2's."""

    def __init__(self, trace) -> None:
        self._trace = trace
        self._turns: dict[str, int] = {}
        self._lock = threading.Lock()

    def intercept_unary_unary(self, continuation, client_call_details, request):
        method = client_call_details.method.rsplit("/", 1)[-1]
        if method == "CompleteOrchestratorTask":
            with self._lock:
                turn = self._turns.get(request.instanceId, 0) + 1
                self._turns[request.instanceId] = turn
            prefix = f"turn{turn}"
        elif method == "CompleteActivityTask":
            prefix = "activity"
        else:
            return continuation(client_call_details, request)
        self._trace(request.instanceId, f"{prefix}_sent")
        outcome = continuation(client_call_details, request)
        outcome.result()  # the reply (or its error) has arrived
        self._trace(request.instanceId, f"{prefix}_acked")
        return outcome


def run_worker(args: argparse.Namespace) -> int:
    """``--role worker``: one TaskHubGrpcWorker until stdin closes or SIGTERM/SIGINT."""
    from durabletask import task
    from durabletask.worker import ConcurrencyOptions, TaskHubGrpcWorker

    def bench_echo(ctx, value):
        return value

    def bench_one_activity(ctx: task.OrchestrationContext, value):
        result = yield ctx.call_activity(bench_echo, input=value)
        return result

    def bench_empty(ctx: task.OrchestrationContext, value):
        return value

    def bench_fanout(ctx: task.OrchestrationContext, width: int):
        results = yield task.when_all([ctx.call_activity(bench_echo, input=i) for i in range(width)])
        return sum(results)

    # The timeline's functions: one line "<monotonic ns> <instance> <stage>" per stage.
    trace_file = open(args.trace, "a", buffering=1) if args.trace else None
    trace_lock = threading.Lock()

    def trace(instance_id: str, stage: str) -> None:
        now = time.monotonic_ns()
        if trace_file is not None:
            with trace_lock:
                trace_file.write(f"{now} {instance_id} {stage}\n")

    def bench_timeline_activity(ctx, instance_id):
        trace(instance_id, "activity")
        return instance_id

    def bench_timeline(ctx: task.OrchestrationContext, value):
        if not ctx.is_replaying:
            trace(ctx.instance_id, "turn1")
        result = yield ctx.call_activity(bench_timeline_activity, input=ctx.instance_id)
        if not ctx.is_replaying:
            trace(ctx.instance_id, "turn2")
        return result

    def bench_timeline_empty(ctx: task.OrchestrationContext, value):
        if not ctx.is_replaying:
            trace(ctx.instance_id, "turn1")
        return ctx.instance_id

    options = ConcurrencyOptions(
        maximum_concurrent_activity_work_items=args.max_activities,
        maximum_concurrent_orchestration_work_items=args.max_orchestrations,
        maximum_concurrent_entity_work_items=args.max_orchestrations,
        maximum_thread_pool_workers=args.worker_threads,
    )
    # Only the timeline's worker (--trace) times its answers: the worker of the other phases
    # has no interceptor.
    interceptors = [AnswerTimer(trace)] if trace_file is not None else None
    worker = TaskHubGrpcWorker(host_address=args.address, concurrency_options=options,
                               logger=quiet_logger("bench-worker"), interceptors=interceptors)
    for fn in (bench_one_activity, bench_empty, bench_fanout, bench_timeline, bench_timeline_empty):
        worker.add_orchestrator(fn)
    worker.add_activity(bench_echo)
    worker.add_activity(bench_timeline_activity)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def watch_stdin() -> None:  # the parent died or closed the pipe: stop
        try:
            sys.stdin.buffer.read()
        finally:
            stop.set()
    threading.Thread(target=watch_stdin, daemon=True, name="stdin-watch").start()

    worker.start()
    print("worker started", flush=True)
    stop.wait()
    worker.stop()
    if trace_file is not None:
        trace_file.close()
    return 0


# =========================================================================== processes

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(process: subprocess.Popen | None) -> int | None:
    """SIGTERM by PID, SIGKILL after STOP_GRACE seconds; returns the exit status."""
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


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class BenchError(RuntimeError):
    pass


class Sidecar:
    def __init__(self, backend: str, workdir: Path, durable_bin: Path | None, serve_log_level: str):
        self.backend = backend
        self.workdir = workdir
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.log_path = workdir / f"{backend}-sidecar.log"
        self.data_dir = workdir / "data"
        self.process: subprocess.Popen | None = None
        if backend == "durable":
            assert durable_bin is not None
            self.command = [str(durable_bin), "serve", "--port", "0", "--grpc-port", str(self.port),
                            "--data-dir", str(self.data_dir), "--log-level", serve_log_level]
        else:
            self.command = [sys.executable, str(REFERENCE_SIDECAR), "--port", str(self.port)]

    def start(self) -> None:
        import grpc
        from google.protobuf import empty_pb2

        import durabletask.internal.orchestrator_service_pb2_grpc as stubs

        with open(self.log_path, "ab") as log:
            log.write(f"===== {shlex.join(self.command)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(self.command, cwd=self.workdir, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + READY_TIMEOUT
        last_error = "no attempt yet"
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise BenchError(f"{self.backend} sidecar exited with status {code} before it was ready\n"
                                 f"{log_tail(self.log_path)}")
            try:
                with grpc.insecure_channel(self.address) as channel:
                    stubs.TaskHubSidecarServiceStub(channel).Hello(empty_pb2.Empty(), timeout=2)
                return
            except grpc.RpcError as error:
                last_error = str(error).splitlines()[0] if str(error) else type(error).__name__
            time.sleep(0.1)
        self.stop()
        raise BenchError(f"{self.backend} sidecar did not answer Hello on {self.address} within "
                         f"{READY_TIMEOUT:.0f} s (last error: {last_error})\n{log_tail(self.log_path)}")

    def stop(self) -> int | None:
        status = stop_process(self.process)
        if self.backend == "durable":
            self._stop_leftover_redis()
        return status

    def _stop_leftover_redis(self) -> None:
        """Only if `durable serve` died without stopping it: the redis-server whose PID is in
        this data directory, and only if its command line names this data directory."""
        try:
            pid = int((self.data_dir / "redis.pid").read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            return
        if "redis-server" in cmdline and str(self.data_dir) in cmdline:
            os.kill(pid, signal.SIGKILL)


class WorkerProcess:
    def __init__(self, address: str, workdir: Path, args: argparse.Namespace, traced: bool = False):
        name = "timeline-worker" if traced else "worker"
        self.log_path = workdir / f"{name}.log"
        self.trace_path = workdir / f"{name}-trace.txt" if traced else None
        self.command = [sys.executable, str(Path(__file__).resolve()), "--role", "worker",
                        "--address", address, *(["--trace", str(self.trace_path)] if traced else []),
                        "--max-activities", str(args.max_activities),
                        "--max-orchestrations", str(args.max_orchestrations),
                        "--worker-threads", str(args.worker_threads)]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"worker exited with status {self.process.returncode}\n{log_tail(self.log_path)}")
            if "worker started" in log_tail(self.log_path, 5):
                return
            time.sleep(0.05)
        raise BenchError(f"worker did not start within {READY_TIMEOUT:.0f} s\n{log_tail(self.log_path)}")

    def stop(self) -> int | None:
        if self.process is not None and self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
        return stop_process(self.process)


# =========================================================================== CPU time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent PID, user + system CPU seconds) of a process, from /proc (Linux)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_seconds(root: int | None, descendants: bool) -> float | None:
    """CPU seconds used so far by a process, with its descendants or not (the embedded
    redis-server is a child of `durable serve`); None where /proc is unavailable."""
    if root is None or not Path("/proc").is_dir():
        return None
    if not descendants:
        st = _stat(root)
        return None if st is None else st[1]
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st is not None:
                stats[int(entry)] = st
    if root not in stats:
        return None
    total, frontier = 0.0, [root]
    seen = set()
    while frontier:
        pid = frontier.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += stats[pid][1]
        frontier.extend(child for child, (ppid, _) in stats.items() if ppid == pid)
    return total


# =========================================================================== measurements

def percentile(samples: list[float], q: float) -> float:
    """Nearest rank: the smallest sample with at least q of the samples at or below it."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary_ms(samples_s: list[float]) -> dict:
    ms = [s * 1000.0 for s in samples_s]
    return {"n": len(ms), "p50_ms": percentile(ms, 0.50), "p99_ms": percentile(ms, 0.99),
            "mean_ms": statistics.fmean(ms), "min_ms": min(ms), "max_ms": max(ms), "samples_ms": ms}


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def check_completed(state, instance_id: str, expected) -> None:
    from durabletask.client import OrchestrationStatus
    if state is None:
        raise BenchError(f"{instance_id}: no state (instance missing)")
    if state.runtime_status != OrchestrationStatus.COMPLETED:
        raise BenchError(f"{instance_id}: {state.runtime_status.name}, failure: {state.failure_details}")
    if expected is not None and state.get_output() != expected:
        raise BenchError(f"{instance_id}: output {state.get_output()!r}, expected {expected!r}")


def measure_hello(address: str, count: int) -> dict:
    import grpc
    from google.protobuf import empty_pb2

    import durabletask.internal.orchestrator_service_pb2_grpc as stubs

    with grpc.insecure_channel(address) as channel:
        stub = stubs.TaskHubSidecarServiceStub(channel)
        for _ in range(min(20, count)):
            stub.Hello(empty_pb2.Empty(), timeout=5)
        samples = []
        for _ in range(count):
            t0 = time.perf_counter()
            stub.Hello(empty_pb2.Empty(), timeout=5)
            samples.append(time.perf_counter() - t0)
    return summary_ms(samples)


def measure_sequential(client, orchestrator: str, n: int, warmup: int) -> dict:
    """start -> wait_for_orchestration_completion, one at a time. Also keeps the StartInstance
    RPC's own time (schedule_new_orchestration returning)."""
    totals, starts = [], []
    for i in range(warmup + n):
        instance_id = new_id(orchestrator)
        value = f"v{i}"
        t0 = time.perf_counter()
        client.schedule_new_orchestration(orchestrator, input=value, instance_id=instance_id)
        t1 = time.perf_counter()
        state = client.wait_for_orchestration_completion(instance_id, timeout=WAIT_TIMEOUT)
        t2 = time.perf_counter()
        check_completed(state, instance_id, value)
        if i >= warmup:
            totals.append(t2 - t0)
            starts.append(t1 - t0)
    result = summary_ms(totals)
    result["start_rpc"] = summary_ms(starts)
    result["warmup"] = warmup
    return result


def measure_burst(client, count: int, threads: int) -> dict:
    """Schedule `count` one-activity orchestrations from `threads` client threads as fast as they
    go, then wait for all (the same threads, each waiting on its share in schedule order)."""
    ids = [new_id("burst") for _ in range(count)]
    shares = [ids[k::threads] for k in range(threads)]
    deadline = time.monotonic() + BURST_TIMEOUT
    scheduled_at = [0.0] * threads
    barrier = threading.Barrier(threads + 1, timeout=READY_TIMEOUT)

    def schedule_and_wait(k: int) -> int:
        barrier.wait()
        for instance_id in shares[k]:
            client.schedule_new_orchestration(ORCH_ONE_ACTIVITY, input=instance_id, instance_id=instance_id)
        scheduled_at[k] = time.perf_counter()
        for instance_id in shares[k]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BenchError(f"burst did not finish within {BURST_TIMEOUT:.0f} s")
            state = client.wait_for_orchestration_completion(instance_id, timeout=min(WAIT_TIMEOUT, remaining))
            check_completed(state, instance_id, instance_id)
        return len(shares[k])

    with concurrent.futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="burst") as pool:
        futures = [pool.submit(schedule_and_wait, k) for k in range(threads)]
        barrier.wait()
        t0 = time.perf_counter()
        done = sum(f.result(timeout=BURST_TIMEOUT + WAIT_TIMEOUT) for f in futures)
        t1 = time.perf_counter()
    assert done == count
    total = t1 - t0
    return {"count": count, "client_threads": threads, "total_s": total,
            "instances_per_s": count / total, "all_scheduled_s": max(scheduled_at) - t0}


def measure_fanout(client, width: int, runs: int, warmup: int) -> dict:
    """Also counts each measured run's orchestration turns (OrchestratorStarted events in its
    history, read after the timed part): how the sidecar batched the activity results."""
    samples, ids = [], []
    for i in range(warmup + runs):
        instance_id = new_id("fanout")
        t0 = time.perf_counter()
        client.schedule_new_orchestration(ORCH_FANOUT, input=width, instance_id=instance_id)
        state = client.wait_for_orchestration_completion(instance_id, timeout=FANOUT_TIMEOUT)
        t1 = time.perf_counter()
        check_completed(state, instance_id, sum(range(width)))
        if i >= warmup:
            samples.append(t1 - t0)
            ids.append(instance_id)
    result = summary_ms(samples)
    result.update({"width": width, "runs": runs, "warmup": warmup})
    result["turns"] = [sum(1 for e in client.get_orchestration_history(iid)
                           if type(e).__name__ == "OrchestratorStartedEvent") for iid in ids]
    return result


# Stages of the timeline: (label, from mark, to mark). Marks: start / started / done are the
# client's (StartInstance sent / returned, WaitForInstanceCompletion returned); turn1 / turn2 /
# activity are the worker's functions running (not replaying); X_sent / X_acked bracket the
# worker's CompleteOrchestratorTask (turn1, turn2) or CompleteActivityTask (activity) RPC.
TIMELINE_STAGES = {
    ORCH_TIMELINE: [
        ("StartInstance RPC", "start", "started"),
        ("dispatch: started -> turn 1 code runs", "started", "turn1"),
        ("SDK: turn 1 code -> answer sent", "turn1", "turn1_sent"),
        ("CompleteOrchestratorTask RPC (turn 1)", "turn1_sent", "turn1_acked"),
        ("dispatch: turn 1 answer sent -> activity runs", "turn1_sent", "activity"),
        ("SDK: activity code -> answer sent", "activity", "activity_sent"),
        ("CompleteActivityTask RPC", "activity_sent", "activity_acked"),
        ("dispatch: activity answer sent -> turn 2 code runs", "activity_sent", "turn2"),
        ("SDK: turn 2 code -> answer sent", "turn2", "turn2_sent"),
        ("CompleteOrchestratorTask RPC (turn 2)", "turn2_sent", "turn2_acked"),
        ("turn 2 answer sent -> client's wait returns", "turn2_sent", "done"),
        ("total", "start", "done"),
    ],
    ORCH_TIMELINE_EMPTY: [
        ("StartInstance RPC", "start", "started"),
        ("dispatch: started -> turn 1 code runs", "started", "turn1"),
        ("SDK: turn 1 code -> answer sent", "turn1", "turn1_sent"),
        ("CompleteOrchestratorTask RPC (turn 1)", "turn1_sent", "turn1_acked"),
        ("turn 1 answer sent -> client's wait returns", "turn1_sent", "done"),
        ("total", "start", "done"),
    ],
}


def measure_timeline(client, trace_path: Path, n: int, warmup: int) -> dict:
    """Sequential timeline orchestrations; the client's marks joined with the worker's trace."""
    result = {}
    for orchestrator, stages in TIMELINE_STAGES.items():
        marks: dict[str, dict[str, int]] = {}
        for i in range(warmup + n):
            instance_id = new_id(orchestrator)
            t0 = time.monotonic_ns()
            client.schedule_new_orchestration(orchestrator, input=None, instance_id=instance_id)
            t1 = time.monotonic_ns()
            state = client.wait_for_orchestration_completion(instance_id, timeout=WAIT_TIMEOUT)
            t2 = time.monotonic_ns()
            check_completed(state, instance_id, instance_id)
            if i >= warmup:
                marks[instance_id] = {"start": t0, "started": t1, "done": t2}
        deadline = time.monotonic() + 10
        while True:  # a last "acked" line may land just after the client's wait returned
            try:
                lines = trace_path.read_text().splitlines()
            except OSError:
                lines = []
            for line in lines:
                ns, instance_id, stage = line.split()
                if instance_id in marks:
                    marks[instance_id][stage] = int(ns)
            wanted = {m for _, a, b in stages for m in (a, b)}
            missing = [iid for iid, m in marks.items() if not wanted <= m.keys()]
            if not missing or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        if missing:
            raise BenchError(f"timeline: {len(missing)} instances lack worker trace lines, e.g. {missing[0]}")
        result[orchestrator] = {
            label: summary_ms([(m[b] - m[a]) / 1e9 for m in marks.values()]) for label, a, b in stages}
    result["n"], result["warmup"] = n, warmup
    return result


def run_backend(backend: str, args: argparse.Namespace, durable_bin: Path | None) -> dict:
    from durabletask.client import TaskHubGrpcClient

    workdir = Path(tempfile.mkdtemp(prefix=f"pybench-{backend}-"))
    sidecar = Sidecar(backend, workdir, durable_bin, args.serve_log_level)
    worker = WorkerProcess(sidecar.address, workdir, args)
    traced = WorkerProcess(sidecar.address, workdir, args, traced=True)
    client = None
    ok = False
    result: dict = {"backend": backend, "command": sidecar.command}
    print(f"[{backend}] starting sidecar on {sidecar.address} (logs in {workdir})", file=sys.stderr, flush=True)
    try:
        sidecar.start()
        worker.start()
        client = TaskHubGrpcClient(host_address=sidecar.address, logger=quiet_logger("bench-client"))
        phases = [
            ("hello_rpc", lambda: measure_hello(sidecar.address, args.n)),
            ("one_activity", lambda: measure_sequential(client, ORCH_ONE_ACTIVITY, args.n, args.warmup)),
            ("empty", lambda: measure_sequential(client, ORCH_EMPTY, args.n, args.warmup)),
            ("burst", lambda: measure_burst(client, args.burst, args.burst_threads)),
            ("fanout", lambda: measure_fanout(client, args.fanout, args.fanout_runs, args.fanout_warmup)),
        ]
        if args.timeline > 0:
            def timeline() -> dict:
                # Its own worker, with the answer-timing interceptor; the plain worker is stopped.
                result["worker_exit"] = worker.stop()
                traced.start()
                return measure_timeline(client, traced.trace_path, args.timeline, args.warmup)
            phases.append(("timeline", timeline))
        # CPU of: the sidecar with its children (durable serve + redis-server), the sidecar
        # process alone, the worker process, this (client) process alone.
        pids = {"sidecar": (sidecar.process.pid, True), "sidecar_process": (sidecar.process.pid, False),
                "worker": (worker.process.pid, True), "client": (os.getpid(), False)}
        for name, phase in phases:
            t0 = time.monotonic()
            cpu0 = {k: cpu_seconds(*p) for k, p in pids.items()}
            result[name] = phase()
            if name == "timeline":  # the worker of this phase is another process
                result[name]["cpu_s"] = None
                continue
            cpu1 = {k: cpu_seconds(*p) for k, p in pids.items()}
            result[name]["cpu_s"] = {k: (cpu1[k] - cpu0[k]) if cpu0[k] is not None and cpu1[k] is not None else None
                                     for k in pids}
            print(f"[{backend}] {name}: {brief(result[name])} ({time.monotonic() - t0:.1f} s)",
                  file=sys.stderr, flush=True)
        ok = True
        return result
    finally:
        if client is not None:
            client.close()
        result["worker_exit"] = worker.stop()
        result["timeline_worker_exit"] = traced.stop()
        result["sidecar_exit"] = sidecar.stop()
        if ok and not args.keep_logs:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"[{backend}] logs kept in {workdir}", file=sys.stderr)
            if not ok:
                print(f"--- {backend} sidecar log ---\n{log_tail(sidecar.log_path)}\n"
                      f"--- worker log ---\n{log_tail(worker.log_path)}", file=sys.stderr)


def brief(r: dict) -> str:
    if ORCH_TIMELINE in r:
        return "; ".join(f"{k}: {v['p50_ms']:.2f}" for k, v in r[ORCH_TIMELINE].items()) + " (p50 ms)"
    if "p50_ms" in r:
        return f"p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms"
    return f"{r['total_s']:.2f} s, {r['instances_per_s']:.0f}/s"


# =========================================================================== report

def fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "n":
        return f"{value:.0f}"
    return f"{value:.0f}/s"


def cpu_per(r: dict, phase: str, who: str) -> float:
    """CPU milliseconds per orchestration of a phase (warm-ups included in both counts)."""
    p = r[phase]
    count = p["count"] if "count" in p else p["n"] + p["warmup"]
    cpu = p["cpu_s"][who]
    return float("nan") if cpu is None else cpu * 1000.0 / count


def table(results: dict, args: argparse.Namespace) -> str:
    d, r = results["durable"], results["reference"]
    rows = [
        ("gRPC Hello round trip, p50 (floor)", lambda x: x["hello_rpc"]["p50_ms"], "ms"),
        (f"one activity, sequential, p50 (N={args.n})", lambda x: x["one_activity"]["p50_ms"], "ms"),
        (f"one activity, sequential, p99 (N={args.n})", lambda x: x["one_activity"]["p99_ms"], "ms"),
        ("  of which StartInstance RPC, p50", lambda x: x["one_activity"]["start_rpc"]["p50_ms"], "ms"),
        (f"empty orchestration, sequential, p50 (N={args.n})", lambda x: x["empty"]["p50_ms"], "ms"),
        (f"empty orchestration, sequential, p99 (N={args.n})", lambda x: x["empty"]["p99_ms"], "ms"),
        ("  of which StartInstance RPC, p50", lambda x: x["empty"]["start_rpc"]["p50_ms"], "ms"),
        ("one activity minus empty, p50", lambda x: x["one_activity"]["p50_ms"] - x["empty"]["p50_ms"], "ms"),
        (f"{args.burst} at once: total wall time", lambda x: x["burst"]["total_s"], "s"),
        (f"{args.burst} at once: all scheduled after", lambda x: x["burst"]["all_scheduled_s"], "s"),
        (f"{args.burst} at once: throughput", lambda x: x["burst"]["instances_per_s"], "/s"),
        (f"fan-out/fan-in of {args.fanout} activities, p50 of {args.fanout_runs}",
         lambda x: x["fanout"]["p50_ms"], "ms"),
        ("  orchestration turns per fan-out, median",
         lambda x: float(statistics.median(x["fanout"]["turns"])), "n"),
        ("sidecar CPU per one-activity orchestration (sequential)",
         lambda x: cpu_per(x, "one_activity", "sidecar"), "ms"),
        (f"sidecar CPU per one-activity orchestration ({args.burst} at once)",
         lambda x: cpu_per(x, "burst", "sidecar"), "ms"),
        ("  of which its redis-server (sequential)",
         lambda x: (cpu_per(x, "one_activity", "sidecar") - cpu_per(x, "one_activity", "sidecar_process"))
         if x["backend"] == "durable" else None, "ms"),
        ("worker CPU per one-activity orchestration (sequential)",
         lambda x: cpu_per(x, "one_activity", "worker"), "ms"),
        ("client CPU per one-activity orchestration (sequential)",
         lambda x: cpu_per(x, "one_activity", "client"), "ms"),
    ]
    lines = ["| figure | durable (Redis) | reference (in-memory) | ratio |",
             "| --- | ---: | ---: | ---: |"]
    for label, get, unit in rows:
        a, b = get(d), get(r)
        if a is None or b is None or math.isnan(a) or math.isnan(b):
            cells = ["—" if v is None or math.isnan(v) else fmt(v, unit) for v in (a, b)]
            lines.append(f"| {label} | {cells[0]} | {cells[1]} | — |")
            continue
        ratio = f"{a / b:.2f}" if b else "—"
        lines.append(f"| {label} | {fmt(a, unit)} | {fmt(b, unit)} | {ratio} |")
    return "\n".join(lines)


def timeline_table(results: dict) -> str:
    d, r = results["durable"]["timeline"], results["reference"]["timeline"]
    lines = ["| stage (p50) | durable (Redis) | reference (in-memory) | difference |",
             "| --- | ---: | ---: | ---: |"]
    for orchestrator, title in ((ORCH_TIMELINE, "one activity"), (ORCH_TIMELINE_EMPTY, "empty")):
        for label, _, _ in TIMELINE_STAGES[orchestrator]:
            a, b = d[orchestrator][label]["p50_ms"], r[orchestrator][label]["p50_ms"]
            lines.append(f"| {title}: {label} | {a:.2f} ms | {b:.2f} ms | {a - b:+.2f} ms |")
    return "\n".join(lines)


# =========================================================================== main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--role", choices=("bench", "worker"), default="bench", help=argparse.SUPPRESS)
    parser.add_argument("--address", help=argparse.SUPPRESS)
    parser.add_argument("--trace", help=argparse.SUPPRESS)
    parser.add_argument("--json", metavar="FILE", help="write the raw numbers (every sample) as JSON")
    parser.add_argument("--durable-bin", default=os.environ.get("DURABLE_BIN", ""),
                        help="the durable binary (default: $DURABLE_BIN)")
    parser.add_argument("--serve-log-level", default="warning", help="durable serve --log-level (default: warning)")
    parser.add_argument("--backends", default="durable,reference",
                        help="comma-separated, run in this order (default: durable,reference)")
    parser.add_argument("--n", type=int, default=200, help="sequential samples (default: 200)")
    parser.add_argument("--warmup", type=int, default=20, help="sequential warm-ups (default: 20)")
    parser.add_argument("--burst", type=int, default=500, help="orchestrations at once (default: 500)")
    parser.add_argument("--burst-threads", type=int, default=8,
                        help="client threads that schedule and wait in the burst (default: 8)")
    parser.add_argument("--fanout", type=int, default=200, help="fan-out width (default: 200)")
    parser.add_argument("--fanout-runs", type=int, default=5, help="fan-out runs (default: 5)")
    parser.add_argument("--fanout-warmup", type=int, default=1, help="fan-out warm-up runs (default: 1)")
    parser.add_argument("--timeline", type=int, default=100,
                        help="timeline samples of each kind, after --warmup; 0 skips it (default: 100)")
    # Worker settings, identical for both backends. The defaults are what the SDK's
    # ConcurrencyOptions() gives on a 2-core machine (100 x cores work items, cores + 4 threads),
    # spelled out so the figures do not depend on the machine's core count.
    parser.add_argument("--max-activities", type=int, default=200)
    parser.add_argument("--max-orchestrations", type=int, default=200)
    parser.add_argument("--worker-threads", type=int, default=6)
    parser.add_argument("--keep-logs", action="store_true", help="keep the sidecar and worker logs")
    args = parser.parse_args()

    if args.role == "worker":
        return run_worker(args)

    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    for b in backends:
        if b not in ("durable", "reference"):
            parser.error(f"unknown backend {b!r}")
    durable_bin = None
    if "durable" in backends:
        if not args.durable_bin:
            parser.error("set --durable-bin or DURABLE_BIN")
        durable_bin = Path(args.durable_bin).resolve()
        if not (durable_bin.is_file() and os.access(durable_bin, os.X_OK)):
            parser.error(f"{durable_bin} is not an executable file")
    if "reference" in backends and not REFERENCE_SIDECAR.is_file():
        parser.error(f"{REFERENCE_SIDECAR} is missing")

    from importlib.metadata import version
    started = dt.datetime.now(dt.timezone.utc)
    load_at_start = list(os.getloadavg())
    results: dict = {}
    for backend in backends:
        try:
            results[backend] = run_backend(backend, args, durable_bin)
        except BenchError as error:
            print(f"[{backend}] FAILED: {error}", file=sys.stderr)
            return 1

    settings = {k: getattr(args, k) for k in ("n", "warmup", "burst", "burst_threads", "fanout", "fanout_runs",
                                              "fanout_warmup", "timeline", "max_activities", "max_orchestrations",
                                              "worker_threads", "serve_log_level")}
    report = {
        "started_utc": started.isoformat(timespec="seconds"),
        "durable_bin": str(durable_bin) if durable_bin else None,
        "python": sys.version.split()[0],
        "durabletask": version("durabletask"),
        "grpcio": version("grpcio"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "loadavg_at_start": load_at_start, "loadavg_at_end": list(os.getloadavg())},
        "settings": settings,
        "percentiles": "nearest rank",
        "results": results,
    }
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    print(f"Python SDK {report['durabletask']} over the gRPC sidecar, {started:%Y-%m-%d %H:%M} UTC, "
          f"{os.cpu_count()} CPUs (load average {load_at_start[0]:.2f} at start, "
          f"{report['machine']['loadavg_at_end'][0]:.2f} at end); worker: {args.max_orchestrations} orchestration / {args.max_activities} "
          f"activity work items, {args.worker_threads} threads; burst: {args.burst_threads} client threads")
    print()
    if "durable" in results and "reference" in results:
        print(table(results, args))
        print()
        print("ratio = durable / reference: above 1 means durable takes longer "
              "(for throughput, above 1 means durable is faster).")
        if args.timeline > 0:
            print()
            print(f"Where the time goes ({args.timeline} sequential orchestrations of each kind; p50 of each "
                  "stage, so the stages need not add up to the total):")
            print()
            print(timeline_table(results))
    else:
        for backend, r in results.items():
            print(backend, json.dumps({k: brief(v) for k, v in r.items() if isinstance(v, dict)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
