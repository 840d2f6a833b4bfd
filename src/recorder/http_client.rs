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

/// A client builder that can speak HTTPS, trusting the system's authorities.
pub fn builder() -> reqwest::ClientBuilder {
    PROVIDER.call_once(|| {
        // another part of the process may have installed one already: that is fine
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
}

/// A client builder that accepts exactly the server certificate in `pem` (and the
/// system's authorities for nothing else).
pub fn pinned_builder(pem: &[u8]) -> Result<reqwest::ClientBuilder, String> {
    let pinned = CertificateDer::from_pem_slice(pem)
        .map_err(|e| format!("the certificate is not PEM: {e}"))?
        .into_owned();
    let provider = provider();
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned { pinned, provider }))
        .with_no_client_auth();
    Ok(builder().tls_backend_preconfigured(config))
}

#[derive(Debug)]
struct Pinned {
    pinned: CertificateDer<'static>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.pinned.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
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
