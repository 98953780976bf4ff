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

/// The dependency direction of docs/architecture.md: the domain and the API types know
/// nothing of HTTP servers, databases or async runtimes.
pub fn dependency_direction() -> Result<()> {
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
    use super::forbidden_in;

    #[test]
    fn spots_a_forbidden_crate_in_a_tree_listing() {
        let tree = "solidarites-domain v0.1.0 (/w)\ngeo v0.33.1\ntokio v1.54.0\nserde v1.0.0\n";
        assert_eq!(forbidden_in(tree), vec!["tokio"]);
        assert!(forbidden_in("geo v0.33.1\ntokio-util v0.7.0\n").is_empty());
    }
}
