// conflictlog web map: markers (clustered), a timeline histogram with a date brush, filters, event details.
// Everything that comes from articles is untrusted: it is put in the page with textContent and DOM nodes only,
// never as markup, and the page runs under a 'self'-only Content-Security-Policy.
"use strict";

(function () {
  const MAP_LIMIT = 20000; // most events the map loads at once
  const LIST_LIMIT = 500; // most rows the list renders
  const TYPE_CLASSES = {
    "Battles": "battles",
    "Explosions/Remote violence": "explosions",
    "Violence against civilians": "vac",
    "Protests": "protests",
    "Riots": "riots",
    "Strategic developments": "strategic",
  };
  const DAY_MS = 86400000;

  const state = {
    features: [], // every event loaded for the current filters (before the date brush)
    brush: null, // [sinceISO, untilISO] or null
    markers: new Map(), // event id -> L.Marker
    selected: null,
    bins: [],
    fitted: false,
  };

  const $ = (id) => document.getElementById(id);

  // --- small DOM helpers (text only, never markup) ---------------------------------------------------------
  function node(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }
  function svgNode(tag, attrs) {
    const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs || {})) el.setAttribute(key, String(value));
    return el;
  }
  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
  }
  function typeClass(type) {
    return "t-" + (TYPE_CLASSES[type] || "other");
  }
  function safeHttpUrl(url) {
    if (typeof url !== "string") return null;
    try {
      const parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (err) {
      return null;
    }
  }

  // Cue words found in the sentence (case-insensitive), as text nodes and <mark> nodes.
  function highlighted(text, cues) {
    const ranges = [];
    const lower = text.toLowerCase();
    for (const cue of cues || []) {
      const needle = String(cue).toLowerCase().trim();
      if (!needle) continue;
      let at = lower.indexOf(needle);
      while (at !== -1) {
        ranges.push([at, at + needle.length]);
        at = lower.indexOf(needle, at + needle.length);
      }
    }
    ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const merged = [];
    for (const range of ranges) {
      const last = merged[merged.length - 1];
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push(range.slice());
    }
    const frag = document.createDocumentFragment();
    let pos = 0;
    for (const [start, end] of merged) {
      if (start > pos) frag.appendChild(document.createTextNode(text.slice(pos, start)));
      frag.appendChild(node("mark", null, text.slice(start, end)));
      pos = end;
    }
    if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
    return frag;
  }

  // --- filters and URL ------------------------------------------------------------------------------------
  const FILTERS = [
    ["type", "f-type"],
    ["actor", "f-actor"],
    ["country", "f-country"],
    ["certainty", "f-certainty"],
    ["new", "f-new"],
  ];
  // "new" in the map's URL is a span back from now; the API is asked for events stored since that time.
  const NEW_HOURS = { "1h": 1, "24h": 24, "7d": 168 };
  const FLAGS = [
    ["hide_historical", "f-hide-historical"],
    ["hide_unverified", "f-hide-unverified"],
  ];

  function filterParams() {
    const params = new URLSearchParams();
    for (const [name, id] of FILTERS) {
      const value = $(id).value.trim();
      if (value) params.set(name, value);
    }
    for (const [name, id] of FLAGS) if ($(id).checked) params.set(name, "true");
    return params;
  }

  function readUrl() {
    const params = new URLSearchParams(window.location.search);
    for (const [name, id] of FILTERS) {
      const value = params.get(name);
      if (!value) continue;
      const el = $(id);
      if (el.tagName === "SELECT" && !Array.from(el.options).some((o) => o.value === value)) {
        el.appendChild(node("option", null, value));
      }
      el.value = value;
    }
    for (const [name, id] of FLAGS) $(id).checked = params.get(name) === "true";
    const since = params.get("since");
    const until = params.get("until");
    if (since && until) state.brush = [since, until];
  }

  function writeUrl() {
    const params = filterParams();
    if (state.brush) {
      params.set("since", state.brush[0]);
      params.set("until", state.brush[1]);
    }
    const query = params.toString();
    window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
  }

  // --- map ------------------------------------------------------------------------------------------------
  const map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 11 }).setView([30, 30], 3);
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("Boundaries: Natural Earth");
  const basemapRenderer = L.canvas({ padding: 0.5 });
  const admin1Layer = L.layerGroup();
  const clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45, chunkedLoading: true });
  clusters.addTo(map);

  function loadBasemap() {
    fetch("/static/basemap/countries.geojson")
      .then((r) => r.json())
      .then((data) => {
        L.geoJSON(data, {
          renderer: basemapRenderer,
          interactive: false,
          style: { color: "#6f7f8f", weight: 0.8, fillColor: "#f3efe6", fillOpacity: 1 },
        }).addTo(map).bringToBack();
      })
      .catch(() => setStatus("basemap not available"));
    fetch("/static/basemap/admin1.geojson")
      .then((r) => r.json())
      .then((data) => {
        admin1Layer.addLayer(
          L.geoJSON(data, {
            renderer: basemapRenderer,
            interactive: false,
            style: { color: "#a9b3bd", weight: 0.5, fill: false, dashArray: "2 3" },
          })
        );
        syncAdmin1();
      })
      .catch(() => undefined);
  }
  function syncAdmin1() {
    if (map.getZoom() >= 5) admin1Layer.addTo(map);
    else admin1Layer.remove();
  }
  map.on("zoomend", syncAdmin1);

  function markerFor(feature) {
    const props = feature.properties;
    const [lon, lat] = feature.geometry.coordinates;
    const size = Math.round(Math.min(40, 10 + 4 * Math.sqrt(Math.max(0, props.fatalities || 0))));
    const classes = ["ev-marker", typeClass(props.event_type), "c-" + props.certainty];
    if (props.historical) classes.push("historical");
    const marker = L.marker([lat, lon], {
      icon: L.divIcon({ className: classes.join(" "), iconSize: [size, size], html: "" }),
      title: `${props.event_date} · ${props.event_type} · ${props.location || ""}`,
      keyboard: true,
      riseOnHover: true,
    });
    marker.eventId = props.event_id;
    marker.on("click", () => selectEvent(props.event_id, false));
    return marker;
  }

  // --- data -----------------------------------------------------------------------------------------------
  function setStatus(text, count) {
    const el = $("count");
    el.textContent = text;
    if (count === undefined) el.removeAttribute("data-count");
    else el.setAttribute("data-count", String(count));
  }

  let loadSeq = 0;
  async function load() {
    const seq = ++loadSeq;
    setStatus("loading…");
    const params = filterParams();
    const fresh = params.get("new");
    params.delete("new");
    if (NEW_HOURS[fresh]) {
      const since = new Date(Date.now() - NEW_HOURS[fresh] * 3600 * 1000);
      params.set("stored_since", since.toISOString().slice(0, 19) + "Z");
    }
    params.set("limit", String(MAP_LIMIT));
    let data;
    try {
      const response = await fetch("/events.geojson?" + params.toString());
      if (!response.ok) throw new Error("HTTP " + response.status);
      data = await response.json();
    } catch (err) {
      setStatus("could not load events (" + err.message + ")");
      return;
    }
    if (seq !== loadSeq) return; // a newer request superseded this one
    state.features = data.features.filter((f) => f.properties && f.properties.event_date);
    updateCountryOptions();
    drawTimeline();
    render(true);
  }

  function updateCountryOptions() {
    const select = $("f-country");
    const known = new Set(Array.from(select.options).map((o) => o.value));
    const names = new Set(state.features.map((f) => f.properties.country).filter(Boolean));
    for (const name of Array.from(names).sort()) {
      if (!known.has(name)) select.appendChild(node("option", null, name));
    }
  }

  function brushed() {
    if (!state.brush) return state.features;
    const [since, until] = state.brush;
    return state.features.filter((f) => f.properties.event_date >= since && f.properties.event_date <= until);
  }

  function render(refit) {
    const shown = brushed();
    clusters.clearLayers();
    state.markers.clear();
    const layers = [];
    for (const feature of shown) {
      if (!feature.geometry) continue;
      const marker = markerFor(feature);
      state.markers.set(marker.eventId, marker);
      layers.push(marker);
    }
    clusters.addLayers(layers);
    if (refit && layers.length && !state.fitted) {
      map.fitBounds(clusters.getBounds(), { padding: [30, 30], maxZoom: 8 });
      state.fitted = true;
    } else if (refit && layers.length) {
      map.fitBounds(clusters.getBounds(), { padding: [30, 30], maxZoom: 8 });
    }
    renderList(shown);
    renderBrush();
    const total = state.features.length;
    setStatus(state.brush ? `${shown.length} of ${total} events` : `${shown.length} events`, shown.length);
    $("event-list").setAttribute("data-count", String(shown.length));
    writeUrl();
  }

  function renderList(shown) {
    const list = $("event-list");
    clear(list);
    $("list-title").textContent =
      shown.length > LIST_LIMIT ? `Events (first ${LIST_LIMIT} of ${shown.length})` : `Events (${shown.length})`;
    for (const feature of shown.slice(0, LIST_LIMIT)) {
      const props = feature.properties;
      const item = node("li");
      item.tabIndex = 0;
      item.dataset.eventId = props.event_id;
      if (props.event_id === state.selected) item.classList.add("selected");
      item.appendChild(node("span", "swatch " + typeClass(props.event_type)));
      const body = node("span");
      body.appendChild(node("span", "date", props.event_date + " "));
      body.appendChild(document.createTextNode(`${props.sub_event_type || props.event_type}`));
      const place = [props.location, props.country].filter(Boolean).join(", ");
      if (place) body.appendChild(node("div", "place", place));
      item.appendChild(body);
      item.appendChild(node("span", "fat", props.fatalities ? String(props.fatalities) : ""));
      item.addEventListener("click", () => selectEvent(props.event_id, true));
      item.addEventListener("keydown", (e) => {
        if (e.key === "Enter") selectEvent(props.event_id, true);
      });
      list.appendChild(item);
    }
  }

  // --- event detail ---------------------------------------------------------------------------------------
  async function selectEvent(eventId, panTo) {
    state.selected = eventId;
    for (const item of $("event-list").children) item.classList.toggle("selected", item.dataset.eventId === eventId);
    const marker = state.markers.get(eventId);
    for (const other of state.markers.values()) {
      const icon = other.getElement();
      if (icon) icon.classList.toggle("selected", other === marker);
    }
    if (panTo && marker) {
      // a marker drawn on its own is only brought into view; one inside a cluster is zoomed to (and spiderfied)
      if (clusters.getVisibleParent(marker) === marker) {
        if (!map.getBounds().contains(marker.getLatLng())) map.panTo(marker.getLatLng());
      } else {
        clusters.zoomToShowLayer(marker, () => undefined);
      }
    }
    const panel = $("detail");
    panel.hidden = false;
    clear(panel);
    panel.appendChild(node("p", null, "loading…"));
    let data;
    try {
      const response = await fetch("/events/" + encodeURIComponent(eventId));
      data = await response.json();
      if (!response.ok) throw new Error(data.error || "HTTP " + response.status);
    } catch (err) {
      clear(panel);
      panel.appendChild(node("p", null, "could not load event: " + err.message));
      return;
    }
    if (state.selected === eventId) renderDetail(data.event);
  }

  function addRow(dl, label, value) {
    if (value === null || value === undefined || value === "") return;
    dl.appendChild(node("dt", null, label));
    const dd = node("dd");
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = String(value);
    dl.appendChild(dd);
  }

  function renderDetail(event) {
    const panel = $("detail");
    clear(panel);
    panel.dataset.eventId = event.event_id;
    const close = node("button", "close", "×");
    close.type = "button";
    close.title = "close";
    close.addEventListener("click", () => {
      panel.hidden = true;
      state.selected = null;
    });
    panel.appendChild(close);
    const title = node("h3");
    title.appendChild(node("span", "swatch " + typeClass(event.event_type)));
    title.appendChild(document.createTextNode(` ${event.event_type} · ${event.sub_event_type}`));
    panel.appendChild(title);

    const badges = node("div", "badges");
    badges.appendChild(node("span", "badge certainty " + event.certainty, event.certainty));
    if (event.historical) badges.appendChild(node("span", "badge historical", "historical"));
    panel.appendChild(badges);

    const dl = node("dl");
    const precision = { 1: "day", 2: "week", 3: "month" }[event.time_precision] || "";
    addRow(dl, "ACLED-style id", event.event_id_cnty);
    addRow(dl, "Date", event.event_date + (event.event_date_end ? " – " + event.event_date_end : "") + (precision ? ` (${precision})` : ""));
    addRow(dl, "Place", [event.location, event.admin2, event.admin1, event.country].filter(Boolean).join(", "));
    addRow(dl, "Actor 1", [event.actor1].concat(event.assoc_actor_1 || []).filter(Boolean).join("; "));
    addRow(dl, "Actor 2", [event.actor2].concat(event.assoc_actor_2 || []).filter(Boolean).join("; "));
    let fatalities = String(event.fatalities);
    if (event.fatalities_low !== null && event.fatalities_high !== null && event.fatalities_low !== event.fatalities_high) {
      fatalities += ` (range ${event.fatalities_low}–${event.fatalities_high}, best ${event.fatalities_best})`;
    }
    addRow(dl, "Fatalities", fatalities);
    addRow(dl, "Injured", event.injured);
    addRow(dl, "Claimed by", event.claimed_by);
    addRow(dl, "Certainty", event.certainty);
    addRow(dl, "Sources", `${event.sources.length} (${event.corroboration} independent outlet${event.corroboration === 1 ? "" : "s"})`);
    panel.appendChild(dl);
    if (event.notes) panel.appendChild(node("p", "notes", event.notes));

    panel.appendChild(node("h4", null, "Evidence"));
    const evidence = node("div", "evidence");
    for (const item of event.evidence || []) {
      const quote = node("blockquote");
      quote.appendChild(highlighted(String(item.text || ""), item.cues));
      evidence.appendChild(quote);
      evidence.appendChild(node("div", "offsets", `characters ${item.start}–${item.end}; cues: ${(item.cues || []).join(", ") || "none"}`));
    }
    if (!(event.evidence || []).length) evidence.appendChild(node("p", null, "no evidence sentence stored"));
    panel.appendChild(evidence);

    panel.appendChild(node("h4", null, "Sources"));
    const sources = node("ul", "sources");
    for (const source of event.sources || []) {
      const li = node("li");
      const label = source.title || source.url || source.article_id;
      const href = safeHttpUrl(source.url);
      if (href) {
        const link = node("a", null, label);
        link.href = href;
        link.target = "_blank";
        link.rel = "noopener noreferrer nofollow";
        li.appendChild(link);
      } else {
        li.appendChild(node("span", null, label));
      }
      const meta = [source.outlet, source.original_outlet ? "original: " + source.original_outlet : null, source.published]
        .filter(Boolean)
        .join(" · ");
      if (meta) li.appendChild(node("span", "meta", " — " + meta));
      const article = node("a", "article-link", " [text]");
      article.href = "/articles/" + encodeURIComponent(source.article_id);
      li.appendChild(article);
      sources.appendChild(li);
    }
    panel.appendChild(sources);

    if ((event.claims || []).length) {
      panel.appendChild(node("h4", null, "Claims"));
      const table = node("table", "claims");
      const head = node("tr");
      for (const label of ["claimant", "outlet", "fatalities", "injured"]) head.appendChild(node("th", null, label));
      table.appendChild(head);
      for (const claim of event.claims) {
        const row = node("tr");
        for (const value of [claim.claimant, claim.outlet, claim.fatalities, claim.injured]) {
          row.appendChild(node("td", null, value === null || value === undefined ? "" : value));
        }
        table.appendChild(row);
      }
      panel.appendChild(table);
    }
    if ((event.merge_decisions || []).length) {
      panel.appendChild(node("h4", null, "Merge decisions"));
      const list = node("ul", "merges");
      for (const decision of event.merge_decisions) {
        const parts = [];
        for (const key of ["reason", "score"]) if (decision[key] !== undefined) parts.push(`${key}: ${decision[key]}`);
        list.appendChild(node("li", null, parts.join(", ") || JSON.stringify(decision)));
      }
      panel.appendChild(list);
    }
  }

  // --- timeline -------------------------------------------------------------------------------------------
  const PAD_LEFT = 34;
  const PAD_RIGHT = 10;
  const PAD_TOP = 6;
  const PAD_BOTTOM = 18;

  function dayNumber(iso) {
    return Math.floor(Date.parse(iso + "T00:00:00Z") / DAY_MS);
  }
  function isoOf(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  function makeBins() {
    if (!state.features.length) return [];
    const days = state.features.map((f) => dayNumber(f.properties.event_date));
    let first = Math.min(...days);
    const last = Math.max(...days);
    const span = last - first + 1;
    const width = span <= 120 ? 1 : span <= 1500 ? 7 : 30;
    if (width === 7) first -= (new Date(first * DAY_MS).getUTCDay() + 6) % 7; // weeks start on Monday
    const n = Math.floor((last - first) / width) + 1;
    const bins = [];
    for (let i = 0; i < n; i++) bins.push({ start: first + i * width, end: first + (i + 1) * width - 1, count: 0 });
    for (const day of days) bins[Math.floor((day - first) / width)].count += 1;
    return bins;
  }

  function timelineSize() {
    const svg = $("timeline");
    const box = svg.getBoundingClientRect();
    return { width: Math.max(200, box.width), height: Math.max(60, box.height) };
  }

  function drawTimeline() {
    const svg = $("timeline");
    clear(svg);
    state.bins = makeBins();
    const { width, height } = timelineSize();
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const bins = state.bins;
    if (!bins.length) {
      svg.appendChild(svgNode("text", { x: PAD_LEFT, y: height / 2, class: "axis" })).textContent = "no events";
      return;
    }
    const plotW = width - PAD_LEFT - PAD_RIGHT;
    const plotH = height - PAD_TOP - PAD_BOTTOM;
    const binW = plotW / bins.length;
    const max = Math.max(...bins.map((b) => b.count));
    bins.forEach((bin, i) => {
      const h = max ? (bin.count / max) * plotH : 0;
      const rect = svgNode("rect", {
        x: PAD_LEFT + i * binW + Math.min(1, binW * 0.1),
        y: PAD_TOP + plotH - h,
        width: Math.max(1, binW - Math.min(2, binW * 0.2)),
        height: h,
        class: "bar",
        "data-start": isoOf(bin.start),
        "data-end": isoOf(bin.end),
        "data-count": bin.count,
      });
      const tip = svgNode("title");
      tip.textContent = `${isoOf(bin.start)}${bin.end > bin.start ? " – " + isoOf(bin.end) : ""}: ${bin.count}`;
      rect.appendChild(tip);
      svg.appendChild(rect);
    });
    svg.appendChild(svgNode("line", { x1: PAD_LEFT, x2: width - PAD_RIGHT, y1: PAD_TOP + plotH, y2: PAD_TOP + plotH, class: "baseline" }));
    const maxLabel = svgNode("text", { x: PAD_LEFT - 4, y: PAD_TOP + 9, class: "axis", "text-anchor": "end" });
    maxLabel.textContent = String(max);
    svg.appendChild(maxLabel);
    const ticks = Math.min(bins.length, Math.max(2, Math.floor(plotW / 110)));
    for (let t = 0; t < ticks; t++) {
      const i = Math.round((t * (bins.length - 1)) / Math.max(1, ticks - 1));
      const label = svgNode("text", {
        x: PAD_LEFT + (i + 0.5) * binW,
        y: height - 4,
        class: "axis",
        "text-anchor": t === 0 ? "start" : t === ticks - 1 ? "end" : "middle",
      });
      label.textContent = isoOf(bins[i].start);
      svg.appendChild(label);
    }
    const brushRect = svgNode("rect", { id: "brush", class: "brush", x: 0, y: PAD_TOP, width: 0, height: plotH });
    brushRect.setAttribute("visibility", "hidden");
    svg.appendChild(brushRect);
    renderBrush();
  }

  function binIndexAt(x) {
    const { width } = timelineSize();
    const plotW = width - PAD_LEFT - PAD_RIGHT;
    const i = Math.floor(((x - PAD_LEFT) / plotW) * state.bins.length);
    return Math.max(0, Math.min(state.bins.length - 1, i));
  }

  function renderBrush() {
    const svg = $("timeline");
    const label = $("brush-label");
    for (const rect of svg.querySelectorAll("rect.bar")) {
      const inside = !state.brush || (rect.dataset.end >= state.brush[0] && rect.dataset.start <= state.brush[1]);
      rect.classList.toggle("in", Boolean(state.brush) && inside);
    }
    const brushRect = $("brush");
    if (state.brush && brushRect && state.bins.length) {
      const { width } = timelineSize();
      const binW = (width - PAD_LEFT - PAD_RIGHT) / state.bins.length;
      const i0 = state.bins.findIndex((b) => isoOf(b.end) >= state.brush[0]);
      let i1 = -1;
      state.bins.forEach((b, i) => {
        if (isoOf(b.start) <= state.brush[1]) i1 = i;
      });
      if (i0 !== -1 && i1 >= i0) {
        brushRect.setAttribute("x", PAD_LEFT + i0 * binW);
        brushRect.setAttribute("width", (i1 - i0 + 1) * binW);
        brushRect.setAttribute("visibility", "visible");
      }
    } else if (brushRect) {
      brushRect.setAttribute("visibility", "hidden");
    }
    if (state.brush) {
      label.textContent = `Dates ${state.brush[0]} – ${state.brush[1]}`;
      label.dataset.since = state.brush[0];
      label.dataset.until = state.brush[1];
    } else {
      label.textContent = "Drag across the timeline to filter by date.";
      delete label.dataset.since;
      delete label.dataset.until;
    }
    $("brush-clear").hidden = !state.brush;
  }

  function svgX(evt) {
    const svg = $("timeline");
    const box = svg.getBoundingClientRect();
    return ((evt.clientX - box.left) / box.width) * timelineSize().width;
  }

  let dragFrom = null;
  $("timeline").addEventListener("pointerdown", (evt) => {
    if (!state.bins.length) return;
    dragFrom = svgX(evt);
    $("timeline").setPointerCapture(evt.pointerId);
  });
  $("timeline").addEventListener("pointermove", (evt) => {
    if (dragFrom === null) return;
    const x = svgX(evt);
    const brushRect = $("brush");
    brushRect.setAttribute("x", Math.min(dragFrom, x));
    brushRect.setAttribute("width", Math.abs(x - dragFrom));
    brushRect.setAttribute("visibility", "visible");
  });
  $("timeline").addEventListener("pointerup", (evt) => {
    if (dragFrom === null) return;
    const x = svgX(evt);
    const from = dragFrom;
    dragFrom = null;
    if (Math.abs(x - from) < 3) {
      state.brush = null; // a click without a drag clears the selection
    } else {
      const i0 = binIndexAt(Math.min(from, x));
      const i1 = binIndexAt(Math.max(from, x));
      state.brush = [isoOf(state.bins[i0].start), isoOf(state.bins[i1].end)];
    }
    render(false);
  });
  $("brush-clear").addEventListener("click", () => {
    state.brush = null;
    render(false);
  });
  window.addEventListener("resize", () => drawTimeline());

  // --- legend and start-up --------------------------------------------------------------------------------
  const legend = $("legend");
  for (const [type, cls] of Object.entries(TYPE_CLASSES)) {
    const item = node("span");
    item.appendChild(node("span", "swatch t-" + cls));
    item.appendChild(document.createTextNode(type));
    legend.appendChild(item);
  }

  let actorTimer = null;
  for (const [, id] of FILTERS.concat(FLAGS)) {
    const el = $(id);
    if (id === "f-actor") {
      el.addEventListener("input", () => {
        clearTimeout(actorTimer);
        actorTimer = setTimeout(load, 350);
      });
    } else {
      el.addEventListener("change", load);
    }
  }

  readUrl();
  loadBasemap();
  load();
  window.conflictlogMap = { map, clusters, state, reload: load };
})();
