//! `safehold keygen`: a new age identity for a caseworker or rapporteur, created on their own
//! machine. It prints the public recipient line to add to the server's `keys/`.

use std::io::Write;
use std::path::PathBuf;

use super::terminal_text::say;
use age::secrecy::{ExposeSecret, SecretString};
use anyhow::{Context, bail};
use clap::Args;
use zeroize::Zeroizing;

/// Options of `safehold keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Where to write the identity file (it must not exist yet).
    #[arg(long, short)]
    output: PathBuf,
    /// Do not protect the file with a passphrase (for hardware-protected disks, or tests).
    #[arg(long)]
    no_passphrase: bool,
}

pub fn run(args: KeygenArgs) -> anyhow::Result<()> {
    if args.output.exists() {
        bail!(
            "{} already exists; choose another --output (an identity is never overwritten)",
            args.output.display()
        );
    }
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public();
    let text = Zeroizing::new(format!(
        "# Safehold identity, created {}\n# public key: {recipient}\n{}\n",
        time::OffsetDateTime::now_utc().date(),
        identity.to_string().expose_secret()
    ));
    let contents: Zeroizing<Vec<u8>> = if args.no_passphrase {
        Zeroizing::new(text.as_bytes().to_vec())
    } else {
        let passphrase = passphrase()?;
        let encryptor = age::Encryptor::with_user_passphrase(passphrase);
        let mut out = Zeroizing::new(Vec::new());
        let mut writer = encryptor
            .wrap_output(&mut *out)
            .context("cannot encrypt the identity")?;
        writer.write_all(text.as_bytes())?;
        writer.finish()?;
        out
    };
    super::staff_client::write_private(&args.output, &contents)?;
    say!(
        "Wrote {}{}.",
        args.output.display(),
        if args.no_passphrase {
            ""
        } else {
            " (passphrase-protected)"
        }
    );
    say!("Give the server this public line, for keys/caseworkers/<you>.pub (or rapporteurs/):");
    say!("{recipient}");
    Ok(())
}

fn passphrase() -> anyhow::Result<SecretString> {
    if let Ok(p) = std::env::var("SAFEHOLD_IDENTITY_PASSPHRASE") {
        return Ok(SecretString::from(p));
    }
    let first = Zeroizing::new(
        rpassword::prompt_password("New passphrase: ").context("cannot read from the terminal")?,
    );
    let second = Zeroizing::new(
        rpassword::prompt_password("Repeat it: ").context("cannot read from the terminal")?,
    );
    if first.len() < 12 {
        bail!("use a passphrase of at least 12 characters (several random words are best)");
    }
    if *first != *second {
        bail!("the two passphrases differ; run keygen again");
    }
    Ok(SecretString::from(first.to_string()))
}
