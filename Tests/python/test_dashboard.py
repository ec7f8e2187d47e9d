"""The built-in dashboard (GET /dashboard on the management port), driven in a real browser.

Headless Debian chromium through Debian's chromedriver (``make deps`` installs both) and the
pinned selenium. Screenshots go to .build/test-artifacts/dashboard/ for a person to look at.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

try:
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # never skip: say how to get it
    pytest.fail("selenium is missing from the venv: run scripts/python-venv.sh "
                "(it installs Tests/python/requirements.txt)", pytrace=False)

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / ".build" / "test-artifacts" / "dashboard"
WAIT = 20.0  # seconds, for any one thing to show up in the page

pytestmark = pytest.mark.durable_only(reason="the dashboard is served by `durable serve`'s management port")


def api(http_base: str, method: str, path: str, body: object | None = None) -> tuple[int, object | None]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{http_base}/{path}", data=data, method=method,
                                 headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=15) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, (json.loads(text) if text else None)


def wait_for_status(http_base: str, instance_id: str, wanted: set[str], timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    status: dict = {}
    while time.monotonic() < deadline:
        code, status = api(http_base, "GET", f"instances/{instance_id}")
        assert code in (200, 202), (code, status)
        if status["runtimeStatus"] in wanted:
            return status
        time.sleep(0.2)
    raise AssertionError(f"{instance_id} is {status.get('runtimeStatus')}, not one of {sorted(wanted)}, after {timeout} s")


def find_tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run `make deps` or `apt-get install -y {package}`", pytrace=False)
    return path


@pytest.fixture(scope="module")
def browser():
    chromium = find_tool("chromium", "chromium")
    chromedriver = find_tool("chromedriver", "chromium-driver")
    profile = tempfile.mkdtemp(prefix="dtpy-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--user-data-dir={profile}", "--window-size=1400,1000", "--no-first-run",
                     "--disable-extensions", "--disable-background-networking"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def waiter(driver, timeout: float = WAIT) -> WebDriverWait:
    """A bounded wait that looks again when the page re-rendered an element under it."""
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))


def assert_no_console_errors(driver) -> None:
    """No script error and no request the page's Content-Security-Policy refused."""
    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert errors == [], errors


def shot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    assert driver.save_screenshot(str(path)), f"could not save {path}"
    return path


def test_assets_are_served_without_the_key_and_never_cached(sidecar):
    origin = sidecar.http_base.split("/runtime/")[0]
    for path, kind in (("/dashboard", "text/html"), ("/dashboard/", "text/html"),
                       ("/dashboard/app.js", "text/javascript"), ("/dashboard/style.css", "text/css")):
        with urllib.request.urlopen(origin + path, timeout=10) as response:
            assert response.status == 200
            assert response.headers["content-type"].startswith(kind), (path, response.headers["content-type"])
            assert response.headers["cache-control"] == "no-store"
            assert "connect-src 'self'" in response.headers["content-security-policy"]
            text = response.read().decode()
            # No external requests of any kind: nothing names another origin.
            assert "http://" not in text and "https://" not in text and "//cdn" not in text, path
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(origin + "/dashboard/nothing.js", timeout=10)
    assert error.value.code == 404


def test_dashboard_lists_shows_timeline_and_terminates(sidecar, browser):
    http_base = sidecar.http_base
    origin = http_base.split("/runtime/")[0]
    tag = uuid.uuid4().hex[:8]
    chain_ids = [f"dash-{tag}-chain-{i}" for i in range(2)]
    approval_id = f"dash-{tag}-approval"
    parent_id = f"dash-{tag}-parent"
    for instance_id in chain_ids:
        code, body = api(http_base, "POST", f"orchestrators/FunctionChaining/{instance_id}")
        assert code == 202, body
    code, body = api(http_base, "POST", f"orchestrators/BudgetApproval/{approval_id}", {"timeoutSeconds": 600})
    assert code == 202, body
    for instance_id in chain_ids:
        wait_for_status(http_base, instance_id, {"Completed"})
    wait_for_status(http_base, approval_id, {"Running"})

    driver = browser
    wait = waiter(driver)
    driver.get(origin + "/dashboard")
    wait.until(EC.presence_of_element_located((By.ID, "instances-table")))

    # Filter by name (and by this test's ID prefix, so other tests' instances stay out).
    driver.find_element(By.ID, "filter-prefix").send_keys(f"dash-{tag}")
    driver.find_element(By.ID, "filter-name").send_keys("FunctionChaining")
    driver.find_element(By.ID, "apply-filters").click()
    rows_selector = "#instances-table tr.instance-row"

    def chain_rows(d):
        rows = d.find_elements(By.CSS_SELECTOR, rows_selector)
        ids = sorted(r.get_attribute("data-instance-id") for r in rows)
        return rows if ids == sorted(chain_ids) else False
    rows = wait.until(chain_rows, message="the name filter should leave exactly the FunctionChaining rows")
    assert all(r.get_attribute("data-name") == "FunctionChaining" for r in rows)
    assert all(r.get_attribute("data-status") == "Completed" for r in rows)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#status-counts .count[data-status=Completed]"),
               message="the counts per status should show up")
    shot(driver, "01-instances-filtered")

    # Open the FunctionChaining instance: three SayHello activity bars on the timeline.
    driver.find_element(By.CSS_SELECTOR, f'tr.instance-row[data-instance-id="{chain_ids[0]}"] a').click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "instance-id"), chain_ids[0]))
    bars = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#timeline .bar.activity") or False,
                      message="the timeline should show activity bars")
    assert [b.get_attribute("data-name") for b in bars] == ["SayHello"] * 3
    assert all(b.size["width"] > 0 for b in bars)
    lefts = [float(b.value_of_css_property("left").rstrip("px")) for b in bars]
    assert lefts == sorted(lefts), "the chained activities should run one after another"
    history_types = [r.get_attribute("data-event-type") for r in driver.find_elements(By.CSS_SELECTOR, "#history-table tr.history-row")]
    assert history_types.count("TaskCompleted") == 3 and "ExecutionCompleted" in history_types
    assert "Hello Tokyo!" in driver.find_element(By.ID, "instance-output").text
    shot(driver, "02-instance-timeline")

    # A sub-orchestration bar links to the child instance.
    code, body = api(http_base, "POST", f"orchestrators/SubOrchestrationParent/{parent_id}")
    assert code == 202, body
    wait_for_status(http_base, parent_id, {"Completed"})
    driver.get(origin + f"/dashboard#/instances/{parent_id}")
    wait.until(EC.text_to_be_present_in_element((By.ID, "instance-id"), parent_id))
    sub = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#timeline a.bar.suborchestration")))
    assert sub.get_attribute("data-name") == "FunctionChaining"
    child_id = sub.get_attribute("data-instance-id")
    assert child_id
    shot(driver, "03-parent-timeline")
    sub.click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "instance-id"), child_id))
    assert len(driver.find_elements(By.CSS_SELECTOR, "#timeline .bar.activity[data-name=SayHello]")) == 3

    # Go to the BudgetApproval instance and terminate it through the UI.
    driver.get(origin + f"/dashboard#/instances/{approval_id}")
    wait.until(EC.text_to_be_present_in_element((By.ID, "instance-id"), approval_id))
    wait.until(EC.text_to_be_present_in_element((By.ID, "instance-status"), "Running"))
    assert "Waiting for approval" in driver.find_element(By.ID, "instance-custom-status").text
    assert driver.find_elements(By.CSS_SELECTOR, "#timeline .bar.timer.open"), "the approval's timeout timer"
    assert driver.find_elements(By.CSS_SELECTOR, "#timeline .bar.event.open"), "the inferred wait for Approval"
    shot(driver, "04-approval-running")
    driver.find_element(By.ID, "action-terminate").click()
    dialog = wait.until(EC.visibility_of_element_located((By.ID, "confirm-dialog")))
    reason = driver.find_element(By.ID, "confirm-reason")
    reason.clear()
    reason.send_keys("terminated by test_dashboard")
    shot(driver, "05-terminate-confirmation")
    dialog.find_element(By.ID, "confirm-ok").click()
    status = wait_for_status(http_base, approval_id, {"Terminated"})
    assert status["output"] == "terminated by test_dashboard"
    # The page shows the instance again after the action and twice more in the next 3 s.
    wait.until(EC.text_to_be_present_in_element((By.ID, "instance-status"), "Terminated"))
    shot(driver, "06-approval-terminated")
    assert_no_console_errors(driver)


def test_raise_event_through_the_ui(sidecar, browser):
    http_base = sidecar.http_base
    origin = http_base.split("/runtime/")[0]
    instance_id = f"dash-{uuid.uuid4().hex[:8]}-approve"
    code, body = api(http_base, "POST", f"orchestrators/BudgetApproval/{instance_id}", {"timeoutSeconds": 600})
    assert code == 202, body
    wait_for_status(http_base, instance_id, {"Running"})
    driver = browser
    wait = waiter(driver)
    driver.get(origin + f"/dashboard#/instances/{instance_id}")
    wait.until(EC.text_to_be_present_in_element((By.ID, "instance-status"), "Running"))
    driver.find_element(By.ID, "action-raise").click()
    wait.until(EC.visibility_of_element_located((By.ID, "confirm-dialog")))
    driver.find_element(By.ID, "confirm-event-name").send_keys("Approval")
    data = driver.find_element(By.ID, "confirm-event-data")
    data.clear()
    data.send_keys("{not json")
    driver.find_element(By.ID, "confirm-ok").click()   # refused in the page: the data is not JSON
    wait.until(EC.visibility_of_element_located((By.ID, "confirm-error")))
    data.clear()
    data.send_keys("true")
    driver.find_element(By.ID, "confirm-ok").click()
    status = wait_for_status(http_base, instance_id, {"Completed"})
    assert status["output"] == "Approved"
    wait.until(EC.text_to_be_present_in_element((By.ID, "instance-status"), "Completed"))
    assert driver.find_elements(By.CSS_SELECTOR, '#timeline .bar.event[data-name="Approval"]'), "the wait for Approval"
    assert driver.find_elements(By.CSS_SELECTOR, "#timeline .bar.timer.abandoned"), "the timeout timer never fired"
    shot(driver, "07-approval-approved")


def test_suspend_resume_and_purge_through_the_ui(sidecar, browser):
    http_base = sidecar.http_base
    origin = http_base.split("/runtime/")[0]
    instance_id = f"dash-{uuid.uuid4().hex[:8]}-control"
    code, body = api(http_base, "POST", f"orchestrators/BudgetApproval/{instance_id}", {"timeoutSeconds": 600})
    assert code == 202, body
    wait_for_status(http_base, instance_id, {"Running"})
    driver = browser
    wait = waiter(driver)
    driver.get(origin + f"/dashboard#/instances/{instance_id}")
    wait.until(EC.text_to_be_present_in_element((By.ID, "instance-status"), "Running"))

    def click(element_id: str) -> None:  # the page may re-render under the click (it reloads after actions)
        wait.until(lambda d: d.find_element(By.ID, element_id).click() or True)

    def act(button: str, then: str) -> None:
        click(button)
        wait.until(EC.visibility_of_element_located((By.ID, "confirm-dialog")))
        driver.find_element(By.ID, "confirm-ok").click()
        wait_for_status(http_base, instance_id, {then})
        wait.until(EC.text_to_be_present_in_element((By.ID, "instance-status"), then))

    # Cancelling the confirmation does nothing.
    click("action-suspend")
    wait.until(EC.visibility_of_element_located((By.ID, "confirm-dialog")))
    driver.find_element(By.ID, "confirm-cancel").click()
    wait.until(EC.invisibility_of_element_located((By.ID, "confirm-dialog")))
    time.sleep(0.5)
    assert api(http_base, "GET", f"instances/{instance_id}")[1]["runtimeStatus"] == "Running"

    act("action-suspend", "Suspended")
    act("action-resume", "Running")
    act("action-terminate", "Terminated")
    click("action-purge")
    wait.until(EC.visibility_of_element_located((By.ID, "confirm-dialog")))
    driver.find_element(By.ID, "confirm-ok").click()
    wait.until(EC.presence_of_element_located((By.ID, "instances-table")))  # back to the list
    assert api(http_base, "GET", f"instances/{instance_id}")[0] == 404
    assert_no_console_errors(driver)


def test_entities_schedules_and_overview(sidecar, browser):
    http_base = sidecar.http_base
    origin = http_base.split("/runtime/")[0]
    tag = uuid.uuid4().hex[:8]
    driver = browser
    wait = waiter(driver)

    # An entity with state: the list shows it.
    key = f"dash-{tag}"
    req = urllib.request.Request(f"{http_base}/entities/Counter/{key}?op=add", data=b"5", method="POST",
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=15) as response:
        assert response.status == 202
    deadline = time.monotonic() + 30
    while api(http_base, "GET", f"entities/counter/{key}") != (200, 5):
        assert time.monotonic() < deadline, "the counter entity did not reach 5"
        time.sleep(0.2)
    driver.get(origin + "/dashboard#/entities")
    row = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f'tr.entity-row[data-entity="counter@{key}"]')))
    assert "5" in row.find_element(By.TAG_NAME, "pre").text
    assert row.find_elements(By.TAG_NAME, "td")[4].text == "none"  # no critical section holds its lock
    code, items = api(http_base, "GET", "entities/counter?fetchState=true")
    assert code == 200
    item = next(i for i in items if i["entityId"]["key"] == key)
    assert item["state"] == 5 and item["lockedBy"] is None
    shot(driver, "09-entities")

    # A schedule: listed, then paused and resumed through the UI.
    schedule_id = f"dash-{tag}"
    code, body = api(http_base, "POST", "schedules", {"id": schedule_id, "interval": "1h", "orchestration": "FunctionChaining",
                                                      "startAt": "2999-01-01T00:00:00Z"})
    assert code == 201, body
    driver.get(origin + "/dashboard#/schedules")
    selector = f'tr.schedule-row[data-schedule-id="{schedule_id}"]'
    row = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, selector)))
    assert row.get_attribute("data-status") == "Active"
    assert "FunctionChaining" in row.text
    row.find_element(By.CSS_SELECTOR, "button.schedule-pause").click()
    wait.until(EC.visibility_of_element_located((By.ID, "confirm-dialog")))
    driver.find_element(By.ID, "confirm-ok").click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, selector).get_attribute("data-status") == "Paused",
               message="the schedule should show as paused")
    assert api(http_base, "GET", f"schedules/{schedule_id}")[1]["status"] == "Paused"
    shot(driver, "10-schedules-paused")
    driver.find_element(By.CSS_SELECTOR, f"{selector} button.schedule-resume").click()
    wait.until(EC.visibility_of_element_located((By.ID, "confirm-dialog")))
    driver.find_element(By.ID, "confirm-ok").click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, selector).get_attribute("data-status") == "Active",
               message="the schedule should show as active again")
    assert api(http_base, "GET", f"schedules/{schedule_id}")[1]["status"] == "Active"
    assert api(http_base, "DELETE", f"schedules/{schedule_id}")[0] == 204

    # The overview: backlog per partition, and after two scrapes (5 s apart) the rates' sparklines.
    driver.get(origin + "/dashboard#/overview")
    wait.until(EC.presence_of_element_located((By.ID, "backlog-table")))
    assert "not available" in driver.find_element(By.ID, "workers").text
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#backlog-table tr.backlog-row") or False,
               message="the backlog gauges should list partitions")
    waiter(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#spark-turns polyline") or False,
                                    message="a second scrape should draw the turns sparkline")
    assert float(driver.find_element(By.ID, "rate-turns").text) >= 0
    shot(driver, "08-overview")
    assert_no_console_errors(driver)


def test_key_is_asked_for_and_kept_in_memory_only(sidecar, browser):
    """A host with a system key: the page asks for the key, refuses a wrong one, and sends the
    right one as x-functions-key, without putting it in the URL, a cookie or storage."""
    import os
    import signal
    import subprocess

    from conftest import free_port

    binary = sidecar.command[0]
    key = f"k-{uuid.uuid4().hex}"
    workdir = Path(tempfile.mkdtemp(prefix="dtpy-key-"))
    http_port, grpc_port = free_port(), free_port()
    log = open(workdir / "serve.log", "wb")
    process = subprocess.Popen(
        [binary, "serve", "--port", str(http_port), "--grpc-port", str(grpc_port),
         "--data-dir", str(workdir / "data"), "--system-key", key, "--log-level", "warning"],
        cwd=workdir, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    origin = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (workdir / "serve.log").read_text(errors="replace")
            try:
                with urllib.request.urlopen(origin + "/dashboard", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the keyed host did not serve /dashboard within 60 s"
            time.sleep(0.2)
        # The API itself still wants the key.
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(origin + "/runtime/webhooks/durabletask/instances", timeout=10)
        assert error.value.code == 401

        driver = browser
        wait = waiter(driver)
        driver.get(origin + "/dashboard#/instances")
        wait.until(EC.visibility_of_element_located((By.ID, "key-dialog")))
        driver.find_element(By.ID, "key-input").send_keys("wrong")
        driver.find_element(By.ID, "key-submit").click()
        wait.until(EC.visibility_of_element_located((By.ID, "key-error")))
        shot(driver, "11-key-prompt-wrong-key")
        driver.find_element(By.ID, "key-input").send_keys(key)
        driver.find_element(By.ID, "key-submit").click()
        wait.until(EC.invisibility_of_element_located((By.ID, "key-dialog")))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#status-counts .count") or False,
                   message="with the key the page should load the counts")
        assert key not in driver.current_url
        assert driver.get_cookies() == []
        stored = driver.execute_script(
            "return JSON.stringify([Object.assign({}, localStorage), Object.assign({}, sessionStorage)])")
        assert key not in stored
        shot(driver, "12-keyed-host-instances")
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log.close()
        pid_file = workdir / "data" / "redis.pid"
        try:  # the embedded redis-server of this data directory, if it outlived the host
            pid = int(pid_file.read_text().strip())
            if str(workdir) in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError):
            pass
        shutil.rmtree(workdir, ignore_errors=True)
