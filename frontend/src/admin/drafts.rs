//! Drafts of console forms, kept in `sessionStorage` (this tab only) and keyed by the page
//! (path and query) and a field name, so that a sign-in in the middle of typing (session
//! expired) loses nothing: back on the page, each field finds its text again.
//!
//! ```text
//! let reason = drafts::text("motif");           // restored if a draft is stored
//! view! { <textarea prop:value=move || reason.get()
//!             on:input=move |e| reason.set(event_target_value(&e))/> };
//! // once the form is sent:
//! drafts::clear("motif");
//! ```

use leptos::prelude::*;

use crate::browser;

const PREFIX: &str = "solidarites.brouillon:";

/// Storage key of `field` on the page `page` (`path?query`).
pub fn key(page: &str, field: &str) -> String {
    format!("{PREFIX}{page}#{field}")
}

/// The stored draft of `field` on the current page.
pub fn stored(field: &str) -> Option<String> {
    browser::session_get(&key(&super::session::here(), field))
}

/// A text signal for `field` of the current page: starts from the stored draft (or
/// empty), and stores every change (an empty text removes the draft).
pub fn text(field: &str) -> RwSignal<String> {
    let storage_key = key(&super::session::here(), field);
    let signal = RwSignal::new(browser::session_get(&storage_key).unwrap_or_default());
    Effect::new(move |_| {
        let value = signal.get();
        if value.is_empty() {
            browser::session_remove(&storage_key);
        } else {
            browser::session_set(&storage_key, &value);
        }
    });
    signal
}

/// Forgets the draft of `field` on the current page (after the form was sent).
pub fn clear(field: &str) {
    browser::session_remove(&key(&super::session::here(), field));
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_name_the_page_and_the_field() {
        assert_eq!(
            super::key("/admin/moderation?kind=actor", "motif"),
            "solidarites.brouillon:/admin/moderation?kind=actor#motif"
        );
    }
}
