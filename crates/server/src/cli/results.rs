//! `solidarites zones import` and `solidarites indicators import`: what the results are
//! read against (see [`crate::results_import`]).

use std::{
    io::{self, Write},
    path::PathBuf,
};

use clap::Subcommand;

use crate::results_import::{self, IndicatorDescription};

#[derive(Debug, Subcommand)]
pub(super) enum ZonesCommand {
    /// Replace the zones of one level. FILE is either a GeoJSON FeatureCollection of
    /// (Multi)Polygons in WGS 84 (each commune goes to the zone containing its interior
    /// point) or a `code_commune;code_zone;nom_zone` CSV. A bad file changes nothing.
    Import {
        /// canton, arrondissement or epci.
        #[arg(long)]
        level: String,
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum IndicatorsCommand {
    /// Import a CSV with one line per commune (INSEE code first) and one column per
    /// indicator. Describe the indicators with `--metadata` (indicateur;libelle;unite;
    /// source;annee) or, for a one-indicator file, with `--label` and the other flags.
    /// Indicators of the file replace those with the same code; a bad file changes nothing.
    Import {
        file: PathBuf,
        /// Metadata CSV: indicateur;libelle;unite;source;annee.
        #[arg(long, conflicts_with_all = ["label", "unit", "source", "year"])]
        metadata: Option<PathBuf>,
        /// Label of the file's only indicator (instead of --metadata).
        #[arg(long)]
        label: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        source: Option<String>,
        #[arg(long)]
        year: Option<i32>,
    },
}

pub(super) async fn run_zones(database_url: &str, command: ZonesCommand) -> anyhow::Result<()> {
    let ZonesCommand::Import { level, file } = command;
    let summary = results_import::import_zones(database_url, &level, &file).await?;
    let _ = writeln!(io::stdout().lock(), "{summary}");
    Ok(())
}

pub(super) async fn run_indicators(
    database_url: &str,
    command: IndicatorsCommand,
) -> anyhow::Result<()> {
    let IndicatorsCommand::Import {
        file,
        metadata,
        label,
        unit,
        source,
        year,
    } = command;
    let description = match metadata {
        Some(path) => IndicatorDescription::File(path),
        None => IndicatorDescription::Flags {
            label,
            unit,
            source,
            year,
        },
    };
    let summary = results_import::import_indicators(database_url, &file, description).await?;
    let _ = writeln!(io::stdout().lock(), "{summary}");
    Ok(())
}
