//! The no-noise fallback: primary suppression of small cells, secondary suppression so that no
//! suppressed cell can be derived from the published cells and totals, and rounding.
//!
//! A table is held with its margins ("extended"): a one-way table is its cells then the
//! total; a two-way table is (R + 1) × (C + 1), row totals in the last column, column totals in
//! the last row, the grand total in the corner. Every line (a one-way table; each row and each
//! column of a two-way one) says: sum of its cells = its total.
//!
//! A suppressed cell is *recoverable* when the published values, the line equations and
//! non-negativity leave it a single possible value. The line equations of a table with margins
//! form a totally unimodular system, so a cell can take another value exactly when a ±1 move
//! along a cycle of suppressed cells (alternating + and −, keeping every line's sum and every
//! cell ≥ 0) changes it. [`recoverable`] searches for such a cycle; [`suppress`] adds the
//! smallest complementary cells until no suppressed cell is recoverable.

use std::collections::VecDeque;

/// A table with its margins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extended {
    /// Rows of inner cells.
    pub rows: usize,
    /// Columns of inner cells; `None` for a one-way table.
    pub cols: Option<usize>,
    /// One-way: cells then total. Two-way: (rows + 1) × (cols + 1), row-major.
    pub values: Vec<u64>,
}

impl Extended {
    /// A one-way table from its cells.
    pub fn one_way(cells: &[u64]) -> Extended {
        let mut values = cells.to_vec();
        values.push(cells.iter().sum());
        Extended {
            rows: cells.len(),
            cols: None,
            values,
        }
    }

    /// A two-way table from its rows of cells (all the same length `cols`).
    pub fn two_way(cells: &[Vec<u64>], cols: usize) -> Extended {
        let rows = cells.len();
        let w = cols + 1;
        let mut values = vec![0u64; (rows + 1) * w];
        for (r, row) in cells.iter().enumerate() {
            for c in 0..cols {
                let v = row.get(c).copied().unwrap_or(0);
                values[r * w + c] = v;
                values[r * w + cols] += v;
                values[rows * w + c] += v;
                values[rows * w + cols] += v;
            }
        }
        Extended {
            rows,
            cols: Some(cols),
            values,
        }
    }

    /// The index of the grand total.
    pub fn total_index(&self) -> usize {
        self.values.len() - 1
    }

    /// Whether `i` is a margin (a total).
    pub fn is_margin(&self, i: usize) -> bool {
        match self.cols {
            None => i == self.rows,
            Some(cols) => i % (cols + 1) == cols || i / (cols + 1) == self.rows,
        }
    }
}

/// Whether suppressed cell `i` can be derived from the unsuppressed ones (`suppressed[k]`
/// true means hidden), the line equations and non-negativity.
pub fn recoverable(table: &Extended, suppressed: &[bool], i: usize) -> bool {
    if !suppressed.get(i).copied().unwrap_or(false) {
        return false;
    }
    let x = &table.values;
    match table.cols {
        None => {
            // One line: Σ parts − total = 0. Sign σ: parts +1, total −1.
            let sigma = |k: usize| if k == table.rows { -1i64 } else { 1 };
            for d in [1i64, -1] {
                if (x[i] as i64) + d < 0 {
                    continue;
                }
                for j in 0..x.len() {
                    if j == i || !suppressed[j] {
                        continue;
                    }
                    let dj = -sigma(i) * sigma(j) * d;
                    if (x[j] as i64) + dj >= 0 {
                        return false;
                    }
                }
            }
            true
        }
        Some(cols) => {
            // Nodes: rows 0..=R, then columns. With z = −x on the non-corner margins, every
            // line reads "sum of z = 0", so moves are cycles alternating δz = +1 (row → column)
            // and δz = −1 (column → row).
            let w = cols + 1;
            let row_node = |k: usize| k / w;
            let col_node = |k: usize| table.rows + 1 + k % w;
            let s = |k: usize| {
                let corner = k == table.total_index();
                if table.is_margin(k) && !corner {
                    -1i64
                } else {
                    1
                }
            };
            // δz = +1 on cell k changes x by s(k); δz = −1 changes it by −s(k).
            let plus_ok = |k: usize| (x[k] as i64) + s(k) >= 0;
            let minus_ok = |k: usize| (x[k] as i64) - s(k) >= 0;
            let nodes = table.rows + 1 + w;
            let path = |from: usize, to: usize| -> bool {
                let mut seen = vec![false; nodes];
                let mut queue = VecDeque::from([from]);
                seen[from] = true;
                while let Some(n) = queue.pop_front() {
                    for (k, _) in suppressed.iter().enumerate().filter(|&(k, &h)| h && k != i) {
                        let (rn, cn) = (row_node(k), col_node(k));
                        let next = if n == rn && plus_ok(k) {
                            cn
                        } else if n == cn && minus_ok(k) {
                            rn
                        } else {
                            continue;
                        };
                        if next == to {
                            return true;
                        }
                        if !seen[next] {
                            seen[next] = true;
                            queue.push_back(next);
                        }
                    }
                }
                false
            };
            let (r, c) = (row_node(i), col_node(i));
            let up = plus_ok(i) && path(c, r);
            let down = minus_ok(i) && path(r, c);
            !(up || down)
        }
    }
}

/// Primary suppression of every cell (margins included) under `below`, then secondary
/// suppression: while some suppressed cell is recoverable, hide the cheapest complement
/// that makes it not so. One-way: the smallest published non-zero cell. Two-way: the
/// rectangle (the cell, a cell in its row, one in its column, the fourth corner) whose newly
/// hidden values sum least, totals counting as very expensive. Returns the suppressed flags,
/// index for index with `table.values`.
pub fn suppress(table: &Extended, below: u64) -> Vec<bool> {
    let mut hidden: Vec<bool> = table.values.iter().map(|&v| v < below).collect();
    loop {
        let Some(pinned) = (0..hidden.len()).find(|&i| recoverable(table, &hidden, i)) else {
            return hidden;
        };
        let cost = |k: usize, hidden: &[bool]| -> u64 {
            if hidden[k] {
                0
            } else {
                let v = table.values[k];
                v + if table.is_margin(k) { 1_000_000 } else { 0 }
            }
        };
        let choice: Option<Vec<usize>> = match table.cols {
            None => (0..hidden.len())
                .filter(|&k| !hidden[k])
                .min_by_key(|&k| (table.values[k] == 0, table.is_margin(k), table.values[k], k))
                .map(|k| vec![k]),
            Some(cols) => {
                let w = cols + 1;
                let (r, c) = (pinned / w, pinned % w);
                let mut best: Option<(u64, Vec<usize>)> = None;
                for r2 in (0..=table.rows).filter(|&r2| r2 != r) {
                    for c2 in (0..w).filter(|&c2| c2 != c) {
                        let corners = [r * w + c2, r2 * w + c2, r2 * w + c];
                        let mut trial = hidden.clone();
                        for &k in &corners {
                            trial[k] = true;
                        }
                        if recoverable(table, &trial, pinned) {
                            continue;
                        }
                        let total: u64 = corners.iter().map(|&k| cost(k, &hidden)).sum();
                        if best.as_ref().is_none_or(|(b, _)| total < *b) {
                            best = Some((total, corners.to_vec()));
                        }
                    }
                }
                best.map(|(_, corners)| corners)
            }
        };
        match choice {
            Some(ks) if ks.iter().any(|&k| !hidden[k]) => {
                for k in ks {
                    hidden[k] = true;
                }
            }
            // Nothing left to hide that helps: hide everything rather than publish a
            // derivable cell.
            _ => return vec![true; hidden.len()],
        }
    }
}

/// Rounds to the nearest multiple of `base` (halves up).
pub fn round_to(value: u64, base: u64) -> u64 {
    if base <= 1 {
        return value;
    }
    let rem = value % base;
    if rem * 2 >= base {
        value - rem + base
    } else {
        value - rem
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Exhaustive check, independent of [`recoverable`]: enumerate every move δ ∈ {−1, 0, 1}
    /// on the suppressed cells that keeps every line's sum and every cell ≥ 0. A cell that no
    /// such move changes is recoverable. (For a totally unimodular system this is exact: any
    /// other solution decomposes into ±1 circuits, each of them feasible.)
    pub(crate) fn brute_force_recoverable(table: &Extended, hidden: &[bool]) -> Vec<usize> {
        let vars: Vec<usize> = (0..hidden.len()).filter(|&i| hidden[i]).collect();
        assert!(vars.len() <= 14, "too many suppressed cells to enumerate");
        let lines: Vec<(Vec<usize>, usize)> = match table.cols {
            None => vec![((0..table.rows).collect(), table.rows)],
            Some(cols) => {
                let w = cols + 1;
                let mut l = Vec::new();
                for r in 0..=table.rows {
                    l.push(((0..cols).map(|c| r * w + c).collect(), r * w + cols));
                }
                for c in 0..=cols {
                    l.push((
                        (0..table.rows).map(|r| r * w + c).collect(),
                        table.rows * w + c,
                    ));
                }
                l
            }
        };
        let mut movable = vec![false; hidden.len()];
        let mut delta = vec![0i64; hidden.len()];
        let n = vars.len();
        let mut combo = vec![0usize; n];
        loop {
            for (k, &v) in vars.iter().enumerate() {
                delta[v] = combo[k] as i64 - 1;
            }
            let nonneg = vars.iter().all(|&v| table.values[v] as i64 + delta[v] >= 0);
            let balanced = lines.iter().all(|(parts, total)| {
                parts.iter().map(|&p| delta[p]).sum::<i64>() == delta[*total]
            });
            if nonneg && balanced {
                for &v in &vars {
                    if delta[v] != 0 {
                        movable[v] = true;
                    }
                }
            }
            // Next combination in base 3.
            let mut k = 0;
            loop {
                if k == n {
                    return vars.into_iter().filter(|&v| !movable[v]).collect();
                }
                combo[k] += 1;
                if combo[k] < 3 {
                    break;
                }
                combo[k] = 0;
                k += 1;
            }
        }
    }

    #[test]
    fn rounding_to_base_five() {
        let got: Vec<u64> = [0, 2, 3, 10, 12, 13, 17, 18, 22, 25]
            .map(|v| round_to(v, 5))
            .to_vec();
        assert_eq!(got, [0, 0, 5, 10, 10, 15, 15, 20, 20, 25]);
    }

    #[test]
    fn one_way_single_small_cell_gets_a_complement() {
        // 3 would be total − 12 − 20 − 15: the smallest other cell (12) is hidden with it.
        let t = Extended::one_way(&[12, 3, 20, 15]);
        let hidden = suppress(&t, 10);
        assert_eq!(hidden, [true, true, false, false, false]);
        assert!(brute_force_recoverable(&t, &hidden).is_empty());
    }

    #[test]
    fn one_way_zeros_are_not_left_derivable() {
        // Two zeros whose sum is total − published = 0 would both be known to be 0.
        let t = Extended::one_way(&[0, 0, 20, 15]);
        let hidden = suppress(&t, 10);
        assert_eq!(hidden, [true, true, false, true, false]);
        assert!(brute_force_recoverable(&t, &hidden).is_empty());
    }

    #[test]
    fn two_way_known_answer() {
        // rows: 3 regions, columns: 3 types.
        let t = Extended::two_way(&[vec![25, 4, 30], vec![12, 14, 40], vec![20, 18, 11]], 3);
        let hidden = suppress(&t, 10);
        // The 4 at (0,1) needs a cycle of hidden cells through it; the cheapest rectangle is
        // (0,0) = 25, (1,0) = 12, (1,1) = 14 (51 in all; the others cost 59, 63 and 84).
        // Shown values are rounded to base 5 one by one (the grand total 174 → 175).
        let shown: Vec<Option<u64>> = t
            .values
            .iter()
            .zip(&hidden)
            .map(|(&v, &h)| if h { None } else { Some(round_to(v, 5)) })
            .collect();
        assert!(brute_force_recoverable(&t, &hidden).is_empty());
        assert_eq!(
            shown,
            [
                None,
                None,
                Some(30),
                Some(60),
                None,
                None,
                Some(40),
                Some(65),
                Some(20),
                Some(20),
                Some(10),
                Some(50),
                Some(55),
                Some(35),
                Some(80),
                Some(175),
            ]
        );
    }

    #[test]
    fn a_bridge_between_two_cycles_is_not_left_derivable() {
        // Two 2×2 blocks of small cells joined in row 1 / column 2 by one small cell: the
        // "two per line" rule alone would leave that cell derivable.
        let cells = vec![
            vec![5, 5, 50, 50],
            vec![5, 5, 5, 50],
            vec![50, 50, 5, 5],
            vec![50, 50, 5, 5],
        ];
        let t = Extended::two_way(&cells, 4);
        let hidden = suppress(&t, 10);
        for i in 0..hidden.len() {
            assert!(!recoverable(&t, &hidden, i), "cell {i}");
        }
    }

    #[test]
    fn random_tables_leave_nothing_derivable() {
        let mut rng = crate::stats::noise::tests::Seeded(7);
        let mut checked = 0;
        for _ in 0..400 {
            let rows = 2 + crate::stats::noise::uniform_below(&mut rng, 2).unwrap_or(0) as usize;
            let cols = 2 + crate::stats::noise::uniform_below(&mut rng, 2).unwrap_or(0) as usize;
            let cells: Vec<Vec<u64>> = (0..rows)
                .map(|_| {
                    (0..cols)
                        .map(|_| crate::stats::noise::uniform_below(&mut rng, 25).unwrap_or(0))
                        .collect()
                })
                .collect();
            let t = Extended::two_way(&cells, cols);
            let hidden = suppress(&t, 10);
            if hidden.iter().filter(|&&h| h).count() > 12 {
                continue;
            }
            assert!(
                brute_force_recoverable(&t, &hidden).is_empty(),
                "{cells:?} {hidden:?}"
            );
            checked += 1;
            let one = Extended::one_way(&cells[0]);
            let h1 = suppress(&one, 10);
            assert!(
                brute_force_recoverable(&one, &h1).is_empty(),
                "{:?}",
                cells[0]
            );
        }
        assert!(
            checked > 100,
            "only {checked} tables small enough to enumerate"
        );
    }
}
