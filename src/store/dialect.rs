//! The few places where SQLite and PostgreSQL need different SQL. Every other query of
//! the store is one text for both engines (`$1` placeholders, `ON CONFLICT`, `RETURNING`,
//! `COALESCE`, standard joins); what differs is here, by name.

/// The database engine behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine a database URL names: `sqlite:` or `postgres://` / `postgresql://`.
    pub fn of_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }

    /// The rows of `from` (a table with its conditions, `version_phones WHERE version_id
    /// = v.id`) as one JSON text: an array with an array of `columns` per row, in
    /// `order`; `[]` when there are none. Lets one query carry a flag's lists.
    pub fn json_rows(self, columns: &str, from: &str, order: &str) -> String {
        match self {
            Engine::Sqlite => format!(
                "(SELECT json_group_array(json_array({columns})) FROM \
                 (SELECT * FROM {from} ORDER BY {order}) AS rows_in_order)"
            ),
            Engine::Postgres => format!(
                "(SELECT COALESCE(json_agg(json_build_array({columns}) ORDER BY {order}), '[]'::json)::text \
                 FROM {from})"
            ),
        }
    }

    /// The values of `column` from `from` (a table with its conditions) joined by
    /// `separator` in `order`, or NULL when there are none.
    pub fn joined(self, column: &str, separator: &str, from: &str, order: &str) -> String {
        match self {
            Engine::Sqlite => format!(
                "(SELECT group_concat(joined_value, '{separator}') FROM \
                 (SELECT {column} AS joined_value FROM {from} ORDER BY {order}) AS values_in_order)"
            ),
            Engine::Postgres => {
                format!("(SELECT string_agg({column}, '{separator}' ORDER BY {order}) FROM {from})")
            }
        }
    }

    /// Case-insensitive `LIKE` (SQLite's `LIKE` is, PostgreSQL's is not).
    pub fn like(self) -> &'static str {
        match self {
            Engine::Sqlite => "LIKE",
            Engine::Postgres => "ILIKE",
        }
    }

    /// A join that SQLite must take in the written order (`CROSS JOIN`: its planner would
    /// otherwise scan the whole register); PostgreSQL plans it itself.
    pub fn join_in_order(self) -> &'static str {
        match self {
            Engine::Sqlite => "CROSS JOIN",
            Engine::Postgres => "JOIN",
        }
    }

    /// What keeps the flags' index-only reads index-only after many changes (see
    /// `Store::tidy_for_review`).
    pub fn tidy_for_review(self) -> Option<&'static str> {
        match self {
            Engine::Sqlite => None,
            Engine::Postgres => Some("VACUUM (ANALYZE) flags"),
        }
    }

    /// `INDEXED BY index` for SQLite, where its planner picks a worse index; nothing for
    /// PostgreSQL.
    pub fn indexed_by(self, index: &str) -> String {
        match self {
            Engine::Sqlite => format!("INDEXED BY {index}"),
            Engine::Postgres => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_engine() {
        assert_eq!(
            Engine::of_url("sqlite://./data/webwacht.db"),
            Some(Engine::Sqlite)
        );
        assert_eq!(Engine::of_url("sqlite::memory:"), Some(Engine::Sqlite));
        assert_eq!(
            Engine::of_url("postgres://u@127.0.0.1/db"),
            Some(Engine::Postgres)
        );
        assert_eq!(
            Engine::of_url("postgresql://u@h/db"),
            Some(Engine::Postgres)
        );
        assert_eq!(Engine::of_url("mysql://u@h/db"), None);
    }
}
