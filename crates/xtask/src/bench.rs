//! `cargo xtask bench`: the speed figures of docs/benchmarks.md.

use std::{
    fs,
    io::{BufWriter, Write},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Instant,
};

use anyhow::{bail, Context, Result};

use crate::util;

pub const HELP: &str = "\
Runs the benchmarks behind docs/benchmarks.md:
  1. criterion: point → commune assignment in the domain crate (index build, 1M points);
  2. end to end: `solidarites communes assign --counts` (release build) on 1,000,000
     random points of the territory's bounding box, 5 runs, wall time and points/second.
  3. the same counts with GeoPandas (`sjoin`, crates/xtask/bench/geopandas_sjoin.py) in
     the same run, when the Python of GEOPANDAS_PYTHON (default python3) has geopandas:
     median of 3 whole-process runs, and the ratio.
  4. answers: `POST …/responses` through the group-commit writer at concurrency 8 and
     64 (crates/server/examples/responses_load.rs), with the `GET /health` ceiling in the
     same run and the ratio; SQLite, and PostgreSQL when TEST_DATABASE_URL is set; then
     the floor of a durable commit on this disk, N answers per transaction, no HTTP
     (crates/xtask/bench/sqlite_commit_floor.py, with python3 when there is one), and
     on PostgreSQL when TEST_DATABASE_URL is set and pgbench is installed
     (crates/xtask/bench/postgres_commit_floor.py).
  5. public lists: `GET /proposals` and `GET /initiatives`, 20 items, the needs of 50,000
     answers included (crates/server/examples/proposals_load.rs), with the `GET /health`
     ceiling in the same run, the ratios and the goal (≥ 5,000 req/s); SQLite, and
     PostgreSQL when TEST_DATABASE_URL is set.
  6. clusters: `GET /initiatives/clusters` over 100,000 initiatives at concurrency 4
     (crates/server/examples/clusters_load.rs), health interleaved as the ceiling, the
     memory of the cluster hierarchy and the goal (p99 ≤ 5 ms).
  7. public pages: Lighthouse's mobile preset on `/`, `/carte`, `/questionnaire` and a
     proposal's page of the demo (frontend/tests/bench/lighthouse.mjs, npm `lighthouse`),
     after `cargo xtask frontend`: median of 3 runs per page and the goal (performance
     ≥ 95, LCP ≤ 2.5 s).
The territory is the real Landes (../shared/data) when present, else the demo fixture.

Options:
  --cli-only      Only steps 2 and 3 (communes assign and GeoPandas).
  --answers-only  Only the answers benchmark (4).
  --lists-only    Only the public lists benchmark (5).
  --clusters-only Only the clusters benchmark (6).
  --pages-only    Only the public pages in Lighthouse (7).";

const POINTS: usize = 1_000_000;
const RUNS: usize = 5;

pub fn run(args: &[String]) -> Result<()> {
    let root = util::workspace_root()?;
    if args.iter().any(|a| a == "--answers-only") {
        return answers(&root);
    }
    if args.iter().any(|a| a == "--lists-only") {
        return lists(&root);
    }
    if args.iter().any(|a| a == "--clusters-only") {
        return clusters(&root);
    }
    if args.iter().any(|a| a == "--pages-only") {
        return pages(&root);
    }
    if !args.iter().any(|a| a == "--cli-only") {
        util::step("criterion: cargo bench -p solidarites-domain --bench assign");
        util::run(util::cargo().current_dir(&root).args([
            "bench",
            "--package",
            "solidarites-domain",
            "--bench",
            "assign",
        ]))?;
    }
    util::step("building the server (release)");
    let binary = release_server(&root)?;
    let target = util::target_dir(&root)?;
    let work = target.join("xtask").join("bench");
    fs::create_dir_all(&work)?;

    let landes = root.join("../shared/data/communes-40-landes.geojson");
    let (communes, bbox) = if landes.is_file() {
        (landes, (-1.52487, 43.48764, 0.13673, 44.53219))
    } else {
        (
            root.join("fixtures/demo-communes.geojson"),
            (-5.0, 45.3, -3.6, 46.3),
        )
    };
    let db = work.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let db_url = format!("sqlite://{}", db.display());
    util::run(
        Command::new(&binary)
            .args(["communes", "import"])
            .arg(&communes)
            .env("DATABASE_URL", &db_url),
    )?;

    let points = work.join("points.csv");
    write_points(&points, bbox)?;

    let mut times = Vec::with_capacity(RUNS);
    for run in 1..=RUNS {
        let started = Instant::now();
        let status = Command::new(&binary)
            .args(["communes", "assign", "--counts"])
            .arg(&points)
            .env("DATABASE_URL", &db_url)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .status()
            .context("cannot run solidarites")?;
        if !status.success() {
            bail!("communes assign failed with {status}");
        }
        let elapsed = started.elapsed();
        util::note(&format!("run {run}: {:.3} s", elapsed.as_secs_f64()));
        times.push(elapsed);
    }
    times.sort();
    let median = times[RUNS / 2];
    let best = times[0];
    println!(
        "communes assign --counts, {POINTS} points ({}): median {:.3} s, best {:.3} s \
         → {:.2} M points/s end to end (process start, database read, CSV parse, assignment, output)",
        communes.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        median.as_secs_f64(),
        best.as_secs_f64(),
        POINTS as f64 / median.as_secs_f64() / 1e6,
    );
    let ours = work.join("counts-ours.csv");
    let status = Command::new(&binary)
        .args(["communes", "assign", "--counts"])
        .arg(&points)
        .env("DATABASE_URL", &db_url)
        .env("RUST_LOG", "warn")
        .stdout(fs::File::create(&ours)?)
        .status()
        .context("cannot run solidarites")?;
    if !status.success() {
        bail!("communes assign failed with {status}");
    }
    geopandas(&root, (&communes, &points), (median.as_secs_f64(), &ours))?;
    if args.iter().any(|a| a == "--cli-only") {
        return Ok(());
    }
    answers(&root)?;
    lists(&root)?;
    clusters(&root)?;
    pages(&root)
}

/// A load example of the server crate, in release, with its arguments.
fn example(root: &Path, name: &str, args: &[&str]) -> Result<()> {
    util::run(
        util::cargo()
            .current_dir(root)
            .args([
                "run",
                "--release",
                "--package",
                "solidarites-server",
                "--example",
                name,
                "--",
            ])
            .args(args),
    )
}

/// The public lists' load example (release), which prints its own ratios to the ceiling.
fn lists(root: &Path) -> Result<()> {
    util::step("public lists: proposals_load, 20 items, concurrency 8 (release)");
    example(root, "proposals_load", &["50000", "4000", "8", "2000"])
}

/// The clusters' load example (release), health interleaved as the ceiling.
fn clusters(root: &Path) -> Result<()> {
    util::step("clusters: clusters_load, 100,000 initiatives, concurrency 4 (release)");
    example(root, "clusters_load", &["100000", "4000", "4"])
}

/// Builds the server's binary in release and returns its path.
fn release_server(root: &Path) -> Result<PathBuf> {
    util::run(util::cargo().current_dir(root).args([
        "build",
        "--release",
        "--package",
        "solidarites-server",
        "--bin",
        "solidarites",
    ]))?;
    Ok(util::target_dir(root)?.join("release").join("solidarites"))
}

/// The public pages in Lighthouse: the web app as shipped and the release server, then
/// the script that starts a demo and audits the four pages (it prints the goal).
fn pages(root: &Path) -> Result<()> {
    util::step("public pages: the web app (release) and the server (release)");
    crate::frontend::build(&[])?;
    let binary = release_server(root)?;
    util::step("public pages: Lighthouse, mobile preset, 3 runs per page");
    util::run(
        Command::new("node")
            .current_dir(root)
            .arg("frontend/tests/bench/lighthouse.mjs")
            .args(["--runs", "3", "--binary"])
            .arg(&binary),
    )
}

/// The answers load example (release), which prints its own ratios to the ceiling, then
/// the floor of a durable commit on this disk, SQLite and PostgreSQL (what a batch of N
/// answers costs at least, with no HTTP around it).
fn answers(root: &Path) -> Result<()> {
    util::step("answers: responses_load at concurrency 8 and 64 (release)");
    util::run(util::cargo().current_dir(root).args([
        "run",
        "--release",
        "--package",
        "solidarites-server",
        "--example",
        "responses_load",
        "--",
        "6000",
        "8",
        "64",
    ]))?;
    util::step("answers: the floor of a durable SQLite commit (python3)");
    if !is_installed("python3") {
        eprintln!("no python3: no commit floor");
        return Ok(());
    }
    let scratch = util::target_dir(root)?.join("xtask").join("commit-floor");
    fs::create_dir_all(&scratch)?;
    util::run(
        Command::new("python3")
            .current_dir(root)
            .arg("crates/xtask/bench/sqlite_commit_floor.py")
            .arg(&scratch),
    )?;
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        return Ok(());
    };
    util::step("answers: the floor of a durable PostgreSQL commit (pgbench)");
    if !is_installed("pgbench") {
        eprintln!("no pgbench (Debian: the postgresql package): no PostgreSQL commit floor");
        return Ok(());
    }
    util::run(
        Command::new("python3")
            .current_dir(root)
            .arg("crates/xtask/bench/postgres_commit_floor.py")
            .arg(url),
    )
}

/// Whether `program --version` runs and succeeds (the program is installed).
fn is_installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// GeoPandas `sjoin` on the same files, whole process, and how many times slower it is.
fn geopandas(
    root: &Path,
    (communes, points): (&Path, &Path),
    (ours, ours_counts): (f64, &Path),
) -> Result<()> {
    let python = std::env::var("GEOPANDAS_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let has = Command::new(&python)
        .args(["-c", "import geopandas"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has {
        util::note(&format!(
            "{python} has no geopandas: no comparison (set GEOPANDAS_PYTHON to a Python that has it)"
        ));
        return Ok(());
    }
    let script = root.join("crates/xtask/bench/geopandas_sjoin.py");
    let theirs_counts = ours_counts.with_file_name("counts-geopandas.csv");
    let mut times = Vec::new();
    for run in 1..=3 {
        let started = Instant::now();
        let status = Command::new(&python)
            .arg(&script)
            .arg(communes)
            .arg(points)
            .stdout(fs::File::create(&theirs_counts)?)
            .status()
            .context("cannot run the GeoPandas script")?;
        if !status.success() {
            bail!("the GeoPandas script failed with {status}");
        }
        let elapsed = started.elapsed().as_secs_f64();
        util::note(&format!("GeoPandas run {run}: {elapsed:.3} s"));
        times.push(elapsed);
    }
    times.sort_by(f64::total_cmp);
    let median = times[1];
    let ratio = median / ours;
    println!(
        "GeoPandas sjoin, same files: median {median:.3} s → communes assign is {ratio:.1}× faster \
         (goal ≥ 30×: {})",
        if ratio >= 30.0 { "met" } else { "NOT met" }
    );
    let (ours, theirs) = (
        nonzero_counts(ours_counts)?,
        nonzero_counts(&theirs_counts)?,
    );
    if ours != theirs {
        let differing: Vec<&String> = ours
            .keys()
            .chain(theirs.keys())
            .filter(|code| ours.get(*code) != theirs.get(*code))
            .collect();
        bail!(
            "the counts differ from GeoPandas' for {} code(s), e.g. {:?}",
            differing.len(),
            &differing[..differing.len().min(5)]
        );
    }
    println!(
        "counts identical to GeoPandas' ({} communes with points, and `none`)",
        ours.len() - usize::from(ours.contains_key("none"))
    );
    Ok(())
}

/// The non-zero rows of a `code,count` file (ours lists every commune, GeoPandas only
/// those with points).
fn nonzero_counts(path: &Path) -> Result<std::collections::BTreeMap<String, u64>> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut counts = std::collections::BTreeMap::new();
    for line in text.lines().skip(1) {
        let (code, count) = line
            .split_once(',')
            .with_context(|| format!("bad line in {}: {line}", path.display()))?;
        let count: u64 = count
            .trim()
            .parse()
            .with_context(|| format!("bad count in {}: {line}", path.display()))?;
        if count > 0 {
            counts.insert(code.to_owned(), count);
        }
    }
    Ok(counts)
}

/// Deterministic uniform points (SplitMix64) over the bbox, `lon,lat` per line.
fn write_points(
    path: &Path,
    (min_lon, min_lat, max_lon, max_lat): (f64, f64, f64, f64),
) -> Result<()> {
    let mut out = BufWriter::new(fs::File::create(path)?);
    let mut state: u64 = 0x5EED_0040;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    writeln!(out, "lon,lat")?;
    for _ in 0..POINTS {
        let lon = min_lon + next() * (max_lon - min_lon);
        let lat = min_lat + next() * (max_lat - min_lat);
        writeln!(out, "{lon:.6},{lat:.6}")?;
    }
    out.flush()?;
    Ok(())
}
