//! Exact discrete Laplace noise, with no floating point anywhere in the sampling.
//!
//! The algorithms are those of Clément L. Canonne, Gautam Kamath and Thomas Steinke, "The
//! Discrete Gaussian for Differential Privacy", NeurIPS 2020 (arXiv:2004.00010), section 5:
//! - Algorithm 1 draws Bernoulli(exp(−γ)) for a rational γ = n/d using only Bernoulli(n/(d·k))
//!   draws, i.e. uniform integers compared with integers;
//! - Algorithm 2 draws from the discrete Laplace distribution with scale t/s,
//!   P(Y = y) ∝ exp(−|y|·s/t), from uniform integers and Algorithm 1.
//!
//! Uniform integers come from rejection sampling over 64-bit words of a [`RandomSource`]: the
//! operating system's CSPRNG ([`OsRandom`], `getrandom`) in production, a seeded generator in
//! tests. Floating point would leak through the gaps of its grid (Mironov 2012); here every
//! step is an exact integer comparison.
//!
//! A table whose cells change by at most 1 when one victim is added or removed gets ε-DP from
//! noise of scale 1/ε on every cell: with ε = m/1000, scale = 1000/m, so t = 1000, s = m.

/// A source of uniformly random bytes.
pub trait RandomSource {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), NoiseError>;
}

/// The operating system's CSPRNG.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), NoiseError> {
        getrandom::fill(buf).map_err(|e| NoiseError::Rng(e.to_string()))
    }
}

/// Why noise could not be drawn.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoiseError {
    /// The operating system's random source failed.
    #[error("the system random source failed ({0}); nothing was released, try again")]
    Rng(String),
    /// A scale of zero (ε infinite) or an overflowing one.
    #[error("noise scale {t}/{s} is not usable: give each table a positive epsilon")]
    BadScale {
        /// Numerator.
        t: u64,
        /// Denominator.
        s: u64,
    },
}

fn next_u64(rng: &mut dyn RandomSource) -> Result<u64, NoiseError> {
    let mut b = [0u8; 8];
    rng.fill(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

/// A uniform integer in `0..n` (`n ≥ 1`), by rejection: words below 2^64 mod n are
/// redrawn, so each residue has exactly the same number of preimages.
pub fn uniform_below(rng: &mut dyn RandomSource, n: u64) -> Result<u64, NoiseError> {
    if n <= 1 {
        return Ok(0);
    }
    let threshold = n.wrapping_neg() % n;
    loop {
        let x = next_u64(rng)?;
        if x >= threshold {
            return Ok(x % n);
        }
    }
}

/// Bernoulli(n/d), `0 ≤ n ≤ d`, `d ≥ 1`.
fn bernoulli(rng: &mut dyn RandomSource, n: u64, d: u64) -> Result<bool, NoiseError> {
    Ok(uniform_below(rng, d)? < n)
}

/// Bernoulli(exp(−n/d)) exactly: CKS20, Algorithm 1.
pub fn bernoulli_exp(rng: &mut dyn RandomSource, n: u64, d: u64) -> Result<bool, NoiseError> {
    if d == 0 {
        return Err(NoiseError::BadScale { t: n, s: d });
    }
    if n <= d {
        // γ ∈ [0, 1]: K ← 1; repeat A ← Bernoulli(γ/K), K ← K+1 until A = 0; return K odd
        // (counting as in the paper: the loop ends with K one past the last success).
        let mut k: u64 = 1;
        loop {
            let kd = d
                .checked_mul(k)
                .ok_or(NoiseError::BadScale { t: n, s: d })?;
            if !bernoulli(rng, n, kd)? {
                break;
            }
            k += 1;
        }
        return Ok(k % 2 == 1);
    }
    // γ > 1: exp(−γ) = exp(−1)^⌊γ⌋ · exp(−(γ − ⌊γ⌋)).
    for _ in 0..n / d {
        if !bernoulli_exp(rng, 1, 1)? {
            return Ok(false);
        }
    }
    bernoulli_exp(rng, n % d, d)
}

/// One draw from the discrete Laplace distribution with scale `t/s`:
/// P(Y = y) = (1 − p)/(1 + p) · p^|y| with p = exp(−s/t). CKS20, Algorithm 2.
pub fn discrete_laplace(rng: &mut dyn RandomSource, t: u64, s: u64) -> Result<i64, NoiseError> {
    if t == 0 || s == 0 {
        return Err(NoiseError::BadScale { t, s });
    }
    loop {
        let u = uniform_below(rng, t)?;
        if !bernoulli_exp(rng, u, t)? {
            continue;
        }
        let mut v: u64 = 0;
        while bernoulli_exp(rng, 1, 1)? {
            v += 1;
        }
        let x = v
            .checked_mul(t)
            .and_then(|vt| vt.checked_add(u))
            .ok_or(NoiseError::BadScale { t, s })?;
        let y = x / s;
        let negative = bernoulli(rng, 1, 2)?;
        if negative && y == 0 {
            continue;
        }
        let y = i64::try_from(y).map_err(|_| NoiseError::BadScale { t, s })?;
        return Ok(if negative { -y } else { y });
    }
}

/// p = exp(−s/t), the ratio between successive probabilities (for display only).
pub fn ratio(t: u64, s: u64) -> f64 {
    (-(s as f64) / (t as f64)).exp()
}

/// The variance 2p/(1 − p)² of discrete Laplace noise with scale `t/s`.
pub fn variance(t: u64, s: u64) -> f64 {
    let p = ratio(t, s);
    2.0 * p / ((1.0 - p) * (1.0 - p))
}

/// The smallest k with P(|Y| ≤ k) ≥ `level` for discrete Laplace noise of scale `t/s`, from
/// the exact tail P(|Y| > k) = 2·p^(k+1)/(1 + p). For a 90% interval, `level` = 0.9: the
/// true count lies within ± k of the published one 9 times in 10.
pub fn interval_half_width(t: u64, s: u64, level: f64) -> u64 {
    let p = ratio(t, s);
    let mut k: u64 = 0;
    let mut tail = 2.0 * p / (1.0 + p);
    while tail > 1.0 - level && k < 1_000_000 {
        k += 1;
        tail *= p;
    }
    k
}

/// P(|Y| ≤ k): how often the true count lies within ±k of a noisy one, exactly
/// 1 − 2·p^(k+1)/(1 + p).
pub fn coverage(t: u64, s: u64, k: u64) -> f64 {
    let p = ratio(t, s);
    1.0 - 2.0 * p.powf(k as f64 + 1.0) / (1.0 + p)
}

/// P(Y ≥ τ), exactly p^τ/(1 + p) for τ ≥ 1 (and 1/(1 + p) for τ = 0): how often a true
/// zero shows as τ or more.
pub fn upper_tail(t: u64, s: u64, tau: u64) -> f64 {
    let p = ratio(t, s);
    p.powf(tau as f64) / (1.0 + p)
}

/// How often at least one of `cells` true zeros clears `tau` in one release:
/// 1 − (1 − p^τ/(1 + p))^cells, the chance of a phantom category.
pub fn phantom_rate(t: u64, s: u64, cells: usize, tau: u64) -> f64 {
    let q = upper_tail(t, s, tau);
    -((cells as f64) * (-q).ln_1p()).exp_m1()
}

/// The smallest τ ≥ 1 at which an all-zero table of `cells` categories shows a phantom (a
/// noisy count ≥ τ) with probability at most `rate`.
pub fn phantom_threshold(t: u64, s: u64, cells: usize, rate: f64) -> u64 {
    let mut tau = 1;
    while phantom_rate(t, s, cells, tau) > rate && tau < 1_000_000 {
        tau += 1;
    }
    tau
}

/// P(Y ≤ b), exactly: 1 − p^(b+1)/(1 + p) for b ≥ 0, p^(−b)/(1 + p) below.
pub fn cdf(t: u64, s: u64, b: i64) -> f64 {
    let p = ratio(t, s);
    if b >= 0 {
        1.0 - p.powf(b as f64 + 1.0) / (1.0 + p)
    } else {
        p.powf(-(b as f64)) / (1.0 + p)
    }
}

/// The `level` interval of the true count behind a measurement `m` that was published
/// *because* it reached `tau`: every count c ≥ 0 under which m is not in either 5% tail of the
/// measurement's distribution given that it reached `tau` (an equal-tailed Neyman interval of
/// the truncated distribution, so it holds the truth at least `level` of the time among the
/// published cells). Near the threshold it reaches down to zero: a count just over the
/// threshold may be a phantom.
///
/// Under a count c < τ the tail beyond τ − c is memoryless (P(Y ≥ a + j)/P(Y ≥ a) = p^j), so
/// both tail probabilities are the same for every such c: p^(m−τ) above, 1 − p^(m−τ+1) below.
pub fn selected_interval(t: u64, s: u64, m: i64, tau: i64, level: f64) -> (i64, i64) {
    let alpha = (1.0 - level) / 2.0;
    let p = ratio(t, s);
    let inside = |c: i64| -> bool {
        let (upper, lower) = if c < tau {
            let d = (m - tau) as f64;
            (p.powf(d), 1.0 - p.powf(d + 1.0))
        } else {
            let reach = 1.0 - cdf(t, s, tau - c - 1);
            (
                (1.0 - cdf(t, s, m - c - 1)) / reach,
                (cdf(t, s, m - c) - cdf(t, s, tau - c - 1)) / reach,
            )
        };
        upper > alpha && lower > alpha
    };
    // The set is an interval (the family has a monotone likelihood ratio); the measurement
    // itself is always in it. Walk down and up from it.
    let mut low = m.max(0);
    while low > 0 && inside(low - 1) {
        low -= 1;
    }
    let mut high = m.max(0);
    let limit = m.saturating_add(1_000_000);
    while high < limit && inside(high + 1) {
        high += 1;
    }
    (low, high)
}

/// The most multiply-adds [`sum_distribution`] spends before giving up (a sum of very many
/// very wide noises: an operator's table without a headline total at a tiny ε).
const SUM_WORK: usize = 50_000_000;

/// The probabilities of a sum of `n` independent draws of scale `t/s`, as (lowest value,
/// probabilities); tails under 1e-15 are cut after each convolution, so a few hundred
/// cells at the shipped scales take a fraction of a millisecond. `None` past [`SUM_WORK`].
fn sum_distribution(t: u64, s: u64, n: usize) -> Option<(i64, Vec<f64>)> {
    let p = ratio(t, s);
    let p0 = (1.0 - p) / (1.0 + p);
    let mut reach = 0i64;
    while p0 * p.powf(reach as f64) > 1e-17 && reach < 100_000 {
        reach += 1;
    }
    let one: Vec<f64> = (-reach..=reach)
        .map(|y| p0 * p.powf(y.unsigned_abs() as f64))
        .collect();
    let (mut low, mut dist) = (0i64, vec![1.0f64]);
    let mut work = 0usize;
    for _ in 0..n {
        work = work.saturating_add(dist.len().saturating_mul(one.len()));
        if work > SUM_WORK {
            return None;
        }
        let mut next = vec![0.0f64; dist.len() + one.len() - 1];
        for (i, a) in dist.iter().enumerate() {
            for (j, b) in one.iter().enumerate() {
                next[i + j] += a * b;
            }
        }
        low -= reach;
        let first = next.iter().position(|&x| x > 1e-15).unwrap_or(0);
        let last = next
            .iter()
            .rposition(|&x| x > 1e-15)
            .unwrap_or(next.len() - 1);
        low += first as i64;
        dist = next[first..=last].to_vec();
    }
    Some((low, dist))
}

/// The normal approximation's half-width, for sums too wide to convolve: ⌈1.645·σ·√n⌉.
fn normal_half_width(t: u64, s: u64, n: usize) -> u64 {
    (1.644_854 * (variance(t, s) * n as f64).sqrt()).ceil() as u64
}

/// The smallest k with P(|Y₁ + … + Yₙ| ≤ k) ≥ `level`: the 90% half-width of a sum of `n`
/// noisy cells (a row total, or a total made of its cells), from the exact distribution of
/// the sum (a convolution), not a normal approximation.
pub fn sum_half_width(t: u64, s: u64, n: usize, level: f64) -> u64 {
    if n <= 1 {
        return interval_half_width(t, s, level);
    }
    let Some((low, dist)) = sum_distribution(t, s, n) else {
        return normal_half_width(t, s, n);
    };
    let at = |y: i64| -> f64 {
        usize::try_from(y - low)
            .ok()
            .and_then(|i| dist.get(i))
            .copied()
            .unwrap_or(0.0)
    };
    let mut k = 0i64;
    let mut inside = at(0);
    while inside < level && k < 10_000_000 {
        k += 1;
        inside += at(k) + at(-k);
    }
    k.unsigned_abs()
}

/// The exact coverage of ±k for a sum of `n` cells.
pub fn sum_coverage(t: u64, s: u64, n: usize, k: u64) -> f64 {
    if n <= 1 {
        return coverage(t, s, k);
    }
    let Some((low, dist)) = sum_distribution(t, s, n) else {
        // Too wide to convolve: the level the normal approximation was asked for.
        return 0.9;
    };
    let k = i64::try_from(k).unwrap_or(i64::MAX);
    dist.iter()
        .enumerate()
        .filter(|(i, _)| (low + *i as i64).abs() <= k)
        .map(|(_, x)| x)
        .sum()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// SplitMix64 (Steele, Lea & Flood 2014): deterministic, well mixed, for tests only.
    pub(crate) struct Seeded(pub u64);

    impl RandomSource for Seeded {
        fn fill(&mut self, buf: &mut [u8]) -> Result<(), NoiseError> {
            for chunk in buf.chunks_mut(8) {
                self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = self.0;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^= z >> 31;
                let bytes = z.to_le_bytes();
                chunk.copy_from_slice(&bytes[..chunk.len()]);
            }
            Ok(())
        }
    }

    const DRAWS: usize = 200_000;

    /// Mean and variance over [`DRAWS`] draws, checked against the exact values with a
    /// tolerance of 5 standard errors (mean: 5·σ/√N with the exact σ; variance:
    /// 5·√((m₄ − m₂²)/N) from the sample's moments), and the variance within 3% besides.
    /// Deterministic: seeded RNG.
    fn check(t: u64, s: u64, seed: u64) {
        let mut rng = Seeded(seed);
        let mut samples = Vec::with_capacity(DRAWS);
        for _ in 0..DRAWS {
            match discrete_laplace(&mut rng, t, s) {
                Ok(y) => samples.push(y),
                Err(e) => panic!("{e}"),
            }
        }
        let n = DRAWS as f64;
        let mean = samples.iter().map(|&y| y as f64).sum::<f64>() / n;
        let var = samples
            .iter()
            .map(|&y| (y as f64) * (y as f64))
            .sum::<f64>()
            / n;
        let m4 = samples.iter().map(|&y| (y as f64).powi(4)).sum::<f64>() / n;
        let expected = variance(t, s);
        let mean_tol = 5.0 * (expected / n).sqrt();
        let var_tol = 5.0 * ((m4 - var * var) / n).sqrt();
        assert!(
            mean.abs() <= mean_tol,
            "scale {t}/{s}: mean {mean} outside ±{mean_tol}"
        );
        assert!(
            (var - expected).abs() <= var_tol,
            "scale {t}/{s}: variance {var}, expected {expected} ± {var_tol}"
        );
        // And the relative error on the variance is within 3% at these sizes.
        assert!(
            ((var - expected) / expected).abs() < 0.03,
            "{var} vs {expected}"
        );
    }

    #[test]
    fn mean_zero_and_the_exact_variance_for_the_shipped_epsilons() {
        // ε = 0.8, 0.6, 0.2: scales 1.25, 1.667, 5.
        check(1000, 800, 1);
        check(1000, 600, 2);
        check(1000, 200, 3);
    }

    #[test]
    fn probabilities_match_the_distribution() {
        // P(0) = (1 − p)/(1 + p); with scale 1.25, p = e^−0.8, P(0) ≈ 0.3799.
        let (t, s) = (1000, 800);
        let mut rng = Seeded(42);
        let mut zeros = 0usize;
        let mut ones = 0usize;
        for _ in 0..DRAWS {
            match discrete_laplace(&mut rng, t, s) {
                Ok(0) => zeros += 1,
                Ok(1) => ones += 1,
                Ok(_) => {}
                Err(e) => panic!("{e}"),
            }
        }
        let p = ratio(t, s);
        let p0 = (1.0 - p) / (1.0 + p);
        let f0 = zeros as f64 / DRAWS as f64;
        let f1 = ones as f64 / DRAWS as f64;
        let tol0 = 5.0 * (p0 * (1.0 - p0) / DRAWS as f64).sqrt();
        assert!((f0 - p0).abs() < tol0, "P(0): {f0} vs {p0}");
        assert!((f1 - p0 * p).abs() < tol0, "P(1): {f1} vs {}", p0 * p);
    }

    #[test]
    fn bernoulli_exp_has_the_right_mean() {
        for (n, d) in [(1u64, 1u64), (1, 3), (5, 2), (0, 7)] {
            let mut rng = Seeded(n * 31 + d);
            let hits = (0..DRAWS)
                .filter(|_| matches!(bernoulli_exp(&mut rng, n, d), Ok(true)))
                .count();
            let expected = (-(n as f64) / d as f64).exp();
            let f = hits as f64 / DRAWS as f64;
            let tol = 5.0 * (expected * (1.0 - expected) / DRAWS as f64).sqrt() + 1e-9;
            assert!(
                (f - expected).abs() <= tol,
                "exp(-{n}/{d}): {f} vs {expected}"
            );
        }
    }

    #[test]
    fn uniform_below_is_in_range_and_the_os_source_works() {
        let mut rng = OsRandom;
        for n in [1u64, 2, 3, 7, 1000, u64::MAX] {
            for _ in 0..100 {
                match uniform_below(&mut rng, n) {
                    Ok(x) => assert!(x < n.max(1)),
                    Err(e) => panic!("{e}"),
                }
            }
        }
        assert!(discrete_laplace(&mut rng, 1000, 800).is_ok());
        assert!(discrete_laplace(&mut rng, 0, 800).is_err());
    }

    #[test]
    fn sums_of_noise_have_exact_intervals_and_wide_ones_stay_fast() {
        // One cell: the closed form.
        assert_eq!(sum_half_width(1000, 800, 1, 0.9), 3);
        // Two cells at scale 1.25, by hand: P(|Y₁+Y₂| ≤ k) from the convolution.
        let p = ratio(1000, 800);
        let p0 = (1.0 - p) / (1.0 + p);
        let pmf = |y: i64| p0 * p.powi(y.abs() as i32);
        let two = |z: i64| (-60..=60).map(|y| pmf(y) * pmf(z - y)).sum::<f64>();
        let inside = |k: i64| (-k..=k).map(two).sum::<f64>();
        let k = sum_half_width(1000, 800, 2, 0.9) as i64;
        assert!(inside(k) >= 0.9 && inside(k - 1) < 0.9, "k = {k}");
        assert!((sum_coverage(1000, 800, 2, k as u64) - inside(k)).abs() < 1e-9);
        // 196 cells at ε = 0.001 (scale 1000) would take hours to convolve: approximated.
        let started = std::time::Instant::now();
        let wide = sum_half_width(1000, 1, 196, 0.9);
        assert!(started.elapsed().as_secs() < 5);
        assert!(wide > 30_000, "{wide}");
    }

    #[test]
    fn selected_intervals_allow_for_the_threshold() {
        // ε = 0.8, τ = 10: a country at exactly 10 may be a phantom; one at 30 is far from
        // the threshold and gets the plain interval (±3).
        let (low, high) = selected_interval(1000, 800, 10, 10, 0.9);
        assert_eq!(low, 0);
        assert!((12..=14).contains(&high), "{high}");
        assert_eq!(selected_interval(1000, 800, 30, 10, 0.9), (27, 33));
        // Coverage among published cells, by exact enumeration for every true count from 0
        // to 40: the chance that the interval of a published measurement holds the truth,
        // given that it was published.
        let (t, s, tau) = (1000u64, 800u64, 10i64);
        let p = ratio(t, s);
        let pmf = |y: i64| (1.0 - p) / (1.0 + p) * p.powi(y.abs() as i32);
        for truth in 0..=40 {
            let (mut held, mut published) = (0.0, 0.0);
            for m in tau..200 {
                let w = pmf(m - truth);
                published += w;
                let (lo, hi) = selected_interval(t, s, m, tau, 0.9);
                if lo <= truth && truth <= hi {
                    held += w;
                }
            }
            assert!(
                held / published >= 0.9,
                "truth {truth}: {}",
                held / published
            );
        }
    }

    #[test]
    fn ninety_percent_intervals() {
        // Scale 1.25 (ε = 0.8): p = 0.4493; P(|Y| > k) = 2p^(k+1)/(1+p) ≤ 0.1 first at k = 3.
        assert_eq!(interval_half_width(1000, 800, 0.9), 3);
        // Scale 5 (ε = 0.2): k = 11.
        assert_eq!(interval_half_width(1000, 200, 0.9), 11);
        for (t, s) in [(1000u64, 800u64), (1000, 600), (1000, 200)] {
            let k = interval_half_width(t, s, 0.9);
            let p = ratio(t, s);
            let tail = |k: u64| 2.0 * p.powi(k as i32 + 1) / (1.0 + p);
            assert!(tail(k) <= 0.1 && (k == 0 || tail(k - 1) > 0.1));
        }
    }
}
