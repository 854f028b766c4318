//! Strict validation of client-made age v1 files before they are stored, without any key.
//!
//! Partner tools and the browser encrypt reports themselves; the server can only check the
//! shape. It accepts exactly what caseworkers can open: a binary age v1 file whose stanzas
//! are X25519 (one per route recipient) plus at most one grease stanza, and a payload whose
//! length is consistent with age's STREAM chunking. This module never imports `envelope` or
//! `crypto`: it sees ciphertext only. Reference: <https://age-encryption.org/v1> and the
//! parser in `age-core/src/format.rs`.

/// The version line every age v1 file starts with.
const MAGIC: &[u8] = b"age-encryption.org/v1\n";
/// The version-independent prefix, to tell "other version" from "not age".
const MAGIC_PREFIX: &[u8] = b"age-encryption.org/";
/// First line of the ASCII-armored form, which we refuse.
const ARMOR_BEGIN: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";
/// Start of a recipient stanza line.
const STANZA_PREFIX: &[u8] = b"-> ";
/// Start of the MAC line.
const MAC_PREFIX: &[u8] = b"--- ";
/// Base64 characters of a 32-byte value without padding.
const B64_32: usize = 43;
/// Body lines are wrapped at this many columns.
const BODY_COLUMNS: usize = 64;
/// Payload nonce length.
const NONCE_LEN: usize = 16;
/// Poly1305 tag per chunk.
const TAG_LEN: usize = 16;
/// A full STREAM chunk: 64 KiB of plaintext and its tag.
const FULL_CHUNK: usize = 64 * 1024 + TAG_LEN;
/// Longest tag quoted back in an error message.
const MAX_QUOTED_TAG: usize = 32;

/// What a valid file contains, for logging and storage decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderSummary {
    /// X25519 recipient stanzas.
    pub x25519_stanzas: usize,
    /// Grease stanzas (0 or 1).
    pub grease_stanzas: usize,
    /// Header bytes, up to and including the MAC line.
    pub header_len: usize,
    /// Payload bytes: nonce and encrypted chunks.
    pub payload_len: usize,
}

/// Why a ciphertext was refused. Written for the developer of the client that sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CiphertextError {
    /// Nothing was sent.
    #[error("the ciphertext is empty; send the binary age file as the request body")]
    Empty,
    /// Bigger than the server accepts.
    #[error(
        "the ciphertext is larger than the limit of {limit} bytes; send fewer or smaller attachments"
    )]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// ASCII armor (PEM-like) instead of binary.
    #[error(
        "armored age files are not accepted; send the binary age file (without -----BEGIN AGE ENCRYPTED FILE-----)"
    )]
    Armored,
    /// Not an age file at all.
    #[error("this is not an age file: it must start with the line \"age-encryption.org/v1\"")]
    NotAge,
    /// An age file of a version other than v1.
    #[error(
        "only age format v1 is accepted: the first line must be exactly \"age-encryption.org/v1\""
    )]
    UnsupportedVersion,
    /// The header ended before its MAC line.
    #[error("the age header is truncated; send the whole file")]
    TruncatedHeader,
    /// A header line breaks the age v1 grammar.
    #[error(
        "the age header is malformed at line {line}: {reason}; encrypt with a conforming age implementation"
    )]
    MalformedHeader {
        /// 1-based header line.
        line: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// The header has no recipient stanza.
    #[error(
        "the age header has no recipient stanza; encrypt to the X25519 recipients from /api/v1/routes"
    )]
    NoRecipients,
    /// A passphrase (scrypt) stanza.
    #[error(
        "passphrase-encrypted files are not accepted; encrypt to the X25519 recipients from /api/v1/routes"
    )]
    Passphrase,
    /// A recipient type caseworkers cannot decrypt (e.g. post-quantum, SSH, plugins).
    #[error(
        "recipient type {tag} is not accepted; encrypt to the X25519 recipients from /api/v1/routes"
    )]
    UnsupportedRecipient {
        /// The stanza tag, shortened to a few dozen characters.
        tag: String,
    },
    /// An X25519 stanza with wrong arguments or body.
    #[error(
        "X25519 stanza number {index} is malformed: it needs one 43-character base64 share and a 32-byte body"
    )]
    MalformedX25519 {
        /// 1-based position among all stanzas.
        index: usize,
    },
    /// More than one grease stanza.
    #[error("more than one grease stanza; age adds at most one")]
    TooMuchGrease,
    /// The number of X25519 recipients does not match the route.
    #[error(
        "the file is encrypted to {found} X25519 recipients but the route has {expected}; encrypt to exactly the recipients listed in /api/v1/routes"
    )]
    WrongRecipientCount {
        /// Recipients on the route.
        expected: usize,
        /// X25519 stanzas in the file.
        found: usize,
    },
    /// The payload is missing, cut short, or has an impossible length.
    #[error("the age payload is truncated or has an invalid length; send the whole file")]
    TruncatedPayload,
}

/// Checks that `bytes` is a binary age v1 file encrypted to exactly `expected_x25519` X25519
/// recipients (plus optional grease), no longer than `max_len`. Never panics.
pub fn validate(
    bytes: &[u8],
    expected_x25519: usize,
    max_len: usize,
) -> Result<HeaderSummary, CiphertextError> {
    if bytes.len() > max_len {
        return Err(CiphertextError::TooLarge { limit: max_len });
    }
    if bytes.is_empty() {
        return Err(CiphertextError::Empty);
    }
    let trimmed = trim_ascii_start(bytes);
    // A cut-short armor line is still armor; five dashes are enough to tell.
    if trimmed.starts_with(ARMOR_BEGIN) || (trimmed.len() >= 5 && ARMOR_BEGIN.starts_with(trimmed))
    {
        return Err(CiphertextError::Armored);
    }
    if !bytes.starts_with(MAGIC) {
        return Err(if MAGIC.starts_with(bytes) {
            CiphertextError::TruncatedHeader
        } else if bytes.starts_with(MAGIC_PREFIX) {
            CiphertextError::UnsupportedVersion
        } else {
            CiphertextError::NotAge
        });
    }

    let mut lines = Lines {
        rest: bytes.get(MAGIC.len()..).unwrap_or_default(),
        line: 1,
    };
    let mut x25519 = 0usize;
    let mut grease = 0usize;
    let mut stanzas = 0usize;
    loop {
        let (line, number) = lines.next().ok_or(CiphertextError::TruncatedHeader)?;
        if let Some(stanza) = line.strip_prefix(STANZA_PREFIX) {
            stanzas += 1;
            let body_len = read_body(&mut lines)?;
            let mut parts = stanza.split(|&b| b == b' ');
            let tag = parts.next().unwrap_or_default();
            let args: Vec<&[u8]> = parts.collect();
            if tag.is_empty() || !tag.iter().all(is_vchar) {
                return Err(malformed(
                    number,
                    "the stanza type is not a printable ASCII word",
                ));
            }
            if args.iter().any(|a| a.is_empty() || !a.iter().all(is_vchar)) {
                return Err(malformed(
                    number,
                    "stanza arguments must be single-space-separated printable ASCII words",
                ));
            }
            match tag {
                b"X25519" => {
                    let share_ok = args.len() == 1
                        && args.first().and_then(|a| canonical_b64_len(a)) == Some(32);
                    if !share_ok || body_len != 32 {
                        return Err(CiphertextError::MalformedX25519 { index: stanzas });
                    }
                    x25519 += 1;
                }
                b"scrypt" => return Err(CiphertextError::Passphrase),
                t if t.ends_with(b"-grease") => {
                    grease += 1;
                    if grease > 1 {
                        return Err(CiphertextError::TooMuchGrease);
                    }
                }
                other => {
                    let shown = other.get(..MAX_QUOTED_TAG).unwrap_or(other);
                    return Err(CiphertextError::UnsupportedRecipient {
                        // VCHAR bytes only (checked above), so this is lossless ASCII.
                        tag: String::from_utf8_lossy(shown).into_owned(),
                    });
                }
            }
        } else if let Some(mac) = line.strip_prefix(MAC_PREFIX) {
            if mac.len() != B64_32 || canonical_b64_len(mac) != Some(32) {
                return Err(malformed(
                    number,
                    "the MAC must be 43 characters of canonical base64",
                ));
            }
            break;
        } else {
            return Err(malformed(
                number,
                "expected a \"-> \" stanza or the \"--- \" MAC line",
            ));
        }
    }
    if stanzas == 0 {
        return Err(CiphertextError::NoRecipients);
    }
    if x25519 != expected_x25519 {
        return Err(CiphertextError::WrongRecipientCount {
            expected: expected_x25519,
            found: x25519,
        });
    }

    let header_len = bytes.len() - lines.rest.len();
    let payload_len = lines.rest.len();
    if !payload_len_is_valid(payload_len) {
        return Err(CiphertextError::TruncatedPayload);
    }
    Ok(HeaderSummary {
        x25519_stanzas: x25519,
        grease_stanzas: grease,
        header_len,
        payload_len,
    })
}

/// Whether a payload (nonce + STREAM chunks) of this length can be valid: every chunk but the
/// last is exactly 64 KiB + 16; the last holds 16..=65552 bytes, and is empty (16 bytes)
/// only when it is the only chunk.
/// The plaintext length behind a payload of `payload_len` bytes (valid per [`validate`]):
/// the nonce, then 64 KiB chunks each with a 16-byte tag.
pub fn plaintext_len(payload_len: usize) -> usize {
    let stream = payload_len.saturating_sub(NONCE_LEN);
    let full = stream / FULL_CHUNK;
    let rest = stream % FULL_CHUNK;
    full * (FULL_CHUNK - TAG_LEN) + rest.saturating_sub(TAG_LEN)
}

fn payload_len_is_valid(payload_len: usize) -> bool {
    let Some(stream) = payload_len.checked_sub(NONCE_LEN) else {
        return false;
    };
    if stream < TAG_LEN {
        return false;
    }
    let full = stream / FULL_CHUNK;
    match stream % FULL_CHUNK {
        0 => true, // the last chunk is full
        TAG_LEN => full == 0,
        rem => rem > TAG_LEN,
    }
}

/// Reads a stanza body: full 64-column lines, then one shorter (possibly empty) line of
/// canonical base64. Returns the decoded length.
fn read_body(lines: &mut Lines<'_>) -> Result<usize, CiphertextError> {
    let mut decoded = 0usize;
    loop {
        let (line, number) = lines.next().ok_or(CiphertextError::TruncatedHeader)?;
        if line.len() > BODY_COLUMNS {
            return Err(malformed(
                number,
                "stanza body lines must be at most 64 characters",
            ));
        }
        if line.len() == BODY_COLUMNS {
            if !line.iter().all(|&b| is_b64(b)) {
                return Err(malformed(number, "stanza body is not base64"));
            }
            decoded += BODY_COLUMNS / 4 * 3;
            continue;
        }
        let last = canonical_b64_len(line)
            .ok_or_else(|| malformed(number, "stanza body is not canonical unpadded base64"))?;
        return Ok(decoded + last);
    }
}

/// Header lines, each without its `\n`, numbered from 2 (line 1 is the version line).
struct Lines<'a> {
    rest: &'a [u8],
    line: usize,
}

impl<'a> Lines<'a> {
    /// The next complete line, or `None` if no `\n` remains.
    fn next(&mut self) -> Option<(&'a [u8], usize)> {
        let end = self.rest.iter().position(|&b| b == b'\n')?;
        let line = self.rest.get(..end)?;
        self.rest = self.rest.get(end + 1..)?;
        self.line += 1;
        Some((line, self.line))
    }
}

fn malformed(line: usize, reason: &'static str) -> CiphertextError {
    CiphertextError::MalformedHeader { line, reason }
}

/// age's "arbitrary string" characters: printable ASCII without space.
fn is_vchar(b: &u8) -> bool {
    (33..=126).contains(b)
}

fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// Decoded length of canonical, unpadded standard base64 (RFC 4648 §3.5: no stray trailing
/// bits), or `None`.
fn canonical_b64_len(s: &[u8]) -> Option<usize> {
    if !s.iter().all(|&b| is_b64(b)) {
        return None;
    }
    let trailing_ok = match (s.len() % 4, s.last()) {
        (0, _) => true,
        (1, _) => false,
        // Two characters encode one byte: the last holds 4 unused bits.
        (2, Some(&c)) => b64_value(c) & 0x0f == 0,
        // Three characters encode two bytes: the last holds 2 unused bits.
        (3, Some(&c)) => b64_value(c) & 0x03 == 0,
        _ => false,
    };
    trailing_ok.then_some(s.len() / 4 * 3 + (s.len() % 4).saturating_sub(1))
}

fn b64_value(c: u8) -> u8 {
    match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    }
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD_NO_PAD;

    const LIMIT: usize = 1 << 20;

    fn real_file(recipients: usize, plaintext_len: usize) -> Vec<u8> {
        let ids: Vec<_> = (0..recipients)
            .map(|_| age::x25519::Identity::generate().to_public())
            .collect();
        let enc =
            age::Encryptor::with_recipients(ids.iter().map(|r| r as &dyn age::Recipient)).unwrap();
        let mut out = Vec::new();
        let mut w = enc.wrap_output(&mut out).unwrap();
        std::io::Write::write_all(&mut w, &vec![7u8; plaintext_len]).unwrap();
        w.finish().unwrap();
        out
    }

    fn x25519_stanza() -> String {
        format!(
            "-> X25519 {}\n{}\n",
            STANDARD_NO_PAD.encode([1u8; 32]),
            STANDARD_NO_PAD.encode([2u8; 32])
        )
    }

    /// A hand-made file: the given stanzas, a syntactically valid MAC, a one-chunk payload.
    fn handmade(stanzas: &str, payload: usize) -> Vec<u8> {
        let mut f =
            format!("age-encryption.org/v1\n{stanzas}--- {}\n", "A".repeat(43)).into_bytes();
        f.extend(std::iter::repeat_n(0u8, payload));
        f
    }

    #[test]
    fn real_age_files_pass() {
        for (n, len) in [
            (1, 0),
            (1, 10),
            (3, 8192),
            (5, 64 * 1024),
            (2, 64 * 1024 + 1),
            (1, 200_000),
        ] {
            let f = real_file(n, len);
            let s = validate(&f, n, LIMIT).unwrap_or_else(|e| panic!("{n} {len}: {e}"));
            assert_eq!(s.x25519_stanzas, n);
            assert_eq!(s.grease_stanzas, 1, "the age crate always adds grease");
            assert_eq!(s.header_len + s.payload_len, f.len());
        }
    }

    #[test]
    fn table_of_refusals() {
        use CiphertextError as E;
        let good = real_file(2, 100);
        let header_len = validate(&good, 2, LIMIT).unwrap().header_len;
        let scrypt = format!(
            "{}-> scrypt {} 18\n{}\n",
            x25519_stanza(),
            STANDARD_NO_PAD.encode([3u8; 16]),
            STANDARD_NO_PAD.encode([4u8; 32])
        );
        let pq = format!(
            "-> mlkem768x25519 {}\n{}\n",
            STANDARD_NO_PAD.encode([5u8; 32]),
            STANDARD_NO_PAD.encode([6u8; 32])
        );
        let two_grease = format!("{}-> a-grease\n\n-> b-grease x\n\n", x25519_stanza());
        let long_share = format!(
            "-> X25519 {}\n{}\n",
            STANDARD_NO_PAD.encode([1u8; 33]),
            STANDARD_NO_PAD.encode([2u8; 32])
        );
        let non_canonical_body = format!(
            "-> X25519 {}\n{}B\n",
            STANDARD_NO_PAD.encode([1u8; 32]),
            &STANDARD_NO_PAD.encode([2u8; 32])[..42]
        );
        let mut armored =
            b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"
                .to_vec();
        let cases: Vec<(&str, Vec<u8>, usize, E)> = vec![
            ("empty", vec![], 1, E::Empty),
            (
                "garbage",
                b"hello world, this is not age".to_vec(),
                1,
                E::NotAge,
            ),
            ("binary garbage", vec![0xff; 100], 1, E::NotAge),
            (
                "other version",
                b"age-encryption.org/v2\n-> X\n".to_vec(),
                1,
                E::UnsupportedVersion,
            ),
            (
                "cut version line",
                b"age-encryp".to_vec(),
                1,
                E::TruncatedHeader,
            ),
            (
                "version line with CR",
                b"age-encryption.org/v1\r\n".to_vec(),
                1,
                E::UnsupportedVersion,
            ),
            ("armored", std::mem::take(&mut armored), 1, E::Armored),
            (
                "armored after blank lines",
                b"\n\n-----BEGIN AGE ENC".to_vec(),
                1,
                E::Armored,
            ),
            ("too large", good.clone(), 2, E::TooLarge { limit: 10 }),
            (
                "wrong count",
                good.clone(),
                3,
                E::WrongRecipientCount {
                    expected: 3,
                    found: 2,
                },
            ),
            (
                "truncated header",
                good[..header_len - 10].to_vec(),
                2,
                E::TruncatedHeader,
            ),
            (
                "no payload",
                good[..header_len].to_vec(),
                2,
                E::TruncatedPayload,
            ),
            (
                "nonce only",
                good[..header_len + 16].to_vec(),
                2,
                E::TruncatedPayload,
            ),
            (
                "truncated chunk",
                good[..header_len + 16 + 15].to_vec(),
                2,
                E::TruncatedPayload,
            ),
            ("X25519 and scrypt", handmade(&scrypt, 48), 1, E::Passphrase),
            (
                "post-quantum",
                handmade(&pq, 48),
                1,
                E::UnsupportedRecipient {
                    tag: "mlkem768x25519".into(),
                },
            ),
            (
                "ssh",
                handmade("-> ssh-ed25519 abc\n\n", 48),
                1,
                E::UnsupportedRecipient {
                    tag: "ssh-ed25519".into(),
                },
            ),
            ("two grease", handmade(&two_grease, 48), 1, E::TooMuchGrease),
            ("no stanza", handmade("", 48), 1, E::NoRecipients),
            (
                "X25519 share too long",
                handmade(&long_share, 48),
                1,
                E::MalformedX25519 { index: 1 },
            ),
            (
                "non-canonical body",
                handmade(&non_canonical_body, 48),
                1,
                E::MalformedHeader {
                    line: 3,
                    reason: "stanza body is not canonical unpadded base64",
                },
            ),
            (
                "stanza without body",
                b"age-encryption.org/v1\n-> X25519 abc\n--- AAAA\n".to_vec(),
                1,
                E::MalformedHeader {
                    line: 3,
                    reason: "stanza body is not canonical unpadded base64",
                },
            ),
            (
                "double space",
                handmade("-> a-grease  x\n\n", 48),
                0,
                E::MalformedHeader {
                    line: 2,
                    reason: "stanza arguments must be single-space-separated printable ASCII words",
                },
            ),
            (
                "empty tag",
                handmade("-> \n\n", 48),
                0,
                E::MalformedHeader {
                    line: 2,
                    reason: "the stanza type is not a printable ASCII word",
                },
            ),
            (
                "stray line",
                handmade("hello\n", 48),
                0,
                E::MalformedHeader {
                    line: 2,
                    reason: "expected a \"-> \" stanza or the \"--- \" MAC line",
                },
            ),
            (
                "short MAC",
                b"age-encryption.org/v1\n-> a-grease\n\n--- AAAA\n".to_vec(),
                0,
                E::MalformedHeader {
                    line: 4,
                    reason: "the MAC must be 43 characters of canonical base64",
                },
            ),
            (
                "empty last chunk after a full one",
                handmade(&x25519_stanza(), 16 + FULL_CHUNK + 16),
                1,
                E::TruncatedPayload,
            ),
        ];
        for (name, bytes, expected, want) in cases {
            let limit = if matches!(want, E::TooLarge { .. }) {
                10
            } else {
                LIMIT
            };
            assert_eq!(validate(&bytes, expected, limit), Err(want), "case {name}");
        }
        // A 64-column body line must be followed by a shorter (here empty) final line.
        let full_line = format!(
            "{}-> x-grease a b\n{}\n",
            x25519_stanza(),
            "QUJD".repeat(16)
        );
        assert!(validate(&handmade(&format!("{full_line}\n"), 32), 1, LIMIT).is_ok());
        assert!(matches!(
            validate(&handmade(&full_line, 32), 1, LIMIT),
            Err(E::MalformedHeader { .. })
        ));
    }

    #[test]
    fn payload_lengths_follow_stream_chunking() {
        assert!(!payload_len_is_valid(0));
        assert!(!payload_len_is_valid(31));
        assert!(payload_len_is_valid(32)); // empty plaintext: one empty chunk
        assert!(payload_len_is_valid(33));
        assert!(payload_len_is_valid(16 + FULL_CHUNK)); // exactly 64 KiB
        assert!(!payload_len_is_valid(16 + FULL_CHUNK + 1));
        assert!(!payload_len_is_valid(16 + FULL_CHUNK + 16)); // empty chunk after a full one
        assert!(payload_len_is_valid(16 + FULL_CHUNK + 17));
        assert!(payload_len_is_valid(16 + 3 * FULL_CHUNK));
    }

    #[test]
    fn canonical_base64() {
        assert_eq!(canonical_b64_len(b""), Some(0));
        assert_eq!(canonical_b64_len(b"QQ"), Some(1));
        assert_eq!(canonical_b64_len(b"QR"), None); // stray bits
        assert_eq!(canonical_b64_len(b"QUI"), Some(2));
        assert_eq!(canonical_b64_len(b"QUJ"), None);
        assert_eq!(canonical_b64_len(b"QUJD"), Some(3));
        assert_eq!(canonical_b64_len(b"Q"), None);
        assert_eq!(canonical_b64_len(b"QQ=="), None);
        let s = STANDARD_NO_PAD.encode([9u8; 32]);
        assert_eq!(canonical_b64_len(s.as_bytes()), Some(32));
    }

    /// xorshift64*: enough randomness for a quick never-panics sweep without a dependency.
    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    #[test]
    fn never_panics_on_random_and_mutated_input() {
        let mut rng = XorShift(0x5afe_401d_dead_beef);
        let seeds = [
            real_file(1, 10),
            real_file(3, 70_000),
            handmade(&x25519_stanza(), 40),
        ];
        for i in 0..20_000 {
            let input: Vec<u8> = if i % 4 == 0 {
                (0..rng.below(300)).map(|_| rng.next() as u8).collect()
            } else {
                let mut f = seeds[i % seeds.len()].clone();
                for _ in 0..=rng.below(4) {
                    match rng.below(4) {
                        0 => {
                            let at = rng.below(f.len().min(400));
                            if let Some(b) = f.get_mut(at) {
                                *b = rng.next() as u8;
                            }
                        }
                        1 => f.truncate(rng.below(f.len() + 1)),
                        2 => {
                            let at = rng.below(f.len().min(400));
                            let b = [b'\n', b' ', b'-', b'>', b'A', b'=', 0][rng.below(7)];
                            f.insert(at.min(f.len()), b);
                        }
                        _ => {
                            let at = rng.below(f.len().min(400));
                            if at < f.len() {
                                f.remove(at);
                            }
                        }
                    }
                }
                f
            };
            let _ = validate(&input, rng.below(4), rng.below(2 * LIMIT));
        }
    }
}
