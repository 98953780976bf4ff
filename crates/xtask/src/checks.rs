//! Architecture checks run by `cargo xtask test`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::util::{self, step};

/// Crates that must never reach the domain or the browser-shared API types.
const FORBIDDEN_BELOW_SERVER: &[&str] = &[
    "actix-web",
    "actix-http",
    "actix-rt",
    "actix-server",
    "sea-orm",
    "sea-query",
    "sqlx",
    "sqlx-core",
    "tokio",
    "hyper",
    "reqwest",
];

/// Name prefixes of crates the domain's own manifest must not name, in any dependency
/// table (optional ones included, which `cargo tree` does not show unless enabled).
const FORBIDDEN_IN_DOMAIN_MANIFEST: &[&str] = &[
    "actix",
    "sea-orm",
    "sea-query",
    "sqlx",
    "reqwest",
    "tokio",
    "hyper",
];

/// The dependency direction of docs/architecture.md: the domain and the API types know
/// nothing of HTTP servers, databases or async runtimes.
pub fn dependency_direction() -> Result<()> {
    domain_manifest()?;
    for package in ["solidarites-domain", "solidarites-api-types"] {
        step(&format!("checking the dependency tree of {package}"));
        let tree = util::output(util::cargo().args([
            "tree",
            "--quiet",
            "--package",
            package,
            "--edges",
            "normal,build",
            "--prefix",
            "none",
        ]))?;
        let found = forbidden_in(&tree);
        if !found.is_empty() {
            bail!(
                "{package} must not depend on {} (see docs/architecture.md)",
                found.join(", ")
            );
        }
    }
    Ok(())
}

/// crates/domain/Cargo.toml names no HTTP, SQL or async-runtime crate.
fn domain_manifest() -> Result<()> {
    step("checking crates/domain/Cargo.toml");
    let path = util::workspace_root()?.join("crates/domain/Cargo.toml");
    let found = forbidden_in_manifest(&std::fs::read_to_string(&path)?)?;
    if !found.is_empty() {
        bail!(
            "crates/domain/Cargo.toml must not name {} (the domain has no HTTP/SQL: see \
             docs/architecture.md)",
            found.join(", ")
        );
    }
    Ok(())
}

/// The dependencies (normal, build, target-specific; a renamed one by its `package`) of a
/// manifest whose name starts with one of [`FORBIDDEN_IN_DOMAIN_MANIFEST`]. Development
/// dependencies may name them: they never reach the crate's users.
fn forbidden_in_manifest(manifest: &str) -> Result<Vec<String>> {
    let manifest: toml::Table = toml::from_str(manifest)?;
    let targets = manifest
        .get("target")
        .and_then(toml::Value::as_table)
        .into_iter()
        .flat_map(|t| t.values())
        .filter_map(toml::Value::as_table);
    let tables: Vec<&toml::Table> = std::iter::once(&manifest)
        .chain(targets)
        .flat_map(|scope| {
            ["dependencies", "build-dependencies"]
                .into_iter()
                .filter_map(|key| scope.get(key).and_then(toml::Value::as_table))
        })
        .collect();
    let mut found: Vec<String> = tables
        .into_iter()
        .flat_map(|table| table.iter())
        .map(|(name, spec)| {
            spec.get("package")
                .and_then(toml::Value::as_str)
                .unwrap_or(name)
                .to_owned()
        })
        .filter(|name| {
            FORBIDDEN_IN_DOMAIN_MANIFEST
                .iter()
                .any(|prefix| name.starts_with(prefix))
        })
        .collect();
    found.sort();
    found.dedup();
    Ok(found)
}

/// Names from [`FORBIDDEN_BELOW_SERVER`] that appear in a `cargo tree --prefix none` listing.
fn forbidden_in(tree: &str) -> Vec<&'static str> {
    let names: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    FORBIDDEN_BELOW_SERVER
        .iter()
        .copied()
        .filter(|forbidden| names.contains(forbidden))
        .collect()
}

/// The layer boundaries of docs/architecture.md: the sea-orm entity modules (`entities`,
/// `carte_entities`, …) are private to `crates/server/src/storage/`, and no other file of
/// the server (sources and tests) names one (the compiler already refuses a path through
/// the private modules; this also catches a module made public again); HTTP handlers
/// (`crates/server/src/routes/`) open no transaction: services do; storage and services
/// name neither actix nor the `auth` module (its extractor): they take `staff::Staff`.
pub fn layer_boundaries(root: &Path) -> Result<()> {
    step("checking the layer boundaries (entities inside storage, no transaction in handlers)");
    let server = root.join("crates/server");
    let storage = server.join("src/storage");
    let routes = server.join("src/routes");
    let services = server.join("src/services");
    let mut offenders = Vec::new();
    for dir in ["src", "tests", "benches", "examples"].map(|d| server.join(d)) {
        for file in rust_files(&dir)? {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            if file.starts_with(&storage) || file.starts_with(&services) {
                for line in http_edge_uses(&text) {
                    offenders.push(format!(
                        "{}:{line}: the HTTP edge (actix, crate::auth) used below it",
                        file.display()
                    ));
                }
                continue;
            }
            for (line, name) in entity_paths(&text) {
                offenders.push(format!("{}:{line}: {name}", file.display()));
            }
            if file.starts_with(&routes) {
                for line in transactions_opened(&text) {
                    offenders.push(format!(
                        "{}:{line}: a transaction opened in a handler (services own them)",
                        file.display()
                    ));
                }
            }
        }
    }
    if !offenders.is_empty() {
        bail!(
            "layer boundaries crossed (use a storage function and its row type, or a \
             service; see docs/architecture.md):\n  {}",
            offenders.join("\n  ")
        );
    }
    Ok(())
}

/// Every `.rs` file under `dir` (none when it does not exist).
pub fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// (line number, module) of each path segment naming an entity module (`entities` or
/// `…_entities` next to `::`) in Rust source, comments aside.
fn entity_paths(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let words = code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'));
        for word in words {
            let segments: Vec<&str> = word.split("::").collect();
            if segments.len() < 2 {
                continue;
            }
            if let Some(module) = segments
                .iter()
                .find(|s| **s == "entities" || s.ends_with("_entities"))
            {
                found.push((number + 1, (*module).to_owned()));
            }
        }
    }
    found
}

/// Line numbers where Rust source names the HTTP edge (actix or the `auth` module with its
/// extractor), comments aside: storage and services take the plain `staff::Staff`.
fn http_edge_uses(source: &str) -> Vec<usize> {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.split("//").next().unwrap_or("");
            code.contains("actix") || code.contains("crate::auth") || code.contains("StaffUser")
        })
        .map(|(number, _)| number + 1)
        .collect()
}

/// Line numbers where Rust source opens a database transaction, comments aside.
fn transactions_opened(source: &str) -> Vec<usize> {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.split("//").next().unwrap_or("");
            code.contains(".begin()") || code.contains("TransactionTrait")
        })
        .map(|(number, _)| number + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{
        entity_paths, forbidden_in, forbidden_in_manifest, http_edge_uses, transactions_opened,
    };

    #[test]
    fn spots_the_http_edge_named_below_it() {
        let source = "use crate::auth::StaffUser;\n\
                      //! not [`crate::auth::StaffUser`]\n\
                      use actix_web::HttpRequest;\n\
                      use crate::staff::Staff;\n";
        assert_eq!(http_edge_uses(source), vec![1, 3]);
    }

    #[test]
    fn this_workspace_keeps_its_layer_boundaries() {
        let root = crate::util::workspace_root().unwrap();
        super::layer_boundaries(&root).unwrap();
    }

    #[test]
    fn spots_a_transaction_opened_in_source() {
        let source = "use sea_orm::TransactionTrait;\n\
                      // state.db.begin() in a comment is fine\n\
                      let txn = state.db.begin().await?;\n";
        assert_eq!(transactions_opened(source), vec![1, 3]);
        assert!(transactions_opened("services::moderation::decide(&db).await?;\n").is_empty());
    }

    #[test]
    fn spots_an_entity_module_named_in_source() {
        let source = "use crate::storage::{self, carte_entities::actor};\n\
                      // storage::entities::user in a comment is fine\n\
                      fn f(u: &storage::entities::user::Model) {}\n\
                      use storage::{questionnaire_entities::{campaign}};\n";
        assert_eq!(
            entity_paths(source),
            vec![
                (1, "carte_entities".to_owned()),
                (3, "entities".to_owned()),
                (4, "questionnaire_entities".to_owned()),
            ]
        );
        let clean = "use crate::storage::{self, Campaign};\nlet entities = 3;\n\
                     fn f(c: &storage::Campaign) {}\n";
        assert!(entity_paths(clean).is_empty());
    }

    #[test]
    fn the_domain_manifest_as_it_is_passes() {
        let manifest = include_str!("../../domain/Cargo.toml");
        assert_eq!(forbidden_in_manifest(manifest).ok(), Some(Vec::new()));
    }

    #[test]
    fn spots_a_forbidden_crate_in_any_dependency_table_of_the_domain_manifest() {
        let base = include_str!("../../domain/Cargo.toml");
        for (addition, expected) in [
            ("\n[dependencies.tokio]\nversion = \"1\"\n", "tokio"),
            (
                "\n[target.'cfg(unix)'.dependencies]\nsqlx = { version = \"0.8\", optional = true }\n",
                "sqlx",
            ),
            ("\n[build-dependencies]\nactix-web = \"4\"\n", "actix-web"),
            (
                "\n[target.wasm32-unknown-unknown.dependencies]\ndb = { package = \"sea-orm\", version = \"2\" }\n",
                "sea-orm",
            ),
        ] {
            let manifest = format!("{base}{addition}");
            assert_eq!(
                forbidden_in_manifest(&manifest).ok(),
                Some(vec![expected.to_owned()]),
                "{addition}"
            );
        }
        // Tests may use them.
        let with_dev = base.replace(
            "[dev-dependencies]",
            "[dev-dependencies]\nreqwest = \"0.12\"",
        );
        assert_eq!(forbidden_in_manifest(&with_dev).ok(), Some(Vec::new()));
    }

    #[test]
    fn spots_a_forbidden_crate_in_a_tree_listing() {
        let tree = "solidarites-domain v0.1.0 (/w)\ngeo v0.33.1\ntokio v1.54.0\nserde v1.0.0\n";
        assert_eq!(forbidden_in(tree), vec!["tokio"]);
        assert!(forbidden_in("geo v0.33.1\ntokio-util v0.7.0\n").is_empty());
    }
}
