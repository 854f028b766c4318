//! What the staff commands share: who you are, where the server is, your age identity, your
//! session token, and calls to the staff API. Private keys stay on this machine.
//!
//! Every call made with the session token is bracketed by an audit check
//! ([`super::audit_witness`]): before the first one, the server must prove that its audit log
//! extends the head this machine saw, and after each one, the new head (which then holds the
//! entry of the call itself) is proven and kept.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use age::secrecy::SecretString;
use anyhow::{Context, anyhow, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Args;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::audit_witness::{self, Step, Witness};
use super::pinned_keyring;
use super::terminal_text::{ask, inert, say_err};
use crate::audit::Head;
use crate::crypto::seal;
use crate::keyring::PublishedKeyring;
use crate::wire::{
    AuditProofView, ChallengeRequest, ChallengeResponse, ErrorBody, SessionRequest, SessionResponse,
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
    /// Whether the audit log was checked before this run's first call.
    witnessed: AtomicBool,
}

/// `$var`, else `$HOME/fallback`: the XDG base directories.
pub(super) fn home_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(fallback)))
}

/// The config file given, else the default one, and what it says (nothing if it is absent).
fn read_config(given: Option<&PathBuf>) -> anyhow::Result<(Option<PathBuf>, CliConfig)> {
    let config_path = given
        .cloned()
        .or_else(|| home_dir("XDG_CONFIG_HOME", ".config").map(|d| d.join("safehold/cli.toml")));
    let file = match &config_path {
        Some(path) if path.exists() => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            toml::from_str::<CliConfig>(&text)
                .with_context(|| format!("{} is not a valid config file", path.display()))?
        }
        _ => CliConfig::default(),
    };
    Ok((config_path, file))
}

/// The identity file from `--identity`/`SAFEHOLD_IDENTITY`, else the config file: for
/// `safehold agent start`.
pub fn identity_path(given: Option<&PathBuf>, config: Option<&PathBuf>) -> anyhow::Result<PathBuf> {
    let (config_path, file) = read_config(config)?;
    given.cloned().or(file.identity).ok_or_else(|| {
        anyhow!(
            "say your identity file with --identity, or put it in {}",
            config_path
                .as_deref()
                .map_or("the config file".into(), |p| p.display().to_string())
        )
    })
}

/// The server URL from `--server`/`SAFEHOLD_SERVER`, else the config file, without a trailing
/// `/`: for commands that need no identity (`safehold keyring`).
pub fn server_url(server: Option<&str>, config: Option<&PathBuf>) -> anyhow::Result<String> {
    let (config_path, file) = read_config(config)?;
    let server = server.map(str::to_owned).or(file.server).ok_or_else(|| {
        anyhow!(
            "say the server URL with --server, or put it in {}",
            config_path
                .as_deref()
                .map_or("the config file".into(), |p| p.display().to_string())
        )
    })?;
    Ok(server.trim_end_matches('/').to_owned())
}

impl StaffClient {
    /// Resolves flags, environment and the config file.
    pub fn new(args: &StaffArgs) -> anyhow::Result<StaffClient> {
        let (config_path, file) = read_config(args.config.as_ref())?;
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
            witnessed: AtomicBool::new(false),
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
        let identities = self.identities()?;
        // One challenge per key of this person: the one this identity opens names the key
        // the session is bound to.
        let nonce = challenge
            .challenges
            .iter()
            .find_map(|c| STANDARD.decode(c).ok().and_then(|c| identities.open(&c)))
            .ok_or_else(|| {
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
        // The head kept from now on holds this login's own entry.
        self.witness(&session.token).await?;
        Ok(session.expires_in)
    }

    /// Logs out: the server ends the session, and the token here is deleted. False if the
    /// server no longer knew the session (it had expired or ended already).
    pub async fn logout(&self) -> anyhow::Result<bool> {
        let path = self.session_file()?;
        let Ok(token) = self.token() else {
            return Ok(false);
        };
        let response = self
            .http
            .delete(format!("{}/api/v1/session", self.server))
            .bearer_auth(token.as_str())
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.server))?;
        let status = response.status();
        let ended = if status == reqwest::StatusCode::UNAUTHORIZED {
            false
        } else {
            decode_empty(response).await?;
            true
        };
        std::fs::remove_file(&path)
            .with_context(|| format!("cannot delete your session token {}", path.display()))?;
        Ok(ended)
    }

    /// Proves that the server's audit log extends the head this machine saw, and keeps the
    /// head it leads to; the first use of a server trusts the head it shows. Fails, saying the
    /// log was rewritten and whom to tell, when it does not.
    pub async fn witness(&self, token: &str) -> anyhow::Result<Head> {
        let witness = Witness::for_server(&self.server)?;
        let Some(seen) = witness.seen()? else {
            let proof = self.audit_proof(token, None).await?;
            let head = Head {
                seq: proof.head.seq,
                hash: hex::decode(&proof.head.hash)
                    .ok()
                    .and_then(|h| h.try_into().ok())
                    .ok_or_else(|| {
                        anyhow!("the server's audit proof is not what Safehold sends")
                    })?,
            };
            witness.record(&self.server, head)?;
            return Ok(head);
        };
        let mut proven = seen;
        loop {
            let proof = self.audit_proof(token, Some(proven.seq)).await?;
            match audit_witness::follow(proven, &proof)? {
                Ok(Step::Partway(head)) => proven = head,
                Ok(Step::Reached(head)) => {
                    witness.record(&self.server, head)?;
                    return Ok(head);
                }
                Err(why) => return Err(witness.rewritten(seen, &why)),
            }
        }
    }

    async fn audit_proof(&self, token: &str, from: Option<i64>) -> anyhow::Result<AuditProofView> {
        let path = match from {
            Some(from) => format!("/api/v1/audit/proof?from={from}"),
            None => "/api/v1/audit/proof".to_owned(),
        };
        let response = self
            .http
            .get(format!("{}{path}", self.server))
            .bearer_auth(token)
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.server))?;
        decode(response).await
    }

    /// The audit check before this run's first call with the token.
    async fn witness_once(&self, token: &str) -> anyhow::Result<()> {
        if !self.witnessed.swap(true, Ordering::SeqCst) {
            self.witness(token).await?;
        }
        Ok(())
    }

    /// The session token saved by `login`.
    pub fn token(&self) -> anyhow::Result<Zeroizing<String>> {
        let path = self.session_file()?;
        let token = std::fs::read_to_string(&path)
            .map_err(|_| anyhow!("you are not logged in: run safehold case login"))?;
        Ok(Zeroizing::new(token.trim().to_owned()))
    }

    /// GET with the session token, between audit checks.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let token = self.token()?;
        self.witness_once(&token).await?;
        let response = self
            .http
            .get(format!("{}{path}", self.server))
            .bearer_auth(token.as_str())
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.server))?;
        let answer = decode(response).await?;
        self.witness(&token).await?;
        Ok(answer)
    }

    /// POST JSON, with the session token (between audit checks) when one is given.
    pub async fn post_json<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        token: Option<&str>,
    ) -> anyhow::Result<T> {
        let mut request = self.http.post(format!("{}{path}", self.server)).json(body);
        if let Some(token) = token {
            self.witness_once(token).await?;
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.server))?;
        let answer = decode(response).await?;
        if let Some(token) = token {
            self.witness(token).await?;
        }
        Ok(answer)
    }

    /// The server's keyring, checked against the one pinned on this machine (pinned now on
    /// first use): the only keys `case reply` and `case escalate` may encrypt to.
    pub async fn trusted_keyring(&self) -> anyhow::Result<PublishedKeyring> {
        Ok(pinned_keyring::trusted(&self.http, &self.server)
            .await?
            .keyring)
    }

    /// The identities in the configured file: held by the agent, if one runs for that file
    /// (`safehold agent start`), else loaded here (asking for a passphrase if it has one).
    pub fn identities(&self) -> anyhow::Result<Identities> {
        if let Some(agent) = super::agent::agent_for(&self.identity)? {
            return Ok(Identities(Held::Agent(agent)));
        }
        load_identities(&self.identity).map(|ids| Identities(Held::Here(ids)))
    }
}

/// The user's own age identities, to open what was encrypted to them.
pub struct Identities(Held);

/// Where the key is.
enum Held {
    /// Loaded in this process.
    Here(Vec<Box<dyn age::Identity + Send + Sync>>),
    /// Held by the agent, which decrypts for this process.
    Agent(super::agent::AgentClient),
}

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
        match &self.0 {
            Held::Here(identities) => {
                let refs: Vec<&dyn age::Identity> = identities
                    .iter()
                    .map(|i| i.as_ref() as &dyn age::Identity)
                    .collect();
                seal::decrypt(ciphertext, &refs)
            }
            Held::Agent(agent) => agent.decrypt(ciphertext),
        }
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
    let (code, message) = serde_json::from_slice::<ErrorBody>(&bytes)
        .ok()
        .map(|body| (body.error.code, body.error.message))
        .unwrap_or_else(|| {
            // Not Safehold's error body: show its start, made inert (the server may be hostile).
            let start: String = String::from_utf8_lossy(&bytes).chars().take(200).collect();
            (String::new(), inert(&start).into_owned())
        });
    Err(Refused {
        status: status.as_u16(),
        code,
        message,
    }
    .into())
}

/// The server answered with an error: its HTTP status, machine code and message.
#[derive(Debug, thiserror::Error)]
#[error("{message} (HTTP {status})")]
pub struct Refused {
    /// HTTP status.
    pub status: u16,
    /// The `error.code` of the JSON body, or empty.
    pub code: String,
    /// What the server said.
    pub message: String,
}

impl Refused {
    /// Whether `error` is the server's refusal with this `code`.
    pub fn is(error: &anyhow::Error, code: &str) -> bool {
        error
            .downcast_ref::<Refused>()
            .is_some_and(|r| r.code == code)
    }
}

/// Checks an API answer without a body (204), or turns its error message into an error.
async fn decode_empty(response: reqwest::Response) -> anyhow::Result<()> {
    if response.status().is_success() {
        return Ok(());
    }
    decode::<serde_json::Value>(response).await.map(|_| ())
}

/// Reads an age identity file; a passphrase-protected one (an age file itself) is decrypted
/// first, with the passphrase from SAFEHOLD_IDENTITY_PASSPHRASE or the terminal.
pub fn load_identities(path: &Path) -> anyhow::Result<Vec<Box<dyn age::Identity + Send + Sync>>> {
    let plain = unlocked_identity(path)?;
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

/// The text of an identity file, its passphrase protection removed (the passphrase from
/// SAFEHOLD_IDENTITY_PASSPHRASE or the terminal); wiped when dropped.
pub fn unlocked_identity(path: &Path) -> anyhow::Result<Zeroizing<Vec<u8>>> {
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
    Ok(plain)
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
