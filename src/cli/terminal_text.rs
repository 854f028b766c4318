//! Text from outside this machine made inert before it reaches the terminal.
//!
//! A report is written by whoever submits it, and a State can pose as a reporter; the server
//! may be hostile too. Terminals obey control sequences inside printed text: OSC 52 writes to
//! the clipboard, OSC 8 makes links, CSI moves the cursor and erases lines (a forged
//! "Consent: … yes" line printed over the real one), bidirectional overrides reorder what is
//! shown. This is the caseworker's machine, whose key opens every report on its routes.
//!
//! So everything the CLI prints goes through [`inert`]: the [`say!`], [`say_err!`] and
//! [`ask!`] macros format a line and pass the whole of it through, and clippy refuses
//! `println!`, `eprintln!`, `print!`, `eprint!`, `std::io::stdout` and `std::io::stderr`
//! anywhere else in the crate (`clippy.toml`), so new code cannot forget.
//!
//! [`inert`] keeps newlines, tabs and every printable character, and writes each control
//! character as `\uXXXX` (four hexadecimal digits): C0 controls (ESC, BEL, CR, backspace…),
//! DEL, C1 controls (U+0080–U+009F, which some terminals read as ESC + letter), and the
//! bidirectional marks, embeddings, overrides and isolates. The same form is a valid JSON
//! escape of the same character, and these characters can only occur inside JSON strings, so
//! `--json` output passes through unchanged in meaning: a script reads the reporter's exact
//! text, a person's terminal obeys none of it.

use std::borrow::Cow;
use std::fmt;
use std::io::Write;

/// Whether `c` must be shown escaped: it would act on the terminal or reorder the line.
pub fn is_active(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}'   // C0 controls except tab and newline
        | '\u{7f}'                                // DEL
        | '\u{80}'..='\u{9f}'                     // C1 controls (CSI is U+009B, OSC U+009D)
        | '\u{61c}'                               // Arabic letter mark
        | '\u{200e}' | '\u{200f}'                 // left-to-right and right-to-left marks
        | '\u{202a}'..='\u{202e}'                 // embeddings and overrides
        | '\u{2066}'..='\u{2069}'                 // isolates
    )
}

/// `text` with every active character written as `\uXXXX`; newlines and tabs are kept, and a
/// carriage return right before a newline (Windows line ends, as browsers send form text) is
/// dropped rather than shown. Borrows when there is nothing to escape.
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_active) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if is_active(c) {
            // Every active character is in the Basic Multilingual Plane: four digits suffice.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` with every line indented by two spaces, so that what a reporter wrote can never
/// start a line of its own and pass for one of the CLI's (a forged "Consent: … yes").
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split('\n') {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("  ");
        out.push_str(line);
    }
    out
}

/// `text` on one line: each newline shown as `\n`, for values printed inside a line of the
/// CLI's own (a file name, a route, a day), which must not be able to start a new line.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if text.contains('\n') {
        Cow::Owned(text.replace('\n', "\\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// `word` as one shell word, for a command the user may paste: as it is when it holds only
/// characters no shell treats specially, otherwise in single quotes (a `'` inside written as
/// `'\''`). A path with spaces (`CASE (2).age`) then still names one file.
pub fn shell_word(word: &str) -> Cow<'_, str> {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c));
    if plain {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(format!("'{}'", word.replace('\'', "'\\''")))
    }
}

/// Shows a string through [`inert`] when formatted: for building messages (errors, file
/// names) out of text that came from a report or the server.
#[derive(Debug, Clone, Copy)]
pub struct Inert<'a>(pub &'a str);

impl fmt::Display for Inert<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&inert(self.0))
    }
}

/// Where a line goes.
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    /// Standard output: what the command shows.
    Out,
    /// Standard error: warnings, errors, prompts.
    Err,
}

/// Formats, makes inert, and writes to `stream`, followed by `end`. Used by the macros; a
/// closed pipe (`safehold case list | head`) is not an error worth a panic.
#[allow(clippy::disallowed_methods)] // the one place that may name the standard streams
pub fn write(stream: Stream, args: fmt::Arguments<'_>, end: &str) {
    let text = fmt::format(args);
    let text = inert(&text);
    let _ = match stream {
        Stream::Out => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.write_all(end.as_bytes()))
                .and_then(|()| out.flush())
        }
        Stream::Err => {
            let mut err = std::io::stderr().lock();
            err.write_all(text.as_bytes())
                .and_then(|()| err.write_all(end.as_bytes()))
                .and_then(|()| err.flush())
        }
    };
}

/// Like `println!`, through [`inert`].
macro_rules! say {
    () => {
        $crate::cli::terminal_text::write($crate::cli::terminal_text::Stream::Out, format_args!(""), "\n")
    };
    ($($arg:tt)*) => {
        $crate::cli::terminal_text::write($crate::cli::terminal_text::Stream::Out, format_args!($($arg)*), "\n")
    };
}

/// Like `eprintln!`, through [`inert`].
macro_rules! say_err {
    ($($arg:tt)*) => {
        $crate::cli::terminal_text::write($crate::cli::terminal_text::Stream::Err, format_args!($($arg)*), "\n")
    };
}

/// Like `eprint!` (a prompt on the same line), through [`inert`].
macro_rules! ask {
    ($($arg:tt)*) => {
        $crate::cli::terminal_text::write($crate::cli::terminal_text::Stream::Err, format_args!($($arg)*), "")
    };
}

pub(crate) use {ask, say, say_err};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_sequences_are_shown_not_obeyed() {
        let osc52 = "\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07";
        assert_eq!(inert(osc52), "\\u001b]52;c;Y3VybCBldmlsIHwgc2g=\\u0007");
        let osc8 = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\";
        assert!(!inert(osc8).contains('\x1b'));
        assert_eq!(inert("a\x1b[2A\x1b[2Kb"), "a\\u001b[2A\\u001b[2Kb");
        assert_eq!(inert("\u{9b}2J"), "\\u009b2J");
        assert_eq!(inert("abc\u{202e}fdp.exe"), "abc\\u202efdp.exe");
        assert_eq!(inert("x\u{7f}\u{8}y"), "x\\u007f\\u0008y");
        for c in [
            '\u{61c}', '\u{200e}', '\u{200f}', '\u{2066}', '\u{2069}', '\u{202a}',
        ] {
            assert!(is_active(c), "{c:?}");
        }
    }

    #[test]
    fn newlines_tabs_and_other_scripts_are_kept() {
        assert!(matches!(inert("line 1\nline\t2"), Cow::Borrowed(_)));
        assert_eq!(inert("dos\r\nline"), "dos\nline");
        assert_eq!(inert("over\rwrite"), "over\\u000dwrite");
        let text = "Юлия · 北京 · مرحبا · ✓";
        assert_eq!(inert(text), text);
        assert_eq!(Inert("a\x1bb").to_string(), "a\\u001bb");
    }

    #[test]
    fn quoted_text_never_starts_a_line() {
        assert_eq!(quoted("a\nConsent: yes\n"), "  a\n  Consent: yes\n  ");
        assert_eq!(quoted(""), "  ");
        assert_eq!(one_line("a.pdf\nConsent: yes"), "a.pdf\\nConsent: yes");
    }

    #[test]
    fn shell_words_stay_one_word() {
        assert_eq!(shell_word("/home/a/K7QW.age"), "/home/a/K7QW.age");
        assert_eq!(shell_word("/tmp/K7QW (2).age"), "'/tmp/K7QW (2).age'");
        assert_eq!(shell_word("it's;rm -rf"), "'it'\\''s;rm -rf'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn no_character_of_the_first_planes_gets_through_active_and_json_keeps_every_one() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let shown = inert(&all);
        for c in shown.chars() {
            assert!(
                !c.is_control() || c == '\n' || c == '\t',
                "{:04x} got through",
                u32::from(c)
            );
            assert!(!is_active(c), "{:04x} got through", u32::from(c));
        }
        let json = serde_json::to_string(&all).unwrap();
        let back: String = serde_json::from_str(&inert(&json)).unwrap();
        assert_eq!(back, all);
    }

    #[test]
    fn json_passes_through_with_the_same_meaning() {
        let value = serde_json::json!({ "text": "a\u{202e}b\u{9b}c\u{7f}\x1b[2K" });
        let json = serde_json::to_string_pretty(&value).unwrap();
        let shown = inert(&json);
        assert!(!shown.chars().any(is_active), "{shown}");
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back, value);
    }
}
