//! The first screen the server wrote into the page (`crates/server/src/first_screen.rs`):
//! the frame and the top of the page asked for, painted with the HTML and the stylesheet,
//! before the app has arrived. The app's own nodes are laid out but kept invisible while it
//! is there (`style.css`, `.premier-ecran ~ *`); the app removes it once its first page is
//! complete: the page's area has loaded ([`area_ready`]), every load started by then has
//! answered ([`holding`]: `api::load` and the map's loads) and the browser has painted
//! the first screen. The whole screen then changes in one frame, and what was painted
//! first does not move (no layout shift): it is replaced.
//!
//! A page that never completes does not keep the app hidden: the first screen goes
//! [`GIVE_UP`] after the area has loaded, whatever is still loading.

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

/// Class of the server's first screen (the one element that wraps it).
pub use solidarites_api_types::first_screen::CLASS;

/// Longest wait, once the first page's area has loaded, for its data.
const GIVE_UP: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, Copy, Default)]
struct State {
    /// Loads started while the first screen is up, not answered yet.
    holds: u32,
    area_ready: bool,
    /// The first screen is gone (or there was none): holds no longer count.
    done: bool,
    /// Frames waited for the first screen to be painted, once the page was complete.
    frames_waited: u32,
}

thread_local! {
    static STATE: Cell<State> = Cell::new(State::default());
}

fn update(f: impl FnOnce(&mut State)) -> State {
    STATE.with(|cell| {
        let mut state = cell.get();
        f(&mut state);
        cell.set(state);
        state
    })
}

/// Keeps the first screen up until dropped; `None` once it is gone.
#[derive(Debug)]
#[must_use = "the first screen waits for as long as the hold lives"]
pub struct Hold(());

/// At start-up: without a first screen in the page (the console, a page the server does
/// not pre-render), holds never count.
pub fn init() {
    let present = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&format!(".{CLASS}")).ok().flatten())
        .is_some();
    if !present {
        update(|s| s.done = true);
    }
}

/// A hold on the first screen for a load that has just started.
pub fn hold() -> Option<Hold> {
    let state = update(|s| {
        if !s.done {
            s.holds += 1;
        }
    });
    (!state.done).then_some(Hold(()))
}

/// `future` holding the first screen from now until it has its outcome: for a load the
/// first page shows.
pub fn holding<T>(future: impl Future<Output = T>) -> impl Future<Output = T> {
    let hold = hold();
    async move {
        let outcome = future.await;
        drop(hold);
        outcome
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        update(|s| s.holds = s.holds.saturating_sub(1));
        // After the frame's DOM changes: what the answer shows is in place by then.
        crate::browser::after_render(maybe_reveal);
    }
}

/// The first page's area has loaded and its view is being mounted.
pub fn area_ready() {
    let state = update(|s| s.area_ready = true);
    if state.done {
        return;
    }
    crate::browser::after_render(maybe_reveal);
    leptos::prelude::set_timeout(reveal, GIVE_UP);
}

fn maybe_reveal() {
    let state = STATE.with(Cell::get);
    if !state.area_ready || state.holds > 0 || state.done {
        return;
    }
    // Not before the browser has painted the first screen (its first contentful paint:
    // nothing else is on the page): else the app's nodes would be the page's first and
    // largest paint, after the `.wasm`. A browser without paint timing waits a few frames.
    let frames = update(|s| s.frames_waited += 1).frames_waited;
    if painted() || frames > MAX_FRAMES_UNPAINTED {
        reveal();
    } else {
        crate::browser::after_render(maybe_reveal);
    }
}

/// Frames [`maybe_reveal`] waits for a first contentful paint.
const MAX_FRAMES_UNPAINTED: u32 = 10;

fn painted() -> bool {
    web_sys::window()
        .and_then(|w| w.performance())
        .is_some_and(|p| p.get_entries_by_name("first-contentful-paint").length() > 0)
}

/// Removes the first screen: the app's nodes are shown in its place.
fn reveal() {
    update(|s| s.done = true);
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(Some(element)) = document.query_selector(&format!(".{CLASS}")) {
        element.remove();
    }
}
