//! E-mail alerts to the administrator, through a real SMTP server (lettre): plain,
//! STARTTLS or TLS, with or without authentication.

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};

/// How connections to the mail server are protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// No encryption (a relay on the local network or loopback).
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// Where alarms are sent.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// `user:password`, or none.
    pub credentials: Option<(String, String)>,
    pub from: String,
    pub to: Vec<String>,
}

impl MailConfig {
    /// Sends one message; errors say what the server or the addresses did wrong.
    pub fn send(&self, subject: &str, body: &str) -> Result<(), String> {
        let from: Mailbox = self
            .from
            .parse()
            .map_err(|e| format!("mailfrom={}: {e}", self.from))?;
        let mut message = Message::builder().from(from).subject(subject);
        for to in &self.to {
            let to: Mailbox = to.parse().map_err(|e| format!("mailto={to}: {e}"))?;
            message = message.to(to);
        }
        let message = message
            .body(body.to_string())
            .map_err(|e| format!("cannot build the message: {e}"))?;
        let builder = match self.security {
            Security::None => SmtpTransport::builder_dangerous(&self.host),
            Security::StartTls => SmtpTransport::starttls_relay(&self.host)
                .map_err(|e| format!("{}: {e}", self.host))?,
            Security::Tls => {
                SmtpTransport::relay(&self.host).map_err(|e| format!("{}: {e}", self.host))?
            }
        };
        let mut builder = builder
            .port(self.port)
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let Some((user, password)) = &self.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        builder
            .build()
            .send(&message)
            .map(|_| ())
            .map_err(|e| format!("the mail server {}:{} refused: {e}", self.host, self.port))
    }
}
