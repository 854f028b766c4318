//! One problem found in a keys or policy file, located as precisely as possible so the
//! operator can go straight to it. Printed the way compilers print locations, which editors
//! can jump to: `file:line: context: message`, leaving out what is not known.
//!
//! Loaders collect every problem before refusing a file, so one restart can fix them all.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a problem is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// The file or directory at fault, when there is one.
    pub file: Option<PathBuf>,
    /// The 1-based line, when the problem is on one line.
    pub line: Option<usize>,
    /// What inside the file: ``route `x`, field `y` ``, ``target `t`, field `f` ``, or the
    /// `role/name` of a person.
    pub context: Option<String>,
    /// What is wrong, phrased as what to do.
    pub message: String,
}

impl Problem {
    /// A problem known only by its message; locate it with the methods below.
    pub fn new(message: impl fmt::Display) -> Problem {
        Problem {
            file: None,
            line: None,
            context: None,
            message: message.to_string(),
        }
    }

    /// The same problem, in `file`.
    pub fn in_file(self, file: &Path) -> Problem {
        Problem {
            file: Some(file.to_path_buf()),
            ..self
        }
    }

    /// The same problem, on `line` when it is known.
    pub fn at_line(self, line: Option<usize>) -> Problem {
        Problem { line, ..self }
    }

    /// The same problem, about `context` (a route and field, a target, a person).
    pub fn about(self, context: impl Into<String>) -> Problem {
        Problem {
            context: Some(context.into()),
            ..self
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{}:{line}: ", file.display())?,
            (Some(file), None) => write!(f, "{}: ", file.display())?,
            (None, _) => {}
        }
        if let Some(context) = &self.context {
            write!(f, "{context}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// One problem per line, each as `  - problem`, for the end of an error message.
pub fn bulleted(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|problem| format!("  - {problem}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_what_is_known_of_the_location() {
        let problem = Problem::new("no caseworkers");
        assert_eq!(problem.to_string(), "no caseworkers");
        let problem = problem.about("route `a`, field `caseworkers`");
        assert_eq!(
            problem.to_string(),
            "route `a`, field `caseworkers`: no caseworkers"
        );
        let problem = problem.in_file(Path::new("policy/routing.toml"));
        assert_eq!(
            problem.to_string(),
            "policy/routing.toml: route `a`, field `caseworkers`: no caseworkers"
        );
        let problem = problem.at_line(Some(3));
        assert_eq!(
            problem.to_string(),
            "policy/routing.toml:3: route `a`, field `caseworkers`: no caseworkers"
        );
        assert_eq!(
            bulleted(&[Problem::new("a"), Problem::new("b")]),
            "  - a\n  - b"
        );
    }
}
