//! The plaintext side of cryptography: the reporter's codephrase, the keys derived from it,
//! the thread MAC that authenticates replies and follow-ups, and age sealing of envelopes.
//!
//! Nothing here imports `store`, `http`, `policy` or `keyring`: secrets enter as arguments
//! and leave as ciphertext, hashes or public keys.

pub mod codephrase;
pub mod receipt;
pub mod seal;
pub mod thread;

pub use codephrase::{CODEPHRASE_WORDS, Codephrase, CodephraseError};
pub use receipt::{ReceiptError, ReceiptKeys};
pub use seal::{SealError, decrypt, encrypt, encrypt_in_slots};
pub use thread::{ThreadKey, ThreadKeyError};
