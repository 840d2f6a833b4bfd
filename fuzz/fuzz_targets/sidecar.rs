//! Fuzzes the sidecar check: any bytes as a record's `.xml`, against the built-in key
//! and an empty list of trusted signers. It must give a verdict, never panic.
#![no_main]

use callrec::archive::identity::TrustedKeys;
use callrec::archive::keyring::{ArchiveKey, KeyRing};
use callrec::archive::sidecar::check_sidecar;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ring = KeyRing::new(ArchiveKey::default_key(), Vec::new());
    let trusted = TrustedKeys::default();
    let check = check_sidecar(data, || Ok(Some(([0; 32], 0))), &ring, &trusted);
    let _ = check.reason.len();
});
