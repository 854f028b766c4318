//! Making the published figures of a release agree with each other, by post-processing alone.
//!
//! The headline total is measured on its own (one noisy count), and every breakdown is measured
//! cell by cell. Summed, noisy cells drift far from the total (a sum of 196 noises is wide), so
//! the published cells are instead the non-negative integers closest to the measured cells (least
//! squares) that sum to the published total: a TopDown step. Each figure is kept inside its own
//! exact 90% interval, so the estimate never contradicts the uncertainty stated beside it.
//!
//! This reads only noisy measurements and public constants, never a true count: it is
//! post-processing and spends no privacy budget.

/// The integer least-squares fit of `measured` to a sum of exactly `total`, each figure kept in
/// its box `lo[i]..=hi[i]`; `None` when no such figures exist (Σlo > total or Σhi < total).
///
/// The cost Σ(xᵢ − mᵢ)² is separable and convex, so adding (or removing) one unit at a time
/// where it costs least, starting from the measured figures clamped to their boxes, reaches the
/// integer optimum.
pub fn fit_to_total(measured: &[i64], lo: &[i64], hi: &[i64], total: i64) -> Option<Vec<i64>> {
    let low = lo.iter().fold(0i64, |a, &b| a.saturating_add(b));
    let high = hi.iter().fold(0i64, |a, &b| a.saturating_add(b));
    if total < low || total > high {
        return None;
    }
    let mut x: Vec<i64> = measured
        .iter()
        .zip(lo.iter().zip(hi))
        .map(|(&m, (&l, &h))| m.clamp(l, h))
        .collect();
    let mut sum: i64 = x.iter().sum();
    while sum < total {
        // +1 costs 2(xᵢ − mᵢ) + 1: raise the figure furthest below its measurement.
        let i = (0..x.len())
            .filter(|&i| x[i] < hi[i])
            .min_by_key(|&i| (x[i] - measured[i], i))?;
        x[i] += 1;
        sum += 1;
    }
    while sum > total {
        let i = (0..x.len())
            .filter(|&i| x[i] > lo[i])
            .max_by_key(|&i| (x[i] - measured[i], std::cmp::Reverse(i)))?;
        x[i] -= 1;
        sum -= 1;
    }
    Some(x)
}

/// Like [`fit_to_total`], for a table that publishes only some of its cells (a threshold): the
/// shown figures may sum to less than the total (the rest is in cells not shown), never more.
pub fn fit_at_most(measured: &[i64], lo: &[i64], hi: &[i64], total: i64) -> Option<Vec<i64>> {
    let clamped: Vec<i64> = measured
        .iter()
        .zip(lo.iter().zip(hi))
        .map(|(&m, (&l, &h))| m.clamp(l, h))
        .collect();
    if clamped.iter().sum::<i64>() <= total {
        Some(clamped)
    } else {
        fit_to_total(measured, lo, hi, total)
    }
}

/// The exact 90% box of a measurement `m` with half-width `k`: `max(0, m − k)..=m + k`
/// (a count is never negative, so cutting the box at zero loses no coverage).
pub fn interval(m: i64, k: u64) -> (i64, i64) {
    let k = i64::try_from(k).unwrap_or(i64::MAX);
    (m.saturating_sub(k).max(0), m.saturating_add(k).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force over every integer vector in the boxes: the least-squares optimum.
    fn best(measured: &[i64], lo: &[i64], hi: &[i64], total: i64) -> Option<i64> {
        fn walk(
            i: usize,
            acc: &mut Vec<i64>,
            m: &[i64],
            lo: &[i64],
            hi: &[i64],
            total: i64,
            best: &mut Option<i64>,
        ) {
            if i == m.len() {
                if acc.iter().sum::<i64>() == total {
                    let cost: i64 = acc.iter().zip(m).map(|(x, m)| (x - m) * (x - m)).sum();
                    if best.is_none_or(|b| cost < b) {
                        *best = Some(cost);
                    }
                }
                return;
            }
            for v in lo[i]..=hi[i] {
                acc.push(v);
                walk(i + 1, acc, m, lo, hi, total, best);
                acc.pop();
            }
        }
        let mut b = None;
        walk(0, &mut Vec::new(), measured, lo, hi, total, &mut b);
        b
    }

    #[test]
    fn the_fit_is_the_integer_least_squares_optimum_within_the_boxes() {
        let mut rng = crate::stats::noise::tests::Seeded(11);
        let mut draw = |n: u64| crate::stats::noise::uniform_below(&mut rng, n).unwrap_or(0) as i64;
        for _ in 0..300 {
            let n = 1 + draw(4) as usize;
            let measured: Vec<i64> = (0..n).map(|_| draw(12) - 3).collect();
            let k = 1 + draw(3) as u64;
            let (lo, hi): (Vec<i64>, Vec<i64>) = measured.iter().map(|&m| interval(m, k)).unzip();
            let total = draw(30);
            let fit = fit_to_total(&measured, &lo, &hi, total);
            let optimum = best(&measured, &lo, &hi, total);
            match (fit, optimum) {
                (Some(x), Some(b)) => {
                    assert_eq!(x.iter().sum::<i64>(), total);
                    let cost: i64 = x
                        .iter()
                        .zip(&measured)
                        .map(|(x, m)| (x - m) * (x - m))
                        .sum();
                    assert_eq!(cost, b, "{measured:?} {total} → {x:?}");
                    for i in 0..n {
                        assert!(lo[i] <= x[i] && x[i] <= hi[i]);
                    }
                }
                (None, None) => {}
                (f, o) => panic!("{measured:?} {total}: fit {f:?}, optimum {o:?}"),
            }
        }
    }

    #[test]
    fn at_most_keeps_the_measurements_when_they_fit() {
        assert_eq!(
            fit_at_most(&[9, 12], &[7, 10], &[11, 14], 30),
            Some(vec![9, 12])
        );
        let x = fit_at_most(&[9, 12], &[7, 10], &[11, 14], 19);
        assert_eq!(x.map(|x| x.iter().sum::<i64>()), Some(19));
        assert_eq!(interval(1, 3), (0, 4));
    }
}
