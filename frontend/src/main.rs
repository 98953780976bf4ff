//! Entry point of the browser app: `cargo xtask frontend` builds it for
//! `wasm32-unknown-unknown` and wasm-bindgen calls `main` once the module is loaded.

#[cfg(target_arch = "wasm32")]
fn main() {
    solidarites_frontend::start();
}

/// On the host the crate only exists to be checked and unit-tested.
#[cfg(not(target_arch = "wasm32"))]
#[allow(
    clippy::print_stderr,
    reason = "tells a developer who ran the browser app natively what to do instead"
)]
fn main() {
    eprintln!(
        "solidarites-frontend is a browser app: build it with `cargo xtask frontend` \
         and serve frontend/dist/."
    );
    std::process::exit(2);
}
