//! `cargo xtask test`: every test of the project.

use anyhow::Result;

use crate::{browser, checks, fn_length, frontend, util};

pub const HELP: &str = "\
Runs every test:
  1. the dependency-direction check (the domain and the API types have no HTTP server,
     database or async runtime in their dependency tree), and the layer-boundary
     check (no sea-orm entity module named outside crates/server/src/storage, no
     transaction opened in an HTTP handler), no frontend #[component] function over
     150 lines and no server function over 80 (`cargo xtask fn-lengths` lists them);
  2. builds the WASM app (release) so the server tests check the real bundle (and, at
     the same time, the test binaries: log in target/xtask/test-build.log), and checks
     that the map page's first load stays within its budget (300,000 bytes gzipped,
     see docs/benchmarks.md);
  3. cargo test on the whole workspace, including the tests marked #[ignore] because they
     need that build;
  4. the browser tests (`cargo xtask browser`): headless Chromium against the debug
     `solidarites` binary that step 3 built, on a fresh database.

The API tests run on SQLite, and also on PostgreSQL when TEST_DATABASE_URL is set
(e.g. postgres://postgres@127.0.0.1:5432/postgres); under CI=true PostgreSQL is required.
Further arguments go to cargo test (before `--`).";

pub fn run(args: &[String]) -> Result<()> {
    let root = util::workspace_root()?;
    checks::dependency_direction()?;
    checks::layer_boundaries(&root)?;
    fn_length::check_components(&root)?;
    fn_length::check_server_functions(&root)?;
    // The test binaries build while the web app does (separate target directories).
    util::step("building the tests, beside the web app");
    let tests = util::spawn_logged(
        util::cargo()
            .current_dir(&root)
            .args(["test", "--workspace", "--no-run"])
            .args(args),
        &util::target_dir(&root)?
            .join("xtask")
            .join("test-build.log"),
    )?;
    frontend::build(&[])?.check_budget()?;
    util::step("waiting for the test build");
    tests.wait()?;
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => util::note("API tests run on SQLite and PostgreSQL"),
        _ => util::note("TEST_DATABASE_URL unset: API tests run on SQLite only"),
    }
    util::step("cargo test --workspace");
    util::run(
        util::cargo()
            .current_dir(&root)
            .args(["test", "--workspace"])
            .args(args)
            .args(["--", "--include-ignored"]),
    )?;
    browser::run_after_rust_tests(&root)
}
