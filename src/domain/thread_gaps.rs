//! Gaps in a thread's positions. Every message takes the next position (1, 2, …), so a
//! missing number means a message was deleted or withheld: the thread MAC covers positions,
//! so nobody can renumber the rest to hide it. (A deleted *last* message leaves no gap.)

use std::ops::RangeInclusive;

/// The positions missing before each message, in thread order: for positions `[1, 2, 5]`,
/// `[(2, 3..=4)]`, meaning "before the message at index 2, positions 3 to 4 are missing".
pub fn thread_gaps(positions: &[i64]) -> Vec<(usize, RangeInclusive<i64>)> {
    let mut gaps = Vec::new();
    let mut expected = 1;
    for (index, &seq) in positions.iter().enumerate() {
        if seq > expected {
            gaps.push((index, expected..=seq - 1));
        }
        expected = expected.max(seq.saturating_add(1));
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_run_of_missing_positions_before_the_message_after_it() {
        assert!(thread_gaps(&[1, 2, 3]).is_empty());
        assert!(thread_gaps(&[]).is_empty());
        assert_eq!(thread_gaps(&[2]), vec![(0, 1..=1)]);
        assert_eq!(thread_gaps(&[1, 4, 5, 9]), vec![(1, 2..=3), (3, 6..=8)]);
    }
}
