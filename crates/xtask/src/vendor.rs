//! Browser libraries from npm (Leaflet and its clustering plug-in), copied into
//! `frontend/dist/vendor/<package>-<version>/` so that our own binary serves them: no CDN.
//!
//! The folder name carries the package version, so a URL never changes content and the
//! server lets browsers cache `/vendor/` for a year. The app loads them only on the pages
//! that show a map: `index.html` gets a JSON block (`<script type="application/json"
//! id="carte-assets">`) listing their URLs in load order, which `frontend/js/carte.js`
//! reads.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::util::{self, step};

/// One npm package whose browser files are copied.
struct Package {
    name: &'static str,
    /// Folder of the package holding the files below.
    from: &'static str,
    /// Files copied, in the order the browser must load them.
    css: &'static [&'static str],
    js: &'static [&'static str],
    /// Files copied but not loaded by default (kept for the whole of "its CSS").
    extra: &'static [&'static str],
    /// Folders copied as they are (Leaflet's images are referenced by its CSS).
    dirs: &'static [&'static str],
}

const PACKAGES: &[Package] = &[
    Package {
        name: "leaflet",
        from: "dist",
        css: &["leaflet.css"],
        js: &["leaflet.js"],
        extra: &[],
        dirs: &["images"],
    },
    Package {
        name: "leaflet.markercluster",
        from: "dist",
        css: &["MarkerCluster.css"],
        js: &["leaflet.markercluster.js"],
        // The default cluster colours; the app draws its own cluster icons.
        extra: &["MarkerCluster.Default.css"],
        dirs: &[],
    },
];

/// What was copied: URLs in load order, and every file loaded by a map page.
#[derive(Debug, Default)]
pub struct Vendored {
    pub css: Vec<String>,
    pub js: Vec<String>,
    /// Paths relative to `dist/` of the files listed in `css` and `js` (for the report).
    pub loaded: Vec<PathBuf>,
}

/// Runs `npm install` when a package is missing from `node_modules/`; fails if that does
/// not bring it (the map pages cannot work without it).
pub fn ensure_installed(root: &Path) -> Result<()> {
    let missing = |root: &Path| {
        PACKAGES
            .iter()
            .any(|p| !package_dir(root, p).join("package.json").is_file())
    };
    if !missing(root) {
        return Ok(());
    }
    step("Installing npm dev dependencies (Leaflet, its clustering plug-in)");
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    util::run(
        Command::new(npm)
            .current_dir(root)
            .args(["install", "--no-audit", "--no-fund"]),
    )
    .context("the map pages need Leaflet from npm: install Node.js and npm")?;
    if missing(root) {
        bail!(
            "npm install did not bring {}: are they devDependencies in package.json?",
            PACKAGES
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}

fn package_dir(root: &Path, package: &Package) -> PathBuf {
    root.join("node_modules").join(package.name)
}

/// Copies the packages into `dist/vendor/` and returns their URLs under `public_url`.
pub fn copy_into(root: &Path, dist: &Path, public_url: &str) -> Result<Vendored> {
    let mut out = Vendored::default();
    for package in PACKAGES {
        let source = package_dir(root, package);
        let version = read_version(&source.join("package.json"))?;
        let folder = PathBuf::from("vendor").join(format!("{}-{version}", package.name));
        let from = source.join(package.from);
        let to = dist.join(&folder);
        fs::create_dir_all(&to).with_context(|| format!("cannot create {}", to.display()))?;
        for file in package.css.iter().chain(package.js).chain(package.extra) {
            let (src, dst) = (from.join(file), to.join(file));
            fs::copy(&src, &dst)
                .with_context(|| format!("cannot copy {} to {}", src.display(), dst.display()))?;
        }
        // The stylesheets the map pages load, without their comments (part of the map
        // page's first-load budget).
        for file in package.css {
            let path = to.join(file);
            let css = fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            fs::write(&path, crate::frontend::strip_css_comments(&css))
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        for dir in package.dirs {
            util::copy_dir(&from.join(dir), &to.join(dir), &[])?;
        }
        let url = |file: &str| format!("{public_url}vendor/{}-{version}/{file}", package.name);
        out.css.extend(package.css.iter().map(|f| url(f)));
        out.js.extend(package.js.iter().map(|f| url(f)));
        out.loaded
            .extend(package.css.iter().chain(package.js).map(|f| folder.join(f)));
    }
    Ok(out)
}

/// The `version` of a `package.json`, checked to be safe in a URL path.
fn read_version(package_json: &Path) -> Result<String> {
    let text = fs::read_to_string(package_json)
        .with_context(|| format!("cannot read {}", package_json.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON", package_json.display()))?;
    let version = value["version"].as_str().unwrap_or_default();
    if version.is_empty()
        || !version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
    {
        bail!("{}: unexpected version {version:?}", package_json.display());
    }
    Ok(version.to_owned())
}

/// The `<head>` block listing the URLs for `frontend/js/carte.js` (data only: browsers do
/// not run a `type="application/json"` script).
pub fn assets_block(vendored: &Vendored) -> String {
    let json = serde_json::json!({ "css": vendored.css, "js": vendored.js });
    // `<` never appears in our URLs, but a `</script>` inside would end the block.
    let json = json.to_string().replace('<', "\\u003c");
    format!(r#"<script type="application/json" id="carte-assets">{json}</script>"#)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_assets_block_lists_urls_in_load_order() {
        let vendored = Vendored {
            css: vec!["/vendor/leaflet-1.9.4/leaflet.css".to_owned()],
            js: vec![
                "/vendor/leaflet-1.9.4/leaflet.js".to_owned(),
                "/vendor/x</script>.js".to_owned(),
            ],
            loaded: Vec::new(),
        };
        let block = assets_block(&vendored);
        assert!(block.starts_with(r#"<script type="application/json" id="carte-assets">{"#));
        assert!(block.contains(r#""css":["/vendor/leaflet-1.9.4/leaflet.css"]"#));
        assert!(block.contains(r#""js":["/vendor/leaflet-1.9.4/leaflet.js","#));
        assert_eq!(block.matches("</script>").count(), 1, "{block}");
    }

    #[test]
    fn versions_must_be_plain() {
        let dir = tempdir();
        let path = dir.join("package.json");
        fs::write(&path, r#"{"name":"leaflet","version":"1.9.4"}"#).unwrap();
        assert_eq!(read_version(&path).unwrap(), "1.9.4");
        fs::write(&path, r#"{"version":"../../etc"}"#).unwrap();
        assert!(read_version(&path).is_err());
        fs::write(&path, r#"{"name":"x"}"#).unwrap();
        assert!(read_version(&path).is_err());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn copies_the_installed_packages_into_versioned_folders() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        if PACKAGES
            .iter()
            .any(|p| !package_dir(&root, p).join("package.json").is_file())
        {
            // `cargo xtask frontend` installs them; plain `cargo test` may run before it.
            return;
        }
        let dist = tempdir();
        let vendored = copy_into(&root, &dist, "/app/").unwrap();
        assert_eq!(vendored.css.len(), 2);
        assert_eq!(vendored.js.len(), 2);
        assert!(vendored.js[0].starts_with("/app/vendor/leaflet-"));
        assert!(vendored.js[1].starts_with("/app/vendor/leaflet.markercluster-"));
        for file in &vendored.loaded {
            assert!(dist.join(file).is_file(), "{}", file.display());
        }
        let leaflet = dist.join(vendored.loaded[0].parent().unwrap());
        assert!(leaflet.join("images").join("marker-icon.png").is_file());
        fs::remove_dir_all(dist).unwrap();
    }

    fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "xtask-vendor-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }
}
