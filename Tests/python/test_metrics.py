"""The sidecar's calls show up in the host's Prometheus metrics (GET /metrics)."""

import re
import urllib.request

import pytest

from support import assert_completed, complete, unique


def scrape(http_base: str) -> dict[tuple[str, str], float]:
    """durabletask_grpc_requests_total samples by (method, code)."""
    origin = http_base.split("/runtime/")[0]
    with urllib.request.urlopen(origin + "/metrics", timeout=10) as response:
        assert response.status == 200
        text = response.read().decode()
    samples: dict[tuple[str, str], float] = {}
    for line in text.splitlines():
        match = re.match(r'^durabletask_grpc_requests_total\{(.*)\} (\S+)$', line)
        if not match:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        samples[(labels.get("method", ""), labels.get("code", ""))] = float(match.group(2))
    return samples


@pytest.mark.durable_only(reason="/metrics is the host's")
def test_grpc_calls_are_counted_by_method_and_code(client, worker, http_base):
    @unique
    def echo(ctx, text: str) -> str:
        return text

    @unique
    def one(ctx, text: str):
        return (yield ctx.call_activity(echo, input=text))

    worker.add_activity(echo)
    worker.add_orchestrator(one)
    worker.start()
    before = scrape(http_base)
    ids = [client.schedule_new_orchestration(one, input=str(i)) for i in range(3)]
    for instance_id in ids:
        assert_completed(complete(client, instance_id))
    after = scrape(http_base)

    def delta(method: str, code: str) -> float:
        return after.get((method, code), 0) - before.get((method, code), 0)

    assert delta("StartInstance", "ok") == 3
    assert delta("CompleteActivityTask", "ok") >= 3
    assert delta("CompleteOrchestratorTask", "ok") >= 6
    assert delta("WaitForInstanceCompletion", "ok") >= 3 or delta("GetInstance", "ok") >= 3
