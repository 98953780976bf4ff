//! The maps: a thin binding to `frontend/js/carte.js`, which drives Leaflet.
//!
//! Rust keeps the page (filters, list, panels, words); the JS module draws the map and
//! fetches its own data (GeoJSON, clusters), so large payloads never cross into WASM. A
//! [`MapController`] is created by the page and handed to [`MapView`], which mounts the
//! map once its `<div>` exists; calls made through the controller before that are dropped,
//! so effects that drive the map read [`MapController::is_mounted`] to run again then.

use leptos::prelude::*;
use solidarites_api_types::{PublicConfigResponse, ThemeResponse};
use wasm_bindgen::prelude::*;

use crate::carte::icons;
use crate::i18n::carte as i18n;

#[wasm_bindgen(module = "/js/carte.js")]
extern "C" {
    /// A map of carte.js (opaque).
    #[derive(Debug)]
    type MapHandle;

    #[wasm_bindgen(js_name = mount)]
    fn js_mount(
        element: &web_sys::HtmlElement,
        options: &str,
        on_select: &Closure<dyn Fn(String)>,
        on_pick: &Closure<dyn Fn(f64, f64)>,
        on_error: &Closure<dyn Fn()>,
    ) -> MapHandle;
    #[wasm_bindgen(js_name = showInitiatives)]
    fn js_show_initiatives(handle: &MapHandle, query: &str, total: f64, filtered: bool, fit: bool);
    #[wasm_bindgen(js_name = showEvents)]
    fn js_show_events(handle: &MapHandle, query: &str, fit: bool);
    #[wasm_bindgen(js_name = select)]
    fn js_select(handle: &MapHandle, id: &str);
    #[wasm_bindgen(js_name = showCommune)]
    fn js_show_commune(handle: &MapHandle, code: &str);
    #[wasm_bindgen(js_name = showTerritory)]
    fn js_show_territory(handle: &MapHandle);
    #[wasm_bindgen(js_name = showNear)]
    fn js_show_near(handle: &MapHandle, lon: f64, lat: f64, radius_km: f64);
    #[wasm_bindgen(js_name = setPicked)]
    fn js_set_picked(handle: &MapHandle, lon: f64, lat: f64, zoom: bool);
    #[wasm_bindgen(js_name = clearPicked)]
    fn js_clear_picked(handle: &MapHandle);
    #[wasm_bindgen(js_name = pickCentre)]
    fn js_pick_centre(handle: &MapHandle);
    #[wasm_bindgen(js_name = resize)]
    fn js_resize(handle: &MapHandle);
    #[wasm_bindgen(js_name = unmount)]
    fn js_unmount(handle: &MapHandle);
    #[wasm_bindgen(js_name = copyText)]
    fn js_copy_text(text: &str) -> js_sys::Promise;
}

/// Copies `text` to the clipboard; `false` when the browser refused.
pub async fn copy_text(text: &str) -> bool {
    wasm_bindgen_futures::JsFuture::from(js_copy_text(text))
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// A mounted map and the callbacks it calls (kept alive as long as the map).
struct MountedMap {
    handle: MapHandle,
    _on_select: Closure<dyn Fn(String)>,
    _on_pick: Closure<dyn Fn(f64, f64)>,
    _on_error: Closure<dyn Fn()>,
}

/// What a page does with its map. `Copy`: hand it to closures freely.
#[derive(Debug, Clone, Copy)]
pub struct MapController {
    map: StoredValue<Option<MountedMapCell>, LocalStorage>,
    mounted: RwSignal<bool>,
    failed: RwSignal<bool>,
}

/// `MountedMap` behind a `Debug` impl (Leptos values need one).
struct MountedMapCell(MountedMap);

impl std::fmt::Debug for MountedMapCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MountedMap")
    }
}

impl Default for MapController {
    fn default() -> Self {
        Self::new()
    }
}

impl MapController {
    pub fn new() -> Self {
        MapController {
            map: StoredValue::new_local(None),
            mounted: RwSignal::new(false),
            failed: RwSignal::new(false),
        }
    }

    /// Whether the map is there (reactive).
    pub fn is_mounted(&self) -> bool {
        self.mounted.get()
    }

    /// Whether Leaflet could not be loaded (reactive).
    pub fn has_failed(&self) -> bool {
        self.failed.get()
    }

    fn with(&self, f: impl FnOnce(&MapHandle)) {
        self.map.try_with_value(|map| {
            if let Some(MountedMapCell(map)) = map {
                f(&map.handle);
            }
        });
    }

    /// Shows the published initiatives matching `query` (an API query without page).
    pub fn show_initiatives(&self, query: &str, total: u64, filtered: bool, fit: bool) {
        #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        let total = total as f64;
        self.with(|h| js_show_initiatives(h, query, total, filtered, fit));
    }

    /// Shows the events matching `query` (the agenda's API query without page); the
    /// map's `on_select` receives an event's id.
    pub fn show_events(&self, query: &str, fit: bool) {
        self.with(|h| js_show_events(h, query, fit));
    }

    /// Marks the initiative shown in the detail panel (`None`: none).
    pub fn select(&self, id: Option<&str>) {
        self.with(|h| js_select(h, id.unwrap_or_default()));
    }

    pub fn show_commune(&self, code: &str) {
        self.with(|h| js_show_commune(h, code));
    }

    pub fn show_territory(&self) {
        self.with(js_show_territory);
    }

    /// Centres the map on the circle of `radius_km` around `(lon, lat)` (WGS 84) and
    /// draws it; a radius of 0 removes the circle.
    pub fn show_near(&self, lon: f64, lat: f64, radius_km: f64) {
        self.with(|h| js_show_near(h, lon, lat, radius_km));
    }

    pub fn set_picked(&self, lon: f64, lat: f64, zoom: bool) {
        self.with(|h| js_set_picked(h, lon, lat, zoom));
    }

    pub fn clear_picked(&self) {
        self.with(js_clear_picked);
    }

    /// Calls the `on_pick` of the map with the centre of its view.
    pub fn pick_centre(&self) {
        self.with(js_pick_centre);
    }

    pub fn resize(&self) {
        self.with(js_resize);
    }
}

/// The JSON options of `mount` in carte.js.
pub fn options_json(
    config: &PublicConfigResponse,
    themes: &[ThemeResponse],
    picker: bool,
) -> String {
    let t = i18n::t();
    serde_json::json!({
        "tileUrl": config.tile_url,
        "attribution": config.tile_attribution,
        "bbox": config.territory_bbox,
        "picker": picker,
        "themes": themes.iter().map(|theme| serde_json::json!({
            "slug": theme.slug,
            "label": theme.label,
            "color": theme.color,
            "path": icons::path(&theme.icon),
        })).collect::<Vec<_>>(),
        "text": {
            "zoomIn": t.map_zoom_in,
            "zoomOut": t.map_zoom_out,
            "marker": t.map_marker,
            "markerCommune": t.map_marker_commune,
            "cluster": t.map_cluster,
            "picked": t.map_picked,
        },
    })
    .to_string()
}

/// The map's `<div>`: mounts a carte.js map in it and removes it with the component.
///
/// `label` names the map region for screen readers; `on_select` receives the id of an
/// initiative marker activated; `on_pick` (picker maps) the point clicked.
#[component]
pub fn MapView(
    controller: MapController,
    /// From [`options_json`].
    options: String,
    label: &'static str,
    /// `id` of the map's element (a focus target).
    #[prop(optional)]
    id: Option<&'static str>,
    #[prop(optional)] class: &'static str,
    #[prop(optional, into)] on_select: Option<UnsyncCallback<String>>,
    #[prop(optional, into)] on_pick: Option<UnsyncCallback<(f64, f64)>>,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let Some(element) = node.get() else {
            return;
        };
        if controller.map.with_value(Option::is_some) {
            return;
        }
        let on_select = Closure::<dyn Fn(String)>::new(move |id: String| {
            if let Some(cb) = on_select {
                cb.run(id);
            }
        });
        let on_pick = Closure::<dyn Fn(f64, f64)>::new(move |lon: f64, lat: f64| {
            if let Some(cb) = on_pick {
                cb.run((lon, lat));
            }
        });
        let failed = controller.failed;
        let on_error = Closure::<dyn Fn()>::new(move || failed.set(true));
        let handle = js_mount(&element, &options, &on_select, &on_pick, &on_error);
        controller.map.set_value(Some(MountedMapCell(MountedMap {
            handle,
            _on_select: on_select,
            _on_pick: on_pick,
            _on_error: on_error,
        })));
        controller.mounted.set(true);
    });
    on_cleanup(move || {
        controller.map.try_update_value(|map| {
            if let Some(MountedMapCell(map)) = map.take() {
                js_unmount(&map.handle);
            }
        });
        let _ = controller.mounted.try_set(false);
    });
    let t = i18n::t();
    view! {
        <div id=id class=format!("carte-leaflet {class}") node_ref=node role="region" aria-label=label></div>
        <Show when=move || controller.has_failed()>
            <p class="statut statut--erreur">{t.map_failed}</p>
        </Show>
    }
}
