//! Small wrappers over browser APIs: local storage, the document title, focus, random ids.
//!
//! Every function is a no-op (or returns `None`) where the API is missing, e.g. storage
//! disabled by the user: the app then works without persistence.

use wasm_bindgen::JsCast;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The stored text under `key`.
pub fn storage_get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok()?
}

/// Stores `value` under `key`; `false` when it could not (storage full or disabled).
pub fn storage_set(key: &str, value: &str) -> bool {
    local_storage().is_some_and(|s| s.set_item(key, value).is_ok())
}

pub fn storage_remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

/// Sets `document.title`.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// Moves the keyboard focus to the element with this `id` (which needs `tabindex="-1"`
/// when it is not focusable by itself).
pub fn focus_id(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// Runs `f` after the browser has applied the pending DOM changes (next animation frame).
pub fn after_render(f: impl FnOnce() + 'static) {
    leptos::prelude::request_animation_frame(f);
}

/// A random identifier (32 hex digits from `crypto.getRandomValues`), for idempotency keys
/// and the device token; `None` without Web Crypto.
pub fn random_id() -> Option<String> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
