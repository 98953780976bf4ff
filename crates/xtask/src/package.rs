//! `cargo xtask package`: the Debian package (`target/package/solidarites_<v>_<arch>.deb`).
//!
//! The package is assembled as a folder and built with `dpkg-deb`, Debian's own tool, which
//! every Debian machine has: no packaging tool to install first (cargo-deb would add a
//! crate build to every CI run for the same result, since this package needs no shared
//! library detection: the binary links only the C library).

use std::{
    io::{Read, Write},
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{bail, Context, Result};

use crate::{frontend, util};

pub const HELP: &str = "\
Builds the web app (release) and the server (release; `--dev` packages the debug build,
quicker, for CI), then the Debian package target/package/solidarites_<version>_<arch>.deb:
  /usr/bin/solidarites                      the program
  /usr/share/solidarites/web/               the web app
  /etc/solidarites/solidarites.toml         the configuration (a conffile)
  /lib/systemd/system/solidarites.service   the hardened systemd unit
  /usr/share/doc/solidarites/               operations.md, nginx.conf, Caddyfile
and, in its scripts, the `solidarites` system user and /var/lib/solidarites.

`--check` then installs the package into a scratch root (dpkg-deb -x), checks its files
and scripts, and starts the installed program on the installed web app with the demo data
(SQLite): health, readiness, pages served, then a clean stop on SIGTERM.";

struct Options {
    dev: bool,
    check: bool,
}

fn parse_args(args: &[String]) -> Result<Options> {
    let mut options = Options {
        dev: false,
        check: false,
    };
    for arg in args {
        match arg.as_str() {
            "--dev" => options.dev = true,
            "--check" => options.check = true,
            other => bail!("unknown argument {other:?} (see `cargo xtask help package`)"),
        }
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<()> {
    let options = parse_args(args)?;
    let root = util::workspace_root()?;
    frontend::run(&[])?;
    let profile = if options.dev { "debug" } else { "release" };
    util::step(&format!("building the server ({profile})"));
    let mut build = util::cargo();
    build.current_dir(&root).args([
        "build",
        "--package",
        "solidarites-server",
        "--bin",
        "solidarites",
    ]);
    if !options.dev {
        build.arg("--release");
    }
    util::run(&mut build)?;
    let target = util::target_dir(&root)?;
    let binary = target.join(profile).join("solidarites");
    let deb = assemble(&root, &target, &binary)?;
    println!("{}", deb.display());
    if options.check {
        check(&target, &deb)?;
    }
    Ok(())
}

fn version(root: &Path) -> Result<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))?;
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[workspace.package]")
        .find_map(|line| {
            let value = line
                .trim()
                .strip_prefix("version")?
                .trim()
                .strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_owned())
        })
        .context("no version in [workspace.package] of Cargo.toml")
}

/// Lays the package out under `target/package/` and builds the `.deb`.
fn assemble(root: &Path, target: &Path, binary: &Path) -> Result<PathBuf> {
    let version = version(root)?;
    let arch = util::output(Command::new("dpkg").arg("--print-architecture"))?
        .trim()
        .to_owned();
    let out = target.join("package");
    let tree = out.join(format!("solidarites_{version}_{arch}"));
    util::remove_dir(&tree)?;
    let packaging = root.join("packaging");
    let place = |from: &Path, to: &str, mode: u32| -> Result<()> {
        let dest = tree.join(to);
        std::fs::create_dir_all(dest.parent().context("no parent")?)?;
        std::fs::copy(from, &dest)
            .with_context(|| format!("cannot copy {} to {}", from.display(), dest.display()))?;
        set_mode(&dest, mode)
    };
    util::step("assembling the package");
    place(binary, "usr/bin/solidarites", 0o755)?;
    util::copy_dir(
        &root.join("frontend").join("dist"),
        &tree.join("usr/share/solidarites/web"),
        &[],
    )?;
    place(
        &packaging.join("solidarites.toml"),
        "etc/solidarites/solidarites.toml",
        0o640,
    )?;
    place(
        &packaging.join("solidarites.service"),
        "lib/systemd/system/solidarites.service",
        0o644,
    )?;
    for (from, to) in [
        (root.join("docs/operations.md"), "operations.md"),
        (packaging.join("nginx.conf"), "nginx.conf"),
        (packaging.join("Caddyfile"), "Caddyfile"),
    ] {
        place(&from, &format!("usr/share/doc/solidarites/{to}"), 0o644)?;
    }
    std::fs::create_dir_all(tree.join("usr/share/doc/solidarites"))?;
    std::fs::write(
        tree.join("usr/share/doc/solidarites/copyright"),
        "Solidarités\nLicense: AGPL-3.0-or-later\n See /usr/share/common-licenses/AGPL-3 or https://www.gnu.org/licenses/agpl-3.0.html\n",
    )?;
    for script in ["postinst", "prerm", "postrm"] {
        place(
            &packaging.join("debian").join(script),
            &format!("DEBIAN/{script}"),
            0o755,
        )?;
    }
    std::fs::write(
        tree.join("DEBIAN/conffiles"),
        "/etc/solidarites/solidarites.toml\n",
    )?;
    let installed_kib = dir_size(&tree)?.div_ceil(1024);
    let control = format!(
        "Package: solidarites\n\
         Version: {version}\n\
         Architecture: {arch}\n\
         Maintainer: Solidarités <solidarites@example.invalid>\n\
         Section: web\n\
         Priority: optional\n\
         Depends: libc6 (>= 2.36), adduser\n\
         Suggests: nginx | caddy, postgresql\n\
         Installed-Size: {installed_kib}\n\
         Homepage: https://example.invalid/solidarites\n\
         Description: participation platform for local social policy\n \
         Carte des solidarités (initiatives of associations on a map), anonymous needs\n \
         questionnaire, residents' proposals, and a back office for moderation, survey\n \
         campaigns, results by commune under statistical secrecy and exports.\n"
    );
    std::fs::write(tree.join("DEBIAN/control"), control)?;
    let deb = out.join(format!("solidarites_{version}_{arch}.deb"));
    util::run(
        Command::new("dpkg-deb")
            .args(["--root-owner-group", "-Zxz", "--build"])
            .arg(&tree)
            .arg(&deb),
    )?;
    Ok(deb)
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set the mode of {}", path.display()))
}

fn dir_size(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_size(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

/// A started installed program, killed if the check fails half-way.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Installs `deb` into a scratch root and runs what it installed.
fn check(target: &Path, deb: &Path) -> Result<()> {
    util::step("checking the package in a scratch root");
    let scratch = target.join("package").join("scratch");
    util::remove_dir(&scratch)?;
    let root = scratch.join("root");
    std::fs::create_dir_all(&root)?;
    util::run(Command::new("dpkg-deb").arg("-x").arg(deb).arg(&root))?;
    let control = scratch.join("control");
    util::run(Command::new("dpkg-deb").arg("-e").arg(deb).arg(&control))?;
    for file in [
        "usr/bin/solidarites",
        "usr/share/solidarites/web/index.html",
        "etc/solidarites/solidarites.toml",
        "lib/systemd/system/solidarites.service",
        "usr/share/doc/solidarites/operations.md",
    ] {
        if !root.join(file).is_file() {
            bail!("the package lacks /{file}");
        }
    }
    for script in ["postinst", "prerm", "postrm"] {
        util::run(Command::new("sh").arg("-n").arg(control.join(script)))?;
    }
    let conffiles = std::fs::read_to_string(control.join("conffiles"))?;
    if !conffiles.contains("/etc/solidarites/solidarites.toml") {
        bail!("the configuration file is not a conffile");
    }
    let unit = std::fs::read_to_string(root.join("lib/systemd/system/solidarites.service"))?;
    for hardening in [
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "Restart=on-failure",
        "LimitNOFILE=",
        "User=solidarites",
    ] {
        if !unit.contains(hardening) {
            bail!("the systemd unit lacks {hardening}");
        }
    }
    verify_unit(&root.join("lib/systemd/system/solidarites.service"))?;

    // The installed program, its installed configuration, the installed web app.
    let port = free_port()?;
    let binary = root.join("usr/bin/solidarites");
    let version = util::output(Command::new(&binary).arg("--version"))?;
    util::note(&format!("installed: {}", version.trim()));
    let log = std::fs::File::create(scratch.join("demo.log"))?;
    let child = Command::new(&binary)
        .arg("--config")
        .arg(root.join("etc/solidarites/solidarites.toml"))
        .arg("--database-url")
        .arg(format!("sqlite://{}", scratch.join("demo.db").display()))
        .arg("demo")
        .arg("--frontend-dir")
        .arg(root.join("usr/share/solidarites/web"))
        .arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .context("cannot start the installed program")?;
    let mut running = Running(child);
    let started = Instant::now();
    let ready = loop {
        if let Some(status) = running.0.try_wait()? {
            bail!(
                "the installed program exited ({status}); see {}",
                scratch.join("demo.log").display()
            );
        }
        if let Ok((200, body)) = http_get(port, "/api/v1/ready") {
            break body;
        }
        if started.elapsed() > Duration::from_secs(120) {
            bail!("the installed program was not ready within 120 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    if !ready.contains("\"ready\":true") {
        bail!("not ready: {ready}");
    }
    let (status, health) = http_get(port, "/api/v1/health")?;
    if status != 200 || !health.contains("schema_version") {
        bail!("health: {status} {health}");
    }
    for page in ["/", "/carte", "/questionnaire"] {
        let (status, html) = http_get(port, page)?;
        if status != 200 || !html.contains("lang=\"fr\"") {
            bail!("{page}: HTTP {status}, not the web app");
        }
    }
    let (status, metrics) = http_get(port, "/metrics")?;
    if status != 200 || !metrics.contains("solidarites_http_requests_total") {
        bail!("/metrics: HTTP {status}");
    }
    util::run(
        Command::new("kill")
            .arg("-TERM")
            .arg(running.0.id().to_string()),
    )?;
    let stopped = Instant::now();
    let status = loop {
        if let Some(status) = running.0.try_wait()? {
            break status;
        }
        if stopped.elapsed() > Duration::from_secs(40) {
            bail!("the installed program did not stop within 40 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    if !status.success() {
        bail!("the installed program exited with {status} after SIGTERM");
    }
    util::note(&format!(
        "installed program served the demo on the installed web app and stopped cleanly in {:.1} s",
        stopped.elapsed().as_secs_f64()
    ));
    util::remove_dir(&scratch)?;
    Ok(())
}

/// `systemd-analyze verify` on the unit. In a scratch root the program is not at
/// `/usr/bin/solidarites` of this machine: that one complaint is expected; any other fails.
fn verify_unit(unit: &Path) -> Result<()> {
    let out = match Command::new("systemd-analyze")
        .arg("verify")
        .arg(unit)
        .output()
    {
        Ok(out) => out,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            util::note(
                "systemd-analyze is not installed here: the unit was checked by its keys only",
            );
            return Ok(());
        }
        Err(err) => return Err(err.into()),
    };
    let complaints: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .chain(String::from_utf8_lossy(&out.stdout).lines())
        .filter(|line| !line.trim().is_empty())
        .filter(|line| !line.contains("/usr/bin/solidarites is not executable"))
        .map(str::to_owned)
        .collect();
    if !complaints.is_empty() {
        bail!("systemd-analyze verify: {}", complaints.join("\n"));
    }
    util::note(
        "systemd-analyze verify: the unit is valid (the program itself is in the scratch root)",
    );
    Ok(())
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A plain HTTP/1.0 GET on the loopback: status and body (no client crate for four checks).
fn http_get(port: u16, path: &str) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no HTTP status")?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}
