//! All SQL lives here. One file per aggregate; handlers and the crawler call functions.
//!
//! The embedded default is SQLite in WAL mode under `data_dir`. Migrations are numbered
//! and append-only (`migrations/sqlite/`) and run at every start.

pub mod ads;
pub mod audit;
pub mod decisions;
pub mod detail;
pub mod flags;
pub mod gazetteer;
pub mod queue;
pub mod register;
pub mod review;
pub mod runs;
pub mod scope;
pub mod search;
pub mod users;

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::config::Config;

/// Errors from the store; they carry what failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("database {url}: {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    /// A write that conflicts with what is stored; the message is Dutch and for people.
    #[error("{0}")]
    Conflict(String),
    /// A query outside the scope of the user it serves (see `scope::Scope`).
    #[error("buiten het bereik van deze gebruiker")]
    OutOfScope,
    /// The stored data breaks a rule of the schema (found after the migrations).
    #[error("database integrity: {0}")]
    Integrity(String),
    #[error("unsupported database URL {0:?}: this version supports sqlite:// only")]
    Unsupported(String),
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// How a process uses the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// A command that runs and ends (crawl, import, report): SQLite checkpoints the WAL
    /// itself, in whichever commit makes it long.
    Batch,
    /// A long-running server with many small writes (an audit entry per page view): the
    /// WAL is checkpointed on a background task every [`CHECKPOINT_EVERY`], never inside
    /// a request. SQLite's own checkpoint ran in the commit that crossed 1,000 pages and
    /// held every later writer for the fsync — 200 ms stalls in the load benchmark.
    Server,
}

/// How often a server checkpoints the WAL.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(2);

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    /// Short writes from many tasks at once (audit entries of the review UI) take turns
    /// here instead of in SQLite: a connection that finds the database locked by another
    /// sleeps in SQLite's busy handler for 1, 2, 5, 10 … ms, which showed as 50–100 ms
    /// tails under load. Writers in other processes (a crawl) still meet the busy handler.
    write_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Audit entries waiting for the next group commit (see `audit::record`).
    pending_audit: std::sync::Arc<std::sync::Mutex<Vec<audit::Pending>>>,
}

impl Store {
    /// Open (creating if needed) the database the configuration names, run the
    /// migrations and seed the gazetteer on first use.
    pub async fn open(cfg: &Config) -> Result<Store> {
        Store::open_as(cfg, Usage::Batch).await
    }

    /// As [`Store::open`], for a process that uses the database as `usage` says.
    pub async fn open_as(cfg: &Config, usage: Usage) -> Result<Store> {
        std::fs::create_dir_all(&cfg.data_dir).map_err(|source| StoreError::DataDir {
            path: cfg.data_dir.display().to_string(),
            source,
        })?;
        Store::connect_as(&cfg.database_url, usage).await
    }

    /// Open the database at `url` (`sqlite://path` or `sqlite::memory:`).
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_as(url, Usage::Batch).await
    }

    /// As [`Store::connect`], for a process that uses the database as `usage` says.
    pub async fn connect_as(url: &str, usage: Usage) -> Result<Store> {
        if !url.starts_with("sqlite:") {
            return Err(StoreError::Unsupported(url.to_string()));
        }
        let open_err = |source| StoreError::Open {
            url: url.to_string(),
            source,
        };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(open_err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // A server checkpoints the WAL in the background (see `Usage::Server`).
        let options = match usage {
            Usage::Batch => options,
            Usage::Server => options.pragma("wal_autocheckpoint", "0"),
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(open_err)?;
        migrate(&pool).await?;
        let store = Store {
            pool,
            write_turn: Default::default(),
            pending_audit: Default::default(),
        };
        if usage == Usage::Server {
            store.checkpoint_in_background();
        }
        gazetteer::seed_if_empty(&store).await?;
        Ok(store)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Copy the WAL into the database every [`CHECKPOINT_EVERY`] on a task of its own,
    /// until the pool closes.
    fn checkpoint_in_background(&self) {
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if pool.is_closed() {
                    break;
                }
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&pool)
                    .await
                {
                    tracing::warn!(error = %e, "WAL checkpoint failed; retrying later");
                }
            }
        });
    }

    /// Wait for this process's turn to write (see `write_turn`); hold the guard for the
    /// write transaction.
    pub async fn write_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.write_turn.lock().await
    }

    fn pending_audit(&self) -> std::sync::MutexGuard<'_, Vec<audit::Pending>> {
        self.pending_audit.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// Run the migrations not yet applied, on one connection with foreign keys off, then
/// check every foreign key. A migration that rebuilds a table (SQLite cannot drop a
/// constraint) must run with them off (https://sqlite.org/lang_altertable.html, section
/// 7), and SQLite allows switching them only outside a transaction, which sqlx opens for
/// each migration.
async fn migrate(pool: &SqlitePool) -> Result<()> {
    let mut conn = pool.acquire().await?;
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await?;
    let migrated = sqlx::migrate!("migrations/sqlite").run(&mut *conn).await;
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await?;
    migrated?;
    let broken = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut *conn)
        .await?;
    if !broken.is_empty() {
        return Err(StoreError::Integrity(format!(
            "{} rijen verwijzen naar iets dat niet bestaat na de migraties",
            broken.len()
        )));
    }
    Ok(())
}

/// The current time as stored: RFC 3339, UTC, second precision.
pub fn now() -> String {
    timestamp(chrono::Utc::now())
}

pub fn timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
