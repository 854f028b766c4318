//! Why one delivery failed, as a class: logs and dead letters keep the class only, never a
//! receiver's answer, an address or a URL.

/// A failed delivery.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The receiver could not be reached (refused, unreachable, DNS).
    #[error("cannot connect to the receiver: check that it runs and the address is right")]
    Connect,
    /// No answer within the policy's `timeout`.
    #[error("the receiver did not answer in time: check it, or raise `timeout` in alerts.toml")]
    Timeout,
    /// TLS failed (certificate, protocol).
    #[error("TLS with the receiver failed: check its certificate")]
    Tls,
    /// The receiver answered with an HTTP error status.
    #[error("the receiver answered HTTP {0}: check its logs and the target's secret")]
    Status(u16),
    /// The SMTP server refused for now (4xx).
    #[error("the SMTP server refused the message for now; it will be retried")]
    SmtpTransient,
    /// The SMTP server refused for good (5xx): address, auth or policy.
    #[error("the SMTP server refused the message: check the address, credentials and relay rules")]
    SmtpPermanent,
    /// Anything else on the wire.
    #[error("the delivery failed on the network: check the receiver")]
    Network,
    /// The policy does not say how to reach this target (removed, or no `[smtp]`).
    #[error(
        "no such alert target in alerts.toml (or no [smtp] for it): fix the policy, then retry"
    )]
    UnknownTarget,
}

impl DeliveryError {
    /// A short, stable class for logs and dead letters.
    pub fn class(&self) -> &'static str {
        match self {
            DeliveryError::Connect => "connect",
            DeliveryError::Timeout => "timeout",
            DeliveryError::Tls => "tls",
            DeliveryError::Status(code) if *code >= 500 => "http_5xx",
            DeliveryError::Status(_) => "http_4xx",
            DeliveryError::SmtpTransient => "smtp_transient",
            DeliveryError::SmtpPermanent => "smtp_permanent",
            DeliveryError::Network => "network",
            DeliveryError::UnknownTarget => "unknown_target",
        }
    }
}
