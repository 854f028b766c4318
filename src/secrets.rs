//! The server secret: one random file from which the receipt pepper and the CSRF cookie key
//! are derived. It is not in the database, so a stolen database alone cannot test guesses of
//! codephrases against stored receipt hashes.

use std::io::Write;
use std::path::Path;

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

const SECRET_LEN: usize = 32;

/// Keys derived from the server secret.
pub struct ServerSecrets {
    receipt_pepper: Zeroizing<[u8; 32]>,
    csrf_key: Zeroizing<[u8; 64]>,
    receipt_token_key: Zeroizing<[u8; 32]>,
}

/// Problems with the secret file, worded for the operator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The file exists but could not be read, or could not be created.
    #[error("cannot use the server secret file {0}: {1}")]
    Io(String, #[source] std::io::Error),
    /// The file does not hold a secret of the expected form.
    #[error(
        "the server secret file {0} is damaged: it must hold {SECRET_LEN} random bytes as 64 hex digits; restore it from backup (a new secret makes existing codephrases unusable)"
    )]
    Malformed(String),
}

impl ServerSecrets {
    /// Reads the secret file, creating it (mode 0600) with fresh randomness when missing.
    pub fn load_or_create(path: &Path) -> Result<ServerSecrets, SecretError> {
        let shown = path.display().to_string();
        let io = |e| SecretError::Io(shown.clone(), e);
        let master = match std::fs::read_to_string(path) {
            Ok(text) => parse(&text).ok_or_else(|| SecretError::Malformed(shown.clone()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut master = Zeroizing::new([0u8; SECRET_LEN]);
                getrandom::fill(&mut master[..])
                    .map_err(|e| io(std::io::Error::other(e.to_string())))?;
                write_new(path, &master).map_err(io)?;
                master
            }
            Err(e) => return Err(io(e)),
        };
        Ok(ServerSecrets::derive(&master))
    }

    /// Derives the subkeys; tests use this with a fixed master.
    pub fn derive(master: &[u8; SECRET_LEN]) -> ServerSecrets {
        let hk = Hkdf::<Sha256>::new(Some(b"safehold.server-secret.v1"), master);
        let mut receipt_pepper = Zeroizing::new([0u8; 32]);
        let mut csrf_key = Zeroizing::new([0u8; 64]);
        // 32 and 64 bytes are far below HKDF-SHA256's 8160-byte limit: expand cannot fail.
        let _ = hk.expand(b"receipt pepper", &mut receipt_pepper[..]);
        let _ = hk.expand(b"csrf cookie key", &mut csrf_key[..]);
        let mut receipt_token_key = Zeroizing::new([0u8; 32]);
        let _ = hk.expand(b"receipt page token key", &mut receipt_token_key[..]);
        ServerSecrets {
            receipt_pepper,
            csrf_key,
            receipt_token_key,
        }
    }

    /// The pepper keyed into every stored receipt hash.
    pub fn receipt_pepper(&self) -> &[u8; 32] {
        &self.receipt_pepper
    }

    /// The key that signs the short-lived token a receipt page uses to send a follow-up.
    pub fn receipt_token_key(&self) -> &[u8; 32] {
        &self.receipt_token_key
    }

    /// The key that encrypts the CSRF cookie.
    pub fn csrf_key(&self) -> &[u8; 64] {
        &self.csrf_key
    }
}

fn parse(text: &str) -> Option<Zeroizing<[u8; SECRET_LEN]>> {
    let mut master = Zeroizing::new([0u8; SECRET_LEN]);
    hex::decode_to_slice(text.trim(), &mut master[..]).ok()?;
    Some(master)
}

fn write_new(path: &Path, master: &[u8; SECRET_LEN]) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    let encoded = Zeroizing::new(hex::encode(master));
    file.write_all(encoded.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_then_reread_identically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/server-secret");
        let first = ServerSecrets::load_or_create(&path).unwrap();
        let second = ServerSecrets::load_or_create(&path).unwrap();
        assert_eq!(first.receipt_pepper(), second.receipt_pepper());
        assert_ne!(&first.receipt_pepper()[..], &first.csrf_key()[..32]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_file_is_refused_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server-secret");
        std::fs::write(&path, "not hex").unwrap();
        let err = ServerSecrets::load_or_create(&path)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("damaged"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not hex");
    }
}
