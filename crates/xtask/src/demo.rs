//! `cargo xtask demo`: build the web app and the server, then serve the fictional demo
//! territory on http://127.0.0.1:8080.

use anyhow::{Context, Result};

use crate::{frontend, util};

pub const HELP: &str = "\
Builds the WASM app (`cargo xtask frontend --demo`: release code without LTO or wasm-opt)
and, at the same time, the server (profile `demo`: release without debug info, most
crates at opt-level 1 to shorten a first run; its cargo
output goes to target/xtask/demo-server-build.log), then runs
`solidarites demo`: a fictional demonstration territory with sample content (actors,
initiatives, an open survey with a few hundred answers, proposals), stored in data/demo.db
and served with the web app on http://127.0.0.1:8080. Delete data/demo.db to start again.

Any further arguments go to `solidarites demo`, e.g. `cargo xtask demo --bind 127.0.0.1:9000`.";

pub fn run(args: &[String]) -> Result<()> {
    let root = util::workspace_root()?;
    let target = util::target_dir(&root)?;
    // The server builds while the web app does (they use separate target directories):
    // on two cores this overlaps the single-threaded ends of each (the frontend crate,
    // wasm-opt, the server crate), about a minute and a half of a first run.
    util::step("building the server (profile demo), beside the web app");
    let server = util::spawn_logged(
        util::cargo().current_dir(&root).args([
            "build",
            "--profile",
            "demo",
            "--package",
            "solidarites-server",
            "--bin",
            "solidarites",
        ]),
        &target.join("xtask").join("demo-server-build.log"),
    )?;
    frontend::run(&["--demo".to_owned()])?;
    util::step("waiting for the server build");
    server.wait()?;
    let binary = target.join("demo").join("solidarites");
    util::step("starting the demo: http://127.0.0.1:8080 (Ctrl-C to stop)");
    let status = std::process::Command::new(&binary)
        .current_dir(&root)
        .arg("demo")
        .arg("--frontend-dir")
        .arg(root.join("frontend").join("dist"))
        .args(args)
        .status()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    if !status.success() {
        anyhow::bail!("solidarites demo exited with {status}");
    }
    Ok(())
}
