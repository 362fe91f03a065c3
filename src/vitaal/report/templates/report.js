/* The report's only script, written inline into index.html. It adds to a page that reads
   fully without it: a sort button in every table header and a filter box above every long
   table; zoom, pan and a line naming what the pointer is on for every map. It fetches nothing,
   writes model text only as text (textContent), and WeasyPrint ignores it, so the PDF is the
   page as written. */
(function () {
  "use strict";
  var doc = document;
  var lang = doc.documentElement.lang || "en";
  var words = doc.body.dataset;
  var FILTER_FROM = 8; // rows: tables with fewer get no filter box

  /* ---- numbers as written in the page, in English or Dutch ---- */
  function parseNumber(text) {
    var t = text.replace(/\u00a0/g, " ").trim();
    if (!t || t === "\u2013" || t === "-") return null;
    var m = t.match(/^[^0-9+\-\u2212]*([+\-\u2212]?[0-9][0-9.,]*)\s*(.*)$/);
    if (!m) return null;
    var rest = m[2].toLowerCase();
    // a number followed by a whole sentence is text, not a number
    if (rest.split(/\s+/).length > 2) return null;
    var s = m[1].replace("\u2212", "-");
    if (lang === "nl") s = s.replace(/\./g, "").replace(",", ".");
    else s = s.replace(/,/g, "");
    var v = parseFloat(s);
    if (!isFinite(v)) return null;
    if (/^(mln|mio|million|miljoen)\b/.test(rest)) v *= 1e6;
    else if (/^(mld|bn|billion|miljard)\b/.test(rest)) v *= 1e9;
    return v;
  }

  function cellKey(cell) {
    if (!cell) return { n: null, t: "" };
    var raw = cell.getAttribute("data-sort");
    var text = cell.textContent.trim();
    if (raw !== null) {
      var x = raw === "" ? null : Number(raw);
      return { n: x !== null && isFinite(x) ? x : null, t: raw === "" ? "" : text, raw: true };
    }
    return { n: parseNumber(text), t: text };
  }

  var collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });

  function sortTable(table, col, dir) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keys = rows.map(function (r, i) { return { r: r, i: i, k: cellKey(r.cells[col]) }; });
    // a column of numbers: every cell a number or without any digit ("\u2013", "\u2013 y")
    var numeric = keys.every(function (x) { return x.k.n !== null || !/[0-9]/.test(x.k.t); }) &&
      keys.some(function (x) { return x.k.n !== null; });
    keys.sort(function (a, b) {
      var c;
      if (numeric) {
        // blanks last, whatever the direction
        if (a.k.n === null || b.k.n === null) return a.k.n === null ? (b.k.n === null ? a.i - b.i : 1) : -1;
        c = a.k.n - b.k.n;
      } else {
        if (!a.k.t || !b.k.t) return !a.k.t ? (!b.k.t ? a.i - b.i : 1) : -1;
        c = collator.compare(a.k.t, b.k.t);
      }
      return (c === 0 ? a.i - b.i : c) * (c === 0 ? 1 : dir);
    });
    keys.forEach(function (x) { body.appendChild(x.r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, j) {
      if (j === col) th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }

  function filterTable(table, query, counter) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    var rows = table.tBodies[0].rows;
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var text = rows[i].textContent.toLowerCase();
      var ok = terms.every(function (t) { return text.indexOf(t) >= 0; });
      rows[i].hidden = !ok;
      if (ok) shown++;
    }
    counter.textContent = (words.rows || "{shown} / {total}")
      .replace("{shown}", String(shown)).replace("{total}", String(rows.length));
    return shown;
  }

  function enhanceTable(table, n) {
    if (!table.tHead || !table.tBodies.length || !table.tHead.rows.length) return;
    var head = table.tHead.rows[0];
    var bodyRows = table.tBodies[0].rows;
    if (bodyRows.length < 2) return;
    table.classList.add("sortable");
    Array.prototype.forEach.call(head.cells, function (th, col) {
      var button = doc.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      button.title = words.sortLabel || "Sort";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        sortTable(table, col, dir);
      });
    });
    if (bodyRows.length >= FILTER_FROM) {
      var bar = doc.createElement("div");
      bar.className = "table-filter";
      var input = doc.createElement("input");
      input.type = "search";
      input.id = "filter-" + n;
      input.placeholder = words.filterLabel || "Filter";
      input.setAttribute("aria-label", words.filterLabel || "Filter");
      var counter = doc.createElement("span");
      counter.className = "filter-count";
      counter.setAttribute("aria-live", "polite");
      bar.appendChild(input);
      bar.appendChild(counter);
      table.parentNode.insertBefore(bar, table);
      filterTable(table, "", counter);
      input.addEventListener("input", function () { filterTable(table, input.value, counter); });
    }
  }

  Array.prototype.forEach.call(doc.querySelectorAll("table"), enhanceTable);

  /* ---- maps: zoom, pan, labels that fit, the name of what the pointer is on ---- */
  function enhanceMap(svg) {
    var view = svg.querySelector("g.viewport");
    if (!view) return;
    var vb = svg.viewBox.baseVal;
    var frame = svg.querySelector("clipPath rect");
    var W = frame ? frame.width.baseVal.value + 2 : vb.width;
    var H = frame ? frame.height.baseVal.value + 2 : vb.height;
    // the labels in order of priority, as written, with their size and offset at zoom 1
    var labels = Array.prototype.map.call(view.querySelectorAll("text.map-label"), function (t) {
      return { el: t, size: Number(t.getAttribute("font-size")), dx: Number(t.getAttribute("dx") || 0) };
    });
    var haloGroup = view.querySelector("g.map-halos");
    // the components' squares keep their size on screen, so that zooming in pulls them apart:
    // each square becomes a zero-length stroke with square caps that does not scale
    Array.prototype.forEach.call(view.querySelectorAll("path[data-dot]"), function (d) {
      var size = Number(d.getAttribute("data-dot"));
      var half = size / 2;
      var path = d.getAttribute("d").replace(/M(-?[0-9.]+) (-?[0-9.]+)h[0-9.]+v[0-9.]+h-[0-9.]+z/g, function (_, x, y) {
        return "M" + (Number(x) + half) + " " + (Number(y) + half) + "h0";
      });
      d.setAttribute("d", path);
      d.setAttribute("stroke", d.getAttribute("fill"));
      d.setAttribute("fill", "none");
      d.setAttribute("stroke-width", String(size));
      d.setAttribute("stroke-linecap", "square");
      d.setAttribute("vector-effect", "non-scaling-stroke");
    });
    var markGroup = view.querySelector("g.assets");
    var marks = view.querySelectorAll("circle.asset");
    var diamonds = Array.prototype.map.call(view.querySelectorAll("path.function"), function (d) {
      return { el: d, at: d.getAttribute("transform") || "" };
    });
    var scale = svg.querySelector("text.scale-label");
    var state = { k: 1, x: 0, y: 0 };
    var figure = svg.parentNode;
    svg.dataset.zoom = "1";

    var tools = doc.createElement("div");
    tools.className = "map-tools";
    function tool(text, label, fn) {
      var b = doc.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.title = label;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", fn);
      tools.appendChild(b);
      return b;
    }
    var info = doc.createElement("div");
    info.className = "map-info";
    info.setAttribute("aria-live", "polite");
    info.textContent = words.mapHint || "";
    tool("+", words.zoomIn || "Zoom in", function () { zoomAt(2, W / 2, H / 2); });
    tool("\u2212", words.zoomOut || "Zoom out", function () { zoomAt(0.5, W / 2, H / 2); });
    tool("\u21ba", words.zoomReset || "Reset", function () { state = { k: 1, x: 0, y: 0 }; apply(); });
    figure.insertBefore(tools, svg);
    figure.insertBefore(info, svg.nextSibling);
    svg.setAttribute("tabindex", "0");

    function clamp() {
      state.k = Math.min(Math.max(state.k, 1), 32);
      state.x = Math.min(0, Math.max(state.x, W - W * state.k));
      state.y = Math.min(0, Math.max(state.y, H - H * state.k));
    }

    function declutter() {
      var placed = [];
      var k = state.k;
      labels.forEach(function (l) {
        var t = l.el;
        var b = t.getBBox();
        var box = [b.x * k + state.x - 1, b.y * k + state.y, (b.x + b.width) * k + state.x + 1, (b.y + b.height) * k + state.y];
        var inside = box[0] >= 2 && box[1] >= 2 && box[2] <= W - 2 && box[3] <= H - 2;
        var free = inside && !placed.some(function (p) {
          return box[0] < p[2] && p[0] < box[2] && box[1] < p[3] && p[1] < box[3];
        });
        if (free) placed.push(box);
        if (free) t.removeAttribute("visibility");
        else t.setAttribute("visibility", "hidden");
      });
    }

    function apply() {
      clamp();
      var k = state.k;
      view.setAttribute("transform", "translate(" + state.x + " " + state.y + ") scale(" + k + ")");
      labels.forEach(function (l) {
        l.el.setAttribute("font-size", String(l.size / k));
        if (l.dx) l.el.setAttribute("dx", String(l.dx / k));
      });
      if (haloGroup) haloGroup.setAttribute("stroke-width", String(2.4 / k));
      if (markGroup) markGroup.setAttribute("stroke-width", String(1 / k));
      Array.prototype.forEach.call(marks, function (c) { c.setAttribute("r", String(3.6 / Math.sqrt(k))); });
      diamonds.forEach(function (d) { d.el.setAttribute("transform", d.at + " scale(" + 1 / Math.sqrt(k) + ")"); });
      if (scale) {
        var m = Number(scale.dataset.metres) / k;
        scale.textContent = m >= 1000 ? fmt(m / 1000) + " " + scale.dataset.km : fmt(m) + " m";
      }
      svg.dataset.zoom = String(k);
      declutter();
    }

    function fmt(x) {
      return new Intl.NumberFormat(lang, { maximumSignificantDigits: 2 }).format(x);
    }

    function zoomAt(f, px, py) {
      var k = Math.min(Math.max(state.k * f, 1), 32);
      f = k / state.k;
      state.x = px - (px - state.x) * f;
      state.y = py - (py - state.y) * f;
      state.k = k;
      apply();
    }

    function svgPoint(ev) {
      var m = svg.getScreenCTM();
      if (!m) return { x: W / 2, y: H / 2 };
      var p = svg.createSVGPoint();
      p.x = ev.clientX;
      p.y = ev.clientY;
      return p.matrixTransform(m.inverse());
    }

    svg.addEventListener("wheel", function (ev) {
      var p = svgPoint(ev);
      if (p.y > H) return; // over the legend: let the page scroll
      ev.preventDefault();
      zoomAt(ev.deltaY < 0 ? 1.25 : 0.8, p.x, p.y);
    }, { passive: false });

    var drag = null;
    svg.addEventListener("pointerdown", function (ev) {
      var p = svgPoint(ev);
      if (p.y > H) return;
      drag = { x: p.x - state.x, y: p.y - state.y, id: ev.pointerId };
    });
    svg.addEventListener("pointermove", function (ev) {
      if (drag && ev.buttons) {
        var p = svgPoint(ev);
        state.x = p.x - drag.x;
        state.y = p.y - drag.y;
        apply();
        return;
      }
      name(ev.target);
    });
    function stop() { drag = null; }
    svg.addEventListener("pointerup", stop);
    svg.addEventListener("pointerleave", stop);
    svg.addEventListener("keydown", function (ev) {
      var step = 40;
      if (ev.key === "+" || ev.key === "=") zoomAt(2, W / 2, H / 2);
      else if (ev.key === "-") zoomAt(0.5, W / 2, H / 2);
      else if (ev.key === "0") { state = { k: 1, x: 0, y: 0 }; apply(); }
      else if (ev.key === "ArrowLeft") { state.x += step; apply(); }
      else if (ev.key === "ArrowRight") { state.x -= step; apply(); }
      else if (ev.key === "ArrowUp") { state.y += step; apply(); }
      else if (ev.key === "ArrowDown") { state.y -= step; apply(); }
      else return;
      ev.preventDefault();
    });

    function name(target) {
      var el = target;
      while (el && el !== svg) {
        var title = null;
        for (var c = el.firstElementChild; c; c = c.nextElementSibling) {
          if (c.localName === "title") { title = c; break; }
        }
        if (title && el.closest && el.closest("g.viewport")) {
          info.textContent = title.textContent;
          info.classList.add("named");
          return;
        }
        el = el.parentNode;
      }
    }

  }

  Array.prototype.forEach.call(doc.querySelectorAll("svg[data-figure$='map']"), enhanceMap);
  doc.documentElement.classList.add("js");
})();
