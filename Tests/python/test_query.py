"""Queries with paging: QueryInstances (get_all_orchestration_states and page by page with
its continuation token) and ListInstanceIds (list_instance_ids)."""

import time
from datetime import datetime, timedelta, timezone

import durabletask.internal.orchestrator_service_pb2 as pb
import durabletask.internal.orchestrator_service_pb2_grpc as stubs
import grpc
from google.protobuf import wrappers_pb2

from durabletask.client import OrchestrationQuery, OrchestrationStatus

from support import assert_completed, complete, uid, unique

COUNT = 12
PAGE = 5


def start_batch(client, worker):
    @unique
    def numbered(ctx, n: int):
        return n * 10

    worker.add_orchestrator(numbered)
    worker.start()
    prefix = uid("q")
    ids = [client.schedule_new_orchestration(numbered, input=n, instance_id=f"{prefix}-{n:02d}")
           for n in range(COUNT)]
    for instance_id in ids:
        assert_completed(complete(client, instance_id))
    return prefix, ids, numbered


def test_get_all_orchestration_states_follows_continuation_tokens(client, worker):
    prefix, ids, numbered = start_batch(client, worker)

    query = OrchestrationQuery(instance_id_prefix=prefix, max_instance_count=PAGE,
                               fetch_inputs_and_outputs=True)
    states = client.get_all_orchestration_states(query)

    assert sorted(s.instance_id for s in states) == sorted(ids)  # all found, none twice
    for s in states:
        n = int(s.instance_id.rsplit("-", 1)[1])
        assert s.name == numbered.__name__
        assert s.runtime_status == OrchestrationStatus.COMPLETED
        assert s.get_input() == n
        assert s.get_output() == n * 10


def test_query_instances_pages_by_hand(client, worker, sidecar_address):
    """The same query through the raw RPC, to see each page and its continuation token."""
    prefix, ids, _ = start_batch(client, worker)

    pages: list[list[str]] = []
    token = None
    with grpc.insecure_channel(sidecar_address) as channel:
        stub = stubs.TaskHubSidecarServiceStub(channel)
        for _ in range(COUNT + 2):  # bounded: never more pages than instances
            response = stub.QueryInstances(pb.QueryInstancesRequest(query=pb.InstanceQuery(
                instanceIdPrefix=wrappers_pb2.StringValue(value=prefix),
                maxInstanceCount=PAGE,
                continuationToken=token)), timeout=10)
            pages.append([s.instanceId for s in response.orchestrationState])
            if not response.HasField("continuationToken") or not response.continuationToken.value:
                break
            token = response.continuationToken

    assert all(len(page) <= PAGE for page in pages), pages
    assert len(pages[0]) == PAGE, "a full first page"
    assert len(pages) >= 3, f"{COUNT} instances in pages of {PAGE} need at least 3 pages: {pages}"
    found = [i for page in pages for i in page]
    assert len(found) == len(set(found)), "an instance appeared on two pages"
    assert sorted(found) == sorted(ids)


def test_query_by_runtime_status_and_created_time(client, worker):
    time.sleep(0.05)
    window_start = datetime.now(timezone.utc) - timedelta(milliseconds=10)
    prefix, ids, _ = start_batch(client, worker)

    query = OrchestrationQuery(created_time_from=window_start,
                               runtime_status=[OrchestrationStatus.COMPLETED],
                               instance_id_prefix=prefix, max_instance_count=PAGE)
    assert sorted(s.instance_id for s in client.get_all_orchestration_states(query)) == sorted(ids)

    running_only = OrchestrationQuery(runtime_status=[OrchestrationStatus.RUNNING], instance_id_prefix=prefix)
    assert client.get_all_orchestration_states(running_only) == []


def test_list_instance_ids_pages_terminal_instances(client, worker):
    time.sleep(0.05)
    window_start = datetime.now(timezone.utc) - timedelta(milliseconds=10)
    _, ids, _ = start_batch(client, worker)

    found: list[str] = []
    token = None
    for _ in range(COUNT + 2):
        page = client.list_instance_ids(runtime_status=[OrchestrationStatus.COMPLETED],
                                        completed_time_from=window_start,
                                        page_size=PAGE, continuation_token=token)
        assert len(page.items) <= PAGE
        found += page.items
        token = page.continuation_token
        if not token:
            break
    assert len(found) == len(set(found)), "an instance appeared on two pages"
    assert sorted(found) == sorted(ids)
