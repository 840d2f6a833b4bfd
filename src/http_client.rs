//! The one way callrec builds HTTP clients (pull sources, the start-up self-check, the
//! PBX simulator): reqwest over rustls with the `ring` crypto provider, which this
//! program already carries for mail, instead of a second TLS stack. Certificates are
//! checked against the system's trust store — or, for a gateway with its own
//! certificate, pinned: exactly that certificate is accepted.
//!
//! Pinning is written here because the usual way, adding the certificate as a root,
//! fails for the self-signed certificates gateways make: they are marked as a CA, and
//! webpki refuses a CA certificate as a server's own ("CaUsedAsEndEntity").

use std::sync::{Arc, Once};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};

static PROVIDER: Once = Once::new();

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Makes `ring` the process's TLS provider, for clients built elsewhere (the object
/// store's) as for ours.
pub fn install_tls_provider() {
    PROVIDER.call_once(|| {
        // another part of the process may have installed one already: that is fine
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A client builder that can speak HTTPS, trusting the system's authorities.
pub fn builder() -> reqwest::ClientBuilder {
    install_tls_provider();
    reqwest::Client::builder()
}

/// A client builder that accepts exactly the server certificate in `pem` (and the
/// system's authorities for nothing else).
pub fn pinned_builder(pem: &[u8]) -> Result<reqwest::ClientBuilder, String> {
    let pinned = CertificateDer::from_pem_slice(pem)
        .map_err(|e| format!("the certificate is not PEM: {e}"))?
        .into_owned();
    Ok(builder().tls_backend_preconfigured(own_certificate(Rule::Pinned(pinned))?))
}

/// A TLS client configuration that checks the server's certificate by `rule`.
fn own_certificate(rule: Rule) -> Result<rustls::ClientConfig, String> {
    let provider = provider();
    Ok(
        rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(OwnCertificate { rule, provider }))
            .with_no_client_auth(),
    )
}

/// A server's own certificate instead of the authorities': exactly the pinned one, or
/// (to show a person its fingerprint) whichever it presents, kept.
#[derive(Debug)]
struct OwnCertificate {
    rule: Rule,
    provider: Arc<CryptoProvider>,
}

#[derive(Debug)]
enum Rule {
    Pinned(CertificateDer<'static>),
    Capture(Arc<std::sync::Mutex<Option<Vec<u8>>>>),
}

impl ServerCertVerifier for OwnCertificate {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match &self.rule {
            Rule::Pinned(pinned) if end_entity.as_ref() == pinned.as_ref() => {
                Ok(ServerCertVerified::assertion())
            }
            Rule::Pinned(_) => Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            )),
            Rule::Capture(kept) => {
                *kept.lock().unwrap_or_else(|e| e.into_inner()) = Some(end_entity.to_vec());
                Ok(ServerCertVerified::assertion())
            }
        }
    }

    // The handshake signatures are still checked: the server must hold the pinned
    // certificate's private key.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A certificate's SHA-256 fingerprint as people compare them: `AB:CD:…` (32 pairs).
pub fn fingerprint(der: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The fingerprint of the first certificate in `pem`.
pub fn pem_fingerprint(pem: &[u8]) -> Option<String> {
    CertificateDer::from_pem_slice(pem)
        .ok()
        .map(|der| fingerprint(der.as_ref()))
}

/// A certificate as PEM text.
pub fn to_pem(der: &[u8]) -> String {
    use base64::Engine as _;
    let text = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

/// The certificate a TLS server at `host:port` presents, whoever signed it (nothing
/// is sent over the connection): for a person to compare its fingerprint before
/// pinning it. The handshake's signature is still checked, so the server holds the
/// certificate's key.
pub async fn server_certificate(host: &str, port: u16) -> Result<Vec<u8>, String> {
    let captured: Arc<std::sync::Mutex<Option<Vec<u8>>>> = Arc::default();
    let config = own_certificate(Rule::Capture(captured.clone()))?;
    let tcp = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio::net::TcpStream::connect((host, port)),
    )
    .await
    .map_err(|_| format!("{host}:{port} did not answer within 5 s"))?
    .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
    let name = ServerName::try_from(host.to_string()).map_err(|e| e.to_string())?;
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp),
    )
    .await
    .map_err(|_| format!("{host}:{port} did not finish TLS within 5 s"))?
    .map_err(|e| format!("TLS with {host}:{port} failed: {e}"))?;
    captured
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
        .ok_or_else(|| format!("{host}:{port} presented no certificate"))
}
