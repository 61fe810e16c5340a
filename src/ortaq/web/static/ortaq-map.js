// The cooperation map (no inline script under the pages' CSP): country shapes from
// world-atlas drawn by Leaflet without a tile server, an arc per pair of countries that
// cooperate (its popup reads the arc's events and links each to its evidence), and the organisations'
// network with Cytoscape. The table under them holds the same events for keyboards and
// screen readers; the page works without this script.
"use strict";

function largestRingCentre(feature) {
  // Overseas territories stretch a country's bounds: centre on its largest polygon.
  const polygons =
    feature.geometry.type === "Polygon" ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  let best = null;
  let bestSize = -1;
  for (const polygon of polygons) {
    const bounds = L.latLngBounds(polygon[0].map(([lng, lat]) => [lat, lng]));
    const size = Math.abs((bounds.getNorth() - bounds.getSouth()) * (bounds.getEast() - bounds.getWest()));
    if (size > bestSize) {
      best = bounds;
      bestSize = size;
    }
  }
  return best.getCenter();
}

function curve(from, to) {
  // A quadratic Bézier bent to one side, so arcs between the same region stay apart.
  const bend = 0.2;
  const control = L.latLng(
    (from.lat + to.lat) / 2 + (to.lng - from.lng) * bend,
    (from.lng + to.lng) / 2 - (to.lat - from.lat) * bend,
  );
  const points = [];
  for (let step = 0; step <= 24; step += 1) {
    const t = step / 24;
    const lat = (1 - t) ** 2 * from.lat + 2 * (1 - t) * t * control.lat + t ** 2 * to.lat;
    const lng = (1 - t) ** 2 * from.lng + 2 * (1 - t) * t * control.lng + t ** 2 * to.lng;
    points.push([lat, lng]);
  }
  return points;
}

function popup(arc, events, evidenceLabel) {
  const box = document.createElement("div");
  const title = document.createElement("strong");
  title.textContent = arc.ends.join(" – ");
  box.append(title);
  const list = document.createElement("ul");
  for (const event of events) {
    const line = document.createElement("li");
    line.textContent = `${event.type.replaceAll("_", " ")} · ${event.status}${event.when ? ` · ${event.when}` : ""} `;
    event.evidence.forEach((itemId, index) => {
      const link = document.createElement("a");
      link.href = `/items/${itemId}#cooperation`;
      link.className = "arc-evidence";
      link.textContent = `${evidenceLabel} ${index + 1}`;
      line.append(" ", link);
    });
    list.append(line);
  }
  box.append(list);
  return box;
}

async function arcEvents(element, arc) {
  // An arc's events are read when it is opened: the page carries only the counts.
  const url = new URL(element.dataset.events, window.location.href);
  url.searchParams.set("a", arc.ends[0]);
  url.searchParams.set("b", arc.ends[1]);
  const answer = await fetch(url, { credentials: "same-origin" });
  return answer.ok ? (await answer.json()).events : [];
}

function openArc(layer, element, arc) {
  const waiting = document.createElement("p");
  waiting.textContent = element.dataset.loading;
  layer.setPopupContent(waiting);
  arcEvents(element, arc).then((events) => {
    layer.setPopupContent(popup(arc, events, element.dataset.evidence));
  });
}

async function drawMap(element, drawing) {
  const map = L.map(element, { worldCopyJump: true, attributionControl: true }).setView([35, 45], 2);
  map.attributionControl.setPrefix(false).addAttribution("Natural Earth");
  const atlas = await (await fetch(element.dataset.shapes)).json();
  const countries = topojson.feature(atlas, atlas.objects.countries);
  const centres = new Map();
  for (const feature of countries.features) {
    centres.set(String(feature.id), largestRingCentre(feature));
  }
  const involved = new Set(drawing.arcs.flatMap((arc) => arc.shapes));
  L.geoJSON(countries, {
    style: (feature) => ({
      weight: 0.6,
      color: "#5b6770",
      fillColor: involved.has(String(feature.id)) ? "#c9dcec" : "#eef1f3",
      fillOpacity: 1,
    }),
    interactive: false,
  }).addTo(map);
  const arcs = L.featureGroup().addTo(map);
  for (const arc of drawing.arcs) {
    const [from, to] = arc.shapes.map((shape) => centres.get(shape));
    if (!from || !to) continue;
    const line = L.polyline(curve(from, to), {
      color: "#9a3412",
      weight: Math.min(3 + 1.5 * Math.log2(arc.count + 1), 10), // thicker: more events
      opacity: 0.8,
      className: "arc",
    });
    line.bindPopup(element.dataset.loading).on("popupopen", () => openArc(line, element, arc));
    line.addTo(arcs);
  }
  if (arcs.getLayers().length) map.fitBounds(arcs.getBounds(), { padding: [30, 30] });
  element.dataset.ready = String(arcs.getLayers().length);
}

function drawNetwork(element, network) {
  if (!network.nodes.length) return;
  cytoscape({
    container: element,
    elements: [
      ...network.nodes.map((node) => ({ data: { id: node.id, label: node.label, kind: node.kind } })),
      ...network.edges.map((edge) => ({
        data: { id: edge.id, source: edge.source, target: edge.target, count: edge.count },
      })),
    ],
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 10, "background-color": "#1d4f7a" } },
      { selector: "node[kind = 'country']", style: { shape: "round-rectangle", "background-color": "#5b6770" } },
      { selector: "edge", style: { width: "mapData(count, 1, 10, 1, 6)", "line-color": "#9a3412" } },
    ],
    layout: { name: "cose", animate: false },
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("map-data");
  if (!source || typeof L === "undefined") return;
  const drawing = JSON.parse(source.textContent);
  drawMap(document.getElementById("map"), drawing);
  if (typeof cytoscape !== "undefined") drawNetwork(document.getElementById("network"), drawing.network);
});
