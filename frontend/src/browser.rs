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

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The text under `key` in `sessionStorage` (this tab only, gone when it closes).
pub fn session_get(key: &str) -> Option<String> {
    session_storage()?.get_item(key).ok()?
}

/// Stores `value` under `key` in `sessionStorage`; `false` when it could not.
pub fn session_set(key: &str, value: &str) -> bool {
    session_storage().is_some_and(|s| s.set_item(key, value).is_ok())
}

pub fn session_remove(key: &str) {
    if let Some(storage) = session_storage() {
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

/// Resolves in a later task of the browser's event loop (`setTimeout(0)`), after the
/// browser could paint and handle input: long work split at such points never blocks the
/// page for long on a slow phone. Resolves at once outside a browser. `Send`, as Leptos'
/// `Suspend` wants its futures.
pub fn next_task() -> impl std::future::Future<Output = ()> + Send {
    NextTask {
        state: std::sync::Arc::default(),
        scheduled: false,
    }
}

/// Whether the timer fired, and who waits for it.
type TaskState = std::sync::Arc<std::sync::Mutex<(bool, Option<std::task::Waker>)>>;

struct NextTask {
    state: TaskState,
    scheduled: bool,
}

impl std::future::Future for NextTask {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        let Ok(mut state) = self.state.lock() else {
            return std::task::Poll::Ready(());
        };
        if state.0 {
            return std::task::Poll::Ready(());
        }
        state.1 = Some(cx.waker().clone());
        drop(state);
        if !self.scheduled {
            self.scheduled = true;
            let shared = self.state.clone();
            let fire = wasm_bindgen::closure::Closure::once_into_js(move || {
                let waker = shared.lock().ok().and_then(|mut s| {
                    s.0 = true;
                    s.1.take()
                });
                if let Some(waker) = waker {
                    waker.wake();
                }
            });
            let scheduled = web_sys::window()
                .is_some_and(|w| w.set_timeout_with_callback(fire.unchecked_ref()).is_ok());
            if !scheduled {
                return std::task::Poll::Ready(());
            }
        }
        std::task::Poll::Pending
    }
}

/// A random identifier (32 hex digits from `crypto.getRandomValues`), for idempotency keys
/// and the device token; `None` without Web Crypto.
pub fn random_id() -> Option<String> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `localStorage` key of the device token of supports.
const DEVICE_TOKEN_KEY: &str = "solidarites.jeton-appareil";

/// The device token that makes supports of proposals count once per browser (see
/// `solidarites_api_types::DEVICE_TOKEN_HEADER`): 32 random bytes, base64url without
/// padding, created once and kept in `localStorage`. `None` without Web Crypto.
pub fn device_token() -> Option<String> {
    if let Some(token) = storage_get(DEVICE_TOKEN_KEY).filter(|t| is_device_token(t)) {
        return Some(token);
    }
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut bytes = [0u8; 32];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    let token = base64url(&bytes);
    storage_set(DEVICE_TOKEN_KEY, &token);
    Some(token)
}

/// Whether `token` has the shape the server accepts: 16 to 128 of `A-Z a-z 0-9 - _`.
pub fn is_device_token(token: &str) -> bool {
    (16..=128).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Base64url without padding (RFC 4648 §5).
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let digits = chunk.len() + 1;
        for i in 0..digits {
            let index = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_has_no_padding() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url(&[7u8; 32]).len(), 43);
    }

    #[test]
    fn device_tokens_have_the_servers_shape() {
        assert!(is_device_token(&base64url(&[200u8; 32])));
        assert!(!is_device_token("court"));
        assert!(!is_device_token("avec des espaces dedans!"));
    }
}
