//! E-mail alerts to the administrator, through a real SMTP server (lettre): plain,
//! STARTTLS or TLS, with or without authentication.

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
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
    /// A certificate (PEM) trusted for the mail server besides the usual roots: a
    /// company CA, or the server's own self-signed one.
    pub trusted_cert: Option<Vec<u8>>,
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
        let builder = SmtpTransport::builder_dangerous(&self.host);
        let builder = match self.security {
            Security::None => builder,
            // the server must offer STARTTLS: no login or message goes out in clear
            Security::StartTls => builder.tls(Tls::Required(self.tls()?)),
            Security::Tls => builder.tls(Tls::Wrapper(self.tls()?)),
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

    /// TLS that checks the server's certificate against the host name, trusting
    /// `trusted_cert` too.
    fn tls(&self) -> Result<TlsParameters, String> {
        let mut tls = TlsParameters::builder(self.host.clone());
        if let Some(pem) = &self.trusted_cert {
            let cert = Certificate::from_pem(pem)
                .map_err(|e| format!("smtpcert is not a PEM certificate: {e}"))?;
            tls = tls.add_root_certificate(cert);
        }
        tls.build()
            .map_err(|e| format!("TLS to {} cannot be set up: {e}", self.host))
    }
}
