//! `solidarites communes import|assign`: the territory's communes from a GeoJSON file, and
//! points assigned to communes.

use std::{
    fs::File,
    io::{self, Read, Write},
    path::{Path, PathBuf},
    sync::Arc,
};

use anyhow::{bail, Context};
use clap::Subcommand;
use solidarites_domain::{
    apply_population, parse_communes_geojson, parse_population_csv,
    points_csv::{self, StreamedCounts},
    CommuneIndex,
};

use crate::storage;

#[derive(Debug, Subcommand)]
pub(super) enum CommunesCommand {
    /// Replace the territory's communes by those of a GeoJSON FeatureCollection
    /// (geo.api.gouv.fr, IGN ADMIN EXPRESS, OpenStreetMap or france-geojson properties).
    Import {
        /// GeoJSON file, WGS 84.
        file: PathBuf,
        /// `code;population` CSV (header optional, `;` or `,`) joined by INSEE code.
        #[arg(long)]
        population: Option<PathBuf>,
    },
    /// Assign `lon,lat` points (CSV, header optional, `-` for stdin) to communes. Writes each
    /// input line followed by the INSEE code of its commune (empty when outside).
    Assign {
        file: PathBuf,
        /// Write `code,count` per commune and a `none` row instead.
        #[arg(long)]
        counts: bool,
    },
}

pub(super) async fn run(database_url: &str, command: CommunesCommand) -> anyhow::Result<()> {
    match command {
        CommunesCommand::Import { file, population } => {
            import_communes(database_url, &file, population.as_deref()).await
        }
        CommunesCommand::Assign { file, counts } => assign(database_url, &file, counts).await,
    }
}

/// Writes each `lon,lat` line of `file` followed by the INSEE code of its commune.
async fn assign(database_url: &str, file: &Path, counts: bool) -> anyhow::Result<()> {
    // The file is read on other threads while the communes are loaded and indexed (each
    // takes about a tenth of the command's time). `--counts` on a regular file: read in
    // blocks, parsed meanwhile and counted as soon as the index is there, with no copy of
    // the whole file. Anything else (stdin, a pipe, the records written back): the whole
    // file read into memory.
    let streamed = counts
        .then(|| regular_file(file))
        .flatten()
        .map(StreamedCounts::start);
    let reading = match streamed {
        Some(_) => None,
        None => {
            let file = file.to_owned();
            Some(std::thread::spawn(move || read_input(&file)))
        }
    };
    let db = storage::connect(database_url).await?;
    storage::migrate(&db).await?;
    let communes = storage::communes::load_all(&db).await?;
    db.close().await?;
    if communes.is_empty() {
        bail!("no communes in the database: run `solidarites communes import` first");
    }
    let index = Arc::new(CommuneIndex::new(communes));
    let mut out = io::BufWriter::new(io::stdout().lock());
    let counted = streamed.and_then(|streamed| streamed.finish(Arc::clone(&index)));
    if let Some((per_commune, outside)) = counted {
        points_csv::write_counts(&index, &per_commune, outside, &mut out)?;
    } else {
        // Also when the blocks were not for the fast path: the file is read again whole,
        // and the csv reader names its bad lines.
        let input = match reading {
            Some(reading) => reading
                .join()
                .map_err(|_| anyhow::anyhow!("reading {} failed", file.display()))??,
            None => read_input(file)?,
        };
        points_csv::assign_points(&index, &input, counts, &mut out)?;
    }
    out.flush()?;
    Ok(())
}

/// `file` opened, when it is a regular file (which can be read a second time).
fn regular_file(file: &Path) -> Option<File> {
    if file.as_os_str() == "-" {
        return None;
    }
    let opened = File::open(file).ok()?;
    opened
        .metadata()
        .is_ok_and(|m| m.is_file())
        .then_some(opened)
}

/// Parses everything first, then replaces the communes in one transaction: a bad file
/// changes nothing.
pub async fn import_communes(
    database_url: &str,
    file: &Path,
    population: Option<&Path>,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut communes = parse_communes_geojson(&text)
        .map_err(|e| anyhow::anyhow!("{} is not a valid commune file:\n{e}", file.display()))?;
    if let Some(path) = population {
        let csv = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let table = parse_population_csv(&csv).map_err(|e| {
            anyhow::anyhow!("{} is not a valid population file:\n{e}", path.display())
        })?;
        let unmatched = apply_population(&mut communes, &table);
        if !unmatched.is_empty() {
            tracing::warn!(
                count = unmatched.len(),
                first = %unmatched[0],
                "population rows with no matching commune were ignored"
            );
        }
    }
    let db = storage::connect(database_url).await?;
    storage::migrate(&db).await?;
    let source = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let revision = storage::communes::replace_all(&db, &communes, &source).await?;
    db.close().await?;
    let _ = writeln!(
        io::stdout().lock(),
        "imported {} communes from {} (territory revision {revision})",
        communes.len(),
        file.display()
    );
    Ok(())
}

fn read_input(file: &Path) -> anyhow::Result<Vec<u8>> {
    let mut input = Vec::new();
    if file.as_os_str() == "-" {
        io::stdin().lock().read_to_end(&mut input)?;
    } else {
        input = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    }
    Ok(input)
}
