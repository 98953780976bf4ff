//! `cargo xtask <command>`: the project's developer task runner.
//!
//! `cargo xtask` is an alias (see `.cargo/config.toml`) for
//! `cargo run --quiet --package xtask --`. Every task is a plain function that takes the
//! arguments after its name; to add one, write a module with a `run(&[String])` function
//! and add an entry to [`TASKS`].
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "xtask is a command-line tool: what it prints is its interface"
)]

mod bench;
mod browser;
mod checks;
mod demo;
mod fn_length;
mod frontend;
mod package;
mod schemathesis;
mod screenshots;
mod test;
mod util;
mod vendor;

use std::process::ExitCode;

/// One `cargo xtask` subcommand.
struct Task {
    name: &'static str,
    /// Arguments, as shown in the help.
    args: &'static str,
    /// One line for `cargo xtask help`.
    about: &'static str,
    /// `cargo xtask help <name>` / `cargo xtask <name> --help`.
    long_help: &'static str,
    run: fn(&[String]) -> anyhow::Result<()>,
}

const TASKS: &[Task] = &[
    Task {
        name: "demo",
        args: "[solidarites demo options]",
        about: "Build everything and serve the demo on http://127.0.0.1:8080",
        long_help: demo::HELP,
        run: demo::run,
    },
    Task {
        name: "test",
        args: "[cargo test options]",
        about: "Run every test (PostgreSQL too when TEST_DATABASE_URL is set)",
        long_help: test::HELP,
        run: test::run,
    },
    Task {
        name: "browser",
        args: "[--no-build] [file.test.mjs ...]",
        about: "Run the browser tests (headless Chromium) against a fresh test server",
        long_help: browser::HELP,
        run: browser::run,
    },
    Task {
        name: "schemathesis",
        args: "[--no-build] [--max-examples <n>]",
        about: "Property-based API tests (schemathesis) against a live demo server",
        long_help: schemathesis::HELP,
        run: schemathesis::run,
    },
    Task {
        name: "frontend",
        args: "[--dev] [--public-url <path>]",
        about: "Build the WASM frontend into frontend/dist/",
        long_help: frontend::HELP,
        run: frontend::run,
    },
    Task {
        name: "fn-lengths",
        args: "",
        about: "List the frontend components over 150 lines and server functions over 80",
        long_help: "Lists, longest first, the #[component] functions of frontend/src over 150 \
lines (cargo xtask test fails on them) and the functions of crates/server/src over 80 lines.",
        run: |_| fn_length::report(&util::workspace_root()?),
    },
    Task {
        name: "screenshots",
        args: "",
        about: "Screenshots of every page (docs/screenshots/) and the map page's weight",
        long_help: screenshots::HELP,
        run: screenshots::run,
    },
    Task {
        name: "package",
        args: "[--dev] [--check]",
        about: "Build the Debian package (target/package/*.deb); --check installs and runs it",
        long_help: package::HELP,
        run: package::run,
    },
    Task {
        name: "bench",
        args: "[--cli-only]",
        about: "Run the benchmarks of docs/benchmarks.md",
        long_help: bench::HELP,
        run: bench::run,
    },
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((name, rest)) = args.split_first() else {
        print_help();
        return ExitCode::SUCCESS;
    };
    match name.as_str() {
        "help" | "-h" | "--help" => match rest.first() {
            None => {
                print_help();
                ExitCode::SUCCESS
            }
            Some(topic) => match find(topic) {
                Some(task) => {
                    print_task_help(task);
                    ExitCode::SUCCESS
                }
                None => unknown(topic),
            },
        },
        _ => match find(name) {
            None => unknown(name),
            Some(task) if rest.iter().any(|a| a == "-h" || a == "--help") => {
                print_task_help(task);
                ExitCode::SUCCESS
            }
            Some(task) => match (task.run)(rest) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: cargo xtask {}: {error:#}", task.name);
                    ExitCode::FAILURE
                }
            },
        },
    }
}

fn find(name: &str) -> Option<&'static Task> {
    TASKS.iter().find(|task| task.name == name)
}

fn unknown(name: &str) -> ExitCode {
    eprintln!("error: unknown command `{name}`\n");
    print_help();
    ExitCode::from(2)
}

fn print_help() {
    println!("Developer tasks of the Solidarités workspace.\n");
    println!("Usage: cargo xtask <command> [options]\n");
    println!("Commands:");
    let width = TASKS.iter().map(|t| t.name.len()).max().unwrap_or(0).max(4);
    for task in TASKS {
        println!("  {:width$}  {}", task.name, task.about);
    }
    println!(
        "  {:width$}  Show this help, or a command's: cargo xtask help <command>",
        "help"
    );
}

fn print_task_help(task: &Task) {
    println!("{}\n", task.about);
    println!("Usage: cargo xtask {} {}\n", task.name, task.args);
    println!("{}", task.long_help.trim_end());
}
