//! `solidarites users …`: staff accounts from the command line.

use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

use serde_json::Value;
use solidarites_server::storage::{self, audit::AuditFilter};

use crate::helpers::{for_each_backend, spawn_app};

/// Runs the real binary with `stdin` piped in.
pub fn solidarites_with_stdin(db_url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_solidarites"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run solidarites");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().expect("wait for solidarites")
}

/// `solidarites users create` of `email` with `role`, the password typed on stdin.
fn create_account(db_url: &str, email: &str, role: &str, password: &str) -> Output {
    let args = ["users", "create", "--email", email, "--role", role];
    solidarites_with_stdin(db_url, &args, &format!("{password}\n"))
}

#[tokio::test]
async fn users_create_reads_the_password_from_stdin_and_the_account_signs_in() {
    for_each_backend(|db| async move {
        let out = solidarites_with_stdin(
            &db.url,
            &[
                "users",
                "create",
                "--email",
                "Chef@Landes.fr",
                "--role",
                "admin",
                "--name",
                "Chef",
            ],
            "mot de passe du chef\nignored second line\n",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("chef@landes.fr"), "{stdout}");

        let (entries, _) = storage::audit::page(&db.conn, &AuditFilter::default(), 1, 10)
            .await
            .unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].action, "cli.user.create");
        assert_eq!(entries[0].actor_user_id, None);

        let app = spawn_app(db).await;
        let chef = app.login("chef@landes.fr", "mot de passe du chef").await;
        let me: Value = chef.get_json("/api/v1/auth/me").await;
        assert_eq!(me["user"]["role"], "admin");
        assert_eq!(me["user"]["display_name"], "Chef");
    })
    .await;
}

#[tokio::test]
async fn users_create_refuses_a_short_password_and_a_duplicate_email() {
    for_each_backend(|db| async move {
        let short = create_account(&db.url, "a@landes.fr", "analyst", "court");
        assert!(!short.status.success());
        let stderr = String::from_utf8_lossy(&short.stderr);
        assert!(stderr.contains("12"), "{stderr}");
        assert!(storage::users::list(&db.conn).await.unwrap().is_empty());

        let create =
            || create_account(&db.url, "a@landes.fr", "analyst", "assez long mot de passe");
        assert!(create().status.success());
        let again = create();
        assert!(!again.status.success());
        let stderr = String::from_utf8_lossy(&again.stderr);
        assert!(stderr.contains("already exists"), "{stderr}");
        assert_eq!(storage::users::list(&db.conn).await.unwrap().len(), 1);

        let bad_role = create_account(&db.url, "b@landes.fr", "boss", "assez long mot de passe");
        assert!(!bad_role.status.success());
    })
    .await;
}

#[tokio::test]
async fn users_list_set_role_and_disable_change_accounts_and_are_audited() {
    for_each_backend(|db| async move {
        let create = create_account(&db.url, "x@landes.fr", "analyst", "assez long mot de passe");
        assert!(create.status.success());

        let set_role = solidarites_with_stdin(
            &db.url,
            &[
                "users",
                "set-role",
                "--email",
                "X@landes.fr",
                "--role",
                "moderator",
            ],
            "",
        );
        assert!(
            set_role.status.success(),
            "{}",
            String::from_utf8_lossy(&set_role.stderr)
        );
        let disable =
            solidarites_with_stdin(&db.url, &["users", "disable", "--email", "x@landes.fr"], "");
        assert!(disable.status.success());

        let list = solidarites_with_stdin(&db.url, &["users", "list"], "");
        assert!(list.status.success());
        let stdout = String::from_utf8_lossy(&list.stdout);
        let line = stdout
            .lines()
            .find(|l| l.starts_with("x@landes.fr"))
            .expect("listed");
        assert!(line.contains("moderator\ttrue"), "{line}");

        let unknown = solidarites_with_stdin(
            &db.url,
            &["users", "disable", "--email", "no@landes.fr"],
            "",
        );
        assert!(!unknown.status.success());

        let (entries, total) = storage::audit::page(&db.conn, &AuditFilter::default(), 1, 10)
            .await
            .unwrap();
        assert_eq!(total, 3);
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["cli.user.disable", "cli.user.set_role", "cli.user.create"]
        );
        assert_eq!(entries[1].before.as_ref().unwrap()["role"], "analyst");
        assert_eq!(entries[1].after.as_ref().unwrap()["role"], "moderator");
    })
    .await;
}
