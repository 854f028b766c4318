//! Checked in the next step.
