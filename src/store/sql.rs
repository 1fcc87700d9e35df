//! A query built of parts: text and bound values, with numbered placeholders (`$1`,
//! `$2`, …) that SQLite and PostgreSQL both read.
//!
//! Written by hand because sqlx's `QueryBuilder` for the `Any` driver writes `?`, which
//! PostgreSQL does not accept; this is the same idea in forty lines, for the queries
//! whose conditions depend on the request (filters, scope, search).

use std::fmt::Display;

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Any, Arguments, Encode, FromRow, Type};

/// Query text with its bound values.
pub struct Sql<'a> {
    text: String,
    args: Option<AnyArguments<'a>>,
    count: usize,
}

impl<'a> Sql<'a> {
    pub fn new(text: impl Into<String>) -> Sql<'a> {
        Sql {
            text: text.into(),
            args: Some(AnyArguments::default()),
            count: 0,
        }
    }

    /// Append query text.
    pub fn push(&mut self, text: impl Display) -> &mut Self {
        use std::fmt::Write;
        let _ = write!(self.text, "{text}");
        self
    }

    /// Append a placeholder and bind `value` to it.
    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'a + Encode<'a, Any> + Type<Any>,
    {
        self.count += 1;
        let n = self.count;
        self.push(format_args!("${n}"));
        if let Some(args) = self.args.as_mut() {
            // Encoding into the `Any` buffer only copies the value; it cannot fail for
            // the types the store binds (integers, text, options of them).
            let _ = args.add(value);
        }
        self
    }

    /// Append `$a, $b, …` bound to `values`, or `NULL` when there are none (so that
    /// `x IN (…)` stays valid and matches nothing).
    pub fn push_bind_list<T, I>(&mut self, values: I) -> &mut Self
    where
        I: IntoIterator<Item = T>,
        T: 'a + Encode<'a, Any> + Type<Any>,
    {
        let mut any = false;
        for v in values {
            if any {
                self.push(", ");
            }
            self.push_bind(v);
            any = true;
        }
        if !any {
            self.push("NULL");
        }
        self
    }

    /// The query text so far.
    pub fn sql(&self) -> &str {
        &self.text
    }

    /// The query, ready to run (once: the values move into it).
    pub fn build(&mut self) -> Query<'_, Any, AnyArguments<'_>> {
        sqlx::query_with(&self.text, self.args.take().unwrap_or_default())
    }

    /// As [`Sql::build`], reading each row as `T`.
    pub fn build_query_as<T>(&mut self) -> QueryAs<'_, Any, T, AnyArguments<'_>>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        sqlx::query_as_with(&self.text, self.args.take().unwrap_or_default())
    }

    /// As [`Sql::build`], reading the first column of each row as `T`.
    pub fn build_query_scalar<T>(&mut self) -> QueryScalar<'_, Any, T, AnyArguments<'_>>
    where
        (T,): for<'r> FromRow<'r, AnyRow>,
    {
        sqlx::query_scalar_with(&self.text, self.args.take().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut q = Sql::new("SELECT 1 FROM flags WHERE a = ");
        q.push_bind("x")
            .push(" AND b IN (")
            .push_bind(1_i64)
            .push(", ");
        q.push_bind(Some("y"))
            .push(") AND c IN (")
            .push_bind_list([4_i64, 5]);
        q.push(") AND d IN (")
            .push_bind_list(Vec::<i64>::new())
            .push(")");
        assert_eq!(
            q.sql(),
            "SELECT 1 FROM flags WHERE a = $1 AND b IN ($2, $3) AND c IN ($4, $5) AND d IN (NULL)"
        );
    }
}
