// Maps of the carte des solidarités: Leaflet, driven by the Leptos app (src/carte/leaflet.rs).
//
// The app owns the page: filters, list, detail panel, forms and every word shown. This
// module only draws: commune boundaries, initiative markers (or the server's clusters when
// there are many) and, on the add/edit form, the point being placed. It fetches the map
// data itself (GeoJSON, clusters) so that large payloads never cross into WebAssembly.
//
// Leaflet and its clustering plug-in are served by our binary under /vendor/ and loaded on
// first use, from the URLs `cargo xtask frontend` lists in <script id="carte-assets">.

const API = "/api/v1";
// Unfiltered and more than this: the server's clusters, per view.
const CLUSTER_ABOVE = 500;
// More than this: the GeoJSON of the current view only, reloaded as it moves.
const VIEWPORT_ABOVE = 3000;
const MAX_ZOOM = 18;

let leafletLoading = null;
let boundariesLoading = null;

// Work split into tasks of about this many milliseconds at most, so that the page keeps
// answering while the map draws (a long task delays every click and key on a slow phone).
const TASK_BUDGET_MS = 6;

/** Resolves in a later task of the event loop (after the browser could paint and handle input). */
function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A count as French writes it (`12 345`, a narrow no-break space between thousands), as
 * `Intl.NumberFormat("fr-FR")` would: making one costs milliseconds of loading locale
 * data, which this module's evaluation would pay on every page.
 */
function formatCount(count) {
  return String(count).replace(/\B(?=(\d{3})+$)/g, "\u202f");
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.async = false;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.appendChild(script);
  });
}

function loadStylesheet(href) {
  return new Promise((resolve, reject) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.onload = resolve;
    link.onerror = () => reject(new Error(`cannot load ${href}`));
    // Before our own stylesheet, so that style.css can adjust Leaflet's look.
    const ours = document.head.querySelector('link[rel="stylesheet"]');
    document.head.insertBefore(link, ours);
  });
}

function loadLeaflet() {
  if (window.L && window.L.MarkerClusterGroup) {
    return Promise.resolve(window.L);
  }
  if (!leafletLoading) {
    const block = document.getElementById("carte-assets");
    const assets = block ? JSON.parse(block.textContent) : { css: [], js: [] };
    leafletLoading = (async () => {
      const styles = Promise.all(assets.css.map(loadStylesheet));
      // In order: the plug-in extends the global `L`.
      for (const src of assets.js) {
        await loadScript(src);
      }
      await styles;
      if (!window.L || !window.L.MarkerClusterGroup) {
        throw new Error("Leaflet is missing from #carte-assets");
      }
      // The map is built in a task of its own, not in the last script's load event.
      await nextTask();
      return window.L;
    })();
    // A failed load (network) may be retried by the next map.
    leafletLoading.catch(() => {
      leafletLoading = null;
    });
  }
  return leafletLoading;
}

function loadBoundaries() {
  if (!boundariesLoading) {
    boundariesLoading = fetch(`${API}/communes.geojson`).then((res) => {
      if (!res.ok) {
        throw new Error(`communes.geojson: ${res.status}`);
      }
      return res.json();
    });
    boundariesLoading.catch(() => {
      boundariesLoading = null;
    });
  }
  return boundariesLoading;
}

function escapeHtml(text) {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => (key in values ? values[key] : ""));
}

function bboxBounds(L, bbox) {
  return L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]);
}

// The class of `labelledIcon`, made once Leaflet is there.
let LabelledIcon = null;

// A DivIcon whose element carries an accessible name (and a role that allows one).
function labelledIcon(L, options) {
  if (!LabelledIcon) {
    LabelledIcon = L.DivIcon.extend({
      createIcon(old) {
        const div = L.DivIcon.prototype.createIcon.call(this, old);
        // An image with a name; Leaflet makes keyboard markers `role="button"` after this.
        div.setAttribute("role", "img");
        div.setAttribute("aria-label", this.options.label);
        return div;
      },
    });
  }
  return new LabelledIcon(options);
}

/**
 * Creates a map in `element` and returns its handle at once; Leaflet and the boundaries
 * arrive later, and calls made meanwhile wait for them.
 *
 * `optionsJson`: {tileUrl, attribution, bbox, themes: [{slug, label, color, path}],
 * picker, text: {zoomIn, zoomOut, cluster, marker, markerCommune, picked}}.
 * `onSelect(id)`: an initiative marker was activated (click, Enter, Space).
 * `onPick(lon, lat)`: picker maps only, the map was clicked there.
 * `onError()`: Leaflet could not be loaded.
 */
export function mount(element, optionsJson, onSelect, onPick, onError) {
  const options = JSON.parse(optionsJson);
  const handle = {
    destroyed: false,
    map: null,
    L: null,
    options,
    themes: new Map(options.themes.map((t) => [t.slug, t])),
    onSelect,
    onPick,
    markers: new Map(),
    layer: null,
    boundaries: null,
    picked: null,
    selected: null,
    request: null,
    moveHandler: null,
    // Bumped when the markers drawn are replaced: `addItems` still at work stops.
    drawn: 0,
  };
  handle.ready = loadLeaflet()
    .then((L) => (handle.destroyed ? undefined : build(handle, L, element)))
    .catch((error) => {
      console.error(error);
      if (!handle.destroyed) {
        onError();
      }
    });
  return handle;
}

/**
 * Builds the map in three tasks (the map and its controls; its view, whose size read lays
 * the page out; the tiles), each short on a slow phone. Calls made meanwhile wait for it.
 */
async function build(handle, L, element) {
  const { options } = handle;
  const map = L.map(element, {
    maxZoom: MAX_ZOOM,
    zoomControl: false,
    attributionControl: false,
    keyboard: true,
  });
  handle.map = map;
  handle.L = L;
  L.control
    .zoom({ zoomInTitle: options.text.zoomIn, zoomOutTitle: options.text.zoomOut })
    .addTo(map);
  const attribution = L.control.attribution({ prefix: false }).addTo(map);
  if (options.tileUrl && options.attribution) {
    attribution.addAttribution(options.attribution);
  }
  if (!options.tileUrl) {
    element.classList.add("carte-leaflet--sans-fond");
  }
  await nextTask();
  if (handle.destroyed) {
    return;
  }
  if (options.bbox) {
    map.fitBounds(bboxBounds(L, options.bbox));
  } else {
    map.setView([46.6, 2.4], 5);
  }
  if (options.tileUrl) {
    await nextTask();
    if (handle.destroyed) {
      return;
    }
    L.tileLayer(options.tileUrl, { maxZoom: 19 }).addTo(map);
  }
  // The container may change size after the map is made (fonts, a panel, the window).
  if (window.ResizeObserver) {
    handle.resizeObserver = new ResizeObserver(() => map.invalidateSize());
    handle.resizeObserver.observe(element);
  }
  if (options.picker) {
    map.on("click", (e) => handle.onPick(e.latlng.lng, e.latlng.lat));
  }
  loadBoundaries()
    .then((geojson) => drawBoundaries(handle, geojson))
    .catch((error) => console.error(error));
}

/**
 * The communes' outlines, a few at a time: each task draws polygons for at most
 * TASK_BUDGET_MS, then lets the browser paint and answer input (hundreds of communes
 * in one task would block the page for a long moment on a phone).
 */
async function drawBoundaries(handle, geojson) {
  const { L, map, options } = handle;
  const boundaries = L.geoJSON(null, {
    interactive: false,
    style: () => ({
      color: "#5b6170",
      weight: 1,
      opacity: 0.9,
      fillColor: "#ffffff",
      fillOpacity: options.tileUrl ? 0 : 0.75,
    }),
  }).addTo(map);
  const features = geojson.features || [];
  for (let i = 0; i < features.length; ) {
    await nextTask();
    if (handle.destroyed || !handle.map) {
      return;
    }
    const until = performance.now() + TASK_BUDGET_MS;
    do {
      boundaries.addData(features[i]);
      i += 1;
    } while (i < features.length && performance.now() < until);
    boundaries.bringToBack();
  }
  // Complete: a commune asked for meanwhile is found now.
  handle.boundaries = boundaries;
  if (handle.pendingCommune) {
    fitCommune(handle, handle.pendingCommune);
  }
}

function themeFor(handle, slug) {
  return (
    handle.themes.get(slug) || { slug, label: slug || "", color: "#424242", path: "" }
  );
}

function markerIcon(handle, item) {
  const theme = themeFor(handle, item.themes[0]);
  const commune = item.precision === "commune";
  const text = handle.options.text;
  const label = fill(commune ? text.markerCommune : text.marker, {
    title: item.title,
    theme: theme.label,
    commune: item.commune || "",
  });
  const svg = theme.path
    ? `<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="${escapeHtml(theme.path)}"/></svg>`
    : "";
  return labelledIcon(handle.L, {
    className: `marqueur${commune ? " marqueur--commune" : ""}`,
    html: `<span class="marqueur__pastille" style="background:${escapeHtml(theme.color)}">${svg}</span>`,
    iconSize: [34, 34],
    iconAnchor: [17, 17],
    label,
  });
}

function initiativeMarker(handle, item) {
  const marker = handle.L.marker([item.lat, item.lon], {
    icon: markerIcon(handle, item),
    keyboard: true,
    riseOnHover: true,
  });
  marker.on("click", () => handle.onSelect(item.id));
  marker.on("keypress", (e) => {
    const key = e.originalEvent.keyCode;
    if (key === 13 || key === 32) {
      e.originalEvent.preventDefault();
      handle.onSelect(item.id);
    }
  });
  marker.on("add", () => {
    const el = marker.getElement();
    if (el) {
      el.classList.toggle("marqueur--choisi", handle.selected === item.id);
    }
  });
  handle.markers.set(item.id, marker);
  return marker;
}

function clusterIcon(handle, count, themes) {
  const text = handle.options.text;
  const size = count < 10 ? 36 : count < 100 ? 42 : 50;
  const parts = Object.entries(themes || {})
    .sort((a, b) => b[1] - a[1])
    .map(([slug, n]) => `${n} ${themeFor(handle, slug).label}`)
    .join(", ");
  return labelledIcon(handle.L, {
    className: "grappe",
    html: `<span>${count}</span>`,
    iconSize: [size, size],
    iconAnchor: [size / 2, size / 2],
    label: fill(text.cluster, { count: formatCount(count), themes: parts }),
  });
}

function clearLayer(handle) {
  handle.drawn += 1;
  if (handle.request) {
    handle.request.abort();
    handle.request = null;
  }
  if (handle.moveHandler) {
    handle.map.off("moveend", handle.moveHandler);
    handle.moveHandler = null;
  }
  if (handle.layer) {
    handle.map.removeLayer(handle.layer);
    handle.layer = null;
  }
  handle.markers.clear();
}

async function fetchJson(handle, url) {
  if (handle.request) {
    handle.request.abort();
  }
  const controller = new AbortController();
  handle.request = controller;
  const res = await fetch(url, { signal: controller.signal });
  if (!res.ok) {
    throw new Error(`${url}: ${res.status}`);
  }
  return res.json();
}

function viewBbox(map) {
  const b = map.getBounds();
  const clamp = (v, lim) => Math.max(-lim, Math.min(lim, v));
  return [
    clamp(b.getWest(), 180),
    clamp(b.getSouth(), 90),
    clamp(b.getEast(), 180),
    clamp(b.getNorth(), 90),
  ]
    .map((v) => v.toFixed(5))
    .join(",");
}

function itemsOfGeojson(geojson) {
  return geojson.features.map((f) => ({
    id: f.properties.id,
    title: f.properties.title,
    themes: f.properties.themes,
    commune: f.properties.commune_name,
    precision: f.properties.location_precision,
    lon: f.geometry.coordinates[0],
    lat: f.geometry.coordinates[1],
  }));
}

function clusterGroup(handle) {
  return handle.L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 44,
    // Many markers are grouped a few milliseconds at a time, not in one long task.
    chunkedLoading: true,
    chunkInterval: TASK_BUDGET_MS,
    chunkDelay: 0,
    iconCreateFunction: (cluster) => {
      const themes = {};
      for (const m of cluster.getAllChildMarkers()) {
        const slug = m.options.themeSlug;
        themes[slug] = (themes[slug] || 0) + 1;
      }
      return clusterIcon(handle, cluster.getChildCount(), themes);
    },
  });
}

/**
 * Draws `items` as markers grouped by leaflet.markercluster into `parent` (the map or a
 * layer), a few at a time: the group is added empty, then each task adds about
 * TASK_BUDGET_MS worth of markers (their icons are made as they reach the map), in the
 * items' order, so that the clusters are those of adding them all at once. Stops when the
 * layer is cleared meanwhile. Returns the group.
 */
function addItems(handle, items, parent) {
  const group = clusterGroup(handle).addTo(parent);
  const drawn = handle.drawn;
  let next = 0;
  // The first markers also make the plug-in's code ready: a small first batch.
  let batch = 2;
  const add = () => {
    if (handle.destroyed || handle.drawn !== drawn) {
      return;
    }
    const start = performance.now();
    const markers = items.slice(next, next + batch).map((item) => {
      const marker = initiativeMarker(handle, item);
      marker.options.themeSlug = item.themes[0];
      return marker;
    });
    next += markers.length;
    group.addLayers(markers);
    if (next < items.length) {
      // The next batch sized after this one's time, at most twice as big: each batch
      // also costs the clusters already drawn (their icons, the plug-in's walk of them).
      const spent = Math.max(performance.now() - start, 0.5);
      batch = Math.max(1, Math.min(2 * batch, Math.floor((batch * TASK_BUDGET_MS) / spent)));
      setTimeout(add, 0);
    }
  };
  setTimeout(add, 0);
  return group;
}

/**
 * Shows the published initiatives matching `query` (the same query string as the list:
 * `theme=…&commune=…&label=…&q=…`, or `actor=…`). `total` is the count the list reported;
 * `filtered` says whether any filter is set. `fit`: zoom to the results.
 */
export function showInitiatives(handle, query, total, filtered, fit) {
  handle.ready.then(() => {
    if (!handle.map) {
      return;
    }
    clearLayer(handle);
    const { map, L } = handle;
    const sep = query ? "&" : "";
    if (!filtered && total > CLUSTER_ABOVE) {
      // The server groups them on an 80-pixel grid of the current view.
      const layer = L.layerGroup().addTo(map);
      handle.layer = layer;
      const load = () => {
        const url = `${API}/initiatives/clusters?zoom=${Math.round(map.getZoom())}&bbox=${viewBbox(map)}`;
        fetchJson(handle, url)
          .then((body) => {
            layer.clearLayers();
            handle.markers.clear();
            for (const c of body.clusters) {
              if (c.count === 1 && c.id) {
                const item = {
                  id: c.id,
                  title: c.title || "",
                  themes: Object.keys(c.themes),
                  lon: c.lon,
                  lat: c.lat,
                };
                layer.addLayer(initiativeMarker(handle, item));
              } else {
                const marker = L.marker([c.lat, c.lon], {
                  icon: clusterIcon(handle, c.count, c.themes),
                  keyboard: true,
                });
                const zoomIn = () =>
                  map.setView([c.lat, c.lon], Math.min(map.getZoom() + 2, MAX_ZOOM));
                marker.on("click", zoomIn);
                marker.on("keypress", (e) => e.originalEvent.keyCode === 13 && zoomIn());
                layer.addLayer(marker);
              }
            }
          })
          .catch((error) => error.name !== "AbortError" && console.error(error));
      };
      handle.moveHandler = load;
      map.on("moveend", load);
      load();
      return;
    }
    if (total > VIEWPORT_ABOVE) {
      const layer = L.layerGroup().addTo(map);
      handle.layer = layer;
      const load = () => {
        fetchJson(handle, `${API}/initiatives.geojson?${query}${sep}bbox=${viewBbox(map)}`)
          .then((geojson) => {
            layer.clearLayers();
            handle.markers.clear();
            handle.drawn += 1;
            addItems(handle, itemsOfGeojson(geojson), layer);
          })
          .catch((error) => error.name !== "AbortError" && console.error(error));
      };
      handle.moveHandler = load;
      map.on("moveend", load);
      load();
      return;
    }
    if (total === 0) {
      return;
    }
    fetchJson(handle, `${API}/initiatives.geojson?${query}`)
      .then((geojson) => {
        const items = itemsOfGeojson(geojson);
        // Fitted first: the markers are then grouped once, at the zoom they are seen at.
        if (fit && items.length) {
          const bounds = L.latLngBounds(items.map((i) => [i.lat, i.lon]));
          map.fitBounds(bounds.pad(0.2), { maxZoom: 12 });
        }
        handle.layer = addItems(handle, items, map);
      })
      .catch((error) => error.name !== "AbortError" && console.error(error));
  });
}

/**
 * Shows the events matching `query` (the agenda list's query string, without page) from
 * `events.geojson`: online-only events have no point and are not drawn. `onSelect(id)`
 * is called with an event's id. `fit`: zoom to the events.
 */
export function showEvents(handle, query, fit) {
  handle.ready.then(() => {
    if (!handle.map) {
      return;
    }
    clearLayer(handle);
    fetchJson(handle, `${API}/events.geojson${query ? "?" : ""}${query}`)
      .then((geojson) => {
        const items = itemsOfGeojson(geojson);
        if (fit && items.length) {
          const bounds = handle.L.latLngBounds(items.map((i) => [i.lat, i.lon]));
          handle.map.fitBounds(bounds.pad(0.2), { maxZoom: 12 });
        }
        handle.layer = addItems(handle, items, handle.map);
      })
      .catch((error) => error.name !== "AbortError" && console.error(error));
  });
}

/** Marks the initiative `id` as the one shown in the detail panel (`""`: none). */
export function select(handle, id) {
  handle.selected = id || null;
  handle.ready.then(() => {
    for (const [markerId, marker] of handle.markers) {
      const el = marker.getElement();
      if (el) {
        el.classList.toggle("marqueur--choisi", markerId === handle.selected);
      }
    }
  });
}

function fitCommune(handle, code) {
  handle.pendingCommune = code;
  if (!handle.boundaries) {
    return;
  }
  handle.pendingCommune = null;
  const layer = handle.boundaries
    .getLayers()
    .find((l) => l.feature && l.feature.properties && l.feature.properties.code === code);
  if (layer) {
    handle.map.fitBounds(layer.getBounds(), { maxZoom: 14 });
  }
}

/** Zooms to the commune with this INSEE code (once the boundaries are there). */
export function showCommune(handle, code) {
  handle.ready.then(() => handle.map && fitCommune(handle, code));
}

/** Zooms back to the whole territory. */
export function showTerritory(handle) {
  handle.ready.then(() => {
    if (handle.map && handle.options.bbox) {
      handle.map.fitBounds(bboxBounds(handle.L, handle.options.bbox));
    }
  });
}

/**
 * The search around a commune: a dashed circle of `radiusKm` around the commune's point
 * (`lon`, `lat`), and the map fitted to it. A radius of 0 removes the circle.
 */
export function showNear(handle, lon, lat, radiusKm) {
  handle.ready.then(() => {
    if (!handle.map) {
      return;
    }
    const { L, map } = handle;
    if (handle.nearLayer) {
      handle.nearLayer.remove();
      handle.nearLayer = null;
    }
    if (!(radiusKm > 0)) {
      return;
    }
    const circle = L.circle([lat, lon], {
      radius: radiusKm * 1000,
      color: "#1d4f91",
      weight: 2,
      dashArray: "6 6",
      fill: false,
      interactive: false,
    });
    const centre = L.circleMarker([lat, lon], {
      radius: 5,
      color: "#1d4f91",
      fillColor: "#1d4f91",
      fillOpacity: 1,
      interactive: false,
    });
    handle.nearLayer = L.layerGroup([circle, centre]).addTo(map);
    map.fitBounds(circle.getBounds());
  });
}

/** Picker maps: shows the chosen point (`zoom`: centre the map on it). */
export function setPicked(handle, lon, lat, zoom) {
  handle.ready.then(() => {
    if (!handle.map) {
      return;
    }
    const { L, map } = handle;
    if (!handle.picked) {
      handle.picked = L.marker([lat, lon], {
        icon: labelledIcon(L, {
          className: "marqueur-choisi",
          html: '<span class="marqueur-choisi__pointe"></span>',
          iconSize: [28, 40],
          iconAnchor: [14, 40],
          label: handle.options.text.picked,
        }),
        keyboard: false,
        interactive: false,
      }).addTo(map);
    } else {
      handle.picked.setLatLng([lat, lon]);
    }
    if (zoom) {
      map.setView([lat, lon], Math.max(map.getZoom(), 13));
    }
  });
}

/** Picker maps: removes the chosen point. */
export function clearPicked(handle) {
  handle.ready.then(() => {
    if (handle.picked) {
      handle.picked.remove();
      handle.picked = null;
    }
  });
}

/** Picker maps: picks the centre of the view (the keyboard way: pan, then press). */
export function pickCentre(handle) {
  handle.ready.then(() => {
    if (handle.map) {
      const c = handle.map.getCenter();
      handle.onPick(c.lng, c.lat);
    }
  });
}

/** To call after the map's container changed size. */
export function resize(handle) {
  handle.ready.then(() => handle.map && handle.map.invalidateSize());
}

/** Removes the map and stops its requests. */
export function unmount(handle) {
  handle.destroyed = true;
  if (handle.resizeObserver) {
    handle.resizeObserver.disconnect();
  }
  if (handle.map) {
    clearLayer(handle);
    handle.map.remove();
    handle.map = null;
  }
}

/** Copies `text` to the clipboard; resolves to whether it worked. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (error) {
    console.error(error);
    return false;
  }
}
