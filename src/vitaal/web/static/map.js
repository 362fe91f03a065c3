// vitaal web app: the map page's layer switches and details panel. Zoom and pan come from the
// report's own script (/static/report.js, loaded before this one), so that the report and the
// app zoom with the same code. Without script the map shows every layer and names what the
// pointer is on (its <title>s); the switches and the panel stay hidden.
"use strict";
(function () {
  const figure = document.getElementById("map");
  const svg = figure && figure.querySelector("svg[data-figure=map]");
  const view = svg && svg.querySelector("g.viewport");
  const panel = document.getElementById("details");
  const switches = document.getElementById("layers");
  if (!svg || !view || !panel || !switches) return;
  const words = panel.dataset;

  // the report's zoom buttons, in the page's language
  const tools = figure.querySelectorAll(".map-tools button");
  [figure.dataset.zoomIn, figure.dataset.zoomOut, figure.dataset.zoomReset].forEach(function (label, i) {
    if (tools[i] && label) {
      tools[i].title = label;
      tools[i].setAttribute("aria-label", label);
    }
  });

  /* ---- layers: a switch per data-layer, all on as the page is written ---- */
  function show(layer, on) {
    svg.querySelectorAll("[data-layer]").forEach(function (el) {
      if (el.getAttribute("data-layer") !== layer) return;
      if (on) el.removeAttribute("display");
      else el.setAttribute("display", "none");
    });
  }
  switches.hidden = false;
  panel.hidden = false;
  switches.querySelectorAll("input[data-layer]").forEach(function (box) {
    box.addEventListener("change", function () { show(box.dataset.layer, box.checked); });
  });

  function shown(el) {
    for (let e = el; e && e !== svg; e = e.parentNode) {
      if (e.getAttribute && e.getAttribute("display") === "none") return false;
    }
    return true;
  }

  /* ---- picking: the nearest component within a few pixels, else what is under the pointer ---- */
  const parts = [];
  svg.querySelectorAll("g[data-layer^='system:'] path[data-id]").forEach(function (p) {
    const nums = (p.getAttribute("d").match(/-?[0-9.]+/g) || []).map(Number);
    const dot = Number(p.getAttribute("data-dot") || 0);
    let pts = [];
    if (dot) {
      // a square "Mx yh..v..h..z" as written, or the report script's "Mcx cyh0"
      const square = /v/.test(p.getAttribute("d"));
      pts = [[nums[0] + (square ? dot / 2 : 0), nums[1] + (square ? dot / 2 : 0)]];
    } else {
      for (let i = 0; i + 1 < nums.length; i += 2) pts.push([nums[i], nums[i + 1]]);
    }
    parts.push({ el: p, id: p.dataset.id, pts: pts });
  });

  function distance(x, y, pts) {
    if (pts.length === 1) return Math.hypot(x - pts[0][0], y - pts[0][1]);
    let best = Infinity;
    for (let i = 0; i + 1 < pts.length; i++) {
      const ax = pts[i][0], ay = pts[i][1], bx = pts[i + 1][0], by = pts[i + 1][1];
      const dx = bx - ax, dy = by - ay;
      const len = dx * dx + dy * dy;
      const t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
      best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
    }
    return best;
  }

  function pick(ev) {
    const m = view.getScreenCTM();
    if (m) {
      const inv = m.inverse();
      const pt = svg.createSVGPoint();
      pt.x = ev.clientX;
      pt.y = ev.clientY;
      const p = pt.matrixTransform(inv);
      const reach = 6 * Math.abs(inv.a); // six pixels on screen, in the map's units
      // a point before a line through it (a main ends at its plant)
      for (const points of [true, false]) {
        let best = null;
        let bestD = reach;
        parts.forEach(function (c) {
          if ((c.pts.length === 1) !== points) return;
          const d = distance(p.x, p.y, c.pts);
          if (d <= bestD && shown(c.el)) { best = c; bestD = d; }
        });
        if (best) return best.id;
      }
    }
    for (let el = ev.target; el && el !== svg; el = el.parentNode) {
      if (el.dataset && el.dataset.id && shown(el)) return el.dataset.id;
    }
    return null;
  }

  function row(dl, label, value) {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    dl.appendChild(dt);
    dl.appendChild(dd);
  }

  function render(data) {
    panel.replaceChildren();
    const close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.textContent = "\u00d7";
    close.title = words.close || "Close";
    close.setAttribute("aria-label", words.close || "Close");
    close.addEventListener("click", function () { panel.hidden = true; delete svg.dataset.picked; });
    const head = document.createElement("h2");
    head.textContent = data.name;
    const dl = document.createElement("dl");
    dl.id = "details-rows";
    data.rows.forEach(function (r) { row(dl, r.label, r.value); });
    panel.appendChild(close);
    panel.appendChild(head);
    panel.appendChild(dl);
    if (data.link) {
      const a = document.createElement("a");
      a.href = data.link;
      a.id = "details-link";
      a.textContent = words.open || "Open";
      panel.appendChild(a);
    }
    panel.dataset.id = data.id;
    panel.dataset.type = data.type;
    panel.hidden = false;
  }

  async function details(id) {
    svg.dataset.picked = id;
    try {
      const r = await fetch("/api/map/features/" + encodeURIComponent(id), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!r.ok) throw new Error(String(r.status));
      render(await r.json());
    } catch (e) {
      panel.replaceChildren();
      const p = document.createElement("p");
      p.className = "error";
      p.textContent = words.loadError || "Error";
      panel.appendChild(p);
      panel.hidden = false;
    }
  }

  // a click, not the end of a drag (the report's script pans on drag)
  let down = null;
  svg.addEventListener("pointerdown", function (ev) { down = { x: ev.clientX, y: ev.clientY }; });
  svg.addEventListener("click", function (ev) {
    if (down && Math.hypot(ev.clientX - down.x, ev.clientY - down.y) > 4) return;
    const id = pick(ev);
    if (id) details(id);
  });
})();
