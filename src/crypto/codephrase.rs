//! The codephrase: a diceware receipt, the reporter's only credential.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// Words in a generated codephrase: 8 × log2(7776) ≈ 103 bits, beyond any offline search.
pub const CODEPHRASE_WORDS: usize = 8;

/// Fewest words [`Codephrase::parse`] accepts (≈ 90 bits), as the design requires.
pub const MIN_WORDS: usize = 7;

/// Most words [`Codephrase::parse`] accepts, to bound the work done on hostile input.
pub const MAX_WORDS: usize = 32;

/// Size of the EFF large wordlist: 6^5 dice rolls.
const WORDLIST_LEN: usize = 7776;

/// The EFF large diceware list, one word per line.
static WORDLIST_TEXT: &str = include_str!("eff_large_wordlist.txt");

/// The wordlist, parsed once: indexable for generation, hashed for parsing.
static WORDLIST: LazyLock<Wordlist> = LazyLock::new(|| {
    let words: Vec<&'static str> = WORDLIST_TEXT.lines().map(str::trim).collect();
    let set = words.iter().copied().collect();
    Wordlist { words, set }
});

struct Wordlist {
    words: Vec<&'static str>,
    set: HashSet<&'static str>,
}

/// Why a typed codephrase was refused. Messages name positions, never the words typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodephraseError {
    /// Fewer words than a codephrase has.
    #[error(
        "a codephrase has at least {required} words, but {found} were entered; type every word of your receipt, separated by spaces"
    )]
    TooFewWords {
        /// Words entered.
        found: usize,
        /// Minimum accepted.
        required: usize,
    },
    /// More words than any codephrase has.
    #[error(
        "a codephrase has at most {limit} words, but {found} were entered; type only the words of your receipt"
    )]
    TooManyWords {
        /// Words entered.
        found: usize,
        /// Maximum accepted.
        limit: usize,
    },
    /// A word is not in the list; the position is 1-based.
    #[error("word number {position} is not a codephrase word; check its spelling on your receipt")]
    UnknownWord {
        /// 1-based position of the first unknown word.
        position: usize,
    },
    /// The operating system's random number generator failed.
    #[error(
        "the system random number generator failed; try again, and tell the operator if it persists"
    )]
    Rng,
}

/// A normalised codephrase (lowercase words, single spaces), wiped from memory on drop.
pub struct Codephrase(SecretString);

impl Codephrase {
    /// Generates a codephrase of [`CODEPHRASE_WORDS`] words from the OS random generator.
    ///
    /// # Panics
    /// If the operating system's random generator fails, as `age` itself does: there is no
    /// safe fallback. Use [`Codephrase::try_generate`] to handle that case.
    pub fn generate() -> Codephrase {
        match Self::try_generate() {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    /// Generates a codephrase, reporting a failure of the OS random generator as an error.
    ///
    /// Indices are uniform over 0..7776 by rejection sampling: a 16-bit sample `x` is used
    /// only if `x < 62208` (= 8 × 7776, the largest multiple of 7776 ≤ 65536), and then
    /// `x mod 7776` is uniform. Samples ≥ 62208 (5% of them) are redrawn, so there is no
    /// modulo bias.
    pub fn try_generate() -> Result<Codephrase, CodephraseError> {
        const LIMIT: u16 = (WORDLIST_LEN * 8) as u16; // 62208
        let list = &WORDLIST.words;
        let mut indices = Zeroizing::new([0usize; CODEPHRASE_WORDS]);
        let mut sample = Zeroizing::new([0u8; 2]);
        for slot in indices.iter_mut() {
            loop {
                getrandom::fill(&mut *sample).map_err(|_| CodephraseError::Rng)?;
                let x = u16::from_le_bytes(*sample);
                if x < LIMIT {
                    *slot = usize::from(x) % WORDLIST_LEN;
                    break;
                }
            }
        }
        let mut words = Vec::with_capacity(CODEPHRASE_WORDS);
        for &i in indices.iter() {
            words.push(*list.get(i).ok_or(CodephraseError::Rng)?);
        }
        Ok(Self::join(&words))
    }

    /// Parses what a reporter typed: trims, lowercases, collapses whitespace runs to one
    /// space, and requires [`MIN_WORDS`]..=[`MAX_WORDS`] words, each from the list.
    ///
    /// A phrase typed with hyphens instead of spaces (`apple-stove-…`) is read too.
    pub fn parse(input: &str) -> Result<Codephrase, CodephraseError> {
        let trimmed = input.trim();
        if trimmed.contains('-')
            && !trimmed.contains(char::is_whitespace)
            && let Some(phrase) = Self::parse_hyphen_joined(trimmed)
        {
            return Ok(phrase);
        }
        let list = &WORDLIST.set;
        let found = input.split_whitespace().count();
        if found < MIN_WORDS {
            return Err(CodephraseError::TooFewWords {
                found,
                required: MIN_WORDS,
            });
        }
        if found > MAX_WORDS {
            return Err(CodephraseError::TooManyWords {
                found,
                limit: MAX_WORDS,
            });
        }
        // Every list word is ASCII, so a word with any non-ASCII character is unknown; ASCII
        // lowercasing in a fixed-size buffer then leaves no intermediate copies behind.
        let mut lowered = Zeroizing::new(String::with_capacity(input.len()));
        let mut words: Vec<&'static str> = Vec::with_capacity(found);
        for (i, word) in input.split_whitespace().enumerate() {
            lowered.clear();
            lowered.extend(word.chars().map(|c| c.to_ascii_lowercase()));
            match list.get(lowered.as_str()) {
                Some(w) if word.is_ascii() => words.push(w),
                _ => return Err(CodephraseError::UnknownWord { position: i + 1 }),
            }
        }
        Ok(Self::join(&words))
    }

    /// Reads a phrase joined with hyphens. Four list words hold a hyphen themselves
    /// (drop-down, felt-tip, t-shirt, yo-yo), so two pieces may make one word: the reading
    /// with exactly [`CODEPHRASE_WORDS`] list words is taken, joined pieces preferred.
    fn parse_hyphen_joined(input: &str) -> Option<Codephrase> {
        if !input.is_ascii() || input.len() > 1024 {
            return None;
        }
        let lowered = Zeroizing::new(input.to_ascii_lowercase());
        let pieces: Vec<&str> = lowered.split('-').collect();
        let mut words = Vec::with_capacity(CODEPHRASE_WORDS);
        segment(&pieces, &mut words).then(|| Self::join(&words))
    }

    /// The normalised codephrase: lowercase list words separated by single spaces.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Joins list words into a buffer of exact size (no reallocation, no stray copies).
    fn join(words: &[&'static str]) -> Codephrase {
        let len = words.iter().map(|w| w.len()).sum::<usize>() + words.len().saturating_sub(1);
        let mut phrase = String::with_capacity(len);
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                phrase.push(' ');
            }
            phrase.push_str(w);
        }
        // `String` → `Box<str>` does not reallocate when length equals capacity.
        Codephrase(SecretString::from(phrase))
    }
}

/// Splits `pieces` into list words (one piece, or two joined by a hyphen), pushing them to
/// `words`; true when exactly [`CODEPHRASE_WORDS`] words use every piece.
fn segment(pieces: &[&str], words: &mut Vec<&'static str>) -> bool {
    if pieces.is_empty() {
        return words.len() == CODEPHRASE_WORDS;
    }
    if words.len() == CODEPHRASE_WORDS {
        return false;
    }
    let list = &WORDLIST.set;
    if let [first, second, rest @ ..] = pieces {
        let mut joined = Zeroizing::new(String::with_capacity(first.len() + 1 + second.len()));
        joined.push_str(first);
        joined.push('-');
        joined.push_str(second);
        if let Some(word) = list.get(joined.as_str()) {
            words.push(word);
            if segment(rest, words) {
                return true;
            }
            words.pop();
        }
    }
    if let Some(word) = list.get(pieces[0]) {
        words.push(word);
        if segment(&pieces[1..], words) {
            return true;
        }
        words.pop();
    }
    false
}

impl fmt::Debug for Codephrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Codephrase(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordlist_has_7776_unique_lowercase_words() {
        assert_eq!(WORDLIST.words.len(), WORDLIST_LEN);
        assert_eq!(WORDLIST.set.len(), WORDLIST_LEN);
        for w in &WORDLIST.words {
            assert!(!w.is_empty());
            assert!(
                w.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{w}"
            );
        }
        assert_eq!(WORDLIST.words.iter().filter(|w| w.contains('-')).count(), 4);
    }

    #[test]
    fn generated_codephrases_parse_back_and_differ() {
        let a = Codephrase::generate();
        let b = Codephrase::generate();
        assert_eq!(a.expose().split(' ').count(), CODEPHRASE_WORDS);
        assert_ne!(a.expose(), b.expose());
        assert_eq!(Codephrase::parse(a.expose()).unwrap().expose(), a.expose());
    }

    #[test]
    fn a_phrase_joined_with_hyphens_reads_as_its_words() {
        let spaced = "drop-down apple t-shirt stove yo-yo felt-tip zoom acorn";
        let expected = Codephrase::parse(spaced).unwrap();
        let hyphened = Codephrase::parse("Drop-Down-apple-T-SHIRT-stove-yo-yo-felt-tip-zoom-acorn");
        assert_eq!(hyphened.unwrap().expose(), expected.expose());
        let plain = Codephrase::generate();
        let joined = plain.expose().replace(' ', "-");
        assert_eq!(Codephrase::parse(&joined).unwrap().expose(), plain.expose());
        // Not eight list words: refused as before, by count or by word.
        assert!(Codephrase::parse("apple-stove").is_err());
    }

    #[test]
    fn parse_normalises_case_and_whitespace() {
        let c =
            Codephrase::parse("  Abacus\tabdomen\n\nABDOMINAL  abide abiding ability ablaze able ")
                .unwrap();
        assert_eq!(
            c.expose(),
            "abacus abdomen abdominal abide abiding ability ablaze able"
        );
    }

    #[test]
    fn parse_errors_name_counts_and_positions_but_not_words() {
        assert_eq!(
            Codephrase::parse("abacus abdomen").unwrap_err(),
            CodephraseError::TooFewWords {
                found: 2,
                required: 7
            }
        );
        let err = Codephrase::parse("abacus abdomen abdominal zzzsecret abiding ability ablaze")
            .unwrap_err();
        assert_eq!(err, CodephraseError::UnknownWord { position: 4 });
        assert!(!err.to_string().contains("zzzsecret"));
        // A non-ASCII look-alike (Cyrillic 'а') is unknown, not silently folded.
        assert_eq!(
            Codephrase::parse("\u{430}bacus abdomen abdominal abide abiding ability ablaze")
                .unwrap_err(),
            CodephraseError::UnknownWord { position: 1 }
        );
        let many = vec!["abacus"; MAX_WORDS + 1].join(" ");
        assert!(matches!(
            Codephrase::parse(&many),
            Err(CodephraseError::TooManyWords { .. })
        ));
    }

    #[test]
    fn sampling_limit_is_the_largest_multiple_below_2_pow_16() {
        let limit = WORDLIST_LEN * 8;
        assert!(limit <= 1 << 16 && limit + WORDLIST_LEN > 1 << 16);
    }

    #[test]
    fn debug_is_redacted() {
        assert_eq!(
            format!("{:?}", Codephrase::generate()),
            "Codephrase(<redacted>)"
        );
    }
}
