//! The allegation workflow: received → under assessment → credible or not substantiated →
//! referred → closed. A case can be closed from any status; nothing leaves `closed`.
//! `unreadable` marks a case whose file is addressed to a caseworker and does not open for
//! them (possibly a malicious submission), so everyone on the route knows.

use super::string_enum;

/// Where a case is in the allegation workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseStatus {
    /// Stored; nobody has looked at it yet.
    Received,
    /// A caseworker is assessing it.
    UnderAssessment,
    /// Assessed as credible.
    Credible,
    /// Assessed, and not substantiated.
    NotSubstantiated,
    /// Referred onwards (after being found credible).
    Referred,
    /// Closed; retention counts from the day it was closed.
    Closed,
    /// Addressed to a caseworker, yet it does not open for them: possibly a malicious file
    /// (for example one showing different caseworkers different reports).
    Unreadable,
}

string_enum!(CaseStatus, "case status", {
    Received => "received",
    UnderAssessment => "under_assessment",
    Credible => "credible",
    NotSubstantiated => "not_substantiated",
    Referred => "referred",
    Closed => "closed",
    Unreadable => "unreadable",
});

impl CaseStatus {
    /// The statuses a case in this one may move to.
    pub fn allowed_next(self) -> &'static [CaseStatus] {
        use CaseStatus::*;
        match self {
            Received => &[UnderAssessment, Unreadable, Closed],
            UnderAssessment => &[Credible, NotSubstantiated, Unreadable, Closed],
            Credible => &[Referred, Closed],
            NotSubstantiated => &[UnderAssessment, Closed],
            Referred => &[Closed],
            Closed => &[],
            // Cleared when the key that failed was the wrong one after all.
            Unreadable => &[UnderAssessment, Closed],
        }
    }

    /// What the reporter is told, in the words of the receipt page: received, being assessed,
    /// referred to a UN mechanism with their consent, closed (or unreadable, which asks them
    /// to send again). The assessment's outcome is the caseworkers' working state, not a
    /// message to the reporter; a package delivered to a mechanism (`escalated`, which the
    /// server allows only with the reporter's consent) is a referral. A received report a
    /// caseworker has `replied` to is being assessed. Names no caseworker.
    pub fn for_reporter(self, escalated: bool, replied: bool) -> CaseStatus {
        use CaseStatus::*;
        match self {
            Closed => Closed,
            Unreadable => Unreadable,
            Referred => Referred,
            _ if escalated => Referred,
            // A caseworker who has answered has the report in hand, whatever its status says.
            Received if replied => UnderAssessment,
            Received => Received,
            UnderAssessment | Credible | NotSubstantiated => UnderAssessment,
        }
    }

    /// Whether the workflow allows moving from this status to `next`.
    pub fn may_become(self, next: CaseStatus) -> bool {
        self.allowed_next().contains(&next)
    }

    /// Reaching this status means the case was assessed credible; statistics count a closed
    /// case only if it ever was.
    pub fn is_assessed_credible(self) -> bool {
        matches!(self, CaseStatus::Credible | CaseStatus::Referred)
    }

    /// Whether statistics may count cases in this status: only once past the initial
    /// assessment.
    pub fn may_count_in_statistics(self) -> bool {
        !matches!(
            self,
            CaseStatus::Received | CaseStatus::UnderAssessment | CaseStatus::Unreadable
        )
    }
}

#[cfg(test)]
mod reporter_tests {
    use super::CaseStatus::*;

    #[test]
    fn the_reporter_hears_four_words_and_a_package_is_a_referral() {
        for (status, escalated, replied, told) in [
            (Received, false, false, Received),
            (Received, false, true, UnderAssessment),
            (UnderAssessment, false, false, UnderAssessment),
            (Credible, false, true, UnderAssessment),
            (NotSubstantiated, false, false, UnderAssessment),
            (Credible, true, false, Referred),
            (Referred, false, false, Referred),
            (Closed, true, true, Closed),
            (Unreadable, false, false, Unreadable),
        ] {
            assert_eq!(
                status.for_reporter(escalated, replied),
                told,
                "{status} {escalated} {replied}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_back_as_the_strings_they_are_stored_as() {
        for status in CaseStatus::ALL {
            assert_eq!(status.as_str().parse::<CaseStatus>(), Ok(*status));
            assert_eq!(
                serde_json::to_string(status).unwrap(),
                format!("\"{status}\"")
            );
        }
        assert!("open".parse::<CaseStatus>().is_err());
    }

    #[test]
    fn nothing_leaves_closed_and_everything_else_can_close() {
        for status in CaseStatus::ALL {
            assert_eq!(
                status.may_become(CaseStatus::Closed),
                *status != CaseStatus::Closed
            );
        }
        assert!(CaseStatus::Closed.allowed_next().is_empty());
        assert!(!CaseStatus::Received.may_become(CaseStatus::Credible));
        assert!(CaseStatus::NotSubstantiated.may_become(CaseStatus::UnderAssessment));
    }
}
