/// The status page served at `/`: one self-contained HTML file, plain JS, no build step.
/// It reads `?token=` once into sessionStorage, lists fabrics from the REST API, then
/// follows the WebSocket (`token=` in its URL, since browsers cannot set headers there),
/// reconnecting with backoff and resuming from the last seq.
enum StatusPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fabricsync</title>
<style>
  :root { --bg:#f6f7f9; --card:#fff; --ink:#1d2433; --muted:#677085; --line:#e3e6ec;
          --green:#1f9d55; --red:#d64545; --amber:#c98a00; --blue:#2b6cb0; --grey:#8a93a6; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--ink); }
  header { display:flex; align-items:center; justify-content:space-between; padding:14px 24px; background:#1d2433; color:#fff; }
  header h1 { margin:0; font-size:18px; font-weight:600; letter-spacing:.2px; }
  #conn { display:flex; align-items:center; gap:8px; font-size:13px; }
  #conn .dot { width:10px; height:10px; border-radius:50%; background:var(--grey); }
  #conn.connected .dot { background:#48bb78; }
  #conn.reconnecting .dot { background:#ecc94b; animation:pulse 1s infinite; }
  @keyframes pulse { 50% { opacity:.3; } }
  main { max-width:1400px; margin:20px auto; padding:0 20px; display:grid; gap:20px; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); align-items:start; }
  @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
  section { background:var(--card); border:1px solid var(--line); border-radius:8px; overflow:hidden; }
  section h2 { margin:0; padding:10px 14px; font-size:13px; text-transform:uppercase; letter-spacing:.6px; color:var(--muted); border-bottom:1px solid var(--line); }
  .scroll { overflow-x:auto; }
  table { width:100%; border-collapse:collapse; }
  th, td { text-align:left; padding:9px 10px; border-bottom:1px solid var(--line); vertical-align:middle; }
  th { font-size:12px; color:var(--muted); font-weight:600; }
  tr:last-child td { border-bottom:none; }
  td.fabric, td.time { white-space:nowrap; }
  td.fabric { font-weight:600; }
  td.fabric .namespace { font-weight:400; font-size:12px; color:var(--muted); }
  td.rev { font-family:ui-monospace, monospace; font-size:12px; color:var(--muted); white-space:nowrap; }
  .badge { display:inline-block; padding:2px 9px; border-radius:999px; font-size:12px; font-weight:600; color:#fff; background:var(--grey); }
  .badge.in_sync, .badge.ready-true { background:var(--green); }
  .badge.error, .badge.ready-false { background:var(--red); }
  .badge.out_of_sync { background:var(--amber); }
  .badge.syncing { background:var(--blue); }
  .badge.never_synced, .badge.disabled, .badge.not_configured { background:var(--grey); }
  button { font:inherit; font-size:12px; padding:4px 12px; border-radius:6px; border:1px solid var(--blue); background:#fff; color:var(--blue); cursor:pointer; }
  button:hover { background:var(--blue); color:#fff; }
  button:disabled { opacity:.5; cursor:default; }
  #feed { list-style:none; margin:0; padding:0; max-height:560px; overflow:auto; font-size:12px; }
  #feed li { padding:7px 14px; border-bottom:1px solid var(--line); display:grid; grid-template-columns:auto 1fr; gap:2px 8px; }
  #feed .type { font-weight:600; }
  #feed .time { color:var(--muted); font-family:ui-monospace, monospace; }
  #feed .detail { grid-column:1 / -1; color:var(--muted); overflow-wrap:anywhere; }
  .empty { padding:16px 14px; color:var(--muted); }
  #message { padding:8px 24px; background:#fff5f5; color:var(--red); display:none; }
</style>
</head>
<body>
<header>
  <h1>fabricsync</h1>
  <div id="conn"><span class="dot"></span><span id="conn-text">connecting…</span></div>
</header>
<div id="message"></div>
<main>
  <section>
    <h2>Fabrics</h2>
    <div class="scroll"><table>
      <thead><tr><th>Fabric</th><th>Status</th><th>Ready</th><th>Last sync</th><th>Revision</th><th></th></tr></thead>
      <tbody id="fabrics"><tr><td colspan="6" class="empty">Loading…</td></tr></tbody>
    </table></div>
  </section>
  <section>
    <h2>Recent events</h2>
    <ul id="feed"></ul>
  </section>
</main>
<script>
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  if (params.get("token")) { sessionStorage.setItem("fabricsync-token", params.get("token")); }
  var token = sessionStorage.getItem("fabricsync-token") || "";
  var fabrics = {};
  var lastSeq = 0, streamID = null, attempt = 0, socket = null;

  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  function authHeaders() { return token ? { "Authorization": "Bearer " + token } : {}; }
  function showMessage(text) { var m = document.getElementById("message"); m.textContent = text; m.style.display = text ? "block" : "none"; }
  function setConnection(state, text) { var c = document.getElementById("conn"); c.className = state; document.getElementById("conn-text").textContent = text; }

  // main@sha1:0123456789abcdef… → main@sha1:0123456 (the full one is the cell's tooltip)
  function shortRevision(revision) { return (revision || "").replace(/(sha1|sha256):([0-9a-f]{7})[0-9a-f]+/g, "$1:$2"); }

  function render() {
    var body = document.getElementById("fabrics");
    body.textContent = "";
    var ids = Object.keys(fabrics).sort();
    if (ids.length === 0) { var r = el("tr"); var c = el("td", "empty", "No fabrics yet."); c.colSpan = 6; r.appendChild(c); body.appendChild(r); return; }
    ids.forEach(function (id) {
      var f = fabrics[id], row = el("tr");
      row.dataset.fabric = id;
      var name = el("td", "fabric"), slash = id.indexOf("/");
      name.appendChild(el("div", null, id.slice(slash + 1)));
      name.appendChild(el("div", "namespace", id.slice(0, slash)));
      row.appendChild(name);
      var sync = el("td"); sync.appendChild(el("span", "badge sync " + (f.sync_status || ""), f.sync_status || "unknown")); row.appendChild(sync);
      var ready = el("td"); ready.appendChild(el("span", "badge ready-" + (f.ready ? "true" : "false"), f.ready ? "Ready" : "Not ready")); row.appendChild(ready);
      var synced = el("td", "time", f.last_sync_time ? new Date(f.last_sync_time).toLocaleTimeString() : "—");
      synced.title = f.last_sync_time || ""; row.appendChild(synced);
      var rev = el("td", "rev", shortRevision(f.revision) || "—"); rev.title = f.revision || ""; row.appendChild(rev);
      var action = el("td"), button = el("button", "sync-button", "Sync");
      button.onclick = function () { requestSync(id, button); };
      action.appendChild(button); row.appendChild(action);
      body.appendChild(row);
    });
  }

  function fromStatus(id, data) {
    var status = data.status || {};
    var f = fabrics[id] || {};
    f.sync_status = data.sync_status; f.ready = data.ready;
    if (status.lastSyncTime) f.last_sync_time = status.lastSyncTime;
    if (status.lastAppliedRevision) f.revision = status.lastAppliedRevision;
    fabrics[id] = f;
  }

  function describe(m) {
    var d = m.data || {};
    switch (m.type) {
      case "sync_started": return "trigger " + d.trigger + (d.dry_run ? " (dry run)" : "");
      case "sync_progress": return d.applied + "/" + d.total + " applied";
      case "sync_completed": return (d.success ? "succeeded" : "failed") + " in " + d.duration_ms + " ms" + (d.message ? ": " + shortRevision(d.message) : "");
      case "fabric_status_update": return (d.previous_sync_status || "—") + " → " + d.sync_status + (d.reason ? " (" + d.reason + ")" : "");
      case "drift_detected": return (d.objects || []).length + " object(s) drifted, policy " + d.policy;
      case "validation_result": return d.valid ? "valid" : (d.errors || []).length + " error(s)";
      default: return "";
    }
  }

  function addToFeed(m) {
    var feed = document.getElementById("feed"), item = el("li");
    item.dataset.type = m.type;
    item.appendChild(el("span", "type", m.type));
    item.appendChild(el("span", "time", (m.fabric_id || "") + " · #" + m.seq + " · " + (m.timestamp || "").slice(11, 23)));
    var detail = describe(m); if (detail) item.appendChild(el("span", "detail", detail));
    feed.insertBefore(item, feed.firstChild);
    while (feed.children.length > 200) feed.removeChild(feed.lastChild);
  }

  function requestSync(id, button) {
    button.disabled = true;
    var parts = id.split("/");
    fetch("/api/v1/fabrics/" + encodeURIComponent(parts[0]) + "/" + encodeURIComponent(parts[1]) + "/sync", { method: "POST", headers: authHeaders() })
      .then(function (r) { if (r.status !== 202) showMessage("Sync of " + id + " refused: HTTP " + r.status); })
      .catch(function (e) { showMessage("Sync of " + id + " failed: " + e); })
      .then(function () { setTimeout(function () { button.disabled = false; }, 1000); });
  }

  function loadFabrics() {
    return fetch("/api/v1/fabrics", { headers: authHeaders() }).then(function (r) {
      if (r.status === 401) { showMessage("Unauthorized: open this page with ?token=…"); throw new Error("401"); }
      return r.json();
    }).then(function (body) { (body.items || []).forEach(function (f) { fabrics[f.fabric_id] = f; }); render(); });
  }

  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/ws" + (token ? "?token=" + encodeURIComponent(token) : "");
    socket = new WebSocket(url);
    socket.onmessage = function (event) {
      var m = JSON.parse(event.data);
      if (m.type === "connection_ack") {
        attempt = 0; setConnection("connected", "connected");
        var subscribe = { type: "subscribe_fabric", fabric_id: "*" };
        if (streamID && lastSeq > 0) { subscribe.since = lastSeq; subscribe.stream_id = streamID; }
        else { subscribe.since = Math.max(0, m.data.last_seq - 50); subscribe.stream_id = m.data.stream_id; }  // the feed starts with recent history
        if (streamID && streamID !== m.data.stream_id) lastSeq = 0;
        socket.send(JSON.stringify(subscribe));
        streamID = m.data.stream_id;
        return;
      }
      if (m.type === "fabric_status") { fromStatus(m.fabric_id, m.data); render(); return; }
      if (m.type === "pong" || m.type === "resume_result" || m.type === "error") { if (m.type === "error") showMessage(m.data.message); return; }
      if (m.seq <= lastSeq) return;
      lastSeq = m.seq;
      if (m.type === "stats_update") return;
      if (m.type === "fabric_status_update") { var f = fabrics[m.fabric_id] || {}; f.sync_status = m.data.sync_status; f.ready = m.data.ready; fabrics[m.fabric_id] = f; render(); }
      if (m.type === "sync_completed" && m.data.success) { var g = fabrics[m.fabric_id] || {}; g.last_sync_time = m.timestamp; g.revision = m.data.revision; fabrics[m.fabric_id] = g; render(); }
      addToFeed(m);
    };
    socket.onclose = function () {
      var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
      attempt += 1;
      setConnection("reconnecting", "reconnecting in " + Math.round(delay / 1000) + " s");
      setTimeout(connect, delay);
    };
  }

  loadFabrics().catch(function () {}).then(connect);
})();
</script>
</body>
</html>
"""#
}
