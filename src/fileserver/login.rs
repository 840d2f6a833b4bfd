//! Who is asking: every request to the Player API carries an account's name and
//! password (HTTP Basic, over TLS beyond loopback). Argon2 is slow on purpose, so a
//! password once checked is remembered for a while as a SHA-256 of name and password
//! (never the password itself); wrong passwords go through the same back-off per
//! address as the recorder's own logins.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::archive::accounts::Account;
use crate::recorder::auth_guard::{AuthGuard, Waiting};

/// How long a checked password is taken without Argon2.
const REMEMBER: Duration = Duration::from_secs(600);
/// Checked logins remembered at most (a few per Player).
const MAX_REMEMBERED: usize = 4096;

/// Why a request was not let in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// No or wrong credentials.
    Unknown,
    /// Too many failures from this address: wait.
    Wait(Waiting),
}

/// The accounts and what was checked recently.
pub struct Logins {
    /// As the setup had them at start: account changes take effect at the next start.
    accounts: Vec<Account>,
    remembered: Mutex<HashMap<[u8; 32], (usize, Instant)>>,
    guard: AuthGuard,
}

impl Logins {
    pub fn new(accounts: Vec<Account>) -> Logins {
        Logins {
            accounts,
            remembered: Mutex::new(HashMap::new()),
            guard: AuthGuard::default(),
        }
    }

    /// The same logins with no right to change a record (an archive in a bucket); a
    /// copy out changes none and stays.
    pub fn read_only(self) -> Logins {
        Logins {
            accounts: self
                .accounts
                .into_iter()
                .map(|mut a| {
                    a.rights.delete = false;
                    a.rights.tan = false;
                    a.rights.notes = false;
                    a
                })
                .collect(),
            ..self
        }
    }

    /// The account an `Authorization` header names, if its password is right.
    pub fn check(&self, authorization: &str, from: IpAddr) -> Result<Account, Refused> {
        if let Err(waiting) = self.guard.admit(from) {
            return Err(Refused::Wait(waiting));
        }
        let Some((name, password)) = basic(authorization) else {
            return Err(Refused::Unknown);
        };
        let accounts = &self.accounts;
        let fingerprint: [u8; 32] = Sha256::new()
            .chain_update(name.to_lowercase().as_bytes())
            .chain_update([0])
            .chain_update(password.as_bytes())
            .finalize()
            .into();
        let known = {
            let remembered = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
            remembered
                .get(&fingerprint)
                .filter(|(_, at)| at.elapsed() < REMEMBER)
                .map(|(i, _)| *i)
        };
        let found = known.or_else(|| {
            let i = accounts
                .iter()
                .position(|a| a.name.eq_ignore_ascii_case(&name))?;
            accounts[i].password_matches(&password).then_some(i)
        });
        match found.and_then(|i| accounts.get(i).map(|a| (i, a))) {
            Some((i, account)) => {
                self.guard.succeeded(from);
                let mut remembered = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
                if remembered.len() >= MAX_REMEMBERED {
                    remembered.retain(|_, (_, at)| at.elapsed() < REMEMBER);
                }
                if remembered.len() < MAX_REMEMBERED {
                    remembered.insert(fingerprint, (i, Instant::now()));
                }
                Ok(account.clone())
            }
            None => {
                self.guard.failed(from);
                Err(Refused::Unknown)
            }
        }
    }
}

/// `Basic base64(name:password)`, the scheme in any case.
fn basic(authorization: &str) -> Option<(String, String)> {
    let (scheme, encoded) = authorization.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (name, password) = text.split_once(':')?;
    Some((name.to_string(), password.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::accounts::Rights;

    fn header(name: &str, password: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{name}:{password}"))
        )
    }

    #[test]
    fn the_right_password_lets_in_and_guessing_is_slowed() {
        let desk = Account::new(
            "Desk 21",
            "desk-password",
            Rights::default(),
            vec!["21".into()],
        )
        .unwrap();
        let logins = Logins::new(vec![desk]);
        let here: IpAddr = "127.0.0.1".parse().unwrap();
        let account = logins
            .check(&header("desk 21", "desk-password"), here)
            .unwrap();
        assert_eq!(account.name, "Desk 21", "names compare without case");
        assert_eq!(
            logins
                .check(&header("Desk 21", "desk-password"), here)
                .unwrap()
                .extensions,
            vec!["21".to_string()],
            "remembered"
        );
        assert_eq!(logins.check("Bearer x", here), Err(Refused::Unknown));
        for _ in 0..5 {
            assert_eq!(
                logins.check(&header("Desk 21", "guess"), here),
                Err(Refused::Unknown)
            );
        }
        assert!(matches!(
            logins.check(&header("Desk 21", "desk-password"), here),
            Err(Refused::Wait(_))
        ));
    }
}
