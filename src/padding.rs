//! Size buckets for plaintext, so that ciphertext length says little about the content.

/// Smallest padded plaintext: every report, however short, is at least this long.
///
/// A short report and an empty one must look the same on the wire and in the database.
pub const MIN_BUCKET: usize = 8 * 1024;

/// The length a plaintext of `unpadded` bytes is padded to before encryption.
///
/// `max(MIN_BUCKET, padme(unpadded))`. Padmé is the padding scheme of Nikitin, Barman, Lueks,
/// Underwood, Hubaux and Ford, "Reducing Metadata Leakage from Encrypted Files and
/// Communication with PURBs", PoPETs 2019(4): it leaks O(log log L) bits of the length `L` and
/// costs at most about 12% (less than 6.3% above `MIN_BUCKET`). The browser implements the
/// same function; see `docs/envelope.md`.
pub fn padded_len(unpadded: usize) -> usize {
    padme(unpadded).max(MIN_BUCKET)
}

/// A JSON request body padded with trailing spaces (still valid JSON) to the bucket of its
/// longest variant: `shorter_by` is how many bytes this body is shorter than the longest body
/// of the same shape (`"urgent":true` is one byte shorter than `"urgent":false`), so that both
/// land in the same bucket and the length tells a network observer nothing more.
pub fn padded_json_body(mut body: Vec<u8>, shorter_by: usize) -> Vec<u8> {
    let target = padded_len(body.len() + shorter_by);
    body.resize(target, b' ');
    body
}

/// Padmé: with E = ⌊log2 L⌋, S = ⌊log2 E⌋ + 1 and z = E − S, round L up to a multiple of 2^z.
///
/// Saturates at `usize::MAX` instead of overflowing (no such plaintext can be allocated anyway).
fn padme(len: usize) -> usize {
    if len < 2 {
        return len;
    }
    let e = len.ilog2(); // E = floor(log2 L), L >= 2 so E >= 1
    let s = e.ilog2() + 1; // S = floor(log2 E) + 1
    let z = e - s; // S <= E for every E >= 1, so no underflow
    let mask = (1usize << z) - 1; // z < usize::BITS
    match len.checked_add(mask) {
        Some(v) => v & !mask,
        None => usize::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_padded_body_is_json_in_the_bucket_of_its_longest_variant() {
        let urgent = br#"{"urgent":true}"#.to_vec();
        let calm = br#"{"urgent":false}"#.to_vec();
        let a = padded_json_body(urgent, 1);
        let b = padded_json_body(calm, 0);
        assert_eq!(a.len(), b.len());
        assert_eq!(a.len(), MIN_BUCKET);
        let parsed: serde_json::Value = serde_json::from_slice(&a).unwrap();
        assert_eq!(parsed["urgent"], true);
    }

    #[test]
    fn padme_matches_the_paper_on_small_values() {
        // Values worked by hand: for L < 8, z = 0 (no padding).
        for l in 0..8 {
            assert_eq!(padme(l), l);
        }
        // L = 9: E = 3, S = 2, z = 1 → 10.
        assert_eq!(padme(9), 10);
        // L = 100: E = 6, S = 3, z = 3 → multiple of 8 → 104.
        assert_eq!(padme(100), 104);
        // L = 8193: E = 13, S = 4, z = 9 → multiple of 512 → 8704.
        assert_eq!(padme(8193), 8704);
        // L = 1_000_000: E = 19, S = 5, z = 14 → multiple of 16384 → 1_015_808.
        assert_eq!(padme(1_000_000), 1_015_808);
        assert_eq!(padme(usize::MAX), usize::MAX);
    }

    #[test]
    fn bucket_boundaries() {
        assert_eq!(padded_len(0), MIN_BUCKET);
        assert_eq!(padded_len(1), MIN_BUCKET);
        assert_eq!(padded_len(MIN_BUCKET - 1), MIN_BUCKET);
        assert_eq!(padded_len(MIN_BUCKET), MIN_BUCKET);
        assert_eq!(padded_len(MIN_BUCKET + 1), MIN_BUCKET + 512);
        assert_eq!(padded_len(MIN_BUCKET + 512), MIN_BUCKET + 512);
        assert_eq!(padded_len(MIN_BUCKET + 513), MIN_BUCKET + 1024);
        // 16 KiB: E = 14, S = 4, z = 10.
        assert_eq!(padded_len(16 * 1024 + 1), 16 * 1024 + 1024);
    }

    #[test]
    fn overhead_is_at_most_twelve_percent_and_monotonic() {
        let mut previous = 0;
        let mut l = 0usize;
        while l < 64 * 1024 * 1024 {
            let p = padded_len(l);
            assert!(p >= l, "padding never shrinks ({l})");
            assert!(p >= previous, "padded_len is monotonic ({l})");
            if l >= MIN_BUCKET {
                // (p - l) / l <= 0.12, in integers.
                assert!((p - l) * 100 <= l * 12, "overhead of {l} → {p}");
            }
            // Padmé's fixed points are themselves padded to themselves.
            assert_eq!(padded_len(p), p);
            previous = p;
            l += if l < 100_000 { 1 } else { 997 };
        }
    }
}
