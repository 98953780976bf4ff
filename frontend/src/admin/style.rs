//! The console's stylesheet (`dist/console.css`: `frontend/admin.css` then
//! `frontend/results.css`). Residents never need it, so it is not part of the first load
//! of the public pages: `index.html` names it in the `data-console` attribute of the main
//! stylesheet's `<link>` (written by `cargo xtask frontend`), and the console's lazy area
//! adds it to the page the first time it shows, before its first page is shown.

use wasm_bindgen::JsCast;

/// `id` of the console's `<link>` once added.
const LINK_ID: &str = "style-console";
/// Attribute of the main stylesheet's `<link>` holding the console stylesheet's URL.
const URL_ATTRIBUTE: &str = "data-console";

/// Adds the console's stylesheet after the main one, unless it is there; resolves once it
/// has loaded, or failed to (the console then works unstyled rather than not at all).
pub async fn load() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id(LINK_ID).is_some() {
        return;
    }
    let Some(main) = document
        .query_selector(&format!("link[{URL_ATTRIBUTE}]"))
        .ok()
        .flatten()
    else {
        return;
    };
    let (Some(href), Ok(link)) = (
        main.get_attribute(URL_ATTRIBUTE),
        document.create_element("link"),
    ) else {
        return;
    };
    let Ok(link) = link.dyn_into::<web_sys::HtmlElement>() else {
        return;
    };
    let attributes = [("id", LINK_ID), ("rel", "stylesheet"), ("href", &href)];
    if attributes
        .iter()
        .any(|(name, value)| link.set_attribute(name, value).is_err())
    {
        return;
    }
    let loaded = js_sys::Promise::new(&mut |resolve, _reject| {
        link.set_onload(Some(&resolve));
        link.set_onerror(Some(&resolve));
    });
    if main.insert_adjacent_element("afterend", &link).is_ok() {
        let _ = wasm_bindgen_futures::JsFuture::from(loaded).await;
    }
}
