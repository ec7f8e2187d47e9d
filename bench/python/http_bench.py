"""Start-and-wait over the management HTTP API, measured from outside the host.

    python3 bench/python/http_bench.py [--durable-bin PATH] [--count N] [--durability MODE]

Starts ``durable serve --port 0 --grpc-port 0 --data-dir TMP`` (its own embedded redis-server in a
fresh directory; the release binary by default, as ``make run`` builds it), waits for its
"durable host ready" line, then on one keep-alive HTTP/1.1 connection measures, client-observed:

1. the floor: ``GET instances/<missing>`` (a 404 that reads Redis once): one HTTP round trip
   through the same server and store;
2. ``POST orchestrators/Hello?timeout=10`` with a name: start a one-activity orchestration and
   wait for its output in the same request (the wait is pushed, not polled).

Warm-up requests are not counted. The host is stopped by PID (SIGTERM, then SIGKILL after 10 s)
and its data directory removed. Only the standard library is used.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    parser.add_argument("--durable-bin", default=os.path.join(root, ".build", "release", "durable"))
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--durability", default="everysec")
    args = parser.parse_args()
    if not os.access(args.durable_bin, os.X_OK):
        sys.exit(f"{args.durable_bin} is missing: build it with `swift build -c release --product durable` (make run does)")

    data = tempfile.mkdtemp(prefix="dthttpbench-")
    log_path = os.path.join(data, "host.log")
    log = open(log_path, "w")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DURABLE_")}
    host = subprocess.Popen(
        [args.durable_bin, "serve", "--port", "0", "--grpc-port", "0", "--data-dir", os.path.join(data, "d"),
         "--durability", args.durability, "--log-level", "info"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=data)
    try:
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            if host.poll() is not None:
                sys.exit(f"durable exited ({host.returncode}): {open(log_path).read()}")
            match = re.search(r"127\.0\.0\.1:(\d+)/runtime", open(log_path).read())
            port = int(match.group(1)) if match else None
            time.sleep(0.02)
        if port is None:
            sys.exit("durable did not print its port within 60 s")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        base = "/runtime/webhooks/durabletask"

        def timed(method, path, body=None, expect=200):
            start = time.perf_counter_ns()
            connection.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
            response = connection.getresponse()
            payload = response.read()
            elapsed = time.perf_counter_ns() - start
            if response.status != expect:
                sys.exit(f"{method} {path}: {response.status} {payload[:200]!r}")
            return elapsed, payload

        floor, hello = [], []
        for i in range(args.warmup + args.count):
            elapsed, _ = timed("GET", f"{base}/instances/missing-{i}", expect=404)
            if i >= args.warmup:
                floor.append(elapsed)
        for i in range(args.warmup + args.count):
            elapsed, payload = timed("POST", f"{base}/orchestrators/Hello?timeout=10", json.dumps(f"n{i}"))
            if json.loads(payload) != f"Hello n{i}!":
                sys.exit(f"unexpected output {payload[:200]!r}")
            if i >= args.warmup:
                hello.append(elapsed)
        connection.close()

        def line(name, values):
            return (f"| {name} | p50 {statistics.median(values) / 1000:.0f} / p99 {percentile(values, 99) / 1000:.0f} µs "
                    f"| {len(values)} |")
        print(f"\n## HTTP API, measured from outside ({args.durable_bin} serve, embedded redis-server, durability {args.durability})\n")
        print("| measurement | result | samples |")
        print("|---|---|---|")
        print(line("**floor**: GET of a missing instance (404), one keep-alive connection", floor))
        print(line("start-and-wait of `Hello` (one activity): POST orchestrators/Hello?timeout=10", hello))
    finally:
        host.send_signal(signal.SIGTERM)
        try:
            host.wait(timeout=10)
        except subprocess.TimeoutExpired:
            host.kill()
            host.wait()
        log.close()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
