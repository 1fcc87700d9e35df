//! How the store's own types are written to and read from a column, once, for both
//! engines: a yes/no column (SQLite keeps 0/1, PostgreSQL a boolean), and the domain's
//! enums kept as their stable codes in text columns (statuses, rules, roles, business
//! types). A code the program does not know is a decode error that names it, never a
//! silent default.

use sqlx::any::{AnyTypeInfo, AnyTypeInfoKind, AnyValueRef};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Any, Decode, Encode, Type};

/// A yes/no column read from either engine: a boolean, or an integer (0 is no). Used as
/// `#[sqlx(try_from = "Truth")] field: bool`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Truth(pub bool);

impl From<Truth> for bool {
    fn from(t: Truth) -> bool {
        t.0
    }
}

impl Type<Any> for Truth {
    fn type_info() -> AnyTypeInfo {
        <bool as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        ty.kind() == AnyTypeInfoKind::Bool || ty.kind().is_integer()
    }
}

impl<'r> Decode<'r, Any> for Truth {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        match <bool as Decode<Any>>::decode(value.clone()) {
            Ok(b) => Ok(Truth(b)),
            Err(_) => Ok(Truth(<i64 as Decode<Any>>::decode(value)? != 0)),
        }
    }
}

/// A domain enum stored as its code (`$code`/`parse`) in a text column.
macro_rules! text_column {
    ($t:ty, $code:ident, $what:literal) => {
        impl Type<Any> for $t {
            fn type_info() -> AnyTypeInfo {
                <String as Type<Any>>::type_info()
            }

            fn compatible(ty: &AnyTypeInfo) -> bool {
                <String as Type<Any>>::compatible(ty)
            }
        }

        impl<'q> Encode<'q, Any> for $t {
            fn encode_by_ref(
                &self,
                buf: &mut <Any as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<IsNull, BoxDynError> {
                <String as Encode<'q, Any>>::encode(self.$code().to_string(), buf)
            }
        }

        impl<'r> Decode<'r, Any> for $t {
            fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                let code = <String as Decode<Any>>::decode(value)?;
                <$t>::parse(&code).ok_or_else(|| format!("unknown {} {code:?}", $what).into())
            }
        }
    };
}

text_column!(crate::review::FlagStatus, as_str, "flag status");
text_column!(crate::rules::Rule, code, "rule");
text_column!(crate::register::BusinessType, as_str, "business type");
text_column!(crate::register::LicenceStatus, as_str, "licence status");
text_column!(crate::store::users::Role, as_str, "role");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::FlagStatus;
    use crate::store::Store;

    #[tokio::test]
    async fn codes_and_truths_read_back_as_written_and_unknown_codes_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::connect(&url).await.unwrap();
        let (status, yes, no): (FlagStatus, Truth, Truth) = sqlx::query_as("SELECT $1, 1 = 1, 0")
            .bind(FlagStatus::InReview)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!((status, yes.0, no.0), (FlagStatus::InReview, true, false));
        let unknown = sqlx::query_scalar::<_, FlagStatus>("SELECT 'bogus'")
            .fetch_one(store.pool())
            .await
            .unwrap_err();
        assert!(
            unknown
                .to_string()
                .contains("unknown flag status \"bogus\""),
            "{unknown}"
        );
    }
}
