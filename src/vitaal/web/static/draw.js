// vitaal web app: drawing a plan's outline on the intake page's map (served by the app; no
// inline script). Each click on the map adds a point; from three points on, the outline is
// written into the form's WKT field in the model's coordinates. Without this script the
// field and the area picker work as they are.
//
// The map is drawn by the report's SVG code: a model point (x, y) lies at the pixel
//   px = offx + (x - minx) * kx * scale,  py = pad + (maxy - y) * scale
// of the map's viewport group (vitaal.report.svg.map.Projection, given on the figure as
// data attributes); a click is taken from the screen into that group's coordinates with
// its screen matrix (which holds any scaling of the page), then back to the model's.
"use strict";
(function () {
  const fig = document.getElementById("draw-map");
  const field = document.getElementById("plan-geometry");
  if (!fig || !field) return;
  const svg = fig.querySelector("svg");
  if (!svg) return;
  const view = svg.querySelector("g.viewport") || svg;
  const d = fig.dataset;
  const minx = Number(d.minx);
  const maxy = Number(d.maxy);
  const kx = Number(d.kx);
  const scale = Number(d.scale);
  const offx = Number(d.offx);
  const pad = Number(d.pad);
  if (![minx, maxy, kx, scale, offx, pad].every(Number.isFinite) || scale <= 0 || kx <= 0) {
    return;
  }
  // enough decimals for a tenth of a pixel: metres for RD New, more for degrees
  const decimals = Math.min(8, Math.max(0, Math.ceil(Math.log10(scale * kx)) + 1));
  const NS = "http://www.w3.org/2000/svg";
  const shape = document.createElementNS(NS, "polygon");
  shape.setAttribute("id", "drawn-outline");
  shape.setAttribute("fill", "#0072b2");
  shape.setAttribute("fill-opacity", "0.25");
  shape.setAttribute("stroke", "#0072b2");
  shape.setAttribute("stroke-width", "2");
  shape.setAttribute("vector-effect", "non-scaling-stroke");
  shape.setAttribute("pointer-events", "none");
  const dots = document.createElementNS(NS, "g");
  dots.setAttribute("fill", "#0072b2");
  dots.setAttribute("pointer-events", "none");
  view.appendChild(shape);
  view.appendChild(dots);
  const tools = document.getElementById("draw-tools");
  const count = document.getElementById("draw-count");
  if (tools) tools.hidden = false;

  const points = []; // in the viewport's pixels
  const toModel = (p) => [minx + (p[0] - offx) / (kx * scale), maxy - (p[1] - pad) / scale];
  const toPixel = (x, y) => [offx + (x - minx) * kx * scale, pad + (maxy - y) * scale];

  function render(write) {
    shape.setAttribute("points", points.map((p) => p[0].toFixed(2) + "," + p[1].toFixed(2)).join(" "));
    while (dots.firstChild) dots.removeChild(dots.firstChild);
    for (const p of points) {
      const c = document.createElementNS(NS, "circle");
      c.setAttribute("cx", p[0].toFixed(2));
      c.setAttribute("cy", p[1].toFixed(2));
      c.setAttribute("r", "3");
      dots.appendChild(c);
    }
    if (count) count.textContent = points.length + " " + (count.dataset.points || "");
    if (!write) return;
    if (points.length < 3) {
      field.value = "";
      return;
    }
    const ring = points.map(toModel);
    ring.push(ring[0]);
    field.value =
      "POLYGON ((" + ring.map((c) => c[0].toFixed(decimals) + " " + c[1].toFixed(decimals)).join(", ") + "))";
  }

  svg.addEventListener("click", function (e) {
    const m = view.getScreenCTM();
    if (!m) return;
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    points.push([p.x, p.y]);
    render(true);
  });
  const undo = document.getElementById("draw-undo");
  if (undo) undo.addEventListener("click", () => { points.pop(); render(true); });
  const clear = document.getElementById("draw-clear");
  if (clear) clear.addEventListener("click", () => { points.length = 0; render(true); });

  // an outline already in the field (the form shown again with a message): draw it
  const found = /^\s*POLYGON\s*\(\(([^()]*)\)\)\s*$/i.exec(field.value);
  if (found) {
    const ring = found[1].split(",").map((s) => s.trim().split(/\s+/).map(Number));
    if (ring.every((c) => c.length >= 2 && Number.isFinite(c[0]) && Number.isFinite(c[1]))) {
      for (const c of ring.slice(0, -1)) points.push(toPixel(c[0], c[1]));
      render(false);
    }
  }
})();
