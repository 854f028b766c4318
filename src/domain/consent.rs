//! What the reporter consented to, per purpose. The record is part of the encrypted report
//! (`envelope`) and is copied to the server with the case's codes, where it decides what may
//! be escalated and counted.

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
/// Column names in `case_consent` are the field names.
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
