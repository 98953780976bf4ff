//! `cargo xtask schemathesis`: property-based tests of the live API against its own
//! OpenAPI document (schemathesis, from PyPI, pinned), anonymously and as a signed-in admin.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::{
    browser::{self, Seed, TestServer, STAFF_EMAIL, STAFF_PASSWORD},
    util,
};

pub const HELP: &str = "\
Runs schemathesis (PyPI, version pinned below, installed in a virtual environment under
target/) against a `solidarites demo` server built from this tree, on a fresh SQLite
database: every operation of /api/v1/openapi.json, once anonymously and once with a
signed-in admin session (session cookie + X-CSRF-Token header, see hooks.py beside this
file). A fixed number of examples per operation and a fixed seed bound the run; the checks
are not_a_server_error, status_code_conformance, content_type_conformance and
response_schema_conformance. The coverage phase probes each operation with boundary and
invalid values; the fuzzing and stateful phases draw valid requests (anonymous.toml,
admin.toml). Any failure fails the task, and so do two runs where 20 % or fewer of all
the generated requests got a 2xx answer (the share is printed per run and phase; the
anonymous run alone is lower: its staff operations can only answer 401).

Options:
  --no-build            Reuse target/debug/solidarites (built by `cargo test`).
  --max-examples <n>    Examples per operation and phase (default 40).

Reports (JUnit) are kept in target/schemathesis/<run>/.";

/// The schemathesis release the project is tested with.
const VERSION: &str = "4.32.5";
/// Fixed, so that a failure found by CI is found again by `cargo xtask schemathesis`.
const SEED: &str = "20261206";
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
                      response_schema_conformance";
/// A run that has not ended by then fails (each run is well under it on 2 cores).
const RUN_CAP: Duration = Duration::from_secs(210);
/// Below this share of 2xx answers the generated requests mostly test refusals.
const MIN_SUCCESS_SHARE: f64 = 0.2;

pub fn run(args: &[String]) -> Result<()> {
    let root = util::workspace_root()?;
    let mut build = true;
    let mut max_examples = "40".to_owned();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--no-build" => build = false,
            "--max-examples" => {
                max_examples = args
                    .next()
                    .context("--max-examples needs a number")?
                    .clone();
            }
            other => bail!("unexpected argument `{other}` (see `cargo xtask help schemathesis`)"),
        }
    }
    let schemathesis = install(&root)?;
    let reuse = util::target_dir(&root)?.join("debug").join("solidarites");
    let binary = browser::server_binary(&root, build || !reuse.is_file())?;
    // Behind a "proxy": hooks.py sends each request from one of many addresses, so that the
    // per-address throttles (tested by their own API tests) do not turn most of a run of
    // thousands of requests from one client into 429s.
    let server = TestServer::start_with(&root, &binary, Seed::Demo, true)?;
    let reports = util::target_dir(&root)?.join("schemathesis");
    let mut failed = Vec::new();
    let mut totals = Vec::new();
    for (name, admin) in [("anonymous", false), ("admin", true)] {
        util::step(&format!("schemathesis: {name}"));
        let dir = reports.join(name);
        util::empty_dir(&dir)?;
        let summary = dir.join("summary.json");
        let mut cmd = Command::new(&schemathesis);
        cmd.current_dir(&root)
            .arg("--config-file")
            .arg(root.join(format!("crates/xtask/schemathesis/{name}.toml")))
            .arg("run")
            .arg(format!("{}/api/v1/openapi.json", server.url))
            .args(["--url", &server.url])
            .args(["--checks", CHECKS])
            .args(["--max-examples", &max_examples])
            .args(["--seed", SEED])
            // One worker: with two, hypothesis' lambda-description cache raced ("AST
            // constructor recursion depth mismatch", a runtime error of the tool itself).
            .args(["--workers", "1"])
            .args(["--request-timeout", "30"])
            .args(["--no-shrink"])
            .args(["--suppress-health-check", "all"])
            .args(["--report", "junit"])
            .arg("--report-dir")
            .arg(&dir)
            .env("PYTHONPATH", root.join("crates/xtask/schemathesis"))
            .env("SCHEMATHESIS_HOOKS", "hooks")
            .env("SOLIDARITES_URL", &server.url)
            .env("SOLIDARITES_ST_SUMMARY", &summary)
            .env("NO_COLOR", "1");
        if admin {
            // Signing out would end the session the rest of the run uses; the anonymous
            // run calls it (and gets its 401).
            cmd.args(["--exclude-path", "/api/v1/auth/logout"])
                .env("SOLIDARITES_ST_EMAIL", STAFF_EMAIL)
                .env("SOLIDARITES_ST_PASSWORD", STAFF_PASSWORD);
        }
        let started = Instant::now();
        let ok = run_capped(&mut cmd, RUN_CAP)?;
        let counts = read_summary(&summary)?;
        let share = counts.share();
        println!(
            "    {name}: {} operations, {} requests, {} with a 2xx ({:.1} %), {} 5xx, {:.0} s; \
             by phase (2xx/requests): {}",
            counts.operations,
            counts.requests,
            counts.successes,
            share * 100.0,
            counts.server_errors,
            started.elapsed().as_secs_f64(),
            counts.phases
        );
        if !ok {
            failed.push(format!("{name}: schemathesis found failures (see above)"));
        }
        totals.push(counts);
    }
    let requests: u64 = totals.iter().map(|c| c.requests).sum();
    let successes: u64 = totals.iter().map(|c| c.successes).sum();
    let share = successes as f64 / requests.max(1) as f64;
    println!(
        "    both runs: {requests} requests, {successes} with a 2xx ({:.1} %)",
        100.0 * share
    );
    if share <= MIN_SUCCESS_SHARE {
        failed.push(format!(
            "only {:.1} % of the requests got a 2xx (more than {:.0} % expected)",
            share * 100.0,
            MIN_SUCCESS_SHARE * 100.0
        ));
    }
    if !failed.is_empty() {
        server.print_log_tail();
        bail!("{}", failed.join("; "));
    }
    Ok(())
}

/// The `schemathesis` program of the project's virtual environment, installed (from
/// PyPI, at [`VERSION`]) when missing or of another version.
fn install(root: &Path) -> Result<PathBuf> {
    let venv = util::target_dir(root)?.join("schemathesis-venv");
    let program = venv.join("bin").join("schemathesis");
    let installed = Command::new(&program)
        .arg("--version")
        .output()
        .ok()
        .is_some_and(|o| String::from_utf8_lossy(&o.stdout).contains(VERSION));
    if !installed {
        util::step(&format!(
            "installing schemathesis {VERSION} (PyPI) into {}",
            venv.display()
        ));
        let python = if Command::new("python3").arg("--version").output().is_ok() {
            "python3"
        } else {
            bail!("python3 is needed for schemathesis (Debian: apt-get install python3-venv)")
        };
        util::run(Command::new(python).args(["-m", "venv"]).arg(&venv))?;
        util::run(
            Command::new(venv.join("bin").join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .arg(format!("schemathesis=={VERSION}")),
        )?;
    }
    Ok(program)
}

/// Runs `cmd`; `Ok(false)` when it failed, an error when it outlived `cap`.
fn run_capped(cmd: &mut Command, cap: Duration) -> Result<bool> {
    eprintln!("    $ {}", util::display(cmd));
    let mut child = cmd.spawn().context("cannot start schemathesis")?;
    let deadline = Instant::now() + cap;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status.success());
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("schemathesis ran over its {} s cap", cap.as_secs());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[derive(Debug, Default)]
struct Counts {
    operations: usize,
    requests: u64,
    successes: u64,
    server_errors: u64,
    /// `coverage 313/2766, fuzzing …`.
    phases: String,
}

impl Counts {
    fn share(&self) -> f64 {
        self.successes as f64 / self.requests.max(1) as f64
    }
}

/// What hooks.py counted: responses by status class, per operation.
fn read_summary(path: &Path) -> Result<Counts> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("schemathesis wrote no summary at {}", path.display()))?;
    let summary: Value = serde_json::from_str(&text)?;
    let class = |name: &str| summary["status"][name].as_u64().unwrap_or(0);
    let requests = ["1xx", "2xx", "3xx", "4xx", "5xx"]
        .iter()
        .map(|c| class(c))
        .sum();
    let phases = summary["phases"]
        .as_object()
        .map(|phases| {
            phases
                .iter()
                .map(|(phase, counts)| {
                    let total: u64 = counts
                        .as_object()
                        .map_or(0, |c| c.values().filter_map(Value::as_u64).sum());
                    format!("{phase} {}/{total}", counts["2xx"].as_u64().unwrap_or(0))
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    Ok(Counts {
        operations: summary["operations"]
            .as_object()
            .map_or(0, serde_json::Map::len),
        requests,
        successes: class("2xx"),
        server_errors: class("5xx"),
        phases,
    })
}
