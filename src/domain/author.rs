//! Who wrote a message of a case's thread.

use std::fmt;
use std::str::FromStr;

use super::UnknownValue;

/// The author of a message: the reporter, or a named caseworker. Stored as `reporter` or
/// `caseworker/<name>`; the reporter is never told which caseworker wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Author {
    /// The person who reported.
    Reporter,
    /// A caseworker, by name.
    Caseworker(String),
}

const REPORTER: &str = "reporter";
const CASEWORKER_PREFIX: &str = "caseworker/";

impl Author {
    /// Whether the reporter wrote it.
    pub fn is_reporter(&self) -> bool {
        matches!(self, Author::Reporter)
    }
}

impl fmt::Display for Author {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Author::Reporter => f.write_str(REPORTER),
            Author::Caseworker(name) => write!(f, "{CASEWORKER_PREFIX}{name}"),
        }
    }
}

impl FromStr for Author {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == REPORTER {
            return Ok(Author::Reporter);
        }
        match s.strip_prefix(CASEWORKER_PREFIX) {
            Some(name) if !name.is_empty() => Ok(Author::Caseworker(name.to_owned())),
            _ => Err(UnknownValue {
                vocabulary: "message author",
                value: s.to_owned(),
            }),
        }
    }
}

impl TryFrom<String> for Author {
    type Error = UnknownValue;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl serde::Serialize for Author {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Author {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_read_back_as_stored() {
        for text in ["reporter", "caseworker/amina"] {
            assert_eq!(text.parse::<Author>().unwrap().to_string(), text);
        }
        assert!("caseworker/".parse::<Author>().is_err());
        assert!("admin/x".parse::<Author>().is_err());
    }
}
