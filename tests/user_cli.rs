//! `webwacht user add` and `user password` through the binary: the password only from a
//! prompt or stdin, argon2id in the database, clear errors with exit code 2.

mod support;

use std::path::PathBuf;
use support::db::TestDb;

use support::{stderr, stdout, webwacht_with_stdin};

async fn hash_of(db: &TestDb, name: &str) -> Option<(String, String, Option<String>)> {
    let store = db.open().await;
    let u = webwacht::store::users::user_by_name(&store, name)
        .await
        .unwrap();
    store.close().await;
    u.map(|u| {
        (
            u.password_hash,
            u.role.as_str().to_string(),
            u.municipality_code,
        )
    })
}

async fn users_are_added_with_argon2_and_bad_input_is_refused(db: TestDb, dir: PathBuf) {
    let d = dir.as_path();
    let out = webwacht_with_stdin(
        d,
        &[
            "user",
            "add",
            "rita",
            "--role",
            "researcher",
            "--password-stdin",
        ],
        "een heel geheim wachtwoord\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Gebruiker rita toegevoegd"));
    let (hash, role, m) = hash_of(&db, "rita").await.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("geheim"));
    assert_eq!((role.as_str(), m), ("researcher", None));

    let out = webwacht_with_stdin(
        d,
        &[
            "user",
            "add",
            "gemeente-rdam",
            "--role",
            "municipality",
            "--municipality",
            "GM0599",
            "--password-stdin",
        ],
        "nog een geheim wachtwoord\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (_, role, m) = hash_of(&db, "gemeente-rdam").await.unwrap();
    assert_eq!(
        (role.as_str(), m.as_deref()),
        ("municipality", Some("GM0599"))
    );

    for (args, input, needle) in [
        (
            vec![
                "user",
                "add",
                "RITA",
                "--role",
                "researcher",
                "--password-stdin",
            ],
            "een heel geheim wachtwoord\n",
            "bestaat al",
        ),
        (
            vec![
                "user",
                "add",
                "kort",
                "--role",
                "researcher",
                "--password-stdin",
            ],
            "kort\n",
            "minstens 12 tekens",
        ),
        (
            vec![
                "user",
                "add",
                "gem",
                "--role",
                "municipality",
                "--password-stdin",
            ],
            "een heel geheim wachtwoord\n",
            "gemeentecode",
        ),
        (
            vec![
                "user",
                "add",
                "gem",
                "--role",
                "municipality",
                "--municipality",
                "GM9999",
                "--password-stdin",
            ],
            "een heel geheim wachtwoord\n",
            "GM9999 is onbekend",
        ),
        (
            vec!["user", "add", "zonder", "--role", "researcher"],
            "",
            "--password-stdin",
        ),
    ] {
        let out = webwacht_with_stdin(d, &args, input);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
    assert!(hash_of(&db, "kort").await.is_none());

    let out = webwacht_with_stdin(
        d,
        &["user", "password", "rita", "--password-stdin"],
        "een nieuw lang wachtwoord\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (new_hash, _, _) = hash_of(&db, "rita").await.unwrap();
    assert_ne!(new_hash, hash);
}

both_engines!(async users_are_added_with_argon2_and_bad_input_is_refused);
