//! `solidarites users create|list|set-role|disable`: staff accounts from the command line
//! (audited as `cli.user.*`).

use std::io::{self, BufRead, IsTerminal, Write};

use anyhow::{anyhow, bail};
use clap::Subcommand;
use sea_orm::DatabaseConnection;

use crate::{
    auth::{self, NewAccount},
    ids::UserId,
    storage::{
        self,
        users::{CreateUserError, NewUser, StoredUser, UpdateUserError, UserChanges},
    },
};

#[derive(Debug, Subcommand)]
pub(super) enum UsersCommand {
    /// Create a staff account. The password is read from the first line of standard input
    /// when it is not a terminal, else asked twice without echo; never from the arguments.
    Create {
        #[arg(long)]
        email: String,
        /// committee, analyst, moderator or admin.
        #[arg(long)]
        role: String,
        /// Name shown in the back office (default: the part of the email before `@`).
        #[arg(long)]
        name: Option<String>,
    },
    /// List staff accounts.
    List,
    /// Change the role of an account.
    SetRole {
        #[arg(long)]
        email: String,
        /// committee, analyst, moderator or admin.
        #[arg(long)]
        role: String,
    },
    /// Disable an account and end its sessions.
    Disable {
        #[arg(long)]
        email: String,
    },
}

pub(super) async fn run(database_url: &str, command: UsersCommand) -> anyhow::Result<()> {
    let db = storage::connect(database_url).await?;
    storage::migrate(&db).await?;
    let result = users_command(&db, command).await;
    db.close().await?;
    result
}

async fn users_command(db: &DatabaseConnection, command: UsersCommand) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match command {
        UsersCommand::Create { email, role, name } => {
            let name = name.unwrap_or_else(|| {
                email
                    .trim()
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            });
            // Check what we can before asking for the password.
            let email = auth::parse_email(&email).map_err(|m| anyhow!("--email: {m}"))?;
            let role = auth::parse_role(&role).map_err(|m| anyhow!("--role: {m}"))?;
            if storage::users::find_by_email(db, &email).await?.is_some() {
                bail!("an account with the email {email} already exists");
            }
            let password = read_new_password()?;
            let account =
                NewAccount::parse(&email, &name, role.as_str(), &password).map_err(|fields| {
                    let details: Vec<String> =
                        fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                    anyhow!("invalid account: {}", details.join(" "))
                })?;
            let new = NewUser {
                email: account.email,
                display_name: account.display_name,
                role: account.role,
                password_hash: auth::hash_password(account.password).await?,
            };
            let user = match storage::users::create(db, new, None, "cli.user.create").await {
                Ok(user) => user,
                Err(CreateUserError::EmailTaken) => {
                    bail!("an account with the email {email} already exists")
                }
                Err(CreateUserError::Db(err)) => return Err(err.into()),
            };
            writeln!(out, "created {} ({}) id {}", user.email, user.role, user.id)?;
        }
        UsersCommand::List => {
            writeln!(out, "email\trole\tdisabled\tname\tid")?;
            for user in storage::users::list(db).await? {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    user.email, user.role, user.disabled, user.display_name, user.id
                )?;
            }
        }
        UsersCommand::SetRole { email, role } => {
            let role = auth::parse_role(&role).map_err(|m| anyhow!("--role: {m}"))?;
            let user = find_account(db, &email).await?;
            let changes = UserChanges {
                role: Some(role),
                ..UserChanges::default()
            };
            update_account(db, user.id.into(), changes, "cli.user.set_role").await?;
            writeln!(out, "{} is now {role}", user.email)?;
        }
        UsersCommand::Disable { email } => {
            let user = find_account(db, &email).await?;
            let changes = UserChanges {
                disabled: Some(true),
                ..UserChanges::default()
            };
            update_account(db, user.id.into(), changes, "cli.user.disable").await?;
            writeln!(out, "{} is disabled", user.email)?;
        }
    }
    Ok(())
}

async fn find_account(db: &DatabaseConnection, email: &str) -> anyhow::Result<StoredUser> {
    storage::users::find_by_email(db, email)
        .await?
        .ok_or_else(|| anyhow!("no account with the email {}", email.trim().to_lowercase()))
}

async fn update_account(
    db: &DatabaseConnection,
    id: UserId,
    changes: UserChanges,
    action: &str,
) -> anyhow::Result<()> {
    match storage::users::update(db, id, changes, None, action).await {
        Ok(_) => Ok(()),
        Err(UpdateUserError::NotFound) => bail!("the account was deleted meanwhile"),
        Err(UpdateUserError::Db(err)) => Err(err.into()),
    }
}

/// The first line of standard input when it is piped, else asked twice without echo.
fn read_new_password() -> anyhow::Result<String> {
    if io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (12 characters or more): ")?;
        let second = rpassword::prompt_password("Same password again: ")?;
        if first != second {
            bail!("the two passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}
