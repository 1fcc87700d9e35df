//! Users and their sessions. Passwords arrive here already hashed (argon2id, see
//! `web::auth`); sessions are stored by the SHA-256 of their cookie value.

use super::{now, Result, Store, StoreError};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Reviews flags.
    Researcher,
    /// Everything a researcher does, plus sites, users, policy and the audit log.
    Coordinator,
    /// Read-only, and only the decided signals of its own municipality.
    Municipality,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "researcher" => Some(Role::Researcher),
            "coordinator" => Some(Role::Coordinator),
            "municipality" => Some(Role::Municipality),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Researcher => "researcher",
            Role::Coordinator => "coordinator",
            Role::Municipality => "municipality",
        }
    }

    /// Dutch label.
    pub fn dutch(self) -> &'static str {
        match self {
            Role::Researcher => "internetrechercheur",
            Role::Coordinator => "coördinator",
            Role::Municipality => "gemeente",
        }
    }
}

/// A user as the web layer needs it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub municipality_code: Option<String>,
    pub created_at: String,
    pub disabled_at: Option<String>,
}

const USER_COLUMNS: &str =
    "id, name, password_hash, role, municipality_code, created_at, disabled_at";

/// Create a user. A name that exists already (any case) is `StoreError::Conflict`.
pub async fn create_user(
    store: &Store,
    name: &str,
    password_hash: &str,
    role: Role,
    municipality_code: Option<&str>,
) -> Result<i64> {
    let exists: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE lower(name) = lower($1)")
            .bind(name)
            .fetch_one(store.pool())
            .await?;
    if exists > 0 {
        return Err(StoreError::Conflict(format!(
            "gebruiker {name:?} bestaat al"
        )));
    }
    if let Some(code) = municipality_code {
        let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM municipalities WHERE code = $1")
            .bind(code)
            .fetch_one(store.pool())
            .await?;
        if known == 0 {
            return Err(StoreError::Conflict(format!(
                "gemeentecode {code} is onbekend"
            )));
        }
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO users (name, password_hash, role, municipality_code, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(password_hash)
    .bind(role)
    .bind(municipality_code)
    .bind(now())
    .fetch_one(store.pool())
    .await?)
}

/// The user with this name (case-insensitive), disabled or not.
pub async fn user_by_name(store: &Store, name: &str) -> Result<Option<UserRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE lower(name) = lower($1)"
    ))
    .bind(name)
    .fetch_optional(store.pool())
    .await?)
}

/// Every user, by name.
pub async fn list_users(store: &Store, scope: &super::scope::Scope) -> Result<Vec<UserRow>> {
    scope.require_staff()?;
    Ok(
        sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"))
            .fetch_all(store.pool())
            .await?,
    )
}

/// Disable a user and end all of their sessions. Returns false when there is no such
/// active user.
pub async fn disable_user(store: &Store, id: i64) -> Result<bool> {
    let mut tx = store.pool().begin().await?;
    let n = sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(n == 1)
}

/// A live session with its user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub csrf: String,
    pub last_seen: String,
    pub expires_at: String,
}

/// Store a new session.
pub async fn create_session(
    store: &Store,
    token_sha256: &str,
    user_id: i64,
    csrf: &str,
    expires_at: &str,
) -> Result<()> {
    let at = now();
    let _turn = store.write_turn().await;
    sqlx::query(
        "INSERT INTO sessions (token_sha256, user_id, csrf, created_at, last_seen, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_sha256)
    .bind(user_id)
    .bind(csrf)
    .bind(&at)
    .bind(&at)
    .bind(expires_at)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// The session with this token hash and its (enabled) user; expiry is the caller's call.
pub async fn session(store: &Store, token_sha256: &str) -> Result<Option<SessionRow>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.name, u.password_hash, u.role, u.municipality_code, u.created_at, u.disabled_at,
                s.csrf, s.last_seen, s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_sha256 = $1 AND u.disabled_at IS NULL",
    )
    .bind(token_sha256)
    .fetch_optional(store.pool())
    .await?)
}

/// Mark a session as used now.
pub async fn touch_session(store: &Store, token_sha256: &str) -> Result<()> {
    let _turn = store.write_turn().await;
    sqlx::query("UPDATE sessions SET last_seen = $1 WHERE token_sha256 = $2")
        .bind(now())
        .bind(token_sha256)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// End one session.
pub async fn delete_session(store: &Store, token_sha256: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1")
        .bind(token_sha256)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Remove sessions that ended before `before` (absolute end) or were idle since
/// `idle_before`. Returns how many.
pub async fn purge_sessions(store: &Store, before: &str, idle_before: &str) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR last_seen < $2")
            .bind(before)
            .bind(idle_before)
            .execute(store.pool())
            .await?
            .rows_affected(),
    )
}

/// Set a user's password and enable them again; ends their sessions. Returns false when
/// there is no such user.
pub async fn set_password(store: &Store, name: &str, password_hash: &str) -> Result<bool> {
    let mut tx = store.pool().begin().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "UPDATE users SET password_hash = $1, disabled_at = NULL WHERE lower(name) = lower($2) RETURNING id",
    )
    .bind(password_hash)
    .bind(name)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = id {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id.is_some())
}
