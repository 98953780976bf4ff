//! `cargo xtask frontend`: builds the Leptos app into `frontend/dist/`.
//!
//! 1. makes sure the `wasm32-unknown-unknown` target is installed;
//! 2. `cargo build -p solidarites-frontend --target wasm32-unknown-unknown`
//!    (profile `wasm-release`, or `dev` with `--dev`), linked with `--emit-relocs`
//!    (`.cargo/config.toml`);
//! 3. wasm-split, as a library (`wasm_split_cli_support`, the tool cargo-leptos uses):
//!    cuts the `.wasm` at the app's `#[lazy]` functions (`frontend/src/pages/lazy.rs`)
//!    into a main module, one module per lazy area and shared chunks, plus
//!    `__wasm_split.js` that fetches them on demand;
//! 4. wasm-bindgen, as a library (`wasm-bindgen-cli-support`, same version as the
//!    `wasm-bindgen` crate), generates the JS glue of the main module (`--target web`);
//! 5. release only: `wasm-opt -Oz` from the npm package `binaryen`
//!    (`node_modules/.bin/wasm-opt`, installed with `npm install` when missing), on every
//!    module;
//! 6. writes `frontend/dist/`: `index.html` (from `frontend/index.html`), `style.css`
//!    (`frontend/style.css` then `frontend/carte.css`), `console.css` (`frontend/admin.css`
//!    then `frontend/results.css`: the staff console adds it when it first shows, see
//!    [`CONSOLE_STYLESHEETS`]), `offline-queue.js` (see [`OFFLINE_QUEUE`]),
//!    the JS glue and the `.wasm` modules, and Leaflet from npm under `vendor/` (see
//!    `vendor.rs`); our own JS and wasm-bindgen's and wasm-split's (the glue and the
//!    split loader) are minified by terser from npm and the stylesheets lose their
//!    comments (see [`minify_js`], [`strip_css_comments`]);
//!    every file the page loads by URL is renamed after a hash of its
//!    content (`names.rs`) and `preload.json` lists each lazy area's modules (see
//!    [`PRELOAD_MANIFEST`]); then prints their sizes, raw and gzipped, and the first load
//!    of the map page (checked against [`MAP_PAGE_BUDGET`] by `cargo xtask test`).
//!
//! Steps 3–5 are cached in `<target>/xtask/frontend-<profile>/`: when cargo produced the
//! same `.wasm` as last time, only step 6 runs again.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use wasm_bindgen_cli_support::Bindgen;

use crate::util::{self, human_size, note, step};
use crate::vendor;

mod names;
use names::Names;

pub const HELP: &str = "\
Builds the Leptos app for wasm32-unknown-unknown, splits it at its lazy pages (wasm-split),
runs wasm-bindgen (as a library) and, in release mode, wasm-opt -Oz (npm package `binaryen`, installed into node_modules/ with
`npm install` when npm is available). Writes frontend/dist/: index.html, style.css,
solidarites.js, solidarites_bg.wasm, __wasm_split.js with the split modules
(split_*.wasm, chunk_*.wasm), each named after a hash of its content
(style.<16 hex>.css…), preload.json (each lazy area's modules, for the server's
preloads), sw.js, and Leaflet with its clustering plug-in (npm) under
vendor/<package>-<version>/. Serve that directory at --public-url.

Options:
  --dev                 Debug build (cargo `dev` profile, no wasm-opt): faster to build,
                        much bigger, readable panics and stack traces.
  --demo                What `cargo xtask demo` serves: optimized for speed of the first
                        build (cargo profile `wasm-demo`: no LTO, parallel codegen, no
                        wasm-opt); about twice the bytes of a release build, which only
                        a local demo can afford.
  --public-url <path>   URL path the files are served from (default `/`).
  -h, --help            Show this help.

Environment:
  CARGO_TARGET_DIR      Cargo's target directory (default <workspace>/target).";

const PACKAGE: &str = "solidarites-frontend";
const TARGET: &str = "wasm32-unknown-unknown";
const RELEASE_PROFILE: &str = "wasm-release";
/// Cargo profile of [`Mode::Demo`] (`Cargo.toml`).
const DEMO_PROFILE: &str = "wasm-demo";

/// Which build: what the tests check and the package ships, what the local demo serves,
/// or a debug build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `wasm-release` (size first, fat LTO) then wasm-opt -Oz: what is shipped.
    Release,
    /// `wasm-demo`: release code without LTO or wasm-opt, for a newcomer's first run.
    Demo,
    /// Cargo's `dev` profile: readable panics.
    Dev,
}

impl Mode {
    /// Cargo profile name, and its directory under the target directory.
    fn profile(self) -> (&'static str, &'static str) {
        match self {
            Mode::Release => (RELEASE_PROFILE, RELEASE_PROFILE),
            Mode::Demo => (DEMO_PROFILE, DEMO_PROFILE),
            Mode::Dev => ("dev", "debug"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Mode::Release => "release",
            Mode::Demo => "demo",
            Mode::Dev => "dev",
        }
    }
}
/// Stem of the generated files: `solidarites.js`, `solidarites_bg.wasm`.
const OUT_NAME: &str = "solidarites";
/// Start of the comment of `frontend/index.html` that is replaced (up to its `-->`) by
/// the stylesheet link and the boot script.
const ASSETS_PLACEHOLDER: &str = "<!-- xtask:assets";
/// Features that rustc enables by default for wasm32-unknown-unknown; wasm-opt must
/// accept them in its input.
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];
/// Must match the `wasm-bindgen-cli-support` pin in crates/xtask/Cargo.toml.
const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// Bump when the output of steps 3–4 changes for the same input, to drop old caches.
const CACHE_VERSION: u32 = 3;
/// The JS module that loads the split modules (written by wasm-split, imported by the
/// main module).
const SPLIT_LINK: &str = "__wasm_split.js";
/// For each split (lazy function), the module files it needs, as JSON. Kept in the stage
/// for the size report; not copied to `dist/`.
const SPLIT_MANIFEST: &str = "split-manifest.json";
/// Prefix of a split holding the map page, if it were made lazy (`frontend/src/pages/lazy.rs`
/// keeps it in the main module).
const MAP_PAGE_SPLIT: &str = "area_carte_";

#[derive(Debug)]
struct Options {
    mode: Mode,
    public_url: String,
}

fn parse_args(args: &[String]) -> Result<Options> {
    let mut options = Options {
        mode: Mode::Release,
        public_url: "/".to_owned(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dev" => options.mode = Mode::Dev,
            "--demo" => options.mode = Mode::Demo,
            "--public-url" => {
                options.public_url = args
                    .next()
                    .context("--public-url needs a value, e.g. `--public-url /`")?
                    .clone();
            }
            other => match other.strip_prefix("--public-url=") {
                Some(url) => options.public_url = url.to_owned(),
                None => bail!("unexpected argument `{other}` (see `cargo xtask help frontend`)"),
            },
        }
    }
    options.public_url = normalize_public_url(&options.public_url);
    Ok(options)
}

/// `""` → `/`, `app` → `/app/`, `/app/` stays; full URLs (`https://…/`) keep their host.
fn normalize_public_url(url: &str) -> String {
    let mut url = url.trim().to_owned();
    if !url.starts_with('/') && !url.contains("://") {
        url.insert(0, '/');
    }
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}

/// Paths of one build.
struct Layout {
    frontend: PathBuf,
    dist: PathBuf,
    /// What cargo writes.
    input_wasm: PathBuf,
    /// Cached output of wasm-bindgen (+ wasm-opt).
    stage: PathBuf,
    /// Where `npm install` puts wasm-opt.
    wasm_opt: PathBuf,
    root: PathBuf,
    /// Cargo's target directory for the WASM build: `<target>/wasm`, apart from the
    /// native builds so that cargo's lock on a target directory lets the server build
    /// run at the same time (`cargo xtask demo`, `cargo xtask test`).
    wasm_target_dir: PathBuf,
}

impl Layout {
    fn new(root: PathBuf, target_dir: PathBuf, mode: Mode) -> Self {
        let profile_dir = mode.profile().1;
        let frontend = root.join("frontend");
        let wasm_opt_name = if cfg!(windows) {
            "wasm-opt.cmd"
        } else {
            "wasm-opt"
        };
        let wasm_target_dir = target_dir.join("wasm");
        Layout {
            dist: frontend.join("dist"),
            input_wasm: wasm_target_dir
                .join(TARGET)
                .join(profile_dir)
                .join(format!("{PACKAGE}.wasm")),
            stage: target_dir
                .join("xtask")
                .join(format!("frontend-{}", mode.name())),
            wasm_opt: root.join("node_modules").join(".bin").join(wasm_opt_name),
            frontend,
            root,
            wasm_target_dir,
        }
    }

    fn js(&self, dir: &Path) -> PathBuf {
        dir.join(format!("{OUT_NAME}.js"))
    }

    fn wasm(&self, dir: &Path) -> PathBuf {
        dir.join(format!("{OUT_NAME}_bg.wasm"))
    }

    fn stamp(&self) -> PathBuf {
        self.stage.join(".xtask-stamp")
    }

    /// The main module out of wasm-split, before wasm-bindgen (outside the stage, which
    /// is copied to `dist/`).
    fn split_main(&self) -> PathBuf {
        let mut dir = self.stage.clone().into_os_string();
        dir.push("-split");
        PathBuf::from(dir).join("main.wasm")
    }
}

/// Budget of the map page's first load (everything it fetches before the map shows,
/// gzipped): `cargo xtask test` fails above it. 300 KB: never raise it (docs/benchmarks.md
/// says how the first load was brought back under it in December 2026).
pub const MAP_PAGE_BUDGET: u64 = 300_000;

/// What a build produced, for the checks of `cargo xtask test`.
#[derive(Debug, Clone, Copy)]
pub struct Built {
    /// First load of the map page, gzipped bytes.
    pub map_page_gz: u64,
    /// Whether wasm-opt ran (release build with npm available).
    pub optimized: bool,
}

impl Built {
    /// Fails when the map page's first load is over [`MAP_PAGE_BUDGET`].
    pub fn check_budget(&self) -> Result<()> {
        if !self.optimized {
            bail!("the .wasm was not optimized (wasm-opt missing?): cannot check the map page's weight");
        }
        if self.map_page_gz > MAP_PAGE_BUDGET {
            bail!(
                "the map page's first load is {} gzipped ({} bytes), over the budget of {MAP_PAGE_BUDGET} bytes",
                human_size(self.map_page_gz),
                self.map_page_gz
            );
        }
        note(&format!(
            "map page first load: {} bytes gzipped, within the budget of {MAP_PAGE_BUDGET}",
            self.map_page_gz
        ));
        Ok(())
    }
}

pub fn run(args: &[String]) -> Result<()> {
    build(args).map(|_| ())
}

/// [`run`], returning what was built.
pub fn build(args: &[String]) -> Result<Built> {
    let options = parse_args(args)?;
    let started = Instant::now();
    let root = util::workspace_root()?;
    let target_dir = util::target_dir(&root)?;
    let layout = Layout::new(root, target_dir, options.mode);

    ensure_wasm_target(&layout.root)?;
    cargo_build(&layout, options.mode)?;
    let stage = bindgen_and_optimize(&layout, options.mode)?;
    vendor::ensure_installed(&layout.root)?;
    let (vendored, names) = write_dist(&layout, &options)?;
    let map_page_gz = print_report(&layout, &options, &stage, &vendored, &names)?;
    println!(
        "Done in {:.1} s. To look at it: python3 -m http.server --bind 127.0.0.1 8080 --directory {}",
        started.elapsed().as_secs_f64(),
        layout.dist.display()
    );
    Ok(Built {
        map_page_gz,
        optimized: stage.optimized,
    })
}

/// Installs the wasm32 target with rustup when the toolchain lacks it.
fn ensure_wasm_target(root: &Path) -> Result<()> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let sysroot = util::output(
        Command::new(rustc)
            .current_dir(root)
            .args(["--print", "sysroot"]),
    )
    .context("cannot ask rustc for its sysroot")?;
    let target_lib = Path::new(sysroot.trim())
        .join("lib")
        .join("rustlib")
        .join(TARGET)
        .join("lib");
    if target_lib.is_dir() {
        return Ok(());
    }
    step(&format!("Installing the {TARGET} target"));
    // In the workspace root, rustup picks the toolchain of rust-toolchain.toml.
    match util::run(
        Command::new("rustup")
            .current_dir(root)
            .args(["target", "add", TARGET]),
    ) {
        Err(error) if util::is_not_found(&error) => bail!(
            "the {TARGET} target is not installed ({} is missing) and rustup was not found: \
             install the target for this toolchain by other means",
            target_lib.display()
        ),
        other => other,
    }
}

fn cargo_build(layout: &Layout, mode: Mode) -> Result<()> {
    let profile = mode.profile().0;
    step(&format!(
        "Building {PACKAGE} for {TARGET} ({profile} profile)"
    ));
    let mut cmd = util::cargo();
    cmd.current_dir(&layout.root)
        .env("CARGO_TARGET_DIR", &layout.wasm_target_dir)
        .args(["build", "--package", PACKAGE, "--target", TARGET])
        .args(["--profile", profile]);
    util::run(&mut cmd)?;
    if !layout.input_wasm.is_file() {
        bail!(
            "cargo succeeded but {} is missing: is {PACKAGE} still a binary crate?",
            layout.input_wasm.display()
        );
    }
    Ok(())
}

/// What steps 3–5 produced: sizes of the `.wasm` modules before wasm-opt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StageInfo {
    /// Total size of the `.wasm` modules out of wasm-split and wasm-bindgen, raw and
    /// gzipped (each module gzipped on its own, as a browser fetches them).
    bindgen_wasm: (u64, u64),
    /// Whether wasm-opt ran on them.
    optimized: bool,
}

/// Runs wasm-split, wasm-bindgen and wasm-opt into the stage directory, unless the
/// stage already holds their output for this exact `.wasm`.
fn bindgen_and_optimize(layout: &Layout, mode: Mode) -> Result<StageInfo> {
    let dev = mode == Mode::Dev;
    let input = fs::read(&layout.input_wasm)
        .with_context(|| format!("cannot read {}", layout.input_wasm.display()))?;
    let wasm_opt = match mode {
        Mode::Release => find_wasm_opt(layout),
        Mode::Demo | Mode::Dev => None,
    };
    // wasm-opt is identified by its install time: a reinstall or upgrade reruns it.
    let wasm_opt_id = wasm_opt
        .as_ref()
        .and_then(|path| fs::metadata(path).and_then(|m| m.modified()).ok())
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or_else(|| "none".to_owned(), |age| age.as_secs().to_string());
    let key = format!(
        "v{CACHE_VERSION} wasm-bindgen={WASM_BINDGEN_VERSION} dev={dev} \
         wasm-opt={wasm_opt_id} input={:016x}",
        util::fnv1a(&input)
    );
    if let Some(info) = read_stamp(layout, &key) {
        note(
            "the .wasm is unchanged: reusing the previous wasm-split/wasm-bindgen/wasm-opt output",
        );
        return Ok(info);
    }
    util::remove_dir(&layout.stage)?;
    fs::create_dir_all(&layout.stage)
        .with_context(|| format!("cannot create {}", layout.stage.display()))?;

    let split_modules = split(layout, &input)?;

    step(&format!(
        "Generating the JS glue (wasm-bindgen {WASM_BINDGEN_VERSION}, --target web)"
    ));
    let started = Instant::now();
    let main = fs::read(layout.split_main())?;
    Bindgen::new()
        .input_bytes(OUT_NAME, main)
        .typescript(false)
        .debug(dev)
        // The split modules call the main module through exports that wasm-split added.
        .keep_lld_exports(true)
        .demangle(false)
        .remove_name_section(!dev)
        .remove_producers_section(!dev)
        .web(true)?
        .generate(&layout.stage)
        .context("wasm-bindgen failed")?;
    eprintln!("    done in {:.1} s", started.elapsed().as_secs_f64());

    let mut modules = vec![layout.wasm(&layout.stage)];
    modules.extend(split_modules);
    let mut bindgen_wasm = (0, 0);
    for module in &modules {
        let bytes = fs::read(module)?;
        bindgen_wasm.0 += bytes.len() as u64;
        bindgen_wasm.1 += util::gzip_len(&bytes)?;
    }
    let optimized = match &wasm_opt {
        Some(program) => {
            step(&format!(
                "Optimizing the {} .wasm modules for size (wasm-opt -Oz)",
                modules.len()
            ));
            // One wasm-opt per core: most modules are small, and on a first run the
            // server build may have finished by now.
            let next = std::sync::atomic::AtomicUsize::new(0);
            let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers.min(modules.len()))
                    .map(|_| {
                        scope.spawn(|| -> Result<()> {
                            loop {
                                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let Some(module) = modules.get(i) else {
                                    return Ok(());
                                };
                                optimize_module(program, module)?;
                            }
                        })
                    })
                    .collect();
                handles.into_iter().try_for_each(|handle| {
                    handle
                        .join()
                        .map_err(|_| anyhow::anyhow!("a wasm-opt worker panicked"))?
                })
            })?;
            true
        }
        None => false,
    };
    let info = StageInfo {
        bindgen_wasm,
        optimized,
    };
    write_stamp(layout, &key, info)?;
    Ok(info)
}

/// `wasm-opt -Oz` on one module, in place.
fn optimize_module(program: &Path, module: &Path) -> Result<()> {
    let optimized = module.with_extension("opt.wasm");
    util::run(
        Command::new(program)
            .arg("-Oz")
            // wasm-split copies these sections into every split module.
            .arg("--strip-producers")
            .args(WASM_OPT_FEATURES)
            .arg(module)
            .arg("-o")
            .arg(&optimized),
    )
    .context("wasm-opt failed")?;
    fs::rename(&optimized, module).with_context(|| format!("cannot replace {}", module.display()))
}

/// wasm-split (library `wasm_split_cli_support`): cuts the `.wasm` at the `#[lazy]`
/// functions (the pages, see `frontend/src/pages/lazy.rs`). Writes the main module to
/// [`Layout::split_main`] (for wasm-bindgen), and into the stage the split modules, the
/// JS that loads them (`__wasm_split.js`, imported by the main module) and
/// [`SPLIT_MANIFEST`]: for each split, the module files it needs. Returns the paths of
/// the split modules.
fn split(layout: &Layout, input: &[u8]) -> Result<Vec<PathBuf>> {
    step("Splitting the .wasm at its lazy pages (wasm-split)");
    let started = Instant::now();
    let main_out = layout.split_main();
    if let Some(dir) = main_out.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let main_module = format!("./{OUT_NAME}.js");
    let link_name = format!("./{SPLIT_LINK}");
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(input);
        options.output_dir = &layout.stage;
        options.main_out_path = &main_out;
        options.main_module = &main_module;
        options.link_name = &link_name;
        options
    })
    // eyre's report, with its chain of causes.
    .map_err(|error| anyhow::anyhow!("wasm-split failed: {error:?}"))?;
    let manifest: std::collections::BTreeMap<_, _> = split.prefetch_map.into_iter().collect();
    fs::write(
        layout.stage.join(SPLIT_MANIFEST),
        serde_json::to_vec_pretty(&manifest)?,
    )?;
    eprintln!(
        "    {} split modules in {:.1} s",
        split.split_modules.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(split.split_modules)
}

/// `node_modules/.bin/wasm-opt`, after `npm install` if it is missing or stale; `None`
/// (with a note saying why) when it cannot be had.
fn find_wasm_opt(layout: &Layout) -> Option<PathBuf> {
    let package_json = layout.root.join("package.json");
    if !package_json.is_file() {
        if layout.wasm_opt.is_file() {
            return Some(layout.wasm_opt.clone());
        }
        note("no package.json at the workspace root: skipping wasm-opt");
        return None;
    }
    if npm_install_needed(layout) {
        step("Installing npm dev dependencies (binaryen's wasm-opt)");
        let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
        let result = util::run(Command::new(npm).current_dir(&layout.root).args([
            "install",
            "--no-audit",
            "--no-fund",
        ]));
        match result {
            Ok(()) => {}
            Err(error) if util::is_not_found(&error) => {
                note("npm is not installed: skipping wasm-opt (the .wasm will be bigger)");
                return None;
            }
            Err(error) => {
                note(&format!(
                    "{error:#}: skipping wasm-opt (the .wasm will be bigger)"
                ));
                return None;
            }
        }
    }
    if layout.wasm_opt.is_file() {
        Some(layout.wasm_opt.clone())
    } else {
        note(&format!(
            "{} not found: skipping wasm-opt (is `binaryen` a devDependency in package.json?)",
            layout.wasm_opt.display()
        ));
        None
    }
}

/// Whether node_modules is missing wasm-opt or older than package.json / package-lock.json.
fn npm_install_needed(layout: &Layout) -> bool {
    if !layout.wasm_opt.is_file() {
        return true;
    }
    let modified = |path: PathBuf| fs::metadata(path).and_then(|m| m.modified()).ok();
    let Some(installed) = modified(layout.root.join("node_modules").join(".package-lock.json"))
    else {
        return true;
    };
    ["package.json", "package-lock.json"]
        .into_iter()
        .filter_map(|name| modified(layout.root.join(name)))
        .any(|changed| changed > installed)
}

fn read_stamp(layout: &Layout, key: &str) -> Option<StageInfo> {
    let text = fs::read_to_string(layout.stamp()).ok()?;
    let mut lines = text.lines();
    if lines.next()? != key {
        return None;
    }
    let bindgen_wasm = (lines.next()?.parse().ok()?, lines.next()?.parse().ok()?);
    let optimized = lines.next()?.parse().ok()?;
    let outputs_present = layout.js(&layout.stage).is_file()
        && layout.wasm(&layout.stage).is_file()
        && layout.stage.join(SPLIT_MANIFEST).is_file();
    outputs_present.then_some(StageInfo {
        bindgen_wasm,
        optimized,
    })
}

fn write_stamp(layout: &Layout, key: &str, info: StageInfo) -> Result<()> {
    let stamp = layout.stamp();
    fs::write(
        &stamp,
        format!(
            "{key}\n{}\n{}\n{}\n",
            info.bindgen_wasm.0, info.bindgen_wasm.1, info.optimized
        ),
    )
    .with_context(|| format!("cannot write {}", stamp.display()))
}

/// Rebuilds `frontend/dist/` from the stage, the static files and the npm libraries.
fn write_dist(layout: &Layout, options: &Options) -> Result<(vendor::Vendored, Names)> {
    step(&format!("Writing {}", layout.dist.display()));
    let template_path = layout.frontend.join("index.html");
    let template = fs::read_to_string(&template_path)
        .with_context(|| format!("cannot read {}", template_path.display()))?;

    // Empty it rather than delete it: a server started inside it keeps working.
    util::empty_dir(&layout.dist)?;
    util::copy_dir(
        &layout.stage,
        &layout.dist,
        &[".xtask-stamp", SPLIT_MANIFEST],
    )?;
    let vendored = vendor::copy_into(&layout.root, &layout.dist, &options.public_url)?;
    for name in APP_FILES {
        copy_app_file(&layout.frontend, &layout.dist, name)?;
    }
    fs::write(
        layout.dist.join("style.css"),
        read_stylesheets(&layout.frontend, STYLESHEETS)?,
    )?;
    fs::write(
        layout.dist.join(CONSOLE_CSS),
        read_stylesheets(&layout.frontend, CONSOLE_STYLESHEETS)?,
    )?;
    copy_offline_queue(layout)?;
    minify_js(layout)?;
    let names = names::name_by_content(&layout.dist, &options.public_url)?;
    let manifest = read_manifest(layout)?;
    write_preload_manifest(&layout.dist, &options.public_url, &manifest, &names)?;
    let build = build_id(&layout.dist, &[template.as_bytes()])?;
    write_service_worker(layout, options, &build, &names)?;

    let assets = format!(
        "{}\n    {}",
        assets_html(&options.public_url, &names)?,
        vendor::assets_block(&vendored)
    );
    let index = render_index(&template, &assets)
        .with_context(|| format!("in {}", template_path.display()))?;
    fs::write(layout.dist.join("index.html"), index)?;
    Ok((vendored, names))
}

/// `dist/preload.json`: for each lazy area of the app (`frontend/src/pages/lazy.rs`), by
/// its function's name (`area_home`), the URLs of the modules it needs. The server adds
/// them to the page it sends for a route of that area as `<link rel="preload">`, so that
/// they download beside the main module instead of after it
/// (`crates/server/src/routes/frontend.rs`).
pub const PRELOAD_MANIFEST: &str = "preload.json";

fn write_preload_manifest(
    dist: &Path,
    public_url: &str,
    manifest: &std::collections::BTreeMap<String, Vec<String>>,
    names: &Names,
) -> Result<()> {
    let mut areas = std::collections::BTreeMap::new();
    for (split, modules) in manifest {
        let urls = modules
            .iter()
            .map(|stem| {
                Ok(format!(
                    "{public_url}{}",
                    names.get(&format!("{stem}.wasm"))?
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        areas.insert(area_name(split).to_owned(), urls);
    }
    fs::write(
        dist.join(PRELOAD_MANIFEST),
        serde_json::to_vec_pretty(&areas)?,
    )?;
    Ok(())
}

/// The name of the `#[lazy]` function of a split: wasm-split's name ends with `_` and a
/// hash the macro adds (`area_home_0123…`).
fn area_name(split: &str) -> &str {
    split.rsplit_once('_').map_or(split, |(name, _)| name)
}

/// The offline queue of answers (IndexedDB, sending), `frontend/js/offline-queue.js`:
/// `offline.js`, on every page, imports it (`import()`) only when a page needs the queue
/// (the questionnaire, assisted entry) or answers wait on the device, so it stays out of
/// the first load. Written to `dist/offline-queue.js`; the service worker keeps it.
const OFFLINE_QUEUE: &str = "js/offline-queue.js";
/// Its URL path in `dist/`.
const OFFLINE_QUEUE_DIST: &str = "offline-queue.js";
/// How `offline.js` names it; rewritten into the public URL with the build's tag.
const OFFLINE_QUEUE_IMPORT: &str = "\"/offline-queue.js\"";

fn copy_offline_queue(layout: &Layout) -> Result<()> {
    let (src, dst) = (
        layout.frontend.join(OFFLINE_QUEUE),
        layout.dist.join(OFFLINE_QUEUE_DIST),
    );
    fs::copy(&src, &dst)
        .with_context(|| format!("cannot copy {} to {}", src.display(), dst.display()))?;
    Ok(())
}

/// Points the import of the offline queue in `offline.js` (a wasm-bindgen snippet) at
/// `<public-url><queue>`, the queue's content-hashed name (`names.rs`).
fn tag_offline_queue_import(dist: &Path, public_url: &str, queue: &str) -> Result<()> {
    let snippets = dist.join("snippets");
    let mut found = 0;
    if snippets.is_dir() {
        for relative in relative_files(&snippets)? {
            let path = snippets.join(relative);
            let text = fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let count = text.matches(OFFLINE_QUEUE_IMPORT).count();
            if count == 0 {
                continue;
            }
            found += count;
            let tagged = text.replace(OFFLINE_QUEUE_IMPORT, &format!("\"{public_url}{queue}\""));
            fs::write(&path, tagged).with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    if found != 1 {
        bail!(
            "expected one {OFFLINE_QUEUE_IMPORT} in the JS snippets (frontend/js/offline.js), found {found}"
        );
    }
    Ok(())
}

/// Minifies the JS of `dist/` with terser (npm devDependency `terser`: ES modules,
/// compressed, local names mangled; exports, property names and strings stay, so the
/// glue's imports object still names the `.wasm`'s imports): our own (the snippets
/// `frontend/js/*.js` that wasm-bindgen copies, and `offline-queue.js`), written for the
/// reader of `frontend/js/`, and the generated glue and split loader, which every page
/// loads first. The map page's first load has a budget ([`MAP_PAGE_BUDGET`]; minified,
/// `carte.js` and `offline.js` are about 1.3 KB gzipped less than without their comments,
/// the glue and the loader about 3 KB less than as generated). Runs before the files are
/// named after their content (`names.rs` rewrites the minified `from"./…"` imports).
/// Without terser in `node_modules/`, only our JS loses its whole-line comments
/// ([`strip_comment_lines`]), with a note, and the generated JS stays as it is.
fn minify_js(layout: &Layout) -> Result<()> {
    let terser = layout
        .root
        .join("node_modules")
        .join(".bin")
        .join(if cfg!(windows) {
            "terser.cmd"
        } else {
            "terser"
        });
    let files = our_js(&layout.dist)?;
    if !terser.is_file() {
        note(&format!(
            "{} not found: our JS is served with only its comments removed (is `terser` a devDependency in package.json?)",
            terser.display()
        ));
        return strip_our_js_comments(&files);
    }
    let generated =
        [format!("{OUT_NAME}.js"), SPLIT_LINK.to_owned()].map(|name| layout.dist.join(name));
    for path in files.into_iter().chain(generated) {
        util::run(
            Command::new(&terser)
                .arg(&path)
                .args(["--module", "--compress", "--mangle", "--output"])
                .arg(&path),
        )?;
    }
    Ok(())
}

/// Our own JS in `dist/`: `offline-queue.js` and the snippets.
fn our_js(dist: &Path) -> Result<Vec<PathBuf>> {
    let snippets = dist.join("snippets");
    let mut files = vec![dist.join(OFFLINE_QUEUE_DIST)];
    if snippets.is_dir() {
        files.extend(
            relative_files(&snippets)?
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "js"))
                .map(|p| snippets.join(p)),
        );
    }
    Ok(files)
}

/// Removes the whole-line comments of `files` (see [`strip_comment_lines`]); the code is
/// left as it is.
fn strip_our_js_comments(files: &[PathBuf]) -> Result<()> {
    for path in files {
        let text =
            fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        fs::write(path, strip_comment_lines(&text))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// `js` without its whole-line comments (`// …` lines, `/* … */` blocks that start a line
/// and end one) and blank lines. Comments after code stay, and so does everything when a
/// block comment is followed by code on its last line: no JS parsing, nothing that could
/// change what the code does (our template literals never span lines).
fn strip_comment_lines(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_block = false;
    for line in js.lines() {
        let code = line.trim();
        if in_block {
            if let Some(end) = code.find("*/") {
                if !code[end + 2..].trim().is_empty() {
                    return js.to_owned();
                }
                in_block = false;
            }
            continue;
        }
        if code.is_empty() || code.starts_with("//") {
            continue;
        }
        if let Some(comment) = code.strip_prefix("/*") {
            match comment.find("*/") {
                Some(end) if comment[end + 2..].trim().is_empty() => continue,
                Some(_) => {}
                None => {
                    in_block = true;
                    continue;
                }
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    if in_block {
        return js.to_owned();
    }
    out
}

/// `css` without its comments, the indentation of its lines and its blank lines: the
/// stylesheets are written for their reader, and the page's own (`style.css`) blocks its
/// first paint, on every page (about a quarter of its bytes gzipped). Strings are kept as
/// they are; an unclosed comment leaves everything as it was.
pub(crate) fn strip_css_comments(css: &str) -> String {
    let mut code = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find(['/', '"', '\'']) {
        let c = rest.as_bytes()[i];
        if c == b'/' {
            if !rest[i..].starts_with("/*") {
                code.push_str(&rest[..=i]);
                rest = &rest[i + 1..];
                continue;
            }
            let Some(end) = rest[i + 2..].find("*/") else {
                return css.to_owned();
            };
            code.push_str(&rest[..i]);
            rest = &rest[i + 2 + end + 2..];
            continue;
        }
        // A string: up to its closing quote (not an escaped one).
        let mut end = i + 1;
        let bytes = rest.as_bytes();
        while end < bytes.len() && bytes[end] != c {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        let end = (end + 1).min(rest.len());
        code.push_str(&rest[..end]);
        rest = &rest[end..];
    }
    code.push_str(rest);
    let mut out = String::with_capacity(code.len());
    for line in code.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Files of `frontend/` copied as they are into `dist/`: the web app manifest and its
/// icons (issue 19: installable app).
const APP_FILES: &[&str] = &[
    "manifest.webmanifest",
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
];

/// Template of the service worker (`dist/sw.js`), see [`write_service_worker`].
const SERVICE_WORKER: &str = "sw.js";

fn copy_app_file(frontend: &Path, dist: &Path, name: &str) -> Result<()> {
    let (src, dst) = (frontend.join(name), dist.join(name));
    if let Some(dir) = dst.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    fs::copy(&src, &dst)
        .with_context(|| format!("cannot copy {} to {}", src.display(), dst.display()))?;
    Ok(())
}

/// Every file under `dir`, relative to it, sorted.
fn relative_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    let mut relative: Vec<PathBuf> = files
        .iter()
        .map(|path| path.strip_prefix(dir).unwrap_or(path).to_path_buf())
        .collect();
    relative.sort();
    Ok(relative)
}

/// The URL path of a file of `dist/` (`/` separators whatever the system).
fn url_path(relative: &Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The id of this build: a hash of the names and bytes of every file of `dist/` so far,
/// and of `more` (the stylesheet and page written afterwards). It tags the URLs of the
/// modules and names the service worker's cache.
fn build_id(dist: &Path, more: &[&[u8]]) -> Result<String> {
    let mut all: Vec<u8> = more.concat();
    for relative in relative_files(dist)? {
        all.extend(url_path(&relative).as_bytes());
        all.push(0);
        all.extend(fs::read(dist.join(&relative))?);
    }
    Ok(version_tag(&all))
}

/// Writes `dist/sw.js` from `frontend/sw.js`: the build id, the files fetched at install
/// (the page, the stylesheet, the main module, its JS and snippets, the offline queue, the
/// questionnaire's modules, the manifest and icons) and every file of the build, as URLs.
fn write_service_worker(
    layout: &Layout,
    options: &Options,
    build: &str,
    names: &Names,
) -> Result<()> {
    let template_path = layout.frontend.join(SERVICE_WORKER);
    let template = fs::read_to_string(&template_path)
        .with_context(|| format!("cannot read {}", template_path.display()))?;
    if options.public_url != "/" {
        note("the app is not served at `/`: no service worker (it would not cover the site)");
        return Ok(());
    }
    let url = |original: &str| names.get(original).map(|hashed| format!("/{hashed}"));
    let main = url(&format!("{OUT_NAME}.js"))?;
    let mut precache = vec![
        "/".to_owned(),
        url("style.css")?,
        main.clone(),
        url(&format!("{OUT_NAME}_bg.wasm"))?,
        url(SPLIT_LINK)?,
        // The questionnaire keeps answers with it when offline.
        url(OFFLINE_QUEUE_DIST)?,
    ];
    // Every hashed file (the console's stylesheet and modules, the other areas' modules
    // are kept the first time they are used).
    let mut files: Vec<String> = names
        .iter()
        .map(|(_, hashed)| format!("/{hashed}"))
        .collect();
    for (original, hashed) in names.iter() {
        if original.starts_with("snippets/") {
            precache.push(format!("/{hashed}"));
        }
    }
    for relative in relative_files(&layout.dist)? {
        let path = url_path(&relative);
        if path.starts_with("vendor/") || APP_FILES.contains(&path.as_str()) {
            files.push(format!("/{path}"));
        }
    }
    for name in APP_FILES {
        precache.push(format!("/{name}"));
    }
    let manifest = read_manifest(layout)?;
    for (split, modules) in &manifest {
        if split.starts_with(QUESTIONNAIRE_SPLIT) {
            for stem in modules {
                precache.push(url(&format!("{stem}.wasm"))?);
            }
        }
    }
    files.extend(precache.iter().cloned());
    precache.sort();
    precache.dedup();
    files.sort();
    files.dedup();
    let worker = render_service_worker(&template, build, &main, &precache, &files)
        .with_context(|| format!("in {}", template_path.display()))?;
    fs::write(layout.dist.join(SERVICE_WORKER), worker)?;
    Ok(())
}

/// Prefix of the split of the questionnaire's area, whose modules the service worker
/// fetches at install.
const QUESTIONNAIRE_SPLIT: &str = "area_questionnaire_";

fn render_service_worker(
    template: &str,
    build: &str,
    main: &str,
    precache: &[String],
    files: &[String],
) -> Result<String> {
    let values = [
        ("__SOLIDARITES_BUILD__", build.to_owned()),
        ("__SOLIDARITES_MAIN__", main.to_owned()),
        ("__SOLIDARITES_PRECACHE__", serde_json::to_string(precache)?),
        ("__SOLIDARITES_FILES__", serde_json::to_string(files)?),
    ];
    let mut out = template.to_owned();
    for (placeholder, value) in values {
        if out.matches(placeholder).count() != 1 {
            bail!("expected `{placeholder}` once");
        }
        out = out.replace(placeholder, &value);
    }
    Ok(out)
}

/// `frontend/style.css` followed by the stylesheet of each public area of the app, as one
/// file (one request; each area keeps its own file to edit): `dist/style.css`, loaded by
/// every page.
const STYLESHEETS: &[&str] = &["style.css", "carte.css"];

/// The staff console's stylesheets, as one file: `dist/console.css`. Residents never need
/// them, so they stay out of the first load of every page: `index.html` names the file in
/// the `data-console` attribute of the main stylesheet's `<link>`, and the console's area
/// (`frontend/src/admin/style.rs`) adds it to the page when it first shows.
const CONSOLE_STYLESHEETS: &[&str] = &["admin.css", "results.css"];
/// File name of the console's stylesheet in `dist/`.
const CONSOLE_CSS: &str = "console.css";

fn read_stylesheets(frontend: &Path, names: &[&str]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for name in names {
        let path = frontend.join(name);
        let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        if !out.is_empty() {
            out.push(b'\n');
        }
        out.extend(bytes);
    }
    let css = String::from_utf8(out).context("a stylesheet is not UTF-8")?;
    Ok(strip_css_comments(&css).into_bytes())
}

/// A short hash of `bytes`: the build id.
fn version_tag(bytes: &[u8]) -> String {
    format!("{:08x}", util::fnv1a(bytes) >> 32)
}

/// The `<head>` tags that load the app, by the files' content-hashed names: the
/// stylesheet, the JS glue and the modules it imports (preloaded, rather than found one
/// after the other) and the main `.wasm`, preloaded from an inert `<template>` that the
/// start-up script puts into the page after its first frame, then starts the app: the
/// first screen the server wrote into the page (`crates/server/src/first_screen.rs`) is
/// painted with the HTML and the stylesheet alone, nothing else competing for the
/// network. The console's
/// stylesheet is only named (`data-console`), not loaded.
fn assets_html(public_url: &str, names: &Names) -> Result<String> {
    let url = |original: &str| {
        names
            .get(original)
            .map(|hashed| format!("{public_url}{hashed}"))
    };
    let css_url = url("style.css")?;
    let console_url = url(CONSOLE_CSS)?;
    let js_url = url(&format!("{OUT_NAME}.js"))?;
    let wasm_url = url(&format!("{OUT_NAME}_bg.wasm"))?;
    let mut imported = vec![url(SPLIT_LINK)?];
    for (original, hashed) in names.iter() {
        if original.starts_with("snippets/") && original.ends_with(".js") {
            imported.push(format!("{public_url}{hashed}"));
        }
    }
    let module_preloads: String = imported
        .iter()
        .map(|u| format!("\n    <link rel=\"modulepreload\" href=\"{u}\">"))
        .collect();
    Ok(format!(
        r#"<link rel="stylesheet" href="{css_url}" data-console="{console_url}">
    <template id="{PRELOADS_TEMPLATE}">
    <link rel="modulepreload" href="{js_url}">{module_preloads}
    <link rel="preload" href="{wasm_url}" as="fetch" type="application/wasm" crossorigin>
    </template>
    <script type="module">
      let started = false;
      const start = () => {{
        if (started) return;
        started = true;
        // The app's files, then the route's modules (which the server adds), are fetched
        // from now on. Each link put into the page costs the browser a moment: a few
        // milliseconds' worth per task, so that no task is long on a slow phone.
        const preloads = document.getElementById("{PRELOADS_TEMPLATE}");
        const links = preloads ? [...preloads.content.cloneNode(true).children] : [];
        const preload = () => {{
          const until = performance.now() + 4;
          do document.head.append(links.shift());
          while (links.length && performance.now() < until);
          if (links.length) setTimeout(preload, 0);
        }};
        if (links.length) preload();
        import("{js_url}")
          .then(({{ default: init }}) => init({{ module_or_path: "{wasm_url}" }}))
          .catch((error) => {{
            console.error(error);
            const p = document.createElement("p");
            p.className = "erreur-demarrage";
            p.setAttribute("role", "alert");
            p.textContent = "L’application n’a pas pu démarrer dans ce navigateur. " +
              "Merci de recharger la page ou d’essayer avec un navigateur à jour.";
            document.body.prepend(p);
          }});
      }};
      // After the first frame: the first screen the server wrote is painted before
      // anything else is fetched (a hidden tab, which paints no frame, starts after 200 ms).
      requestAnimationFrame(() => setTimeout(start, 0));
      setTimeout(start, 200);
    </script>"#
    ))
}

/// `id` of the inert `<template>` holding the app's preloads, which the start-up script
/// puts into the page after the first frame; the server adds a route's modules to it
/// (crates/server/src/routes/frontend.rs, `with_preloads`).
const PRELOADS_TEMPLATE: &str = "prechargements";

/// Replaces the `<!-- xtask:assets … -->` comment of the template by `assets`.
fn render_index(template: &str, assets: &str) -> Result<String> {
    let count = template.matches(ASSETS_PLACEHOLDER).count();
    if count != 1 {
        bail!("expected one `{ASSETS_PLACEHOLDER} -->` comment in <head>, found {count}");
    }
    let start = template.find(ASSETS_PLACEHOLDER).unwrap_or_default();
    let Some(len) = template[start..].find("-->") else {
        bail!("the `{ASSETS_PLACEHOLDER}` comment is not closed with `-->`");
    };
    let end = start + len + "-->".len();
    Ok(format!(
        "{}{assets}{}",
        &template[..start],
        &template[end..]
    ))
}

fn print_report(
    layout: &Layout,
    options: &Options,
    stage: &StageInfo,
    vendored: &vendor::Vendored,
    names: &Names,
) -> Result<u64> {
    let mode = match (options.mode, stage.optimized) {
        (Mode::Dev, _) => "dev build, not optimized",
        (Mode::Demo, _) => "demo build: no LTO, no wasm-opt",
        (Mode::Release, true) => "release, wasm-opt -Oz",
        (Mode::Release, false) => "release, without wasm-opt",
    };
    let mut report = format!(
        "\n{} ({mode}):\n  {:<28} {:>11} {:>11}\n",
        layout.dist.display(),
        "file",
        "raw",
        "gzip"
    );
    let mut row = |name: &str, (raw, gz): (u64, u64)| {
        let _ = writeln!(
            report,
            "  {name:<28} {:>11} {:>11}",
            human_size(raw),
            human_size(gz)
        );
    };
    let add = |total: &mut (u64, u64), size: (u64, u64)| {
        total.0 += size.0;
        total.1 += size.1;
    };

    // Loaded by every page.
    let mut shell = (0, 0);
    for (name, path) in shell_files(names)? {
        let size = file_size(&layout.dist.join(path))?;
        add(&mut shell, size);
        row(&name, size);
    }
    row("shell, every page", shell);

    // The map page: the shell, its split modules, then Leaflet.
    let manifest = read_manifest(layout)?;
    let map_modules = manifest
        .iter()
        .find(|(split, _)| split.starts_with(MAP_PAGE_SPLIT))
        .map(|(_, modules)| modules.as_slice())
        .unwrap_or_default();
    let mut map_page = shell;
    let loaded = map_modules
        .iter()
        .map(|stem| names.get(&format!("{stem}.wasm")).map(PathBuf::from))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .chain(vendored.loaded.iter().cloned());
    for path in loaded {
        let size = file_size(&layout.dist.join(&path))?;
        add(&mut map_page, size);
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        row(&format!("+ {name}"), size);
    }
    row("first load, map page", map_page);
    // Fetched later, by the pages that need them: the console, the offline queue.
    for name in [CONSOLE_CSS, OFFLINE_QUEUE_DIST] {
        row(
            &format!("{name} (when needed)"),
            file_size(&layout.dist.join(names.get(name)?))?,
        );
    }

    // Every page's own modules (on top of the shell), for the record.
    for (split, modules) in &manifest {
        let mut size = (0, 0);
        for stem in modules {
            add(
                &mut size,
                file_size(&layout.dist.join(names.get(&format!("{stem}.wasm"))?))?,
            );
        }
        let page = split
            .rsplit_once('_')
            .map_or(split.as_str(), |(name, _)| name);
        row(&format!("{page} (+ modules)"), size);
    }
    if stage.optimized {
        row("(.wasm before wasm-opt)", stage.bindgen_wasm);
    }
    let _ = writeln!(
        report,
        "  first load of the map page: {} bytes gzipped (budget {MAP_PAGE_BUDGET})",
        map_page.1
    );
    print!("{report}");
    Ok(map_page.1)
}

/// Files every page loads, by their names out of the build, with their paths in `dist/`:
/// the page, the stylesheet, the JS glue with its snippets, the split loader and the main
/// `.wasm`.
fn shell_files(names: &Names) -> Result<Vec<(String, String)>> {
    let mut files = vec![("index.html".to_owned(), "index.html".to_owned())];
    let mut originals = vec![
        "style.css".to_owned(),
        format!("{OUT_NAME}.js"),
        SPLIT_LINK.to_owned(),
    ];
    originals.extend(
        names
            .iter()
            .filter(|(original, _)| original.starts_with("snippets/"))
            .map(|(original, _)| original.to_owned()),
    );
    originals.push(format!("{OUT_NAME}_bg.wasm"));
    for original in originals {
        let path = names.get(&original)?.to_owned();
        files.push((original, path));
    }
    Ok(files)
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            collect_files(&entry.path(), out)?;
        } else {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// Raw and gzipped size of a file.
fn file_size(path: &Path) -> Result<(u64, u64)> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((bytes.len() as u64, util::gzip_len(&bytes)?))
}

/// [`SPLIT_MANIFEST`]: split name → module file stems, sorted by split name.
fn read_manifest(layout: &Layout) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
    let path = layout.stage.join(SPLIT_MANIFEST);
    let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_slice(&bytes).with_context(|| format!("cannot parse {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_options() {
        let o = parse_args(&args(&[])).unwrap();
        assert_eq!(o.mode, Mode::Release);
        assert_eq!(o.public_url, "/");
        let o = parse_args(&args(&["--dev", "--public-url", "app"])).unwrap();
        assert_eq!(o.mode, Mode::Dev);
        assert_eq!(parse_args(&args(&["--demo"])).unwrap().mode, Mode::Demo);
        assert_eq!(o.public_url, "/app/");
        let o = parse_args(&args(&["--public-url=/x/"])).unwrap();
        assert_eq!(o.public_url, "/x/");
        assert!(parse_args(&args(&["--release"])).is_err());
        assert!(parse_args(&args(&["--public-url"])).is_err());
    }

    #[test]
    fn public_urls_are_normalized() {
        assert_eq!(normalize_public_url(""), "/");
        assert_eq!(normalize_public_url("/"), "/");
        assert_eq!(normalize_public_url("a/b"), "/a/b/");
        assert_eq!(
            normalize_public_url("https://cdn.example/app"),
            "https://cdn.example/app/"
        );
    }

    #[test]
    fn index_gets_the_assets_once() {
        let html = render_index("<head>\n<!-- xtask:assets -->\n</head>", "<x>").unwrap();
        assert_eq!(html, "<head>\n<x>\n</head>");
        let html = render_index(
            "<head>\n  <!-- xtask:assets: note\n  more -->\n</head>",
            "<x>",
        );
        assert_eq!(html.unwrap(), "<head>\n  <x>\n</head>");
        assert!(render_index("<head></head>", "<x>").is_err());
        assert!(render_index("<!-- xtask:assets --><!-- xtask:assets -->", "<x>").is_err());
        assert!(render_index("<!-- xtask:assets", "<x>").is_err());
    }

    #[test]
    fn the_service_worker_gets_the_build_and_its_files_once() {
        let template = "const B = \"__SOLIDARITES_BUILD__\"; const M = \"__SOLIDARITES_MAIN__\"; \
                        const P = __SOLIDARITES_PRECACHE__; const F = new Set(__SOLIDARITES_FILES__);";
        let out = render_service_worker(
            template,
            "abcd1234",
            "/solidarites.0123456789abcdef.js",
            &["/".to_owned()],
            &["/".to_owned(), "/chunk_1.0123456789abcdef.wasm".to_owned()],
        )
        .unwrap();
        assert!(out.contains(r#"const B = "abcd1234";"#));
        assert!(out.contains(r#"const P = ["/"];"#));
        assert!(out.contains(r#"new Set(["/","/chunk_1.0123456789abcdef.wasm"])"#));
        assert!(!out.contains("__SOLIDARITES_"));
        let missing = render_service_worker("const B = 1;", "x", "m", &[], &[]);
        assert!(missing.is_err());
    }

    #[test]
    fn the_offline_queue_is_imported_by_its_hashed_name() {
        let dist = std::env::temp_dir().join(format!(
            "xtask-frontend-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let snippet = dist.join("snippets/solidarites-frontend-abc/js/offline.js");
        fs::create_dir_all(snippet.parent().unwrap()).unwrap();
        fs::write(&snippet, "const QUEUE_MODULE = \"/offline-queue.js\";\n").unwrap();
        tag_offline_queue_import(&dist, "/app/", "offline-queue.0123.js").unwrap();
        assert_eq!(
            fs::read_to_string(&snippet).unwrap(),
            "const QUEUE_MODULE = \"/app/offline-queue.0123.js\";\n"
        );
        // Already tagged (or renamed): the build stops rather than ship a broken import.
        assert!(tag_offline_queue_import(&dist, "/", "offline-queue.4567.js").is_err());
        fs::remove_dir_all(dist).unwrap();
    }

    #[test]
    fn css_comments_go_and_strings_stay() {
        let css = "/* Colours. */\n:root {\n  --a: #fff; /* on #000 */\n}\n\n.b::before { content: \"/* not a comment */\"; }\n.c { background: url(images/x.png); }\n";
        assert_eq!(
            strip_css_comments(css),
            ":root {\n--a: #fff;\n}\n.b::before { content: \"/* not a comment */\"; }\n.c { background: url(images/x.png); }\n"
        );
        let unclosed = "a { b: c; } /* d\n";
        assert_eq!(strip_css_comments(unclosed), unclosed);
    }

    #[test]
    fn only_whole_line_comments_leave_our_js() {
        let js = "// About this file.\n\nconst A = \"//not a comment\"; // kept\n/**\n * Doc.\n */\nfunction f() {\n  /* inline */ return 1;\n  /** One line. */\n}\n";
        assert_eq!(
            strip_comment_lines(js),
            "const A = \"//not a comment\"; // kept\nfunction f() {\n  /* inline */ return 1;\n}\n"
        );
        // A block ending before code on its line: left untouched.
        let odd = "/* a\n b */ const B = 2;\n";
        assert_eq!(strip_comment_lines(odd), odd);
        let unclosed = "/* a\nconst B = 2;\n";
        assert_eq!(strip_comment_lines(unclosed), unclosed);
    }

    #[test]
    fn assets_load_the_glue_and_the_wasm_by_hashed_names() {
        let mut names = Names::default();
        for (original, hashed) in [
            ("style.css", "style.01.css"),
            ("console.css", "console.02.css"),
            ("solidarites.js", "solidarites.03.js"),
            ("__wasm_split.js", "__wasm_split.03.js"),
            ("solidarites_bg.wasm", "solidarites_bg.04.wasm"),
            ("snippets/s-1/js/carte.js", "snippets/s-1/js/carte.05.js"),
        ] {
            names.insert(original, hashed);
        }
        let html = assets_html("/", &names).unwrap();
        assert!(html.contains(r#"<link rel="stylesheet" href="/style.01.css""#));
        // Named for the console, not loaded.
        assert!(html.contains(r#" data-console="/console.02.css""#));
        assert_eq!(html.matches("rel=\"stylesheet\"").count(), 1);
        assert!(html.contains(r#"import("/solidarites.03.js")"#));
        assert!(html.contains(r#"init({ module_or_path: "/solidarites_bg.04.wasm" })"#));
        // Every preload is in the inert template, put into the page after the first frame.
        let template = &html[html.find("<template id=\"prechargements\">").unwrap()
            ..html.find("</template>").unwrap()];
        assert_eq!(
            template.matches("<link rel=").count(),
            html.matches("<link rel=\"modulepreload\"").count() + 1
        );
        // Started after the first frame, so that the server's first screen is painted first.
        assert!(html.contains("requestAnimationFrame(() => setTimeout(start, 0));"));
        // What the glue imports is fetched beside it, not after it.
        for url in [
            "/solidarites.03.js",
            "/__wasm_split.03.js",
            "/snippets/s-1/js/carte.05.js",
        ] {
            assert!(
                html.contains(&format!(r#"<link rel="modulepreload" href="{url}">"#)),
                "{url}: {html}"
            );
        }
        assert!(html.contains(
            r#"<link rel="preload" href="/solidarites_bg.04.wasm" as="fetch" type="application/wasm" crossorigin>"#
        ));
    }

    #[test]
    fn areas_are_named_after_their_lazy_functions() {
        assert_eq!(area_name("area_home_0123abcd"), "area_home");
        assert_eq!(
            area_name("area_initiative_form_0123abcd"),
            "area_initiative_form"
        );
    }
}
