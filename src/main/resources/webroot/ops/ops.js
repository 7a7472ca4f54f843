// Operators' live dashboard. It reads the gateway's snapshot feed (server-sent events, one
// snapshot a second), draws the last five minutes with uPlot, and pauses or resumes signing
// through the admin API. Served as is: no build step, no framework.
"use strict";

(function () {
  const FEED_URL = "/ops/feed";
  const ADMIN_SIGNING_URL = "/api/v1/admin/signing/";
  const TOKEN_KEY = "ops.adminToken";
  const WINDOW_POINTS = 300;
  const WINDOW_SECONDS = 300;
  const CHART_HEIGHT = 190;
  const RETRY_AFTER_CLOSE_MS = 5000;

  // What tests (and curious operators, in the console) can read.
  const dashboard = (window.opsDashboard = {
    snapshots: 0,
    lastSnapshot: null,
    maxAccepted: 0,
    charts: {},
  });

  // One line chart per panel; each series reads its value from a snapshot.
  const PANELS = [
    {
      key: "signatures",
      axes: [{ scale: "y", label: "per second" }],
      series: [
        { label: "accepted", unit: "/s", color: "#1b7f3b", read: (s) => s.rates?.accepted },
        { label: "duplicate", unit: "/s", color: "#c77700", read: (s) => s.rates?.duplicate },
        { label: "rejected", unit: "/s", color: "#b3261e", read: (s) => s.rates?.rejected },
        {
          label: "503 overloaded",
          unit: "/s",
          color: "#6a3fb5",
          read: (s) => s.rates?.overloaded,
        },
      ],
    },
    {
      key: "latency",
      axes: [{ scale: "y", label: "ms" }],
      series: [
        { label: "p50", unit: " ms", color: "#1f5fa8", read: (s) => s.latencyMs?.p50 },
        { label: "p95", unit: " ms", color: "#c77700", read: (s) => s.latencyMs?.p95 },
        { label: "p99", unit: " ms", color: "#b3261e", read: (s) => s.latencyMs?.p99 },
      ],
    },
    {
      key: "backlog",
      axes: [
        { scale: "y", label: "entries" },
        { scale: "rows", label: "rows/s" },
      ],
      series: [
        { label: "backlog total", color: "#1f5fa8", read: (s) => s.backlog?.total },
        { label: "pending", color: "#c77700", read: (s) => s.backlog?.pending },
        {
          label: "writer rows",
          unit: "/s",
          color: "#1b7f3b",
          scale: "rows",
          read: (s) => s.writer?.rowsPerSecond,
        },
      ],
    },
    {
      key: "writer",
      axes: [
        { scale: "y", label: "rows per batch" },
        { scale: "ms", label: "ms" },
      ],
      series: [
        { label: "batch size avg", color: "#1f5fa8", read: (s) => s.writer?.batchSizeAvg },
        {
          label: "flush latency",
          unit: " ms",
          color: "#b3261e",
          scale: "ms",
          read: (s) => s.writer?.flushLatencyMs,
        },
      ],
    },
  ];

  const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
  const byId = (id) => document.getElementById(id);

  function formatNumber(value) {
    return value == null ? "–" : numberFormat.format(value);
  }

  // A 24-hour clock in the browser's time zone, as Ukrainian operators read time.
  function formatTime(seconds) {
    return seconds == null ? "–" : new Date(seconds * 1000).toLocaleTimeString("uk-UA");
  }

  function numberOrNull(value) {
    const number = typeof value === "number" ? value : Number.NaN;
    return Number.isFinite(number) ? number : null;
  }

  function last(values) {
    return values.length === 0 ? null : values[values.length - 1];
  }

  // ---- Charts ----

  // Rates, sizes and latencies are never negative: start every scale at zero.
  function fromZero(u, min, max) {
    return [0, max > 0 ? max * 1.1 : 1];
  }

  // Off the chart the legend shows the latest value; under the cursor, the hovered one.
  function legendValue(unit) {
    return (u, value, seriesIndex, dataIndex) => {
      const shown = dataIndex == null ? last(u.data[seriesIndex]) : value;
      return shown == null ? "–" : formatNumber(shown) + (unit || "");
    };
  }

  function chartOptions(panel, width) {
    const scales = { x: { time: true } };
    panel.axes.forEach((axis) => (scales[axis.scale] = { range: fromZero }));
    return {
      width: width,
      height: CHART_HEIGHT,
      scales: scales,
      series: [
        {
          label: "time",
          value: (u, seconds, i, dataIndex) =>
            formatTime(dataIndex == null ? last(u.data[0]) : seconds),
        },
        ...panel.series.map((series) => ({
          label: series.label,
          stroke: series.color,
          width: 2,
          scale: series.scale || "y",
          value: legendValue(series.unit),
        })),
      ],
      axes: [
        { space: 80, values: (u, splits) => splits.map(formatTime) },
        ...panel.axes.map((axis, index) => ({
          scale: axis.scale,
          label: axis.label,
          side: index === 0 ? 3 : 1,
          grid: { show: index === 0 },
          size: 60,
          values: (u, splits) => splits.map(formatNumber),
        })),
      ],
    };
  }

  function createCharts() {
    for (const panel of PANELS) {
      panel.element = byId("chart-" + panel.key);
      panel.data = [[], ...panel.series.map(() => [])];
      if (typeof uPlot !== "function") {
        panel.element.textContent = "The chart library (uPlot) did not load.";
        panel.element.classList.add("chart-missing");
        continue;
      }
      const options = chartOptions(panel, panel.element.clientWidth);
      panel.chart = new uPlot(options, panel.data, panel.element);
      dashboard.charts[panel.key] = panel.chart;
    }
    window.addEventListener("resize", () => {
      for (const panel of PANELS) {
        panel.chart?.setSize({ width: panel.element.clientWidth, height: CHART_HEIGHT });
      }
    });
  }

  // Appends one snapshot and drops what falls out of the five-minute window. A snapshot not
  // newer than the last point (another instance's clock a little behind) is left out.
  function appendTo(panel, snapshot, seconds) {
    const data = panel.data;
    const previous = last(data[0]);
    if (previous != null && seconds <= previous) {
      return;
    }
    data[0].push(seconds);
    panel.series.forEach((series, index) =>
      data[index + 1].push(numberOrNull(series.read(snapshot)))
    );
    while (data[0].length > WINDOW_POINTS || data[0][0] <= seconds - WINDOW_SECONDS) {
      data.forEach((column) => column.shift());
    }
    panel.chart?.setData(data);
  }

  // ---- Table, badges, pause state ----

  function cell(text, className) {
    const td = document.createElement("td");
    // textContent, never innerHTML: petition titles are written by citizens.
    td.textContent = text == null ? "–" : String(text);
    if (className) {
      td.className = className;
    }
    return td;
  }

  function renderHotPetitions(petitions) {
    const rows = (Array.isArray(petitions) ? petitions : []).map((petition) => {
      const row = document.createElement("tr");
      row.dataset.petitionId = petition.petitionId;
      row.append(
        cell(petition.petitionId, "num"),
        cell(petition.title),
        cell(petition.community),
        cell(formatNumber(numberOrNull(petition.count)), "num"),
        cell(formatNumber(numberOrNull(petition.perSecond)), "num")
      );
      return row;
    });
    if (rows.length === 0) {
      const row = document.createElement("tr");
      row.className = "empty";
      const td = cell("No signatures in the last seconds.");
      td.colSpan = 5;
      row.append(td);
      rows.push(row);
    }
    byId("hot-petitions").tBodies[0].replaceChildren(...rows);
  }

  // A check is "UP" or "DOWN: reason".
  function renderHealth(id, name, status) {
    const badge = byId(id);
    const known = typeof status === "string";
    badge.dataset.state = !known ? "unknown" : status === "UP" ? "up" : "down";
    badge.textContent = name + " " + (known ? status : "unknown");
    badge.title = badge.textContent;
  }

  function renderPauseState(paused) {
    const line = byId("pause-state");
    if (!paused) {
      line.dataset.state = "unknown";
      line.textContent = "Pause state: not in the feed.";
      return;
    }
    const communities = Array.isArray(paused.communities) ? paused.communities : [];
    const listed = communities.length > 0 ? "paused communities: " + communities.join(", ") : "";
    if (paused.gateway) {
      line.dataset.state = "paused";
      line.textContent = "Signing is PAUSED for the whole gateway" + (listed ? "; " + listed : "");
    } else if (listed) {
      line.dataset.state = "paused";
      line.textContent = "Signing is open, except " + listed;
    } else {
      line.dataset.state = "open";
      line.textContent = "Signing is open everywhere.";
    }
  }

  // ---- Feed ----

  function setFeedStatus(state, text) {
    const badge = byId("feed-status");
    badge.dataset.state = state;
    badge.textContent = text;
  }

  function snapshotSeconds(snapshot) {
    const millis = Date.parse(snapshot.at);
    return (Number.isFinite(millis) ? millis : Date.now()) / 1000;
  }

  function onSnapshot(text) {
    let snapshot;
    try {
      snapshot = JSON.parse(text);
    } catch (e) {
      console.warn("ops: ignored a snapshot that is not JSON");
      return;
    }
    dashboard.snapshots += 1;
    dashboard.lastSnapshot = snapshot;
    dashboard.maxAccepted = Math.max(
      dashboard.maxAccepted,
      numberOrNull(snapshot.rates?.accepted) ?? 0
    );

    const seconds = snapshotSeconds(snapshot);
    PANELS.forEach((panel) => appendTo(panel, snapshot, seconds));
    renderHotPetitions(snapshot.hotPetitions);
    renderHealth("health-postgres", "PostgreSQL", snapshot.health?.postgres);
    renderHealth("health-redis", "Redis", snapshot.health?.redis);
    renderPauseState(snapshot.paused);
    setFeedStatus("connected", "feed connected");
    byId("feed-time").textContent = "last snapshot " + formatTime(seconds);
  }

  function connectFeed() {
    const source = new EventSource(FEED_URL);
    source.onopen = () => setFeedStatus("connected", "feed connected");
    source.onerror = () => {
      setFeedStatus("reconnecting", "feed reconnecting…");
      // The browser retries a dropped stream itself, but gives up for good on an answer that is
      // not an event stream (a 503 from a proxy, say): then retry here.
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connectFeed, RETRY_AFTER_CLOSE_MS);
      }
    };
    source.addEventListener("snapshot", (event) => onSnapshot(event.data));
  }

  // ---- Pause and resume ----

  function showResult(state, text) {
    const result = byId("pause-result");
    result.dataset.state = state;
    result.textContent = text;
  }

  async function readJson(response) {
    try {
      return JSON.parse(await response.text());
    } catch (e) {
      return null;
    }
  }

  function describeChange(answer, community) {
    const verb = answer?.paused ? "paused" : "resumed";
    const where =
      answer?.scope === "community"
        ? "community " + (answer.community || community)
        : "the whole gateway";
    return "Signing " + verb + " for " + where + " at " + formatTime(Date.now() / 1000) + ".";
  }

  // An RFC 9457 problem: status, title, detail and the request id to find it in the logs.
  function describeProblem(response, problem) {
    let text = response.status + " " + (problem?.title || response.statusText || "Failed");
    if (problem?.detail) {
      text += ": " + problem.detail;
    }
    if (problem?.requestId) {
      text += " (request " + problem.requestId + ")";
    }
    return text;
  }

  async function changePause(action) {
    const token = byId("admin-token").value.trim();
    const community = byId("pause-community").value.trim();
    if (!token) {
      showResult("error", "Enter the administrator token first.");
      return;
    }
    const request = { method: "POST", headers: { Authorization: "Bearer " + token } };
    if (community) {
      request.headers["Content-Type"] = "application/json";
      request.body = JSON.stringify({ community: community });
    }

    const buttons = [byId("pause-button"), byId("resume-button")];
    buttons.forEach((button) => (button.disabled = true));
    showResult("busy", action === "pause" ? "Pausing…" : "Resuming…");
    try {
      const response = await fetch(ADMIN_SIGNING_URL + action, request);
      const answer = await readJson(response);
      if (response.ok) {
        showResult("ok", describeChange(answer, community));
      } else {
        showResult("error", describeProblem(response, answer));
      }
    } catch (e) {
      showResult("error", "The gateway did not answer: " + e.message);
    } finally {
      buttons.forEach((button) => (button.disabled = false));
    }
  }

  // The token lives in this tab's session storage only: never in a cookie, the URL or a log.
  function keepTokenForSession() {
    const input = byId("admin-token");
    input.value = sessionStorage.getItem(TOKEN_KEY) || "";
    input.addEventListener("input", () => {
      const token = input.value.trim();
      if (token) {
        sessionStorage.setItem(TOKEN_KEY, token);
      } else {
        sessionStorage.removeItem(TOKEN_KEY);
      }
    });
  }

  function wirePausePanel() {
    keepTokenForSession();
    byId("pause-form").addEventListener("submit", (event) => event.preventDefault());
    byId("pause-button").addEventListener("click", () => changePause("pause"));
    byId("resume-button").addEventListener("click", () => changePause("resume"));
  }

  createCharts();
  wirePausePanel();
  connectFeed();
})();
