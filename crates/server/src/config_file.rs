//! The configuration file (`--config FILE`, e.g. `/etc/solidarites/solidarites.toml`).
//!
//! Every key is the name of a command-line flag with `_` for `-` (`bind`, `database_url`,
//! `secrecy_k`, …), so the file can hold every setting and nothing has to be described
//! twice. Precedence, strongest first: the flag on the command line, its environment
//! variable, the file, the built-in default. A key the program does not know is an error
//! (a typo must not silently leave a default in force); keys of `serve` are ignored by the
//! other commands, so one file serves `serve`, `users`, `backup` alike.
//!
//! How: the command line is parsed once; for each key of the file whose flag got its value
//! neither from the command line nor from the environment, `--flag=value` is appended, and
//! the result is parsed again. Clap (with its `env` feature) thus keeps doing all the
//! validation and the help text, and the file needs no struct of its own to keep in step.

use std::{ffi::OsString, path::Path};

use anyhow::{bail, Context};
use clap::{parser::ValueSource, ArgMatches, Command};

/// The argument list with the file's settings appended where neither the command line nor
/// the environment set them. `command` is the program's clap command; `matches` what it
/// parsed from `args`.
pub fn merge(
    command: &Command,
    matches: &ArgMatches,
    args: Vec<OsString>,
    file: &Path,
) -> anyhow::Result<Vec<OsString>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the configuration file {}", file.display()))?;
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("{} is not a valid TOML file", file.display()))?;
    let subcommand = matches
        .subcommand()
        .and_then(|(name, sub)| command.find_subcommand(name).map(|cmd| (cmd, sub)));
    let mut merged = args;
    for (key, value) in &table {
        let long = key.replace('_', "-");
        // The key's flag: one of the running subcommand's, or a global one; a key that is
        // a flag of another subcommand (e.g. `bind` while running `users list`) is fine.
        let own = subcommand.and_then(|(cmd, sub)| {
            cmd.get_arguments()
                .find(|arg| arg.get_long() == Some(long.as_str()) && !arg.is_global_set())
                .map(|arg| (arg, sub))
        });
        let global = command
            .get_arguments()
            .find(|arg| arg.get_long() == Some(long.as_str()))
            .map(|arg| (arg, matches));
        let Some((arg, arg_matches)) = own.or(global) else {
            if known_anywhere(command, &long) {
                continue;
            }
            bail!(
                "{}: unknown setting `{key}` (settings are the flags of `solidarites serve --help`, with _ for -)",
                file.display()
            );
        };
        if matches!(
            arg_matches.value_source(arg.get_id().as_str()),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        ) {
            continue;
        }
        let takes_value = arg.get_action().takes_values();
        match value {
            toml::Value::Boolean(flag) if !takes_value => {
                if *flag {
                    merged.push(format!("--{long}").into());
                }
            }
            toml::Value::String(text) => merged.push(format!("--{long}={text}").into()),
            toml::Value::Integer(number) => merged.push(format!("--{long}={number}").into()),
            toml::Value::Float(number) => merged.push(format!("--{long}={number}").into()),
            toml::Value::Boolean(flag) => merged.push(format!("--{long}={flag}").into()),
            toml::Value::Array(items) => {
                let mut parts = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        toml::Value::String(text) => parts.push(text.clone()),
                        other => parts.push(other.to_string()),
                    }
                }
                merged.push(format!("--{long}={}", parts.join(",")).into());
            }
            other => bail!(
                "{}: setting `{key}` has a {} value; expected a string, number, boolean or list",
                file.display(),
                other.type_str()
            ),
        }
    }
    Ok(merged)
}

/// Whether some subcommand (at any depth) has the flag `--long`.
fn known_anywhere(command: &Command, long: &str) -> bool {
    command
        .get_arguments()
        .any(|arg| arg.get_long() == Some(long))
        || command
            .get_subcommands()
            .any(|sub| known_anywhere(sub, long))
}
