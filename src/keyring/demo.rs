//! Recognising the DEMO key set, whose private halves are public in the repository, so that a
//! server never runs on it by accident (`--demo` is required).

use std::sync::LazyLock;

use age::x25519::Recipient;

use super::folder::{Line, parse_line};

/// The public halves of the demo key set, embedded so that a production server can recognise
/// them even when `keys/DEMO` is not deployed. A test checks this list against the directory.
pub(super) const DEMO_PUB_FILES: [&str; 5] = [
    include_str!("../../keys/DEMO/caseworkers/amina.pub"),
    include_str!("../../keys/DEMO/caseworkers/bruno.pub"),
    include_str!("../../keys/DEMO/caseworkers/chen.pub"),
    include_str!("../../keys/DEMO/rapporteurs/cat-reprisals.pub"),
    include_str!("../../keys/DEMO/rapporteurs/sr-defenders.pub"),
];

pub(super) static DEMO_RECIPIENTS: LazyLock<Vec<Recipient>> = LazyLock::new(|| {
    DEMO_PUB_FILES
        .iter()
        .flat_map(|text| text.lines())
        .filter_map(|line| match parse_line(line) {
            Line::Recipient(recipient) => Some(recipient),
            Line::Empty | Line::Problem(_) => None,
        })
        .collect()
});

pub(super) fn is_demo_recipient(recipient: &Recipient) -> bool {
    DEMO_RECIPIENTS.contains(recipient)
}
