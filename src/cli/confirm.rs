//! Asking the operator before an irreversible step, the way `case reply` does: at standard input
//! if it is a terminal, else at the controlling terminal (`/dev/tty`), so a command fed by a pipe
//! still asks the person at the keyboard. With neither, as in a script, there is nobody to ask:
//! not confirmed (scripts pass `--yes`).

use std::io::{BufRead, IsTerminal};

use super::terminal_text::{ask, say_err};

/// Asks `question` (`[y/N]` is added) and reads the answer; only `y` or `yes` confirms.
pub fn confirmed(question: &str) -> bool {
    let mut terminal: Box<dyn BufRead> = if std::io::stdin().is_terminal() {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open("/dev/tty") {
            Ok(tty) => Box::new(std::io::BufReader::new(tty)),
            Err(_) => {
                say_err!("There is no terminal to confirm on.");
                return false;
            }
        }
    };
    ask!("{question} [y/N] ");
    let mut answer = String::new();
    if terminal.read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}
