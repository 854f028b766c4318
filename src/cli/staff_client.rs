//! What the staff commands share: who you are, where the server is, your age identity, your
//! session token, and calls to the staff API. Private keys stay on this machine.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use anyhow::{Context, anyhow, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Args;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::terminal_text::{ask, inert, say_err};
use crate::crypto::seal;
use crate::wire::{
    ChallengeRequest, ChallengeResponse, ErrorBody, SessionRequest, SessionResponse,
};

/// Connection options shared by `safehold case` and `safehold inbox`.
#[derive(Debug, Clone, Args)]
pub struct StaffArgs {
    /// Server base URL [config: server].
    #[arg(long, env = "SAFEHOLD_SERVER", global = true)]
    pub server: Option<String>,
    /// Your age identity file (any age identity file; passphrase-protected ones are prompted
    /// for, or read from SAFEHOLD_IDENTITY_PASSPHRASE) [config: identity].
    #[arg(long, env = "SAFEHOLD_IDENTITY", global = true)]
    pub identity: Option<PathBuf>,
    /// Who you are, as `role/name` from the server's keys/ (e.g. caseworker/amina) [config: as].
    #[arg(long = "as", env = "SAFEHOLD_AS", global = true)]
    pub who: Option<String>,
    /// Config file [default: $XDG_CONFIG_HOME/safehold/cli.toml].
    #[arg(long, env = "SAFEHOLD_CLI_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Print JSON for scripts instead of text for people.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CliConfig {
    server: Option<String>,
    identity: Option<PathBuf>,
    #[serde(rename = "as")]
    who: Option<String>,
}

/// A configured client: server, identity path, role and name.
pub struct StaffClient {
    http: reqwest::Client,
    server: String,
    identity: PathBuf,
    role: String,
    name: String,
    /// Print JSON instead of text.
    pub json: bool,
}

fn home_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(fallback)))
}

impl StaffClient {
    /// Resolves flags, environment and the config file.
    pub fn new(args: &StaffArgs) -> anyhow::Result<StaffClient> {
        let config_path = args.config.clone().or_else(|| {
            home_dir("XDG_CONFIG_HOME", ".config").map(|d| d.join("safehold/cli.toml"))
        });
        let file = match &config_path {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                toml::from_str::<CliConfig>(&text)
                    .with_context(|| format!("{} is not a valid config file", path.display()))?
            }
            _ => CliConfig::default(),
        };
        let missing = |what: &str, flag: &str| {
            anyhow!(
                "say {what} with {flag}, or put it in {}",
                config_path
                    .as_deref()
                    .map_or("the config file".into(), |p| p.display().to_string())
            )
        };
        let server = args
            .server
            .clone()
            .or(file.server)
            .ok_or_else(|| missing("the server URL", "--server"))?;
        let identity = args
            .identity
            .clone()
            .or(file.identity)
            .ok_or_else(|| missing("your identity file", "--identity"))?;
        let who = args
            .who
            .clone()
            .or(file.who)
            .ok_or_else(|| missing("who you are", "--as caseworker/NAME"))?;
        let (role, name) = who
            .split_once('/')
            .ok_or_else(|| anyhow!("--as takes role/name, e.g. caseworker/amina"))?;
        Ok(StaffClient {
            http: super::http_client()
                .build()
                .context("cannot set up the HTTP client")?,
            server: server.trim_end_matches('/').to_owned(),
            identity,
            role: role.to_owned(),
            name: name.to_owned(),
            json: args.json,
        })
    }

    /// Where this person's session token for this server is kept (mode 0600).
    fn session_file(&self) -> anyhow::Result<PathBuf> {
        let dir = home_dir("XDG_CACHE_HOME", ".cache")
            .ok_or_else(|| anyhow!("set HOME or XDG_CACHE_HOME so the session can be kept"))?
            .join("safehold");
        let key = hex::encode(
            &Sha256::digest(format!("{}\n{}/{}", self.server, self.role, self.name))[..8],
        );
        Ok(dir.join(format!("session-{key}")))
    }

    /// Logs in: asks for a challenge, decrypts it with the identity, trades it for a token.
    pub async fn login(&self) -> anyhow::Result<i64> {
        let challenge: ChallengeResponse = self
            .post_json(
                "/api/v1/session/challenge",
                &ChallengeRequest {
                    role: self.role.clone(),
                    name: self.name.clone(),
                },
                None,
            )
            .await?;
        let ciphertext = STANDARD
            .decode(&challenge.challenge)
            .context("the server sent a malformed challenge")?;
        let nonce = self.identities()?.open(&ciphertext).ok_or_else(|| {
            anyhow!(
                "your identity {} cannot open the server's challenge: is {}/{} the right name, and is your key in the server's keys/?",
                self.identity.display(),
                self.role,
                self.name
            )
        })?;
        let nonce = String::from_utf8(nonce.to_vec()).context("the challenge is not text")?;
        let session: SessionResponse = self
            .post_json(
                "/api/v1/session",
                &SessionRequest {
                    role: self.role.clone(),
                    name: self.name.clone(),
                    nonce,
                },
                None,
            )
            .await?;
        let path = self.session_file()?;
        write_private(&path, session.token.as_bytes())?;
        Ok(session.expires_in)
    }

    /// The session token saved by `login`.
    pub fn token(&self) -> anyhow::Result<Zeroizing<String>> {
        let path = self.session_file()?;
        let token = std::fs::read_to_string(&path)
            .map_err(|_| anyhow!("you are not logged in: run safehold case login"))?;
        Ok(Zeroizing::new(token.trim().to_owned()))
    }

    /// GET with the session token.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let token = self.token()?;
        let response = self
            .http
            .get(format!("{}{path}", self.server))
            .bearer_auth(token.as_str())
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.server))?;
        decode(response).await
    }

    /// POST JSON, with the session token when `authenticated`.
    pub async fn post_json<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        token: Option<&str>,
    ) -> anyhow::Result<T> {
        let mut request = self.http.post(format!("{}{path}", self.server)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.server))?;
        decode(response).await
    }

    /// The identities in the configured file.
    pub fn identities(&self) -> anyhow::Result<Identities> {
        load_identities(&self.identity).map(Identities)
    }
}

/// The user's own age identities, loaded once, to open what was encrypted to them.
pub struct Identities(Vec<Box<dyn age::Identity + Send + Sync>>);

impl Identities {
    /// Decrypts `ciphertext`; `None` if none of the user's identities opens it.
    pub fn open(&self, ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        self.open_or_explain(ciphertext).ok()
    }

    /// Decrypts `ciphertext`, or says why not: not addressed to the user, or addressed to
    /// them and still not opening (a possibly malicious file).
    pub fn open_or_explain(
        &self,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, seal::SealError> {
        let refs: Vec<&dyn age::Identity> = self
            .0
            .iter()
            .map(|i| i.as_ref() as &dyn age::Identity)
            .collect();
        seal::decrypt(ciphertext, &refs)
    }
}

/// Turns an API answer into `T`, or its error message into an error.
async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> anyhow::Result<T> {
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .context("the server's answer was cut off")?;
    if status.is_success() {
        return serde_json::from_slice(&bytes)
            .context("the server's answer is not what Safehold sends");
    }
    let message = serde_json::from_slice::<ErrorBody>(&bytes)
        .ok()
        .map(|body| body.error.message)
        .unwrap_or_else(|| {
            // Not Safehold's error body: show its start, made inert (the server may be hostile).
            let start: String = String::from_utf8_lossy(&bytes).chars().take(200).collect();
            inert(&start).into_owned()
        });
    bail!("{message} (HTTP {})", status.as_u16())
}

/// Reads an age identity file; a passphrase-protected one (an age file itself) is decrypted
/// first, with the passphrase from SAFEHOLD_IDENTITY_PASSPHRASE or the terminal.
pub fn load_identities(path: &Path) -> anyhow::Result<Vec<Box<dyn age::Identity + Send + Sync>>> {
    let bytes = Zeroizing::new(
        std::fs::read(path)
            .with_context(|| format!("cannot read your identity {}", path.display()))?,
    );
    let plain: Zeroizing<Vec<u8>> =
        if bytes.starts_with(b"age-encryption.org/") || bytes.starts_with(b"-----BEGIN AGE") {
            let passphrase = match std::env::var("SAFEHOLD_IDENTITY_PASSPHRASE") {
                Ok(p) => SecretString::from(p),
                Err(_) => SecretString::from(
                    rpassword::prompt_password(format!("Passphrase for {}: ", path.display()))
                        .context("cannot read the passphrase from the terminal")?,
                ),
            };
            let identity = age::scrypt::Identity::new(passphrase);
            let reader = age::armor::ArmoredReader::new(&bytes[..]);
            let decryptor = age::Decryptor::new_buffered(BufReader::new(reader))
                .context("the identity file is damaged")?;
            let mut out = Zeroizing::new(Vec::new());
            decryptor
                .decrypt(std::iter::once(&identity as &dyn age::Identity))
                .map_err(|_| anyhow!("wrong passphrase for {}", path.display()))?
                .read_to_end(&mut out)
                .context("the identity file is damaged")?;
            out
        } else {
            bytes
        };
    let identities = age::IdentityFile::from_buffer(BufReader::new(&plain[..]))
        .with_context(|| format!("{} is not an age identity file", path.display()))?
        .with_callbacks(TerminalCallbacks)
        .into_identities()
        .map_err(|e| anyhow!("cannot use the identities in {}: {e}", path.display()))?;
    if identities.is_empty() {
        bail!("{} holds no identity", path.display());
    }
    Ok(identities)
}

/// Writes a file only its owner can read, replacing any old one.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let _ = std::fs::remove_file(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(bytes)?;
    Ok(())
}

/// Lets age plugins (hardware keys) talk to the person at the terminal: messages on stderr,
/// PINs and passphrases without echo.
#[derive(Clone, Copy)]
struct TerminalCallbacks;

impl age::Callbacks for TerminalCallbacks {
    fn display_message(&self, message: &str) {
        say_err!("{message}");
    }

    fn confirm(&self, message: &str, yes_string: &str, no_string: Option<&str>) -> Option<bool> {
        let choices = match no_string {
            Some(no) => format!("[{yes_string}/{no}]"),
            None => format!("[{yes_string}]"),
        };
        ask!("{message} {choices} ");
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).ok()?;
        Some(
            answer.trim().eq_ignore_ascii_case(yes_string)
                || (no_string.is_none() && answer.trim().is_empty()),
        )
    }

    fn request_public_string(&self, description: &str) -> Option<String> {
        ask!("{description} ");
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).ok()?;
        Some(answer.trim().to_owned())
    }

    fn request_passphrase(&self, description: &str) -> Option<SecretString> {
        rpassword::prompt_password(inert(&format!("{description} ")).into_owned())
            .ok()
            .map(SecretString::from)
    }
}
