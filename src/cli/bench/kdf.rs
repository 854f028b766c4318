//! The cost of one receipt derivation (HKDF, then X25519 for the recipient), timed before the
//! run: a floor under what each no-JavaScript report and receipt look-up costs the server.

use std::time::Instant;

use crate::crypto::{codephrase::Codephrase, receipt::ReceiptKeys};

#[derive(Debug, Clone, Copy)]
pub(super) struct KdfTiming {
    pub(super) samples: u64,
    /// Mean time of one derivation, alone on the machine.
    pub(super) sequential_ms: f64,
    /// Derivations per second with one thread per core, as the server runs them.
    pub(super) parallel_per_second: f64,
    pub(super) cores: usize,
}

/// Times `samples` receipt derivations one at a time, then `samples` spread over all cores.
pub(super) fn time_kdf(samples: u64) -> anyhow::Result<KdfTiming> {
    let started = Instant::now();
    for _ in 0..samples {
        ReceiptKeys::derive(&Codephrase::generate())?;
    }
    let sequential = started.elapsed();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let per_core = samples.div_ceil(cores as u64);
    let started = Instant::now();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let handles: Vec<_> = (0..cores)
            .map(|_| {
                scope.spawn(move || -> anyhow::Result<()> {
                    for _ in 0..per_core {
                        ReceiptKeys::derive(&Codephrase::generate())?;
                    }
                    Ok(())
                })
            })
            .collect();
        for handle in handles {
            handle
                .join()
                .map_err(|_| anyhow::anyhow!("a KDF thread panicked"))??;
        }
        Ok(())
    })?;
    let parallel = started.elapsed();
    Ok(KdfTiming {
        samples,
        sequential_ms: sequential.as_secs_f64() * 1000.0 / samples as f64,
        parallel_per_second: (per_core * cores as u64) as f64 / parallel.as_secs_f64(),
        cores,
    })
}
