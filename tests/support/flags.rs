//! Flags in tests: a person's decision through the store, and a flag's status now.

#![allow(dead_code)]

use webwacht::store::{decisions, Store};

/// Decide on a `new` flag `(id, version)` as a researcher, through `steps`
/// (`["in_review", "confirmed"]`).
pub async fn decide(store: &Store, (id, version): (i64, i64), steps: &[&str]) {
    decisions::decide(
        store,
        &decisions::NewDecision {
            flag_id: id,
            actor: "onderzoeker",
            expected_status: "new",
            expected_version: version,
            steps,
            escalate: false,
            note: Some("gecontroleerd"),
            action: if steps.last() == Some(&"dismissed") {
                "dismiss"
            } else {
                "confirm"
            },
        },
    )
    .await
    .unwrap();
}

/// The status of flag `id` now.
pub async fn status(store: &Store, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM flags WHERE id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// Make the weekly lists of the week before `now` for every municipality with confirmed
/// signals (no recipients), as `webwacht report weekly` would.
pub async fn make_lists(
    store: &Store,
    data_dir: &std::path::Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<webwacht::report::weekly::Outcome> {
    use webwacht::report::weekly::{self, model::IsoWeek};
    weekly::run(
        store,
        data_dir,
        now,
        &weekly::Request {
            week: IsoWeek::last_complete(now),
            municipality: None,
            recipients: Default::default(),
            dry_run: false,
        },
    )
    .await
    .unwrap()
}

/// Confirm the first `n` undecided flags of municipality `code`; their ids.
pub async fn confirm_first(store: &Store, code: &str, n: i64) -> Vec<i64> {
    let flags: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, version_id FROM flags WHERE municipality_code = $1 AND status = 'new' ORDER BY id LIMIT $2",
    )
    .bind(code)
    .bind(n)
    .fetch_all(store.pool())
    .await
    .unwrap();
    for f in &flags {
        decide(store, *f, &["in_review", "confirmed"]).await;
    }
    flags.into_iter().map(|(id, _)| id).collect()
}
