//! The case vocabulary, as types: what a case's status can be and become, what a reporter can
//! consent to, what an alert is about, and who wrote a message.
//!
//! Plaintext-free: these are codes, never content, so every layer may use them (`store`,
//! `alerts` and `stats` included). Each type serialises to the same string in JSON, in the
//! database and in alerts, so the compiler catches a value added in one place and not another.

mod alert_kind;
mod author;
mod consent;
mod status;
mod thread_gaps;

pub use alert_kind::AlertKind;
pub use author::Author;
pub use consent::{Consent, Purpose};
pub use status::CaseStatus;
pub use thread_gaps::thread_gaps;

/// A string that names no known value of a vocabulary type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {vocabulary} {value:?}")]
pub struct UnknownValue {
    /// Which vocabulary: "case status", "consent purpose", …
    pub vocabulary: &'static str,
    /// The value, as given.
    pub value: String,
}

/// Implements the string conversions every vocabulary enum shares: `as_str`, `Display`,
/// `FromStr`, and `TryFrom<String>` (which `#[derive(sqlx::FromRow)]` uses to read a column).
macro_rules! string_enum {
    ($ty:ident, $vocabulary:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The value as stored and sent.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::domain::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($ty::$variant),)+
                    _ => Err($crate::domain::UnknownValue {
                        vocabulary: $vocabulary,
                        value: s.to_owned(),
                    }),
                }
            }
        }

        /// Compares with the stored string, so checks read like the data they check.
        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $crate::domain::UnknownValue;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_enum;

/// Lists values as "a, b, c", for messages that say what is allowed.
pub fn list<T: std::fmt::Display>(values: &[T]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
