//! What the reporter consented to, per purpose. The reporter's client puts the record inside
//! the encrypted report (`envelope`) and sends the same flags beside it; the server keeps the
//! current record (`store::consent`), which only the reporter can change and a caseworker can
//! only narrow, and which decides what may be escalated and counted.

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::string_enum;

/// A use of the report the reporter can allow or refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Purpose {
    /// Share with OHCHR's reprisals team.
    OhchrReprisalsTeam,
    /// Share with the UN mechanism the reporter engaged with.
    NamedMechanism,
    /// Name the case in the Secretary-General's annual reprisals report.
    SgReportNamed,
    /// Include the case anonymously in the Secretary-General's report.
    SgReportAnonymous,
    /// Count the coded incident in published statistics.
    Statistics,
}

string_enum!(Purpose, "consent purpose", {
    OhchrReprisalsTeam => "ohchr_reprisals_team",
    NamedMechanism => "named_mechanism",
    SgReportNamed => "sg_report_named",
    SgReportAnonymous => "sg_report_anonymous",
    Statistics => "statistics",
});

impl Purpose {
    /// The purposes that can cover sending an escalation package to someone.
    pub const ESCALATION: &'static [Purpose] =
        &[Purpose::NamedMechanism, Purpose::OhchrReprisalsTeam];

    /// Whether consent to this purpose can cover an escalation package.
    pub fn covers_packages(self) -> bool {
        Self::ESCALATION.contains(&self)
    }
}

/// Consent per purpose; everything defaults to `false`, i.e. no consent.
/// Column names in the `consent` table are the field names.
#[derive(
    Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default, Zeroize, sqlx::FromRow,
)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// Share with OHCHR's reprisals team.
    pub ohchr_reprisals_team: bool,
    /// Share with the UN mechanism the reporter engaged with.
    pub named_mechanism: bool,
    /// Name the case in the Secretary-General's annual reprisals report.
    pub sg_report_named: bool,
    /// Include the case anonymously in the Secretary-General's report.
    pub sg_report_anonymous: bool,
    /// Count the coded incident in published statistics.
    pub statistics: bool,
}

impl Consent {
    /// The record as five characters `0`/`1`, one per purpose in [`Purpose::ALL`] order: the
    /// form clients send beside a report, fixed-length so the request's size does not depend
    /// on the answers.
    pub fn flags(&self) -> String {
        Purpose::ALL
            .iter()
            .map(|p| if self.allows(*p) { '1' } else { '0' })
            .collect()
    }

    /// Parses [`Consent::flags`]: exactly one `0` or `1` per purpose.
    pub fn from_flags(flags: &str) -> Option<Consent> {
        if flags.len() != Purpose::ALL.len() {
            return None;
        }
        let mut consent = Consent::default();
        for (purpose, c) in Purpose::ALL.iter().zip(flags.chars()) {
            *consent.slot_mut(*purpose) = match c {
                '1' => true,
                '0' => false,
                _ => return None,
            };
        }
        Some(consent)
    }

    /// The purposes `self` allows that `before` did not: what a change would widen.
    pub fn widened_from(&self, before: &Consent) -> Vec<Purpose> {
        Purpose::ALL
            .iter()
            .copied()
            .filter(|p| self.allows(*p) && !before.allows(*p))
            .collect()
    }

    /// The purposes `before` allowed that `self` no longer does.
    pub fn withdrawn_from(&self, before: &Consent) -> Vec<Purpose> {
        before.widened_from(self)
    }

    /// Whether the reporter allowed `purpose`.
    pub fn allows(&self, purpose: Purpose) -> bool {
        *self.slot(purpose)
    }

    /// Records `purpose` as refused: a caseworker may narrow consent, never widen it.
    pub fn withdraw(&mut self, purpose: Purpose) {
        *self.slot_mut(purpose) = false;
    }

    fn slot(&self, purpose: Purpose) -> &bool {
        match purpose {
            Purpose::OhchrReprisalsTeam => &self.ohchr_reprisals_team,
            Purpose::NamedMechanism => &self.named_mechanism,
            Purpose::SgReportNamed => &self.sg_report_named,
            Purpose::SgReportAnonymous => &self.sg_report_anonymous,
            Purpose::Statistics => &self.statistics,
        }
    }

    fn slot_mut(&mut self, purpose: Purpose) -> &mut bool {
        match purpose {
            Purpose::OhchrReprisalsTeam => &mut self.ohchr_reprisals_team,
            Purpose::NamedMechanism => &mut self.named_mechanism,
            Purpose::SgReportNamed => &mut self.sg_report_named,
            Purpose::SgReportAnonymous => &mut self.sg_report_anonymous,
            Purpose::Statistics => &mut self.statistics,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_purpose_names_its_own_field_of_the_record() {
        for purpose in Purpose::ALL {
            let mut consent = Consent::default();
            *consent.slot_mut(*purpose) = true;
            let json = serde_json::to_value(consent).unwrap();
            assert_eq!(json[purpose.as_str()], true, "{purpose}");
            assert!(consent.allows(*purpose));
            consent.withdraw(*purpose);
            assert_eq!(consent, Consent::default());
        }
    }

    #[test]
    fn flags_are_fixed_length_and_round_trip() {
        for bits in 0u8..32 {
            let mut consent = Consent::default();
            for (i, purpose) in Purpose::ALL.iter().enumerate() {
                *consent.slot_mut(*purpose) = bits & (1 << i) != 0;
            }
            let flags = consent.flags();
            assert_eq!(flags.len(), 5);
            assert_eq!(Consent::from_flags(&flags), Some(consent));
        }
        assert_eq!(Consent::default().flags(), "00000");
        for bad in ["", "0000", "000000", "0000x", "true0", "00 00"] {
            assert_eq!(Consent::from_flags(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn widening_and_withdrawal_are_told_apart() {
        let before = Consent {
            statistics: true,
            named_mechanism: true,
            ..Consent::default()
        };
        let after = Consent {
            statistics: true,
            sg_report_named: true,
            ..Consent::default()
        };
        assert_eq!(after.widened_from(&before), [Purpose::SgReportNamed]);
        assert_eq!(after.withdrawn_from(&before), [Purpose::NamedMechanism]);
        assert!(before.widened_from(&before).is_empty());
    }

    #[test]
    fn only_two_purposes_cover_packages() {
        let covering: Vec<_> = Purpose::ALL
            .iter()
            .filter(|p| p.covers_packages())
            .collect();
        assert_eq!(
            covering,
            [&Purpose::OhchrReprisalsTeam, &Purpose::NamedMechanism]
        );
    }
}
