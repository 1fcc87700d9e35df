//! All SQL lives here. One file per aggregate; handlers and the crawler call functions.
//!
//! The embedded default is SQLite in WAL mode under `data_dir`. Migrations are numbered
//! and append-only (`migrations/sqlite/`) and run at every start.

pub mod ads;
pub mod audit;
pub mod flags;
pub mod gazetteer;
pub mod register;
pub mod review;
pub mod runs;
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
    #[error("unsupported database URL {0:?}: this version supports sqlite:// only")]
    Unsupported(String),
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    /// Short writes from many tasks at once (audit entries of the review UI) take turns
    /// here instead of in SQLite: a connection that finds the database locked by another
    /// sleeps in SQLite's busy handler for 1, 2, 5, 10 … ms, which showed as 50–100 ms
    /// tails under load. Writers in other processes (a crawl) still meet the busy handler.
    write_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Store {
    /// Open (creating if needed) the database the configuration names, run the
    /// migrations and seed the gazetteer on first use.
    pub async fn open(cfg: &Config) -> Result<Store> {
        std::fs::create_dir_all(&cfg.data_dir).map_err(|source| StoreError::DataDir {
            path: cfg.data_dir.display().to_string(),
            source,
        })?;
        Store::connect(&cfg.database_url).await
    }

    /// Open the database at `url` (`sqlite://path` or `sqlite::memory:`).
    pub async fn connect(url: &str) -> Result<Store> {
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
            .busy_timeout(Duration::from_secs(10))
            // Read the database through a memory map (up to 1 GiB) instead of read()
            // into each connection's page cache: in WAL mode every write by another
            // connection (an audit entry per page view) empties those caches, and
            // re-reading pages through the map costs no copy.
            .pragma("mmap_size", "1073741824");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(open_err)?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        let store = Store {
            pool,
            write_turn: Default::default(),
        };
        gazetteer::seed_if_empty(&store).await?;
        Ok(store)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Wait for this process's turn to write (see `write_turn`); hold the guard for the
    /// write transaction.
    pub async fn write_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.write_turn.lock().await
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// The current time as stored: RFC 3339, UTC, second precision.
pub fn now() -> String {
    timestamp(chrono::Utc::now())
}

pub fn timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
