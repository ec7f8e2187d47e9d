// The built-in dashboard of `durable serve`. Plain JavaScript, no dependencies, no external requests.
// Every piece of data comes from the management API (API below) or GET /metrics, under the same key
// rule as any other client: on a 401 the page asks for the system key, keeps it in memory for this
// tab only, and sends it as the x-functions-key header.
"use strict";

const API = "/runtime/webhooks/durabletask";
const STATUSES = ["Pending", "Running", "Suspended", "ContinuedAsNew", "Completed", "Failed", "Terminated", "Canceled"];
const LIVE = new Set(["Pending", "Running", "Suspended", "ContinuedAsNew"]);

let systemKey = null;       // the key, in memory only (never in the URL, a cookie or storage)
let keyPrompt = null;       // the pending key prompt, shared by concurrent requests
let viewTimer = null;       // the current view's refresh timer
let viewToken = 0;          // bumped on every navigation, so late answers of old views are dropped

// ------------------------------------------------------------------ helpers

const $ = (sel, root = document) => root.querySelector(sel);

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function json(value) {
  if (value === undefined) return "";
  try { return JSON.stringify(value, null, 2); } catch (e) { return String(value); }
}

/// Parses a history `Input` member (stored JSON text) for display; leaves non-JSON text alone.
function inputText(text) {
  if (text == null) return "null";
  try { return json(JSON.parse(text)); } catch (e) { return String(text); }
}

function short(value, max = 80) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (text == null) return "";
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

function fmtTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

function fmtDuration(ms) {
  if (!isFinite(ms)) return "";
  if (ms < 10) return `${ms.toFixed(ms === 0 ? 0 : 1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  if (ms < 3600000) return `${Math.floor(ms / 60000)} m ${Math.round((ms % 60000) / 1000)} s`;
  return `${(ms / 3600000).toFixed(1)} h`;
}

function statusBadge(status) {
  return `<span class="status ${esc(status)}">${esc(status)}</span>`;
}

function instanceLink(id) {
  return `#/instances/${encodeURIComponent(id)}`;
}

function flash(message, bad = false) {
  const el = $("#flash");
  el.textContent = message;
  el.className = bad ? "flash bad" : "flash";
  el.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { el.hidden = true; }, 6000);
}

// ------------------------------------------------------------------ requests and the key

class APIError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

/// fetch() against the API (a relative path) or the host (an absolute one), with the key if known.
/// A 401 asks for the key and tries again.
async function request(path, options = {}) {
  const url = path.startsWith("/") ? path : `${API}/${path}`;
  for (;;) {
    const headers = new Headers(options.headers || {});
    if (systemKey !== null) headers.set("x-functions-key", systemKey);
    const response = await fetch(url, { ...options, headers, cache: "no-store", credentials: "omit" });
    if (response.status !== 401) return response;
    await askForKey(systemKey !== null);
  }
}

/// request(), then the JSON body; a non-2xx answer throws an APIError with the API's message.
async function requestJSON(path, options = {}) {
  const response = await request(path, options);
  const text = await response.text();
  let body = null;
  if (text.length > 0) { try { body = JSON.parse(text); } catch (e) { body = text; } }
  if (!response.ok) {
    const code = body && body.error ? body.error : String(response.status);
    const message = body && body.message ? body.message : `${response.status} ${response.statusText}`;
    throw new APIError(response.status, code, message);
  }
  return { response, body };
}

function askForKey(wasWrong) {
  if (keyPrompt) return keyPrompt;
  const dialog = $("#key-dialog");
  const form = $("#key-form");
  const input = $("#key-input");
  $("#key-error").hidden = !wasWrong;
  $("#key-error").textContent = wasWrong ? "The host refused that key." : "";
  $("#key-state").textContent = wasWrong ? "key refused" : "key required";
  input.value = "";
  keyPrompt = new Promise(resolve => {
    form.onsubmit = event => {
      event.preventDefault();
      if (!input.value) return;
      systemKey = input.value;
      input.value = "";
      dialog.close();
      keyPrompt = null;
      $("#key-state").textContent = "key: set for this tab";
      resolve();
    };
    dialog.oncancel = event => event.preventDefault();   // the page cannot work without it
  });
  if (!dialog.open) dialog.showModal();
  input.focus();
  return keyPrompt;
}

/// Asks for confirmation in a dialog. `fields` is HTML for extra inputs; `check(form)` may throw to
/// refuse the values. Resolves to the form, or null when cancelled.
function confirmAction(title, message, fields = "", check = null) {
  const dialog = $("#confirm-dialog");
  const form = $("#confirm-form");
  $("#confirm-title").textContent = title;
  $("#confirm-message").textContent = message;
  $("#confirm-fields").innerHTML = fields;
  $("#confirm-error").hidden = true;
  return new Promise(resolve => {
    const finish = value => { form.onsubmit = null; $("#confirm-cancel").onclick = null; dialog.oncancel = null; dialog.close(); resolve(value); };
    form.onsubmit = event => {
      event.preventDefault();
      try { if (check) check(form); } catch (e) {
        $("#confirm-error").textContent = e.message;
        $("#confirm-error").hidden = false;
        return;
      }
      finish(form);
    };
    $("#confirm-cancel").onclick = () => finish(null);
    dialog.oncancel = event => { event.preventDefault(); finish(null); };
    dialog.showModal();
    const first = $("#confirm-fields input, #confirm-fields textarea", dialog);
    (first || $("#confirm-ok")).focus();
  });
}

// ------------------------------------------------------------------ routing

const routes = [
  [/^#\/overview$/, renderOverview],
  [/^#\/instances$/, renderInstances],
  [/^#\/instances\/(.+)$/, (view, token, id) => renderInstance(view, token, decodeURIComponent(id))],
  [/^#\/entities$/, renderEntities],
  [/^#\/schedules$/, renderSchedules],
];

function navigate() {
  clearInterval(viewTimer);
  viewTimer = null;
  const token = ++viewToken;
  const hash = location.hash || "#/instances";
  const view = $("#view");
  for (const a of document.querySelectorAll("#nav a")) {
    a.classList.toggle("active", hash.startsWith(`#/${a.dataset.view}`));
  }
  for (const [pattern, render] of routes) {
    const match = hash.match(pattern);
    if (match) {
      Promise.resolve(render(view, token, ...match.slice(1))).catch(error => {
        if (token === viewToken) view.innerHTML = `<p class="error">${esc(error.message)}</p>`;
      });
      return;
    }
  }
  location.hash = "#/instances";
}

const current = token => token === viewToken;

// ------------------------------------------------------------------ instances

const listState = {
  statuses: new Set(), name: "", prefix: "", from: "", to: "",
  pageTokens: [null],   // the continuation token of each page visited; the last is the current page
  next: null,           // the next page's token
  autoRefresh: false,
};
const PAGE_SIZE = 50;
const NAME_FILTER_PAGES = 10;   // pages read at most to fill one page when filtering by name
const COUNT_TOP = 500;          // instances counted per status at most

function listQuery(statuses, top) {
  const params = new URLSearchParams();
  if (statuses.length) params.set("runtimeStatus", statuses.join(","));
  if (listState.prefix) params.set("instanceIdPrefix", listState.prefix);
  if (listState.from) params.set("createdTimeFrom", new Date(listState.from).toISOString());
  if (listState.to) params.set("createdTimeTo", new Date(listState.to).toISOString());
  params.set("top", String(top));
  params.set("showInput", "false");
  return `instances?${params}`;
}

/// One page of the list. The name filter is applied here (the API has none): pages are read until
/// PAGE_SIZE matches are found or NAME_FILTER_PAGES pages were read.
async function fetchInstancePage(token) {
  const rows = [];
  let next = token;
  for (let page = 0; page < (listState.name ? NAME_FILTER_PAGES : 1); page++) {
    const headers = next ? { "x-ms-continuation-token": next } : {};
    const { response, body } = await requestJSON(listQuery([...listState.statuses], PAGE_SIZE), { headers });
    const name = listState.name.toLowerCase();
    for (const item of body || []) {
      if (!name || String(item.name || "").toLowerCase().includes(name)) rows.push(item);
    }
    next = response.headers.get("x-ms-continuation-token") || null;
    if (!next || rows.length >= PAGE_SIZE) break;
  }
  return { rows, next };
}

/// How many instances have each status (under the prefix and time filters), counted from pages
/// of at most COUNT_TOP; more is shown as "COUNT_TOP+".
async function fetchCounts() {
  const counts = {};
  await Promise.all(STATUSES.map(async status => {
    let n = 0, token = null, more = false;
    do {
      const headers = token ? { "x-ms-continuation-token": token } : {};
      const { response, body } = await requestJSON(listQuery([status], COUNT_TOP), { headers });
      n += (body || []).length;
      token = response.headers.get("x-ms-continuation-token") || null;
      if (n >= COUNT_TOP && token) { more = true; break; }
    } while (token);
    counts[status] = more ? `${n}+` : String(n);
  }));
  return counts;
}

function renderInstances(view, token) {
  const checks = STATUSES.map(s =>
    `<label><input type="checkbox" name="status" value="${s}" ${listState.statuses.has(s) ? "checked" : ""}>${s}</label>`).join("");
  view.innerHTML = `
    <h1>Instances</h1>
    <div id="status-counts" class="counts"></div>
    <form id="instance-filters" class="filters card">
      <fieldset><legend class="muted">runtime status</legend>${checks}</fieldset>
      <label>name <input id="filter-name" name="name" value="${esc(listState.name)}" placeholder="contains"></label>
      <label>instance ID prefix <input id="filter-prefix" name="prefix" value="${esc(listState.prefix)}"></label>
      <label>created from <input id="filter-from" name="from" type="datetime-local" step="1" value="${esc(listState.from)}"></label>
      <label>created to <input id="filter-to" name="to" type="datetime-local" step="1" value="${esc(listState.to)}"></label>
      <button id="apply-filters" type="submit" class="primary">Apply</button>
      <button id="clear-filters" type="button">Clear</button>
    </form>
    <div class="toolbar">
      <button id="first-page" type="button">First page</button>
      <button id="next-page" type="button">Next page</button>
      <span id="page-info" class="muted"></span>
      <label><input id="auto-refresh" type="checkbox" ${listState.autoRefresh ? "checked" : ""}> auto-refresh (2 s)</label>
      <span id="refreshed" class="muted"></span>
    </div>
    <table id="instances-table">
      <thead><tr><th>Instance ID</th><th>Name</th><th>Status</th><th>Created</th><th>Last updated</th></tr></thead>
      <tbody></tbody>
    </table>`;

  const form = $("#instance-filters");
  form.onsubmit = event => {
    event.preventDefault();
    listState.statuses = new Set([...form.querySelectorAll("input[name=status]:checked")].map(i => i.value));
    listState.name = $("#filter-name").value.trim();
    listState.prefix = $("#filter-prefix").value.trim();
    listState.from = $("#filter-from").value;
    listState.to = $("#filter-to").value;
    listState.pageTokens = [null];
    load(true);
  };
  $("#clear-filters").onclick = () => {
    Object.assign(listState, { statuses: new Set(), name: "", prefix: "", from: "", to: "", pageTokens: [null] });
    renderInstances(view, token);
  };
  $("#first-page").onclick = () => { listState.pageTokens = [null]; load(false); };
  $("#next-page").onclick = () => { if (listState.next) { listState.pageTokens.push(listState.next); load(false); } };
  $("#auto-refresh").onchange = event => { listState.autoRefresh = event.target.checked; schedule(); };

  let loading = false;
  async function load(withCounts) {
    if (loading) return;
    loading = true;
    try {
      const page = await fetchInstancePage(listState.pageTokens[listState.pageTokens.length - 1]);
      if (!current(token)) return;
      listState.next = page.next;
      const tbody = $("#instances-table tbody");
      tbody.innerHTML = page.rows.length === 0
        ? `<tr><td colspan="5" class="muted">No instances match.</td></tr>`
        : page.rows.map(item => `
          <tr class="instance-row" data-instance-id="${esc(item.instanceId)}" data-name="${esc(item.name)}" data-status="${esc(item.runtimeStatus)}">
            <td class="mono"><a href="${instanceLink(item.instanceId)}">${esc(item.instanceId)}</a></td>
            <td>${esc(item.name)}</td><td>${statusBadge(item.runtimeStatus)}</td>
            <td>${esc(fmtTime(item.createdTime))}</td><td>${esc(fmtTime(item.lastUpdatedTime))}</td>
          </tr>`).join("");
      $("#next-page").disabled = !page.next;
      $("#first-page").disabled = listState.pageTokens.length === 1;
      $("#page-info").textContent = `page ${listState.pageTokens.length} · ${page.rows.length} rows${page.next ? "" : " · last page"}` +
        (listState.name ? ` · name filtered in the browser (up to ${NAME_FILTER_PAGES} pages of ${PAGE_SIZE})` : "");
      $("#refreshed").textContent = `updated ${new Date().toLocaleTimeString()}`;
      if (withCounts) {
        const counts = await fetchCounts();
        if (!current(token)) return;
        $("#status-counts").innerHTML = STATUSES.map(s =>
          `<div class="count" data-status="${s}"><b>${esc(counts[s])}</b>${statusBadge(s)}</div>`).join("");
      }
    } catch (error) {
      if (current(token)) flash(`Could not list instances: ${error.message}`, true);
    } finally {
      loading = false;
    }
  }

  let ticks = 0;
  function schedule() {
    clearInterval(viewTimer);
    viewTimer = listState.autoRefresh ? setInterval(() => { if (current(token)) load(++ticks % 5 === 0); }, 2000) : null;
  }
  schedule();
  return load(true);
}

// ------------------------------------------------------------------ one instance

async function renderInstance(view, token, id) {
  let data;
  try {
    ({ body: data } = await requestJSON(`instances/${encodeURIComponent(id)}?showHistory=true&showHistoryOutput=true`));
  } catch (error) {
    if (!current(token)) return;
    view.innerHTML = `<p><a href="#/instances">← Instances</a></p>
      <p class="error">${error.status === 404 ? `No instance has ID ${esc(id)}.` : esc(error.message)}</p>`;
    return;
  }
  if (!current(token)) return;
  const history = data.historyEvents || [];
  const failure = failureOf(data, history);
  view.innerHTML = `
    <p><a href="#/instances">← Instances</a></p>
    <h1><span class="mono" id="instance-id">${esc(data.instanceId)}</span> ${statusBadge(data.runtimeStatus)}</h1>
    <div class="actions" id="instance-actions">
      <button id="action-raise" type="button">Raise event…</button>
      <button id="action-terminate" type="button" class="danger">Terminate…</button>
      <button id="action-suspend" type="button">Suspend…</button>
      <button id="action-resume" type="button">Resume…</button>
      <button id="action-rewind" type="button">Rewind…</button>
      <button id="action-restart" type="button">Restart…</button>
      <button id="action-purge" type="button" class="danger">Purge…</button>
      <button id="action-reload" type="button">Reload</button>
      ${LIVE.has(data.runtimeStatus) ? `<label class="muted"><input id="detail-refresh" type="checkbox"> auto-refresh (2 s)</label>` : ""}
    </div>
    <div class="grid2">
      <div class="card"><dl class="kv">
        <dt>Name</dt><dd id="instance-name">${esc(data.name)}</dd>
        <dt>Status</dt><dd id="instance-status" data-status="${esc(data.runtimeStatus)}">${esc(data.runtimeStatus)}</dd>
        <dt>Created</dt><dd>${esc(fmtTime(data.createdTime))}</dd>
        <dt>Last updated</dt><dd>${esc(fmtTime(data.lastUpdatedTime))}</dd>
      </dl></div>
      <div class="card"><b>Custom status</b><pre id="instance-custom-status">${esc(json(data.customStatus))}</pre></div>
      <div class="card"><b>Input</b><pre id="instance-input">${esc(json(data.input))}</pre></div>
      <div class="card"><b>Output</b><pre id="instance-output">${esc(json(data.output))}</pre></div>
    </div>
    ${failure ? `<div class="card" id="instance-failure"><b class="error">Failure</b><pre>${esc(failure)}</pre></div>` : ""}
    <h2>Timeline</h2>
    <div id="timeline-container"></div>
    <h2>History <span class="muted">(${history.length} events; turn markers left out)</span></h2>
    <table id="history-table">
      <thead><tr><th>#</th><th>Event</th><th>Time</th><th>Name</th><th>Details</th></tr></thead>
      <tbody>${history.map(historyRow).join("") || `<tr><td colspan="5" class="muted">No history yet.</td></tr>`}</tbody>
    </table>`;
  $("#timeline-container").innerHTML = renderTimeline(data, history);
  wireInstanceActions(view, token, data);
  const refresh = $("#detail-refresh");
  if (refresh) {
    refresh.checked = renderInstance.autoRefresh === true;
    const schedule = () => {
      clearInterval(viewTimer);
      viewTimer = refresh.checked ? setInterval(() => { if (current(token)) navigate(); }, 2000) : null;
    };
    refresh.onchange = () => { renderInstance.autoRefresh = refresh.checked; schedule(); };
    schedule();
  }
}

function failureOf(data, history) {
  const parts = [];
  for (const event of history) {
    if (event.EventType === "ExecutionCompleted" && event.FailureDetails) parts.push(failureText(event.FailureDetails));
  }
  if (parts.length === 0 && data.runtimeStatus === "Failed") parts.push(typeof data.output === "string" ? data.output : json(data.output));
  return parts.join("\n\n");
}

function failureText(f) {
  let text = `${f.ErrorType}: ${f.ErrorMessage}`;
  if (f.IsNonRetriable) text += " (non-retriable)";
  if (f.StackTrace) text += `\n${f.StackTrace}`;
  if (f.InnerFailure) text += `\ncaused by ${failureText(f.InnerFailure)}`;
  return text;
}

function historyRow(event, index) {
  const name = event.FunctionName || event.Name || "";
  const details = [];
  if (event.InstanceId) details.push(`instance <a class="mono" href="${instanceLink(event.InstanceId)}">${esc(event.InstanceId)}</a>`);
  if (event.ScheduledTime) details.push(`scheduled ${esc(fmtTime(event.ScheduledTime))}`);
  if (event.FireAt) details.push(`fires at ${esc(fmtTime(event.FireAt))}`);
  if ("Input" in event && event.Input != null) details.push(`input <code>${esc(short(inputText(event.Input).replace(/\s+/g, " "), 120))}</code>`);
  if ("Result" in event && event.Result != null) details.push(`result <code>${esc(short(event.Result, 120))}</code>`);
  if (event.OrchestrationStatus) details.push(`status ${esc(event.OrchestrationStatus)}`);
  if (event.Reason) details.push(`reason ${esc(short(event.Reason, 160))}`);
  if (event.FailureDetails) details.push(`<span class="error">${esc(short(failureText(event.FailureDetails), 200))}</span>`);
  return `<tr class="history-row" data-event-type="${esc(event.EventType)}"><td>${index + 1}</td><td>${esc(event.EventType)}</td>
    <td class="mono time">${esc(event.Timestamp)}</td><td>${esc(name)}</td><td>${details.join(" · ")}</td></tr>`;
}

/// The bars of the timeline: activities, timers, sub-orchestrations and external-event waits.
/// Each is {kind, name, start, end, open, failed, instanceId, note} with times in ms.
function timelineBars(data, history) {
  const t = iso => Date.parse(iso);
  const live = LIVE.has(data.runtimeStatus);
  const now = Date.now();
  const bars = [];
  const pendingTimers = [];
  let idleSince = null;        // when the orchestration last did something (a wait starts there)
  for (const event of history) {
    const at = t(event.Timestamp);
    switch (event.EventType) {
      case "TaskCompleted": case "TaskFailed":
        bars.push({ kind: "activity", name: event.FunctionName || "?", start: t(event.ScheduledTime) || at, end: at,
          failed: event.EventType === "TaskFailed", note: event.Reason });
        break;
      case "TaskScheduled":
        bars.push({ kind: "activity", name: event.Name, start: at, end: null, open: true });
        break;
      case "SubOrchestrationInstanceCompleted": case "SubOrchestrationInstanceFailed":
        bars.push({ kind: "suborchestration", name: event.FunctionName || "?", start: t(event.ScheduledTime) || at, end: at,
          failed: event.EventType === "SubOrchestrationInstanceFailed", instanceId: event.InstanceId, note: event.Reason });
        break;
      case "SubOrchestrationInstanceCreated":
        bars.push({ kind: "suborchestration", name: event.Name, start: at, end: null, open: true, instanceId: event.InstanceId });
        break;
      case "TimerCreated": {
        const bar = { kind: "timer", name: "timer", start: at, end: null, open: true, fireAt: t(event.FireAt) };
        bars.push(bar);
        pendingTimers.push(bar);
        break;
      }
      case "TimerFired": {
        const fireAt = t(event.FireAt);
        const index = pendingTimers.findIndex(b => b.fireAt === fireAt);
        if (index >= 0) {
          const bar = pendingTimers.splice(index, 1)[0];
          bar.end = at; bar.open = false;
        } else {
          bars.push({ kind: "timer", name: "timer", start: at, end: at });
        }
        break;
      }
      case "EventRaised":
        // The history records when the event arrived, not when the wait began: the bar starts
        // when the orchestration last did something before it.
        bars.push({ kind: "event", name: event.Name, start: idleSince ?? at, end: at, note: "wait start inferred" });
        break;
    }
    idleSince = at;
  }
  // A live instance with no activity or sub-orchestration pending is waiting for something: an
  // external event (perhaps with a timeout timer) or a timer. The history cannot tell which.
  const last = history.length ? t(history[history.length - 1].Timestamp) : null;
  const busy = bars.some(b => b.open && (b.kind === "activity" || b.kind === "suborchestration"));
  if (live && data.runtimeStatus !== "Pending" && !busy && last != null) {
    bars.push({ kind: "event", name: "waiting (inferred)", start: last, end: null, open: true,
      note: "no activity or sub-orchestration pending: waiting for an event or a timer" });
  }
  for (const bar of bars) {
    if (bar.open && !live) {   // the instance ended first: the task or timer never finished
      bar.open = false;
      bar.abandoned = true;
      bar.note = "never finished: the instance ended first";
    }
    if (bar.end == null) bar.end = live ? Math.max(now, bar.start) : (last ?? bar.start);
    if (bar.kind === "timer" && bar.fireAt && (bar.open || bar.abandoned)) bar.note = `${bar.abandoned ? "never fired; was due at" : "fires at"} ${new Date(bar.fireAt).toISOString()}`;
  }
  return bars;
}

function renderTimeline(data, history) {
  const bars = timelineBars(data, history);
  if (bars.length === 0) return `<p class="muted" id="timeline-empty">No activities, timers, sub-orchestrations or events yet.</p>`;
  const started = history.find(e => e.EventType === "ExecutionStarted");
  let t0 = started ? Date.parse(started.Timestamp) : Math.min(...bars.map(b => b.start));
  t0 = Math.min(t0, ...bars.map(b => b.start));
  let t1 = Math.max(...bars.map(b => b.end), ...history.map(e => Date.parse(e.Timestamp)));
  if (!(t1 > t0)) t1 = t0 + 1;
  const span = t1 - t0;
  const pct = ms => ((ms - t0) / span * 100).toFixed(3);
  const ticks = [];
  for (let i = 0; i <= 4; i++) {
    ticks.push(`<span class="tick" style="left:${i * 25}%">+${esc(fmtDuration(span * i / 4))}</span>`);
  }
  const lanes = bars.map(bar => {
    const classes = ["bar", bar.kind];
    if (bar.failed) classes.push("failed");
    if (bar.open) classes.push("open");
    if (bar.abandoned) classes.push("abandoned");
    const width = Math.max(0, ((bar.end - bar.start) / span * 100)).toFixed(3);
    const title = `${bar.kind} ${bar.name}: ${fmtDuration(bar.end - bar.start)}${bar.open ? " (still open)" : ""}` +
      `${bar.failed ? " — failed" : ""}${bar.note ? ` — ${bar.note}` : ""}`;
    const attrs = `class="${classes.join(" ")}" data-kind="${bar.kind}" data-name="${esc(bar.name)}" ` +
      `style="left:${pct(bar.start)}%;width:${width}%" title="${esc(title)}"`;
    const element = bar.kind === "suborchestration" && bar.instanceId
      ? `<a ${attrs} href="${instanceLink(bar.instanceId)}" data-instance-id="${esc(bar.instanceId)}"></a>`
      : `<div ${attrs}></div>`;
    return `<div class="lane"><span class="lane-label" title="${esc(bar.name)}">${esc(bar.kind === "timer" ? "timer" : bar.name)}
      <span class="muted">${esc(fmtDuration(bar.end - bar.start))}</span></span>${element}</div>`;
  }).join("");
  return `
    <div class="legend">
      <span style="--c:#4c7be0">activity</span><span style="--c:#a58bd8">timer</span>
      <span style="--c:#2ea37a">sub-orchestration</span><span style="--c:#e0a24c">external event wait</span>
      <span style="--c:#c23b32">failed</span><span class="muted">striped: still open · faded: never finished</span>
    </div>
    <div class="timeline" id="timeline" data-start="${new Date(t0).toISOString()}">
      <div class="axis">${ticks.join("")}</div>${lanes}
    </div>`;
}

function wireInstanceActions(view, token, data) {
  const id = data.instanceId;
  const base = `instances/${encodeURIComponent(id)}`;
  const reasonField = (value) => `<label for="confirm-reason">reason</label><input id="confirm-reason" name="reason" value="${esc(value)}">`;
  const reason = form => encodeURIComponent(form.elements.reason.value);
  const act = async (title, message, fields, check, perform) => {
    const form = await confirmAction(title, message, fields, check);
    if (!form) return;
    try {
      const text = await perform(form);
      flash(text);
    } catch (error) {
      flash(`${title} failed: ${error.message}`, true);
    }
    // The engine applies the request shortly after the API accepts it: show the instance again
    // now and twice more in the next seconds, as long as the page still shows it.
    const shown = location.hash;
    if (current(token)) navigate();
    for (const delay of [1000, 3000]) setTimeout(() => { if (location.hash === shown && !viewTimer) navigate(); }, delay);
  };
  $("#action-reload").onclick = () => navigate();
  $("#action-raise").onclick = () => act("Raise an event", `Send an external event to ${id}.`,
    `<label for="confirm-event-name">event name</label><input id="confirm-event-name" name="eventName" required>
     <label for="confirm-event-data">data (JSON)</label><textarea id="confirm-event-data" name="eventData">null</textarea>`,
    form => {
      if (!form.elements.eventName.value) throw new Error("The event needs a name.");
      JSON.parse(form.elements.eventData.value || "null");
    },
    async form => {
      const name = form.elements.eventName.value;
      await requestJSON(`${base}/raiseEvent/${encodeURIComponent(name)}`, {
        method: "POST", headers: { "content-type": "application/json" }, body: form.elements.eventData.value || "null" });
      return `Event ${name} raised.`;
    });
  $("#action-terminate").onclick = () => act("Terminate", `Terminate ${id} (and its running sub-orchestrations)?`,
    reasonField("terminated from the dashboard"), null,
    async form => { await requestJSON(`${base}/terminate?reason=${reason(form)}`, { method: "POST" }); return "Termination requested."; });
  $("#action-suspend").onclick = () => act("Suspend", `Suspend ${id}?`, reasonField("suspended from the dashboard"), null,
    async form => { await requestJSON(`${base}/suspend?reason=${reason(form)}`, { method: "POST" }); return "Suspension requested."; });
  $("#action-resume").onclick = () => act("Resume", `Resume ${id}?`, reasonField("resumed from the dashboard"), null,
    async form => { await requestJSON(`${base}/resume?reason=${reason(form)}`, { method: "POST" }); return "Resume requested."; });
  $("#action-rewind").onclick = () => act("Rewind", `Rewind ${id}: run the failed task again and go on from there?`,
    reasonField("rewound from the dashboard"), null,
    async form => { await requestJSON(`${base}/rewind?reason=${reason(form)}`, { method: "POST" }); return "Rewind requested."; });
  $("#action-restart").onclick = () => act("Restart", `Start ${data.name} again with the same input?`,
    `<label><input type="checkbox" name="newId" checked style="width:auto"> under a new instance ID</label>`, null,
    async form => {
      const fresh = form.elements.newId.checked;
      const { body } = await requestJSON(`${base}/restart?restartWithNewInstanceId=${fresh}`, { method: "POST" });
      if (body && body.id && body.id !== id) { location.hash = instanceLink(body.id); }
      return `Restarted as ${body && body.id ? body.id : id}.`;
    });
  $("#action-purge").onclick = () => act("Purge", `Delete ${id} and its history for good? Only finished instances can be purged.`, "", null,
    async () => {
      await requestJSON(base, { method: "DELETE" });
      location.hash = "#/instances";
      return `Purged ${id}.`;
    });
}

// ------------------------------------------------------------------ entities

async function renderEntities(view, token) {
  view.innerHTML = `
    <h1>Entities</h1>
    <div class="toolbar"><button id="entities-first" type="button">First page</button>
      <button id="entities-next" type="button">Next page</button><span id="entities-info" class="muted"></span></div>
    <table id="entities-table"><thead><tr><th>Name</th><th>Key</th><th>Last operation</th><th>State</th><th>Lock holder</th><th></th></tr></thead>
    <tbody><tr><td colspan="6" class="muted">Loading…</td></tr></tbody></table>
    <p class="muted">The API lists entities with state only. The lock holder is the orchestration whose
      critical section holds the entity's lock.</p>`;
  const tokens = [null];
  let next = null;
  async function load() {
    const headers = tokens[tokens.length - 1] ? { "x-ms-continuation-token": tokens[tokens.length - 1] } : {};
    const { response, body } = await requestJSON("entities?fetchState=true&top=100", { headers });
    if (!current(token)) return;
    next = response.headers.get("x-ms-continuation-token") || null;
    $("#entities-next").disabled = !next;
    $("#entities-first").disabled = tokens.length === 1;
    $("#entities-info").textContent = `page ${tokens.length} · ${(body || []).length} entities${next ? "" : " · last page"}`;
    $("#entities-table tbody").innerHTML = (body || []).length === 0
      ? `<tr><td colspan="6" class="muted">No entities with state.</td></tr>`
      : body.map(item => {
        const { name, key } = item.entityId || {};
        const state = item.state;
        const holder = item.lockedBy ?? null;
        return `<tr class="entity-row" data-entity="${esc(name)}@${esc(key)}">
          <td>${esc(name)}</td><td class="mono">${esc(key)}</td><td>${esc(fmtTime(item.lastOperationTime))}</td>
          <td><pre>${esc(json(state))}</pre></td><td>${holder == null ? `<span class="muted">none</span>` : `<a class="mono" href="${instanceLink(holder)}">${esc(holder)}</a>`}</td>
          <td><button type="button" class="break-lock" data-name="${esc(name)}" data-key="${esc(key)}">Break lock…</button></td></tr>`;
      }).join("");
    for (const button of view.querySelectorAll(".break-lock")) {
      button.onclick = async () => {
        const { name, key } = button.dataset;
        const form = await confirmAction("Break the lock", `Break any critical section's lock on @${name}@${key}? Its holder is not told.`,
          `<label for="confirm-reason">reason</label><input id="confirm-reason" name="reason" value="broken from the dashboard">`);
        if (!form) return;
        try {
          await requestJSON(`entities/${encodeURIComponent(name)}/${encodeURIComponent(key === "" ? "$" : key)}/breakLock?reason=${encodeURIComponent(form.elements.reason.value)}`, { method: "POST" });
          flash("Lock break queued.");
        } catch (error) { flash(`Break lock failed: ${error.message}`, true); }
      };
    }
  }
  $("#entities-first").onclick = () => { tokens.length = 1; load().catch(e => flash(e.message, true)); };
  $("#entities-next").onclick = () => { if (next) { tokens.push(next); load().catch(e => flash(e.message, true)); } };
  return load();
}

// ------------------------------------------------------------------ schedules

async function renderSchedules(view, token) {
  view.innerHTML = `
    <h1>Schedules</h1>
    <div class="toolbar"><button id="schedules-first" type="button">First page</button>
      <button id="schedules-next" type="button">Next page</button><span id="schedules-info" class="muted"></span></div>
    <table id="schedules-table"><thead><tr><th>ID</th><th>Status</th><th>Orchestration</th><th>When</th><th>Next due</th>
      <th>Running</th><th>Started / skipped / missed</th><th></th></tr></thead>
    <tbody><tr><td colspan="8" class="muted">Loading…</td></tr></tbody></table>`;
  const tokens = [null];
  let next = null;
  async function load() {
    const headers = tokens[tokens.length - 1] ? { "x-ms-continuation-token": tokens[tokens.length - 1] } : {};
    const { response, body } = await requestJSON("schedules?top=100", { headers });
    if (!current(token)) return;
    next = response.headers.get("x-ms-continuation-token") || null;
    $("#schedules-next").disabled = !next;
    $("#schedules-first").disabled = tokens.length === 1;
    $("#schedules-info").textContent = `page ${tokens.length} · ${(body || []).length} schedules${next ? "" : " · last page"}`;
    $("#schedules-table tbody").innerHTML = (body || []).length === 0
      ? `<tr><td colspan="8" class="muted">No schedules.</td></tr>`
      : body.map(s => {
        const d = s.definition || {};
        const when = d.cron ? `cron ${d.cron}${d.timeZone ? ` (${d.timeZone})` : ""}` : d.interval ? `every ${d.interval}` : "";
        const running = s.running && s.running.instanceId
          ? `<a class="mono" href="${instanceLink(s.running.instanceId)}">${esc(s.running.instanceId)}</a>` : `<span class="muted">—</span>`;
        const button = s.status === "Paused"
          ? `<button type="button" class="schedule-resume" data-id="${esc(s.id)}">Resume…</button>`
          : s.status === "Active" ? `<button type="button" class="schedule-pause" data-id="${esc(s.id)}">Pause…</button>` : "";
        return `<tr class="schedule-row" data-schedule-id="${esc(s.id)}" data-status="${esc(s.status)}">
          <td class="mono">${esc(s.id)}</td>
          <td>${esc(s.status)}${s.pauseReason ? `<div class="muted">${esc(s.pauseReason)}</div>` : ""}</td>
          <td>${esc(d.orchestration)}</td><td class="mono">${esc(when)}</td><td>${esc(fmtTime(s.nextDue))}</td>
          <td>${running}${s.buffered ? ` <span class="muted">(+1 buffered)</span>` : ""}</td>
          <td>${esc(s.startedCount)} / ${esc(s.skippedCount)} / ${esc(s.missedCount)}</td><td>${button}</td></tr>`;
      }).join("");
    for (const b of view.querySelectorAll(".schedule-pause, .schedule-resume")) {
      const pause = b.classList.contains("schedule-pause");
      b.onclick = async () => {
        const id = b.dataset.id;
        const form = await confirmAction(pause ? "Pause schedule" : "Resume schedule", `${pause ? "Pause" : "Resume"} schedule ${id}?`,
          pause ? `<label for="confirm-reason">reason</label><input id="confirm-reason" name="reason" value="paused from the dashboard">` : "");
        if (!form) return;
        try {
          const query = pause ? `?reason=${encodeURIComponent(form.elements.reason.value)}` : "";
          await requestJSON(`schedules/${encodeURIComponent(id)}/${pause ? "pause" : "resume"}${query}`, { method: "POST" });
          flash(`Schedule ${id} ${pause ? "paused" : "resumed"}.`);
        } catch (error) { flash(`Failed: ${error.message}`, true); }
        if (current(token)) load().catch(e => flash(e.message, true));
      };
    }
  }
  $("#schedules-first").onclick = () => { tokens.length = 1; load().catch(e => flash(e.message, true)); };
  $("#schedules-next").onclick = () => { if (next) { tokens.push(next); load().catch(e => flash(e.message, true)); } };
  return load();
}

// ------------------------------------------------------------------ overview (GET /metrics)

const SAMPLES = 60;            // scrapes kept: 5 minutes at one per 5 s
const SCRAPE_MS = 5000;
const samples = [];            // {at, turns, activities, latenessSum, latenessCount}
let metricsMissing = false;

/// Prometheus text → [{name, labels, value}].
function parseMetrics(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/);
    if (!m) continue;
    const labels = {};
    if (m[3]) for (const l of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\(.)/g, "$1");
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

const sum = (metrics, name) => metrics.filter(m => m.name === name).reduce((a, m) => a + (isFinite(m.value) ? m.value : 0), 0);

async function scrape() {
  const response = await request("/metrics");
  if (response.status === 404) { metricsMissing = true; return null; }
  if (!response.ok) throw new Error(`GET /metrics: ${response.status}`);
  const metrics = parseMetrics(await response.text());
  samples.push({
    at: Date.now(),
    turns: sum(metrics, "durabletask_orchestration_turns_total"),
    activities: sum(metrics, "durabletask_activity_executions_total"),
    latenessSum: sum(metrics, "durabletask_timer_lateness_seconds_sum"),
    latenessCount: sum(metrics, "durabletask_timer_lateness_seconds_count"),
  });
  if (samples.length > SAMPLES) samples.shift();
  return metrics;
}

/// Per-second rates of a counter between successive samples.
function rates(key) {
  const out = [];
  for (let i = 1; i < samples.length; i++) {
    const dt = (samples[i].at - samples[i - 1].at) / 1000;
    out.push(dt > 0 ? Math.max(0, samples[i][key] - samples[i - 1][key]) / dt : 0);
  }
  return out;
}

function sparkline(values, id) {
  const w = 220, h = 40;
  if (values.length < 2) return `<svg class="spark" id="${id}" width="${w}" height="${h}"><text x="4" y="24" font-size="11" fill="#6b7385">collecting…</text></svg>`;
  const max = Math.max(...values, 1e-9);
  const points = values.map((v, i) => `${(i / (values.length - 1) * (w - 2) + 1).toFixed(1)},${(h - 2 - v / max * (h - 6)).toFixed(1)}`).join(" ");
  return `<svg class="spark" id="${id}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><polyline points="${points}"/></svg>`;
}

async function renderOverview(view, token) {
  view.innerHTML = `<h1>Overview</h1><div id="overview-body"><p class="muted">Scraping /metrics…</p></div>`;
  async function tick() {
    let metrics;
    try { metrics = await scrape(); } catch (error) {
      if (current(token)) $("#overview-body").innerHTML = `<p class="error">${esc(error.message)}</p>`;
      return;
    }
    if (!current(token)) return;
    if (metricsMissing) {
      $("#overview-body").innerHTML = `<p class="muted">This host serves no /metrics, so there is nothing to show here.</p>`;
      clearInterval(viewTimer);
      return;
    }
    const partitions = new Map();
    const gauges = { durabletask_backlog_ready_instances: "ready", durabletask_backlog_pending_activities: "activities", durabletask_backlog_timers_due: "timers" };
    for (const m of metrics) {
      const column = gauges[m.name];
      if (!column) continue;
      const p = m.labels.partition ?? "";
      if (!partitions.has(p)) partitions.set(p, { ready: 0, activities: 0, timers: 0 });
      partitions.get(p)[column] += m.value;
    }
    const rows = [...partitions.entries()].sort((a, b) => Number(a[0]) - Number(b[0]) || a[0].localeCompare(b[0]));
    const turnRates = rates("turns"), activityRates = rates("activities");
    const lastRate = r => r.length ? r[r.length - 1].toFixed(2) : "–";
    const s = samples[samples.length - 1];
    const meanLateness = s.latenessCount > 0 ? `${(s.latenessSum / s.latenessCount * 1000).toFixed(1)} ms over ${s.latenessCount} timers` : "no timers fired yet";
    let recentLateness = "–";
    if (samples.length > 1) {
      const first = samples[0];
      const dn = s.latenessCount - first.latenessCount;
      recentLateness = dn > 0 ? `${((s.latenessSum - first.latenessSum) / dn * 1000).toFixed(1)} ms over ${dn} timers` : "no timers fired in the window";
    }
    const window = samples.length > 1 ? fmtDuration(s.at - samples[0].at) : "–";
    $("#overview-body").innerHTML = `
      <div class="grid2">
        <div class="card"><b>Orchestration turns / s</b> <span id="rate-turns">${lastRate(turnRates)}</span>
          ${sparkline(turnRates, "spark-turns")}<span class="muted">total ${s.turns} · window ${window}</span></div>
        <div class="card"><b>Activity executions / s</b> <span id="rate-activities">${lastRate(activityRates)}</span>
          ${sparkline(activityRates, "spark-activities")}<span class="muted">total ${s.activities} · window ${window}</span></div>
        <div class="card"><b>Timer lateness</b><dl class="kv">
          <dt>mean since start</dt><dd id="lateness-mean">${esc(meanLateness)}</dd>
          <dt>mean in the window</dt><dd>${esc(recentLateness)}</dd></dl></div>
        <div class="card"><b>Workers seen recently</b><p class="muted" id="workers">not available (the host has no data source for this yet)</p></div>
      </div>
      <h2>Backlog per partition</h2>
      <table id="backlog-table"><thead><tr><th>Partition</th><th>Ready instances</th><th>Pending activities</th><th>Timers due</th></tr></thead>
      <tbody>${rows.map(([p, v]) => `<tr class="backlog-row" data-partition="${esc(p)}"><td>${esc(p)}</td><td>${v.ready}</td><td>${v.activities}</td><td>${v.timers}</td></tr>`).join("")
        || `<tr><td colspan="4" class="muted">No backlog gauges reported.</td></tr>`}</tbody></table>
      <p class="muted">Scraped every ${SCRAPE_MS / 1000} s while this page is open; rates are computed in the browser from the last ${SAMPLES} scrapes.</p>`;
  }
  viewTimer = setInterval(() => { if (current(token)) tick(); }, SCRAPE_MS);
  return tick();
}

// ------------------------------------------------------------------ start

window.addEventListener("hashchange", navigate);
navigate();
