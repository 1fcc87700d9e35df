//! Migrations upgrade a database that holds data, on both engines: a store made by an
//! earlier version (migrations 0001–0005) opens with today's binary, and every flag,
//! decision and reference survives the rebuild of `flags` in 0006 (decided flags pinned).

mod support;

use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, Connection};
use support::db::TestDb;
use webwacht::store::{Engine, Store};

/// The database `db` (whose SQLite file, if any, is at `file`) migrated to 0005 only,
/// with a site, an ad, two flags (one decided) and their decisions, as that version
/// wrote them.
async fn database_of_0005(db: &TestDb, file: &Path) {
    let folder = match db.engine {
        Engine::Sqlite => "migrations/sqlite",
        Engine::Postgres => "migrations/postgres",
    };
    let old = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(folder).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.as_str() < "0006" {
            std::fs::copy(e.path(), old.path().join(&name)).unwrap();
        }
    }
    let migrator = sqlx::migrate::Migrator::new(old.path()).await.unwrap();
    assert_eq!(migrator.iter().count(), 5);
    sqlx::any::install_default_drivers();
    let mut conn = match db.engine {
        Engine::Sqlite => {
            let options = SqliteConnectOptions::new()
                .filename(file)
                .create_if_missing(true)
                .foreign_keys(true);
            // Create the file, then reach it through the driver the store uses.
            sqlx::SqliteConnection::connect_with(&options)
                .await
                .unwrap()
                .close()
                .await
                .unwrap();
            AnyConnection::connect(&db.url).await.unwrap()
        }
        Engine::Postgres => AnyConnection::connect(&db.url).await.unwrap(),
    };
    migrator.run(&mut conn).await.unwrap();
    for sql in [
        "INSERT INTO sites (id, name, updated_at) VALUES ('s', 'Site', '2026-11-01T00:00:00Z')",
        "INSERT INTO crawl_runs (id, site_id, started_at, status) VALUES (1, 's', '2026-11-01T00:00:00Z', 'finished')",
        "INSERT INTO fetches (id, run_id, url, page_kind, fetched_at) VALUES (1, 1, 'http://127.0.0.1/a/1', 'ad', '2026-11-01T00:00:00Z')",
        "INSERT INTO ads (id, site_id, external_id, url, first_seen, last_seen) VALUES (1, 's', 'a1', 'http://127.0.0.1/a/1', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')",
        "INSERT INTO ad_versions (id, ad_id, content_sha256, fetch_id, captured_at, municipality_code) VALUES (1, 1, 'x', 1, '2026-11-01T00:00:00Z', 'GM0599')",
        "UPDATE ads SET current_version_id = 1",
        "INSERT INTO flags (id, ad_id, rule, strength, status, explanation, evidence, version_id, municipality_code, first_seen, last_seen)
         VALUES (7, 1, 'no_licence_number', 5, 'confirmed', 'uitleg', '{}', 1, 'GM0599', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'),
                (8, 1, 'unknown_licence_number', 7, 'new', 'uitleg 2', '{}', 1, 'GM0599', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')",
        "INSERT INTO decisions (flag_id, actor, from_status, to_status, decided_at) VALUES
           (7, 'system', NULL, 'new', '2026-11-01T00:00:00Z'), (7, 'rita', 'new', 'in_review', '2026-11-02T00:00:00Z'),
           (7, 'rita', 'in_review', 'confirmed', '2026-11-02T00:00:00Z'), (8, 'system', NULL, 'new', '2026-11-01T00:00:00Z')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
}

/// id, rule, status, follows_flag_id, site_id
type FlagRow = (i64, String, String, Option<i64>, Option<String>);

async fn a_database_with_flags_upgrades_and_keeps_every_row(db: TestDb, dir: PathBuf) {
    database_of_0005(&db, &dir.join("webwacht.db")).await;

    let store = Store::connect(&db.url)
        .await
        .expect("today's migrations run on the old database");
    let flags: Vec<FlagRow> =
        sqlx::query_as("SELECT id, rule, status, follows_flag_id, site_id FROM flags ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(
        flags,
        [
            (
                7,
                "no_licence_number".into(),
                "confirmed".into(),
                None,
                Some("s".into())
            ),
            (
                8,
                "unknown_licence_number".into(),
                "new".into(),
                None,
                Some("s".into())
            ),
        ]
    );
    let decisions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM decisions")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(decisions, 4);
    // Foreign keys are on again and still point at the rebuilt table.
    let dangling = sqlx::query("INSERT INTO decisions (flag_id, actor, to_status, decided_at) VALUES (99, 'x', 'new', 'x')")
        .execute(store.pool())
        .await;
    assert!(
        dangling.is_err(),
        "a decision on a missing flag was accepted"
    );
    sqlx::query(
        "INSERT INTO decisions (flag_id, actor, to_status, decided_at) VALUES (8, 'x', 'new', 'x')",
    )
    .execute(store.pool())
    .await
    .unwrap();
    // The rebuilt table keeps its triggers: the generation moves, the site is filled in,
    // and the decided flag is pinned.
    let before: i64 = sqlx::query_scalar("SELECT n FROM flags_generation")
        .fetch_one(store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE flags SET last_seen = '2026-11-03T00:00:00Z' WHERE id = 8")
        .execute(store.pool())
        .await
        .unwrap();
    let after: i64 = sqlx::query_scalar("SELECT n FROM flags_generation")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(after > before);
    assert!(
        sqlx::query("UPDATE flags SET municipality_code = 'GM0518' WHERE id = 7")
            .execute(store.pool())
            .await
            .is_err()
    );
    // One flag per ad and rule still holds for first flags.
    assert!(sqlx::query(
        "INSERT INTO flags (ad_id, rule, strength, explanation, evidence, version_id, first_seen, last_seen)
         VALUES (1, 'no_licence_number', 5, 'x', '{}', 1, 'x', 'x')"
    )
    .execute(store.pool())
    .await
    .is_err());
    store.close().await;

    // Opening it again runs nothing new.
    let again = Store::connect(&db.url).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM flags")
        .fetch_one(again.pool())
        .await
        .unwrap();
    assert_eq!(n, 2);
}

both_engines!(async a_database_with_flags_upgrades_and_keeps_every_row);
