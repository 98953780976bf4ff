//! `cargo xtask screenshots`: the README's screenshots and the map page's first-load
//! weight, taken on the demo.

use anyhow::{bail, Context, Result};

use crate::browser::{self, Seed, TestServer};
use crate::{frontend, util};

pub const HELP: &str = "\
Builds the web app (release) and the server, starts `solidarites demo` on a fresh database
in a temporary folder, and runs frontend/tests/browser/screenshots.mjs: every page at
1280×800 and 360×740 into docs/screenshots/*.png, then the first-load weight of /carte
(every same-origin file, gzipped) as a Markdown table for docs/benchmarks.md.
SCREENSHOTS_ONLY=name,name (e.g. console-besoins) takes only those pages.

Needs Chromium (/usr/bin/chromium or CHROMIUM_PATH) and Node.js.";

pub fn run(args: &[String]) -> Result<()> {
    if let Some(arg) = args.first() {
        bail!("unexpected argument `{arg}` (see `cargo xtask help screenshots`)");
    }
    let root = util::workspace_root()?;
    let Some(chromium) = browser::chromium()? else {
        bail!("Chromium is needed for the screenshots");
    };
    browser::ensure_npm_packages(&root, &["playwright-core", "axe-core"])?;
    frontend::run(&[])?;
    let binary = browser::server_binary(&root, true)?;
    let server = TestServer::start(&root, &binary, Seed::Demo)?;
    util::step(&format!("screenshots of {}", server.url));
    let mut node = std::process::Command::new("node");
    node.current_dir(&root)
        .arg("frontend/tests/browser/screenshots.mjs")
        .env("SOLIDARITES_URL", &server.url)
        .env("CHROMIUM_PATH", chromium);
    let status = browser::account_env(&mut node)
        .status()
        .context("cannot run `node` (is Node.js installed?)")?;
    if !status.success() {
        server.print_log_tail();
        bail!("the screenshot script failed ({status})");
    }
    Ok(())
}
