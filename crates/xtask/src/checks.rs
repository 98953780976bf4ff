//! Architecture checks run by `cargo xtask test`.

use anyhow::{bail, Result};

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

#[cfg(test)]
mod tests {
    use super::{forbidden_in, forbidden_in_manifest};

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
