//! Memory of the raw-answers exports: runs the release `solidarites serve` on a database
//! filled by `results_load keep=PATH` (a million answers), downloads the CSV then the
//! XLSX export of its campaign as an administrator (bodies counted and thrown away), and
//! reads the server's resident memory from `/proc/<pid>/status` every 20 ms (`VmRSS`)
//! and at the end (`VmHWM`, the peak). Linux only.
//!
//! ```sh
//! cargo build --release -p solidarites-server --bin solidarites --example export_memory
//! target/release/examples/export_memory /tmp/results.db
//! ```
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used)]

use std::{
    process::{Command, Stdio},
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use solidarites_server::{
    auth::{self, Role},
    storage::{self, users::NewUser},
};

/// `VmRSS` or `VmHWM` of a process, in KiB.
fn status_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

#[tokio::main]
async fn main() {
    let db_path = std::env::args()
        .nth(1)
        .expect("usage: export_memory /path/to/results.db");
    let url = format!("sqlite://{db_path}");
    let db = storage::connect(&url).await.unwrap();
    let campaign = storage::questionnaires::list_campaigns(&db).await.unwrap()[0].clone();
    let answers = storage::answers::last_seq(&db, &campaign.id).await.unwrap();
    let email = format!("admin-{}@bench.example.org", uuid::Uuid::new_v4().simple());
    let password = "banc-d-essai-1234".to_owned();
    storage::users::create(
        &db,
        NewUser {
            email: email.clone(),
            display_name: "Admin".to_owned(),
            role: Role::Admin,
            password_hash: auth::hash_password(password.clone()).await.unwrap(),
        },
        None,
        "bench.user.create",
    )
    .await
    .unwrap();
    db.close().await.unwrap();

    let exe = std::env::current_exe().unwrap();
    let binary = exe.parent().unwrap().parent().unwrap().join("solidarites");
    let port = 18_000 + (std::process::id() % 1000);
    let mut server = Command::new(&binary)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start solidarites serve");
    let pid = server.id();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while client.get(format!("{base}/health")).send().await.is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let login = client
        .post(format!("{base}/auth/login"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert!(login.status().is_success());
    println!(
        "server pid {pid}, {answers} answers; after start: VmRSS {:.1} MiB, VmHWM {:.1} MiB",
        mib(status_kib(pid, "VmRSS:")),
        mib(status_kib(pid, "VmHWM:"))
    );

    for format in ["csv", "xlsx"] {
        let peak = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let sampler = {
            let (peak, done) = (peak.clone(), done.clone());
            tokio::spawn(async move {
                while !done.load(Ordering::Relaxed) {
                    peak.fetch_max(status_kib(pid, "VmRSS:"), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        };
        let started = Instant::now();
        let mut res = client
            .get(format!(
                "{base}/admin/campaigns/{}/exports/answers.{format}",
                campaign.id
            ))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{format}: {}", res.status());
        let mut bytes: u64 = 0;
        while let Some(chunk) = res.chunk().await.unwrap() {
            bytes += chunk.len() as u64;
        }
        done.store(true, Ordering::Relaxed);
        sampler.await.unwrap();
        println!(
            "answers.{format}: {:.1} MiB in {:.1} s; server VmRSS peak while exporting {:.1} MiB, VmHWM {:.1} MiB",
            bytes as f64 / 1_048_576.0,
            started.elapsed().as_secs_f64(),
            mib(peak.load(Ordering::Relaxed)),
            mib(status_kib(pid, "VmHWM:"))
        );
    }
    server.kill().unwrap();
    server.wait().unwrap();
}
