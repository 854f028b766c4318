//! Time as the agent counts it: the lifetime on the clock that keeps running while the
//! machine is suspended, and a suspend told by how far that clock got ahead of the one that
//! stops (Linux: `CLOCK_BOOTTIME` and `CLOCK_MONOTONIC`).

use std::time::Duration;

/// How much more the suspend-counting clock may advance than the other before the agent
/// takes it for a suspend (both clocks read a few microseconds apart, so this is all slack).
pub const SLEPT: Duration = Duration::from_secs(5);

/// The two clocks, read together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// Time since boot, suspended time included.
    pub boot: Duration,
    /// Time since boot, suspended time left out.
    pub awake: Duration,
}

impl Reading {
    /// Both clocks now.
    pub fn now() -> Reading {
        let since = |id| {
            let t = rustix::time::clock_gettime(id);
            Duration::new(
                u64::try_from(t.tv_sec).unwrap_or(0),
                u32::try_from(t.tv_nsec).unwrap_or(0),
            )
        };
        Reading {
            boot: since(rustix::time::ClockId::Boottime),
            awake: since(rustix::time::ClockId::Monotonic),
        }
    }

    /// Whether the machine was suspended between `self` and `later`: time passed for the
    /// suspend-counting clock that the other did not see.
    pub fn slept_before(&self, later: &Reading) -> bool {
        let asleep_then = self.boot.saturating_sub(self.awake);
        let asleep_now = later.boot.saturating_sub(later.awake);
        asleep_now.saturating_sub(asleep_then) > SLEPT
    }

    /// Time passed between `self` and `later`, suspended time included.
    pub fn until(&self, later: &Reading) -> Duration {
        later.boot.saturating_sub(self.boot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(boot: u64, awake: u64) -> Reading {
        Reading {
            boot: Duration::from_secs(boot),
            awake: Duration::from_secs(awake),
        }
    }

    #[test]
    fn a_suspend_is_time_only_the_boot_clock_saw() {
        // The machine had slept 100 s before the agent started; that is not news.
        let start = at(1_000, 900);
        assert!(!start.slept_before(&at(4_600, 4_500)));
        assert_eq!(start.until(&at(4_600, 4_500)), Duration::from_secs(3_600));
        // Ten minutes of suspend after it started.
        assert!(start.slept_before(&at(2_000, 1_300)));
        assert!(!start.slept_before(&at(1_004, 903)));
        // The clocks as they are now never read as a suspend.
        let now = Reading::now();
        assert!(!now.slept_before(&Reading::now()));
    }
}
