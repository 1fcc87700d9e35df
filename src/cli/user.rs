//! `webwacht user add NAME --role …`: accounts for the review UI. The password comes from
//! a hidden prompt (asked twice) or, for scripts, from the first line of stdin with
//! `--password-stdin`; it is never an argument, so it never lands in shell history.

use std::io::{BufRead, IsTerminal};

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand};

use crate::config::Config;
use crate::error::BadInput;
use crate::store::{self, audit, Store};
use crate::web::{hash_password, validate_new_user};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Een gebruiker toevoegen (wachtwoord via een verborgen vraag of --password-stdin)
    Add(AddArgs),
    /// Een nieuw wachtwoord zetten (en de gebruiker weer inschakelen)
    Password(PasswordArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Inlognaam (2–64 tekens: letters, cijfers en . - _ @)
    pub name: String,
    /// researcher (beoordeelt signalen), coordinator (alles, plus sites, gebruikers en
    /// beleid) of municipality (alleen lezen, eigen gemeente)
    #[arg(long, value_parser = ["researcher", "coordinator", "municipality"])]
    pub role: String,
    /// Gemeentecode, alleen en verplicht bij --role municipality (bv. GM0599)
    #[arg(long, value_name = "GMxxxx")]
    pub municipality: Option<String>,
    /// Lees het wachtwoord van de eerste regel van stdin (voor scripts)
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct PasswordArgs {
    pub name: String,
    /// Lees het wachtwoord van de eerste regel van stdin (voor scripts)
    #[arg(long)]
    pub password_stdin: bool,
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("wachtwoord van stdin lezen")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    if !std::io::stdin().is_terminal() {
        bail!(BadInput(
            "geen terminal om het wachtwoord te vragen; gebruik --password-stdin".into()
        ));
    }
    let first = rpassword::prompt_password("Wachtwoord: ")?;
    let second = rpassword::prompt_password("Nogmaals: ")?;
    if first != second {
        bail!(BadInput("de wachtwoorden verschillen".into()));
    }
    Ok(first)
}

pub async fn run(cfg: &Config, cmd: &UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add(a) => {
            let password = read_password(a.password_stdin)?;
            let role = validate_new_user(&a.name, &a.role, a.municipality.as_deref(), &password)
                .map_err(BadInput)?;
            let hash = hash_password(&password).map_err(anyhow::Error::msg)?;
            let store = Store::open(cfg).await?;
            match store::users::create_user(&store, &a.name, &hash, role, a.municipality.as_deref())
                .await
            {
                Ok(_) => {}
                Err(store::StoreError::Conflict(m)) => bail!(BadInput(m)),
                Err(e) => return Err(e.into()),
            }
            audit::record(
                &store,
                "cli",
                "user_add",
                Some(&format!("user:{}", a.name)),
                Some(role.as_str()),
            )
            .await?;
            store.close().await;
            println!("Gebruiker {} toegevoegd ({}).", a.name, role.dutch());
        }
        UserCommand::Password(a) => {
            let password = read_password(a.password_stdin)?;
            if password.chars().count() < crate::web::auth::MIN_PASSWORD_CHARS {
                bail!(BadInput(format!(
                    "een wachtwoord heeft minstens {} tekens",
                    crate::web::auth::MIN_PASSWORD_CHARS
                )));
            }
            let hash = hash_password(&password).map_err(anyhow::Error::msg)?;
            let store = Store::open(cfg).await?;
            if !store::users::set_password(&store, &a.name, &hash).await? {
                bail!(BadInput(format!("gebruiker {:?} bestaat niet", a.name)));
            }
            audit::record(
                &store,
                "cli",
                "user_password",
                Some(&format!("user:{}", a.name)),
                None,
            )
            .await?;
            store.close().await;
            println!("Nieuw wachtwoord gezet voor {}.", a.name);
        }
    }
    Ok(())
}
