/* Insights: draws the page's charts (Chart.js) and the network (force-graph, on a
   canvas) from the JSON the server put in the page with json_script, or fetched.
   Every chart has its numbers in a table beside it; the canvases are decoration
   for those who see them, hidden from screen readers. */
(function () {
  "use strict";

  const root = document.documentElement;
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const charts = {};

  function css(name) {
    return getComputedStyle(root).getPropertyValue(name).trim();
  }

  function json(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function tierColour(tier) {
    return css("--tier-" + tier) || "#8c8c8c";
  }

  // "#rrggbb" (as the style sheet gives colours) at an opacity, for hairline links
  function faded(hex, alpha) {
    const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
    if (!m) return hex;
    return "rgba(" + [m[1], m[2], m[3]].map(function (h) { return parseInt(h, 16); }).join(",") + "," + alpha + ")";
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function theme() {
    if (!window.Chart) return false;
    Chart.defaults.color = css("--muted");
    Chart.defaults.borderColor = css("--line");
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.responsive = true;
    if (reduced) Chart.defaults.animation = false;
    return true;
  }

  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (!canvas || !window.Chart) return;
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart(canvas, config);
  }

  function monthLabel(key) {
    const d = new Date(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, 1);
    return d.toLocaleDateString(undefined, { month: "short", year: "2-digit" });
  }

  function giveTake(give) {
    draw("chart-give", {
      type: "bar",
      data: {
        labels: give.months.map(monthLabel),
        datasets: [
          { label: "Given", data: give.given, backgroundColor: css("--series-given") },
          { label: "Received", data: give.received, backgroundColor: css("--series-received") },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  function followThrough(follow) {
    draw("chart-follow", {
      type: "bar",
      data: {
        labels: follow.months.map(monthLabel),
        datasets: [
          { label: "Kept on time", data: follow.on_time, backgroundColor: css("--series-on-time"), stack: "s" },
          { label: "Kept late", data: follow.late, backgroundColor: css("--series-late"), stack: "s" },
          { label: "Broken", data: follow.broken, backgroundColor: css("--series-broken"), stack: "s" },
          {
            label: "On time, last 90 days",
            type: "line",
            yAxisID: "rate",
            data: follow.rate_90.map(function (r) { return r === null ? null : Math.round(r * 100); }),
            borderColor: css("--fg"),
            backgroundColor: css("--fg"),
            pointRadius: 3,
            spanGaps: true,
          },
        ],
      },
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "promises" } },
          rate: {
            position: "right", min: 0, max: 100, grid: { drawOnChartArea: false },
            ticks: { callback: function (v) { return v + "%"; } },
          },
        },
      },
    });
  }

  function cooling(rows, personUrl) {
    if (!rows || !rows.length) return;
    draw("chart-cooling", {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return r.name; }),
        datasets: [{ label: "Trust lost over 90 days", data: rows.map(function (r) { return -r.drop; }), backgroundColor: css("--series-broken") }],
      },
      options: {
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: {
          x: { beginAtZero: true, title: { display: true, text: "points lost in 90 days" } },
          y: { ticks: { autoSkip: false } },
        },
        onClick: function (_event, elements) {
          if (elements.length) window.location.href = personUrl(rows[elements[0].index].id);
        },
      },
    });
  }

  function tiers(history) {
    if (!history) return;
    const names = Object.keys(history.tiers);
    const shown = history.shown || names;
    draw("chart-tiers", {
      type: "line",
      data: {
        labels: history.days,
        datasets: names.map(function (t) {
          return {
            label: t,
            data: history.tiers[t],
            borderColor: tierColour(t),
            backgroundColor: tierColour(t),
            hidden: shown.indexOf(t) < 0,
            tension: 0.2,
          };
        }),
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    const box = document.getElementById("tier-history");
    if (box) box.removeAttribute("aria-busy");
  }

  // -- the network ------------------------------------------------------------

  let graph = null;

  function networkTable(data, personUrl) {
    const body = document.querySelector("#network-table tbody");
    if (!body) return;
    const top = data.nodes.slice().sort(function (a, b) { return b.degree - a.degree || b.score - a.score; }).slice(0, 15);
    body.replaceChildren.apply(body, top.map(function (n) {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      const a = document.createElement("a");
      a.href = personUrl(n.id);
      a.textContent = n.name;
      th.appendChild(a);
      tr.appendChild(th);
      [n.tier, Math.round(n.score), n.degree].forEach(function (v) {
        const td = document.createElement("td");
        td.textContent = v;
        tr.appendChild(td);
      });
      return tr;
    }));
  }

  // The highlighted path in words, in order from you (the drawing alone says it to no
  // screen reader); the list is what the browser test reads.
  function showPath(path) {
    const holder = document.getElementById("network-path");
    if (!holder) return;
    const list = holder.querySelector("ol");
    if (!path || !path.length) {
      holder.hidden = true;
      list.replaceChildren();
      return;
    }
    list.replaceChildren.apply(list, ["You"].concat(path).map(function (p) {
      const li = document.createElement("li");
      li.textContent = typeof p === "string" ? p : p.name;
      if (typeof p !== "string") li.dataset.id = p.id;
      return li;
    }));
    holder.hidden = false;
  }

  function setStatus(box, text, busy) {
    let status = box.querySelector(".network-status");
    if (!text) {
      if (status) status.remove();
      return;
    }
    if (!status) {
      status = document.createElement("p");
      status.className = "loading network-status";
      box.appendChild(status);
    }
    status.textContent = text;
    if (busy) {
      const spinner = document.createElement("span");
      spinner.className = "spinner";
      spinner.setAttribute("aria-hidden", "true");
      status.prepend(spinner);
    }
  }

  function makeGraph(box, personUrl) {
    const g = ForceGraph()(box)
      .width(box.clientWidth)
      .height(box.clientHeight)
      .backgroundColor("rgba(0,0,0,0)")
      .nodeId("id")
      .nodeVal(function (n) { return 1 + n.score / 15; })
      .nodeColor(function (n) { return tierColour(n.tier); })
      .nodeLabel(function (n) {
        return escapeHtml(n.name) + " · " + escapeHtml(n.tier) + " · trust " + Math.round(n.score);
      })
      .onNodeClick(function (n) { window.location.href = personUrl(n.id); })
      .onEngineStop(function () {
        g.zoomToFit(reduced ? 0 : 400, 20);
        box.dataset.ready = "1"; // laid out: browser tests wait for this
      });
    window.addEventListener("resize", function () {
      g.width(box.clientWidth).height(box.clientHeight);
    });
    box.forceGraph = g; // for browser tests and the curious, from the console
    return g;
  }

  function network(box, personUrl, limit) {
    const summary = document.getElementById("network-summary");
    box.dataset.ready = "";
    box.setAttribute("aria-busy", "true");
    setStatus(box, "Drawing the network…", true);
    const path = box.dataset.path || "";
    const query = "?n=" + limit + (path ? "&path=" + encodeURIComponent(path) : "");
    fetch(box.dataset.url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) {
          return r.json().catch(function () { return {}; }).then(function (body) {
            throw new Error(body.error || "the server answered " + r.status);
          });
        }
        return r.json();
      })
      .then(function (data) {
        const nodes = data.nodes.length;
        if (summary) {
          summary.textContent = nodes
            ? "Showing the " + (nodes - (data.extra || 0)).toLocaleString() + " strongest of your " +
              data.ties.toLocaleString() + " ties and the " + data.links.length.toLocaleString() +
              " links among them."
            : "No ties to draw yet.";
        }
        networkTable(data, personUrl);
        showPath(data.path);
        box.removeAttribute("aria-busy");
        if (!nodes || !window.ForceGraph) {
          setStatus(box, nodes ? "The network view could not load." : "No ties to draw yet.");
          return;
        }
        setStatus(box, "");
        if (!graph) graph = makeGraph(box, personUrl);
        // thousands of nodes: smaller dots, hairline links, no dragging, a quicker settle
        const big = nodes > 1000;
        // a warm path to show: its people and hops stand out, everything else fades
        const onPath = new Set((data.path || []).map(function (p) { return p.id; }));
        const line = faded(css("--muted"), onPath.size ? 0.12 : big ? 0.18 : 0.45);
        const accent = css("--accent") || "#1f5f8b";
        graph
          .nodeRelSize(big ? 2.5 : 3)
          .nodeColor(function (n) {
            const colour = tierColour(n.tier);
            return !onPath.size || onPath.has(n.id) ? colour : faded(colour, 0.25);
          })
          .nodeVal(function (n) { return (onPath.has(n.id) ? 4 : 1) + n.score / 15; })
          .nodeCanvasObjectMode(function (n) { return onPath.has(n.id) ? "after" : undefined; })
          .nodeCanvasObject(function (n, ctx, scale) {
            ctx.font = 12 / scale + "px sans-serif";
            ctx.fillStyle = css("--fg") || "#1d1f23";
            ctx.textAlign = "center";
            ctx.fillText(n.name, n.x, n.y - 10 / scale - 4);
          })
          .linkColor(function (l) { return l.path ? accent : line; })
          .linkWidth(function (l) { return l.path ? 3 : big ? 0.4 : 0.7; })
          .enableNodeDrag(!big)
          .cooldownTime(big ? 6000 : 4000)
          .d3AlphaDecay(big ? 0.05 : 0.0228)
          .graphData({ nodes: data.nodes, links: data.links });
      })
      .catch(function (err) {
        box.removeAttribute("aria-busy");
        setStatus(box, "The network could not be loaded: " + err.message);
      });
  }

  // The size control redraws in place (the form still works without JavaScript).
  function networkControls(box, personUrl) {
    const form = document.querySelector(".network-controls");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const n = form.elements.n.value;
      const url = new URL(window.location.href);
      url.searchParams.set("n", n);
      window.history.replaceState(null, "", url);
      network(box, personUrl, Number(n));
    });
  }

  function init() {
    const series = json("insights-series");
    const box = document.getElementById("network");
    const template = box ? box.dataset.personUrl : "/people/0/";
    const personUrl = function (id) { return template.replace(/0\/$/, id + "/"); };
    if (theme()) {
      if (series) {
        giveTake(series.give);
        followThrough(series.follow);
        cooling(series.cooling, personUrl);
      }
      tiers(json("insights-tiers")); // the standalone tiers page
    }
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.target && event.target.id === "tier-history" && theme()) {
        tiers(json("insights-tiers"));
      }
    });
    // Here, not in an hx-on attribute: the Content-Security-Policy allows no eval.
    document.body.addEventListener("htmx:responseError", function (event) {
      const box = event.detail && event.detail.elt;
      if (box && box.id === "tier-history") {
        box.removeAttribute("aria-busy");
        const loading = box.querySelector(".loading");
        if (loading) loading.textContent = box.dataset.error;
      }
    });
    if (box) {
      network(box, personUrl, Number(box.dataset.limit) || 300);
      networkControls(box, personUrl);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
