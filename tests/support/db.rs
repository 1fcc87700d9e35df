//! A fresh database per test, on either engine, so that one test body runs on SQLite and
//! on PostgreSQL ([`both_engines!`](crate::both_engines)).
//!
//! SQLite: a file in the test's data dir. PostgreSQL: a new database on the server that
//! `WEBWACHT_TEST_POSTGRES_URL` names (`bash tools/test` and CI start a throw-away cluster,
//! `tools/pg-cluster`). Without that variable a PostgreSQL test fails in CI (`CI=true`)
//! and is skipped elsewhere, with the same message.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use sqlx::Connection;
use webwacht::config::Config;
use webwacht::store::{Engine, Store};

/// The variable that names the PostgreSQL server of the tests.
pub const POSTGRES_URL_VAR: &str = "WEBWACHT_TEST_POSTGRES_URL";

/// Why a PostgreSQL test cannot run here.
pub fn no_postgres_message() -> String {
    format!(
        "{POSTGRES_URL_VAR} is not set: no PostgreSQL server for the tests. `bash tools/test` \
         starts a throw-away one (tools/pg-cluster, needs Debian's postgresql package)"
    )
}

/// A database of one test.
#[derive(Debug, Clone)]
pub struct TestDb {
    pub engine: Engine,
    /// The URL to open it with (`--database-url`).
    pub url: String,
}

impl TestDb {
    /// A new, empty database for a test whose data dir is `dir`; `None` (after printing
    /// why) when this is PostgreSQL and no server is configured outside CI.
    pub async fn new(engine: Engine, dir: &Path) -> Option<TestDb> {
        let url = match engine {
            Engine::Sqlite => format!("sqlite://{}", dir.join("webwacht.db").display()),
            Engine::Postgres => fresh_postgres_database(None).await?,
        };
        Some(TestDb { engine, url })
    }

    /// As [`TestDb::new`], for a test without a runtime of its own.
    pub fn new_blocking(engine: Engine, dir: &Path) -> Option<TestDb> {
        block_on(TestDb::new(engine, dir))
    }

    /// A copy of the database at `template` (PostgreSQL: `CREATE DATABASE … TEMPLATE`;
    /// SQLite: the caller copies the data dir).
    pub async fn copy_of(template: &TestDb, dir: &Path) -> Option<TestDb> {
        match template.engine {
            Engine::Sqlite => TestDb::new(Engine::Sqlite, dir).await,
            Engine::Postgres => {
                let name = database_name(&template.url);
                Some(TestDb {
                    engine: Engine::Postgres,
                    url: fresh_postgres_database(Some(&name)).await?,
                })
            }
        }
    }

    /// The configuration of a test with data dir `dir` on this database.
    pub fn config(&self, dir: &Path) -> Config {
        let mut cfg = Config::for_data_dir(dir);
        cfg.database_url.clone_from(&self.url);
        cfg
    }

    pub async fn open(&self) -> Store {
        Store::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", self.url))
    }

    /// Write `dir/webwacht.toml` naming this database, so that the binary run in `dir`
    /// (as [`super::bin::webwacht`] does) uses it. The harness does this for every test.
    pub fn write_config(&self, dir: &Path) {
        std::fs::write(
            dir.join("webwacht.toml"),
            format!("database_url = {:?}\n", self.url),
        )
        .unwrap();
    }

    /// `--database-url URL`, for running the binary on this database.
    pub fn args(&self) -> [&str; 2] {
        ["--database-url", &self.url]
    }
}

fn database_name(url: &str) -> String {
    url.rsplit('/').next().unwrap_or_default().to_string()
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Create a database (from `template`, if given) on the test server and return its URL.
async fn fresh_postgres_database(template: Option<&str>) -> Option<String> {
    let Ok(server) = std::env::var(POSTGRES_URL_VAR) else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{}", no_postgres_message());
        }
        eprintln!("skipped on PostgreSQL: {}", no_postgres_message());
        return None;
    };
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "webwacht_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        fastrand::u32(..)
    );
    let mut conn = sqlx::PgConnection::connect(&server)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR}={server}: {e}"));
    let create = match template {
        Some(t) => format!("CREATE DATABASE {name} TEMPLATE {t}"),
        None => format!("CREATE DATABASE {name}"),
    };
    sqlx::Executor::execute(&mut conn, create.as_str())
        .await
        .unwrap_or_else(|e| panic!("{create}: {e}"));
    let _ = conn.close().await;
    let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
    Some(format!("{base}/{name}"))
}

/// One test body, run on SQLite and on PostgreSQL: `both_engines!(name)` turns the
/// function `name(db: &TestDb, dir: &Path)` into the tests `name::sqlite` and
/// `name::postgres`, each with a fresh database and data dir; `both_engines!(async name)`
/// does the same for `async fn name(db: TestDb, dir: PathBuf)`. (A module and a function
/// may share a name: they live in different namespaces.)
#[macro_export]
macro_rules! both_engines {
    (async $name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::support::db::run_async(webwacht::store::Engine::Sqlite, super::$name).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::support::db::run_async(webwacht::store::Engine::Postgres, super::$name)
                    .await
            }
        }
    };
    (demo $name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::support::db::run_on_demo(webwacht::store::Engine::Sqlite, super::$name)
                    .await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::support::db::run_on_demo(webwacht::store::Engine::Postgres, super::$name)
                    .await
            }
        }
    };
    ($name:ident) => {
        mod $name {
            #[test]
            fn sqlite() {
                $crate::support::db::run(webwacht::store::Engine::Sqlite, super::$name)
            }
            #[test]
            fn postgres() {
                $crate::support::db::run(webwacht::store::Engine::Postgres, super::$name)
            }
        }
    };
}

/// Run a synchronous test body on `engine` (see [`both_engines!`]).
pub fn run(engine: Engine, body: impl FnOnce(&TestDb, &Path)) {
    let dir = tempfile::tempdir().unwrap();
    if let Some(db) = TestDb::new_blocking(engine, dir.path()) {
        db.write_config(dir.path());
        body(&db, dir.path());
    }
}

/// Run an async test body on `engine` (see [`both_engines!`]).
pub async fn run_async<F, Fut>(engine: Engine, body: F)
where
    F: FnOnce(TestDb, PathBuf) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    if let Some(db) = TestDb::new(engine, dir.path()).await {
        db.write_config(dir.path());
        body(db, dir.path().to_path_buf()).await;
    }
}

/// The data dir of one real run of `webwacht demo --no-serve --no-lists` (every signal
/// undecided) on `engine`, made once per
/// test binary, and its database (on PostgreSQL the template of the copies); `None` when
/// PostgreSQL is not available outside CI.
pub fn demo_fixture(engine: Engine) -> Option<&'static (PathBuf, TestDb)> {
    static SQLITE: OnceLock<Option<(PathBuf, TestDb)>> = OnceLock::new();
    static POSTGRES: OnceLock<Option<(PathBuf, TestDb)>> = OnceLock::new();
    let cell = match engine {
        Engine::Sqlite => &SQLITE,
        Engine::Postgres => &POSTGRES,
    };
    cell.get_or_init(|| {
        // A thread of its own: the caller may be inside a runtime.
        std::thread::spawn(move || {
            let dir = tempfile::tempdir().unwrap().keep();
            let db = TestDb::new_blocking(engine, &dir)?;
            let mut args = db.args().to_vec();
            args.extend(["demo", "--no-serve", "--no-lists"]);
            let out = super::bin::webwacht(&dir, &args);
            assert!(
                out.status.success(),
                "demo failed: {}",
                super::bin::stderr(&out)
            );
            Some((dir, db))
        })
        .join()
        .unwrap()
    })
    .as_ref()
}

/// Run an async test body on a private copy of the demo fixture on `engine` (see
/// [`both_engines!`]): the data dir copied, the database copied.
pub async fn run_on_demo<F, Fut>(engine: Engine, body: F)
where
    F: FnOnce(TestDb, PathBuf) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some((fixture_dir, fixture_db)) = demo_fixture(engine) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    super::bin::copy_dir(fixture_dir, dir.path());
    let Some(db) = TestDb::copy_of(fixture_db, dir.path()).await else {
        return;
    };
    db.write_config(dir.path());
    body(db, dir.path().to_path_buf()).await;
}
