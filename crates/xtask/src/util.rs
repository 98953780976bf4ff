//! Helpers shared by the tasks: workspace paths, running programs, file sizes.

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// The workspace root: `crates/xtask/../..`.
pub fn workspace_root() -> Result<PathBuf> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .with_context(|| {
            format!(
                "cannot find the workspace root above {}",
                manifest_dir.display()
            )
        })
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` when set (relative to the current
/// directory, as cargo reads it), else `<workspace>/target`. Always absolute.
pub fn target_dir(root: &Path) -> Result<PathBuf> {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|dir| !dir.is_empty()) {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                Ok(dir)
            } else {
                Ok(std::env::current_dir()
                    .context("cannot read the current directory")?
                    .join(dir))
            }
        }
        None => Ok(root.join("target")),
    }
}

/// The cargo that runs us (`$CARGO`, set by `cargo run`), else `cargo` from `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")))
}

/// Prints a step of a task.
pub fn step(message: &str) {
    eprintln!("==> {message}");
}

/// Prints a side note (something skipped, something reused).
pub fn note(message: &str) {
    eprintln!("    note: {message}");
}

/// Shows a command the way a shell would (for logs and error messages).
pub fn display(cmd: &Command) -> String {
    let mut shown = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        let arg = arg.to_string_lossy();
        shown.push(' ');
        if arg.is_empty() || arg.contains(char::is_whitespace) {
            shown.push_str(&format!("'{arg}'"));
        } else {
            shown.push_str(&arg);
        }
    }
    shown
}

/// Runs a command, inheriting stdio; fails if it cannot start or exits non-zero.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = display(cmd);
    eprintln!("    $ {shown}");
    let status = cmd.status().map_err(|error| spawn_error(cmd, error))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// A command running beside the current task, its output going to a log file (two
/// cargo builds printing at once would be unreadable).
#[derive(Debug)]
pub struct Background {
    child: std::process::Child,
    shown: String,
    log: PathBuf,
}

/// Starts `cmd` in the background with stdout and stderr written to `log`.
pub fn spawn_logged(cmd: &mut Command, log: &Path) -> Result<Background> {
    let shown = display(cmd);
    if let Some(dir) = log.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let file = fs::File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
    let child = cmd
        .stdout(file.try_clone()?)
        .stderr(file)
        .spawn()
        .map_err(|error| spawn_error(cmd, error))?;
    eprintln!("    $ {shown} (in the background, log: {})", log.display());
    Ok(Background {
        child,
        shown,
        log: log.to_path_buf(),
    })
}

impl Background {
    /// Waits for the command; on failure prints the end of its log and fails.
    pub fn wait(mut self) -> Result<()> {
        let status = self
            .child
            .wait()
            .with_context(|| format!("cannot wait for `{}`", self.shown))?;
        if status.success() {
            return Ok(());
        }
        let log = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        for line in &lines[lines.len().saturating_sub(60)..] {
            eprintln!("    | {line}");
        }
        bail!(
            "`{}` failed ({status}); its log: {}",
            self.shown,
            self.log.display()
        )
    }
}

impl Drop for Background {
    /// An early error of the foreground task must not leave a build running.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs a command and returns its standard output (stderr is inherited).
pub fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|error| spawn_error(cmd, error))?;
    if !out.status.success() {
        bail!("`{}` failed ({})", display(cmd), out.status);
    }
    String::from_utf8(out.stdout)
        .with_context(|| format!("`{}` printed something that is not UTF-8", display(cmd)))
}

/// Whether `program` can be started at all (found on `PATH`, executable).
pub fn is_not_found(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::NotFound)
}

fn spawn_error(cmd: &Command, error: io::Error) -> anyhow::Error {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let context = if error.kind() == io::ErrorKind::NotFound {
        format!("`{program}` was not found (is it installed and on PATH?)")
    } else {
        format!("cannot start `{program}`")
    };
    anyhow::Error::new(error).context(context)
}

/// Copies every file of `from` into `to`, recursively (directories are created).
pub fn copy_dir(from: &Path, to: &Path, skip: &[&str]) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type()?.is_dir() {
            copy_dir(&src, &dst, skip)?;
        } else {
            fs::copy(&src, &dst)
                .with_context(|| format!("cannot copy {} to {}", src.display(), dst.display()))?;
        }
    }
    Ok(())
}

/// Removes a directory and everything in it; no error if it does not exist.
pub fn remove_dir(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("cannot remove {}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// Removes everything inside `dir` but keeps `dir` itself (created if missing).
pub fn empty_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        let removed = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        removed.with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(())
}

/// A fast, stable 64-bit hash (FNV-1a): cache keys and the content hashes of file names.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Size of `bytes` once gzipped at the best level (what a server would send).
pub fn gzip_len(bytes: &[u8]) -> Result<u64> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    let compressed = encoder.finish()?;
    Ok(compressed.len() as u64)
}

/// `123456` → `120.6 KiB`.
pub fn human_size(bytes: u64) -> String {
    #[allow(
        clippy::cast_precision_loss,
        reason = "sizes of web assets, far below 2^52"
    )]
    let kib = bytes as f64 / 1024.0;
    if kib < 1.0 {
        format!("{bytes} B")
    } else if kib < 1024.0 {
        format!("{kib:.1} KiB")
    } else {
        format!("{:.2} MiB", kib / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_readable() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(62_771), "61.3 KiB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.00 MiB");
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn gzip_shrinks_repetitive_data() {
        let data = vec![b'a'; 10_000];
        let len = gzip_len(&data).unwrap();
        assert!(len > 0 && len < 100, "{len}");
    }

    #[test]
    fn commands_are_shown_like_a_shell_would() {
        let mut cmd = Command::new("cargo");
        cmd.args(["build", "-p", "x", "two words"]);
        assert_eq!(display(&cmd), "cargo build -p x 'two words'");
    }

    #[test]
    fn workspace_root_holds_the_workspace_manifest() {
        let root = workspace_root().unwrap();
        assert!(root.join("Cargo.toml").is_file());
        assert!(root.join("crates/xtask").is_dir());
    }
}
