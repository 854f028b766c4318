//! Files a hostile submitter could make: age headers altered so that they are addressed to a
//! caseworker and still do not open.

/// `file` with its first recipient stanza replaced by the first stanza of `donor` (a file
/// encrypted to the same recipient): that stanza still opens for its recipient, to another
/// file key, and the header MAC no longer matches.
pub fn graft_first_stanza(file: &[u8], donor: &[u8]) -> Vec<u8> {
    let (header, payload) = split_header(file);
    let (donor_header, _) = split_header(donor);
    let (a, b) = stanzas(&header)[0];
    let (c, d) = stanzas(&donor_header)[0];
    let mut out = format!("{}{}{}", &header[..a], &donor_header[c..d], &header[b..]).into_bytes();
    out.extend_from_slice(&payload);
    out
}

/// The text header (through the MAC line) and the binary payload of an age file.
fn split_header(bytes: &[u8]) -> (String, Vec<u8>) {
    let at = bytes.windows(5).position(|w| w == b"\n--- ").unwrap();
    let line_end = at + 1 + bytes[at + 1..].iter().position(|b| *b == b'\n').unwrap();
    (
        String::from_utf8(bytes[..=line_end].to_vec()).unwrap(),
        bytes[line_end + 1..].to_vec(),
    )
}

/// Byte ranges of each `-> …` stanza of a header, up to the next stanza or the MAC line.
fn stanzas(header: &str) -> Vec<(usize, usize)> {
    let mut starts: Vec<usize> = header.match_indices("\n-> ").map(|(i, _)| i + 1).collect();
    starts.push(header.find("\n--- ").unwrap() + 1);
    starts.windows(2).map(|w| (w[0], w[1])).collect()
}
