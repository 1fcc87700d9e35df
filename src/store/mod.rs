//! All SQL lives here. One file per aggregate or page; handlers and the crawler call
//! functions.
//!
//! Two engines: SQLite (WAL, under `data_dir`) is the embedded default; PostgreSQL
//! (`database_url = "postgres://…"`) serves a region with several workers and many
//! reviewers. Migrations are numbered and append-only, one folder per engine
//! (`migrations/sqlite/`, `migrations/postgres/`), and run at every start.
//!
//! **How the two engines share the code.** The store runs on sqlx's `Any` driver: one
//! pool type, and one query text for both engines wherever the SQL is the same, which is
//! nearly everywhere (placeholders are written `$1`, which SQLite reads too; `ON
//! CONFLICT`, `RETURNING` and `COALESCE` are standard). The few places where the engines
//! differ are named functions of [`dialect::Engine`]. Chosen over a store trait with two
//! implementations (every query written twice, and tests needed for both copies) and
//! over generic functions per engine (the trait bounds of sqlx's executors on every
//! function): one text per query is what keeps "the same behaviour on both engines"
//! true. The price is `Any`'s small type set — integers, text, booleans, no dates — which
//! the schema already keeps to (times are RFC 3339 text, ids 64-bit integers), and a
//! conversion of each value, measured in `docs/performance.md`. Queries built of parts
//! use [`sql::Sql`] (numbered placeholders; sqlx's builder writes `?` for `Any`).

pub mod ads;
pub mod audit;
pub mod decisions;
pub mod detail;
pub mod dialect;
pub mod flags;
pub mod gazetteer;
pub mod lists;
pub mod queue;
pub mod register;
pub mod review;
pub mod runs;
pub mod scope;
pub mod search;
pub mod sql;
pub mod types;
pub mod users;

use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyConnection, AnyPool, Executor};

use crate::config::Config;
pub use dialect::Engine;

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
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DATABASE")]
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

/// Connections a process keeps to PostgreSQL. Several processes (a server, crawl
/// workers) share one server, and a server's backends beyond its cores only queue; with
/// `benches/web.rs` on a 2-core machine 4 and 16 gave the same p99.
pub const POSTGRES_CONNECTIONS: u32 = 4;

/// How often a server checkpoints the WAL.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(2);

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
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
        let engine = Engine::of_url(url).ok_or_else(|| StoreError::Unsupported(url.to_string()))?;
        sqlx::any::install_default_drivers();
        let open_err = |source| StoreError::Open {
            url: redact(url),
            source,
        };
        let pool = match engine {
            Engine::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(4)
                    .after_connect(move |conn, _| {
                        Box::pin(async move { sqlite_session(conn, usage).await })
                    })
                    .connect(&sqlite_create_if_missing(url))
                    .await
            }
            Engine::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(POSTGRES_CONNECTIONS)
                    .connect(url)
                    .await
            }
        }
        .map_err(open_err)?;
        migrate(&pool, engine).await?;
        let store = Store {
            pool,
            engine,
            write_turn: Default::default(),
            pending_audit: Default::default(),
        };
        if usage == Usage::Server && engine == Engine::Sqlite {
            store.checkpoint_in_background();
        }
        gazetteer::seed_if_empty(&store).await?;
        Ok(store)
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Whether the database answers (the health check).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query_scalar::<_, i64>("SELECT 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(())
    }

    /// Leave the flags ready for the review UI after a crawl and match changed many of
    /// them. On PostgreSQL, `VACUUM (ANALYZE) flags`: the queue reads its pages and
    /// counts from indexes alone (index-only scans), which holds only for table pages
    /// the visibility map marks all-visible, and every changed row clears its page's
    /// mark until a VACUUM. Autovacuum comes only after a fifth of the table changed; a
    /// daily crawl that touches a tenth would leave the queue reading the table for a
    /// day (a deep page at 100,000 flags: 18 ms instead of 1.2 ms). SQLite has no such
    /// map: nothing to do.
    pub async fn tidy_for_review(&self) -> Result<()> {
        if let Some(sql) = self.engine.tidy_for_review() {
            sqlx::raw_sql(sql).execute(&self.pool).await?;
        }
        Ok(())
    }

    /// The engine behind this store, for the SQL that differs (see [`dialect`]).
    pub fn engine(&self) -> Engine {
        self.engine
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

/// The settings of every SQLite connection: WAL, foreign keys, a busy timeout; a server
/// checkpoints the WAL itself (see [`Usage::Server`]).
async fn sqlite_session(conn: &mut AnyConnection, usage: Usage) -> sqlx::Result<()> {
    conn.execute(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
         PRAGMA busy_timeout = 10000;",
    )
    .await?;
    if usage == Usage::Server {
        conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
    }
    Ok(())
}

/// `sqlite://path` opens read-write and creates the file (`mode=rwc`) unless the URL
/// says otherwise.
fn sqlite_create_if_missing(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// A database URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Run the migrations not yet applied.
///
/// SQLite: on one connection with foreign keys off, then check every foreign key. A
/// migration that rebuilds a table (SQLite cannot drop a constraint) must run with them
/// off (https://sqlite.org/lang_altertable.html, section 7), and SQLite allows switching
/// them only outside a transaction, which sqlx opens for each migration. PostgreSQL
/// alters constraints in place and checks them as it goes.
async fn migrate(pool: &AnyPool, engine: Engine) -> Result<()> {
    let mut conn = pool.acquire().await?;
    if engine == Engine::Postgres {
        // Several processes may start at once (workers, a server): one migrates, the
        // others wait on this lock and then find nothing left to do.
        sqlx::migrate!("migrations/postgres")
            .run(&mut *conn)
            .await?;
        return Ok(());
    }
    conn.execute("PRAGMA foreign_keys = OFF").await?;
    let migrated = sqlx::migrate!("migrations/sqlite").run(&mut *conn).await;
    conn.execute("PRAGMA foreign_keys = ON").await?;
    migrated?;
    let broken = conn.fetch_all("PRAGMA foreign_key_check").await?;
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
