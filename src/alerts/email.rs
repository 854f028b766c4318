//! E-mail delivery over SMTP with lettre: STARTTLS (required) or TLS, credentials from the
//! environment; plain SMTP only to a relay on this machine (validated by the policy).

use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use super::DeliveryError;
use crate::policy::alerts::{SmtpSecurity, SmtpSettings};

/// A configured SMTP relay.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Builds the transport from validated settings.
    pub fn new(smtp: &SmtpSettings, timeout: Duration) -> Result<Mailer, DeliveryError> {
        // lettre's rustls uses the process-wide provider: ring, as everywhere in Safehold.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let builder = match smtp.security {
            SmtpSecurity::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                    .map_err(|_| DeliveryError::Tls)?
            }
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                .map_err(|_| DeliveryError::Tls)?,
            SmtpSecurity::PlainLoopbackOnly => {
                if !crate::policy::alerts::is_loopback_host(&smtp.host) {
                    return Err(DeliveryError::Tls);
                }
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            }
        };
        let mut builder = builder.port(smtp.port).timeout(Some(timeout));
        if let Some((user, password)) = &smtp.credentials {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        let from = smtp
            .from
            .parse::<Mailbox>()
            .map_err(|_| DeliveryError::SmtpPermanent)?;
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one plain-text message to every address in `to`.
    pub async fn send(
        &self,
        to: &[String],
        subject: &str,
        body: String,
    ) -> Result<(), DeliveryError> {
        // The Date header would otherwise say when the alert left, to the second; the day is
        // all it says here (relays still add their own `Received:` times).
        let day_start = time::OffsetDateTime::now_utc()
            .unix_timestamp()
            .div_euclid(86_400)
            * 86_400;
        let date = std::time::UNIX_EPOCH
            + std::time::Duration::from_secs(u64::try_from(day_start).unwrap_or(0));
        let mut message = Message::builder()
            .from(self.from.clone())
            .date(date)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN);
        for address in to {
            let mailbox = address
                .parse::<Mailbox>()
                .map_err(|_| DeliveryError::SmtpPermanent)?;
            message = message.to(mailbox);
        }
        let message = message
            .body(body)
            .map_err(|_| DeliveryError::SmtpPermanent)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| classify(&e))
    }
}

/// A class for an SMTP error; lettre's message may quote the server and addresses.
fn classify(e: &lettre::transport::smtp::Error) -> DeliveryError {
    if e.is_timeout() {
        DeliveryError::Timeout
    } else if e.is_tls() {
        DeliveryError::Tls
    } else if e.is_transient() {
        DeliveryError::SmtpTransient
    } else if e.is_permanent() {
        DeliveryError::SmtpPermanent
    } else {
        DeliveryError::Connect
    }
}
