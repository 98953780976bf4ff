//! `cargo xtask browser`: the browser tests of the web app (and the test server they need).
//!
//! The tests are Node scripts in `frontend/tests/browser/*.test.mjs` (`node --test`) that
//! drive headless Chromium (`/usr/bin/chromium`) with playwright-core and check every page
//! they visit with axe-core (both npm dev dependencies). They run against the real
//! `solidarites` binary on a fresh SQLite database in a temporary folder, with the demo
//! territory imported and a staff account created with the command line; the tests get
//! its address and the staff credentials through environment variables:
//!
//! | variable | what |
//! |---|---|
//! | `SOLIDARITES_URL` | `http://127.0.0.1:<port>` |
//! | `SOLIDARITES_STAFF_EMAIL`, `SOLIDARITES_STAFF_PASSWORD` | an `admin` account |
//! | `SOLIDARITES_MODERATOR_EMAIL`, `SOLIDARITES_MODERATOR_PASSWORD` | a `moderator` account |
//! | `SOLIDARITES_COMMITTEE_EMAIL`, `SOLIDARITES_COMMITTEE_PASSWORD` | a `committee` account |
//! | `CHROMIUM_PATH` | the browser to drive |

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::{frontend, util};

pub const HELP: &str = "\
Runs the browser tests (frontend/tests/browser/*.test.mjs, node --test) in headless
Chromium against the real `solidarites` binary on a fresh SQLite database.

Builds the web app (release) and the server (debug) first, imports the demo territory
(fixtures/demo-communes.geojson) and its indicators (fixtures/demo-indicators.csv),
creates a staff account with `solidarites users create`, serves on a free 127.0.0.1 port,
runs the tests, then stops the server.
`cargo xtask test` runs them after the Rust tests.

Options:
  --no-build            Use frontend/dist and the debug binary as they are.
  [file.test.mjs …]     Only these test files (default: every one).

Environment:
  CHROMIUM_PATH         Browser to drive (default /usr/bin/chromium). When it is missing
                        the tests are skipped with a note, or fail under CI=true.
  KEEP_TEST_SERVER=1    Print the server's folder and keep it after the run.";

/// Staff account of the test server.
pub const STAFF_EMAIL: &str = "browser-tests@example.test";
pub const STAFF_PASSWORD: &str = "mot-de-passe-des-tests-navigateur";

/// A staff account the test server starts with.
#[derive(Debug, Clone, Copy)]
pub struct Account {
    pub email: &'static str,
    pub password: &'static str,
    pub role: &'static str,
    pub name: &'static str,
    /// Prefix of the environment variables (`{env}_EMAIL`, `{env}_PASSWORD`) that pass it
    /// to the tests.
    pub env: &'static str,
}

/// One account per role the tests sign in with: an admin (for the API helpers), a
/// moderator and a committee member (for the console's pages by role).
pub const ACCOUNTS: [Account; 3] = [
    Account {
        email: STAFF_EMAIL,
        password: STAFF_PASSWORD,
        role: "admin",
        name: "Tests navigateur",
        env: "SOLIDARITES_STAFF",
    },
    Account {
        email: "moderation-tests@example.test",
        password: "mot-de-passe-de-la-moderation",
        role: "moderator",
        name: "Camille Modération",
        env: "SOLIDARITES_MODERATOR",
    },
    Account {
        email: "comite-tests@example.test",
        password: "mot-de-passe-du-comite-de-pilotage",
        role: "committee",
        name: "Dominique Comité",
        env: "SOLIDARITES_COMMITTEE",
    },
];

/// Passes every account of [`ACCOUNTS`] to `cmd` in its environment variables.
pub fn account_env(cmd: &mut Command) -> &mut Command {
    for account in ACCOUNTS {
        cmd.env(format!("{}_EMAIL", account.env), account.email)
            .env(format!("{}_PASSWORD", account.env), account.password);
    }
    cmd
}
const TEST_DIR: &str = "frontend/tests/browser";

pub fn run(args: &[String]) -> Result<()> {
    let root = util::workspace_root()?;
    let mut build = true;
    let mut files = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--no-build" => build = false,
            other if other.starts_with("--") => {
                bail!("unexpected argument `{other}` (see `cargo xtask help browser`)")
            }
            file => files.push(PathBuf::from(file)),
        }
    }
    let Some(chromium) = chromium()? else {
        return Ok(());
    };
    if build {
        frontend::run(&[])?;
    }
    let binary = server_binary(&root, build)?;
    run_tests(&root, &binary, &chromium, &files)
}

/// The browser tests as `cargo xtask test` runs them, after the Rust tests (which built
/// the debug binary and the web app already).
pub fn run_after_rust_tests(root: &Path) -> Result<()> {
    util::step("browser tests (headless Chromium)");
    let Some(chromium) = chromium()? else {
        return Ok(());
    };
    // `cargo test` built the binary for the server's integration tests; building it again
    // with `cargo build` could recompile dependencies whose features differ without the
    // dev-dependencies, so it is reused as is.
    let reuse = util::target_dir(root)?.join("debug").join("solidarites");
    let binary = server_binary(root, !reuse.is_file())?;
    run_tests(root, &binary, &chromium, &[])
}

/// The Chromium to drive; `None` (with a loud note) when it is missing outside CI.
pub fn chromium() -> Result<Option<PathBuf>> {
    let path = std::env::var_os("CHROMIUM_PATH")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if path.is_file() {
        return Ok(Some(path));
    }
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        bail!(
            "{} is missing: the browser tests need Chromium (`apt-get install -y chromium`, \
             which .ci/run does)",
            path.display()
        );
    }
    eprintln!(
        "\n    !!! BROWSER TESTS SKIPPED: {} not found. Install it (`apt-get install -y \
         chromium`) or set CHROMIUM_PATH. Under CI=true this is an error. !!!\n",
        path.display()
    );
    Ok(None)
}

/// The debug `solidarites` binary, built (a no-op after `cargo test`) when `build`.
pub fn server_binary(root: &Path, build: bool) -> Result<PathBuf> {
    if build {
        util::run(util::cargo().current_dir(root).args([
            "build",
            "--package",
            "solidarites-server",
            "--bin",
            "solidarites",
        ]))?;
    }
    let binary = util::target_dir(root)?.join("debug").join("solidarites");
    if !binary.is_file() {
        bail!("{} is missing: build it first", binary.display());
    }
    Ok(binary)
}

/// `node_modules/<package>` for each package, after `npm install` if one is missing.
pub fn ensure_npm_packages(root: &Path, packages: &[&str]) -> Result<()> {
    let missing = |p: &str| {
        !root
            .join("node_modules")
            .join(p)
            .join("package.json")
            .is_file()
    };
    if packages.iter().any(|p| missing(p)) {
        util::step("Installing npm dev dependencies");
        util::run(Command::new("npm").current_dir(root).args([
            "install",
            "--no-audit",
            "--no-fund",
        ]))?;
    }
    if let Some(package) = packages.iter().find(|p| missing(p)) {
        bail!("npm install did not install {package}: is it in package.json?");
    }
    Ok(())
}

fn run_tests(root: &Path, binary: &Path, chromium: &Path, files: &[PathBuf]) -> Result<()> {
    ensure_npm_packages(root, &["playwright-core", "axe-core"])?;
    let files = if files.is_empty() {
        test_files(&root.join(TEST_DIR))?
    } else {
        files.to_vec()
    };
    if files.is_empty() {
        util::note(&format!("no *.test.mjs file in {TEST_DIR}"));
        return Ok(());
    }
    let server = TestServer::start(root, binary, Seed::Territory)?;
    util::step(&format!(
        "node --test ({} files) on {}",
        files.len(),
        server.url
    ));
    let mut node = Command::new("node");
    node.current_dir(root)
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .args(&files)
        .env("SOLIDARITES_URL", &server.url)
        // For a second instance on the same database (settings in force everywhere).
        .env("SOLIDARITES_TEST_BINARY", binary)
        .env("SOLIDARITES_TEST_DATABASE_URL", &server.database_url)
        .env(
            "SOLIDARITES_TEST_FRONTEND_DIR",
            root.join("frontend").join("dist"),
        )
        .env("CHROMIUM_PATH", chromium);
    let status = account_env(&mut node)
        .status()
        .context("cannot run `node` (is Node.js installed?)")?;
    if !status.success() {
        server.print_log_tail();
        bail!("browser tests failed ({status})");
    }
    Ok(())
}

/// `*.test.mjs` files of `dir`, sorted.
fn test_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".test.mjs"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// What the test server's database holds before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seed {
    /// The demo territory only (`communes import`): a fresh database for tests.
    Territory,
    /// Everything `solidarites demo` creates (screenshots).
    Demo,
}

/// A `solidarites` server on a free local port, on a database in a temporary folder;
/// stopped (and the folder removed) when dropped.
#[derive(Debug)]
pub struct TestServer {
    pub url: String,
    /// The server's database, for tests that start a second instance on it.
    pub database_url: String,
    child: Child,
    dir: PathBuf,
    log: PathBuf,
}

impl TestServer {
    pub fn start(root: &Path, binary: &Path, seed: Seed) -> Result<TestServer> {
        Self::start_with(root, binary, seed, seed == Seed::Territory)
    }

    /// [`TestServer::start`], saying whether the server trusts `X-Forwarded-For`.
    pub fn start_with(
        root: &Path,
        binary: &Path,
        seed: Seed,
        trust_proxy: bool,
    ) -> Result<TestServer> {
        let dir = std::env::temp_dir().join(format!(
            "solidarites-browser-{}-{}",
            std::process::id(),
            unix_nanos()
        ));
        util::remove_dir(&dir)?;
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let database_url = format!("sqlite://{}", dir.join("solidarites.db").display());
        let solidarites = || {
            let mut cmd = Command::new(binary);
            cmd.current_dir(root)
                .env("DATABASE_URL", &database_url)
                .env("RUST_LOG", "warn")
                // No map tiles: the tests never reach the Internet, and the maps must work
                // without tiles.
                .env("SOLIDARITES_TILE_URL", "");
            cmd
        };

        util::step("test server: fresh database, demo territory, staff account");
        if seed == Seed::Territory {
            util::run(
                solidarites()
                    .args(["communes", "import"])
                    .arg(root.join("fixtures").join("demo-communes.geojson"))
                    .stdout(Stdio::null()),
            )?;
            // Territorial indicators, shown beside the results on the dashboard.
            let fixtures = root.join("fixtures");
            util::run(
                solidarites()
                    .args(["indicators", "import"])
                    .arg(fixtures.join("demo-indicators.csv"))
                    .arg("--metadata")
                    .arg(fixtures.join("demo-indicators-meta.csv"))
                    .stdout(Stdio::null()),
            )?;
        } else {
            util::run(solidarites().arg("migrate"))?;
        }
        for account in ACCOUNTS {
            create_staff(&mut solidarites(), &account)?;
        }

        let port = free_port()?;
        let log = dir.join("server.log");
        let log_file =
            fs::File::create(&log).with_context(|| format!("cannot create {}", log.display()))?;
        let command = if seed == Seed::Demo { "demo" } else { "serve" };
        let mut server = solidarites();
        server
            .arg(command)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            // The suite signs in a few hundred times from 127.0.0.1; the sign-in throttle
            // itself is tested by the API tests with its default.
            .args(["--login-burst", "1000"]);
        if trust_proxy {
            // As behind a reverse proxy: the client address comes from X-Forwarded-For, so
            // that carte-clusters.test.mjs can submit hundreds of initiatives as many
            // residents (anonymous submissions are throttled per address). Requests without
            // the header count against the peer address, as before.
            server.arg("--trust-proxy");
        }
        let child = server
            .arg("--frontend-dir")
            .arg(root.join("frontend").join("dist"))
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let server = TestServer {
            url: format!("http://127.0.0.1:{port}"),
            database_url,
            child,
            dir,
            log,
        };
        server.wait_until_ready(port)?;
        Ok(server)
    }

    fn wait_until_ready(&self, port: u16) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if health_ok(port) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        self.print_log_tail();
        bail!("the test server did not answer on {} within 60 s", self.url)
    }

    pub fn print_log_tail(&self) {
        if let Ok(text) = fs::read_to_string(&self.log) {
            let lines: Vec<&str> = text.lines().collect();
            let start = lines.len().saturating_sub(40);
            eprintln!("--- last lines of the test server's log ---");
            for line in lines.get(start..).unwrap_or_default() {
                eprintln!("{line}");
            }
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::env::var_os("KEEP_TEST_SERVER").is_some() {
            eprintln!("    test server folder kept: {}", self.dir.display());
        } else {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn unix_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// `solidarites users create` with the password on standard input.
fn create_staff(cmd: &mut Command, account: &Account) -> Result<()> {
    cmd.args([
        "users",
        "create",
        "--email",
        account.email,
        "--role",
        account.role,
        "--name",
        account.name,
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::null());
    eprintln!("    $ {}", util::display(cmd));
    let mut child = cmd
        .spawn()
        .context("cannot run `solidarites users create`")?;
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{}", account.password)?;
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("`solidarites users create` failed ({status})");
    }
    Ok(())
}

/// A port nobody listens on right now.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("cannot find a free port")?;
    Ok(listener.local_addr()?.port())
}

/// Whether `GET /api/v1/health` answers 200.
fn health_ok(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /api/v1/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 16];
    stream.read_exact(&mut head).is_ok()
        && head.starts_with(b"HTTP/1.")
        && head.get(9..12) == Some(b"200".as_slice())
}
