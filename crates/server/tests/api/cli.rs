//! The `solidarites` binary itself, as an analyst runs it.

use std::{io::Write, path::Path, process::Command};

use geo::InteriorPoint;
use rand::{Rng, SeedableRng};
use solidarites_domain::{
    demo::{demo_communes, demo_communes_geojson},
    index::brute_force_locate,
    parse_communes_geojson, Commune,
};

use crate::helpers::{backends, landes_geojson_path, Backend, TestDb};

/// Runs the real binary on `db_url` and waits for it.
pub(crate) fn solidarites(db_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_solidarites"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run solidarites")
}

/// A fresh database on `backend` with the demo territory imported through the binary, and
/// the temporary folder of its GeoJSON file (`demo.geojson`).
pub(crate) async fn demo_db(backend: &Backend) -> (TestDb, tempfile::TempDir) {
    let db = TestDb::create(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let geo = dir.path().join("demo.geojson");
    std::fs::write(&geo, demo_communes_geojson()).unwrap();
    import_file(&db.url, &geo);
    (db, dir)
}

fn import_file(db_url: &str, path: &Path) {
    let out = solidarites(db_url, &["communes", "import", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn import_of_a_broken_file_exits_non_zero_and_names_the_feature() {
    for backend in backends() {
        let (db, dir) = demo_db(&backend).await;

        let mut json: serde_json::Value = serde_json::from_str(&demo_communes_geojson()).unwrap();
        json["features"][7]["properties"]["code"] = serde_json::json!("ABCDE");
        let broken = dir.path().join("broken.geojson");
        std::fs::write(&broken, json.to_string()).unwrap();
        let out = solidarites(&db.url, &["communes", "import", broken.to_str().unwrap()]);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("feature 7"), "{stderr}");

        let stored = solidarites_server::storage::communes::load_all(&db.conn)
            .await
            .unwrap();
        assert_eq!(stored.len(), demo_communes().len());
    }
}

#[tokio::test]
async fn assign_appends_the_commune_code_to_each_line() {
    let (db, dir) = demo_db(&backends()[0]).await;

    let communes = demo_communes();
    let inside: Vec<(f64, f64, &Commune)> = communes
        .iter()
        .take(5)
        .map(|c| {
            let p = c.geometry.interior_point().unwrap();
            (p.x(), p.y(), c)
        })
        .collect();

    // Comma-separated with a header and an extra column that must be kept.
    let mut csv = String::from("lon,lat,label\n");
    for (i, (lon, lat, _)) in inside.iter().enumerate() {
        csv.push_str(&format!("{lon},{lat},p{i}\n"));
    }
    csv.push_str("2.35,48.85,paris\n");
    let points = dir.path().join("points.csv");
    std::fs::write(&points, &csv).unwrap();
    let out = solidarites(&db.url, &["communes", "assign", points.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "lon,lat,label,code_commune");
    for (i, (_, _, commune)) in inside.iter().enumerate() {
        assert!(
            lines[i + 1].ends_with(&format!(",p{i},{}", commune.code)),
            "{}",
            lines[i + 1]
        );
    }
    assert!(lines[6].ends_with(",paris,"), "{}", lines[6]);
    assert_eq!(lines.len(), 7);

    // French Excel style: `;` and decimal comma, no header.
    let (lon, lat, commune) = inside[0];
    let french = format!(
        "{};{}\n",
        lon.to_string().replace('.', ","),
        lat.to_string().replace('.', ",")
    );
    let points_fr = dir.path().join("points-fr.csv");
    std::fs::write(&points_fr, french).unwrap();
    let out = solidarites(
        &db.url,
        &["communes", "assign", points_fr.to_str().unwrap()],
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.trim_end().ends_with(&format!(";{}", commune.code)),
        "{stdout}"
    );

    // A line that is not a point is refused, naming it.
    std::fs::write(&points, "lon,lat\n-4.5,45.8\nnot,a point\n").unwrap();
    let out = solidarites(&db.url, &["communes", "assign", points.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 3"), "{stderr}");
}

/// The acceptance check: `assign --counts` over 1,000,000 random points of the Landes
/// bounding box equals a brute-force scan of every commune for every point.
#[tokio::test]
async fn assign_counts_one_million_points_exactly_like_brute_force() {
    let db = TestDb::create(&backends()[0]).await;
    let dir = tempfile::tempdir().unwrap();
    let (communes, source) = match landes_geojson_path() {
        Some(path) => {
            let text = std::fs::read_to_string(&path).unwrap();
            (parse_communes_geojson(&text).unwrap(), path)
        }
        None => {
            eprintln!("shared/data absent: running on the demo territory instead of the Landes");
            let path = dir.path().join("demo.geojson");
            std::fs::write(&path, demo_communes_geojson()).unwrap();
            (demo_communes(), path)
        }
    };
    import_file(&db.url, &source);
    let mut communes = communes;
    communes.sort_by(|a, b| a.code.cmp(&b.code));

    let index = solidarites_domain::CommuneIndex::new(communes.clone());
    let bbox = index.bbox().unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(40);
    let n = 1_000_000;
    let points: Vec<(f64, f64)> = (0..n)
        .map(|_| {
            (
                rng.gen_range(bbox.min().x..bbox.max().x),
                rng.gen_range(bbox.min().y..bbox.max().y),
            )
        })
        .collect();
    let path = dir.path().join("points.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for (lon, lat) in &points {
            writeln!(f, "{lon},{lat}").unwrap();
        }
    }

    // Brute force on both cores.
    let mut expected = vec![0u64; communes.len()];
    let mut expected_none = 0u64;
    let halves: Vec<(Vec<u64>, u64)> = std::thread::scope(|s| {
        points
            .chunks(n / 2)
            .map(|chunk| {
                let communes = &communes;
                s.spawn(move || {
                    let mut counts = vec![0u64; communes.len()];
                    let mut none = 0u64;
                    for &(lon, lat) in chunk {
                        match brute_force_locate(communes, lon, lat) {
                            Some(i) => counts[i as usize] += 1,
                            None => none += 1,
                        }
                    }
                    (counts, none)
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect()
    });
    for (counts, none) in halves {
        for (e, c) in expected.iter_mut().zip(counts) {
            *e += c;
        }
        expected_none += none;
    }

    let out = solidarites(
        &db.url,
        &["communes", "assign", "--counts", path.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("code,count"));
    let mut total = 0u64;
    for (commune, want) in communes.iter().zip(&expected) {
        let line = lines.next().unwrap();
        assert_eq!(line, format!("{},{want}", commune.code));
        total += want;
    }
    assert_eq!(lines.next(), Some(format!("none,{expected_none}").as_str()));
    assert_eq!(lines.next(), None);
    assert_eq!(total + expected_none, n as u64);
    assert!(
        total > 0 && expected_none > 0,
        "both inside and outside points are exercised"
    );
}
