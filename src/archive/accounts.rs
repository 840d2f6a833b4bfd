//! Player accounts: who may use the archive over the network, with which password
//! and within which limits. Kept in the setup key `players`, one account a line:
//! `NAME|ARGON2ID-HASH|RIGHTS|EXTENSIONS`, where RIGHTS is a comma list of `copy`,
//! `delete`, `tan`, `notes`, `alarm` (RESET and alarm OFF of the recorder), `control`
//! (commands for other Players) or `none`,
//! and EXTENSIONS the internal numbers whose calls the account sees (`21`, `3*`),
//! empty for every call. Passwords are kept only as Argon2id hashes.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// What an account may do besides listening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rights {
    pub copy: bool,
    pub delete: bool,
    pub tan: bool,
    pub notes: bool,
    /// RESET and OFF of the recorder's master alarm.
    pub alarm: bool,
    /// Commands for other Players (play, stop, …), as an external application gives.
    pub control: bool,
}

impl Rights {
    const NAMES: [&'static str; 6] = ["copy", "delete", "tan", "notes", "alarm", "control"];

    /// `copy,tan` or `none`; an unknown word is an error that names it.
    pub fn parse(text: &str) -> Result<Rights, String> {
        let mut rights = Rights::default();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            match word {
                "none" => {}
                "copy" => rights.copy = true,
                "delete" => rights.delete = true,
                "tan" => rights.tan = true,
                "notes" => rights.notes = true,
                "alarm" => rights.alarm = true,
                "control" => rights.control = true,
                other => {
                    return Err(format!(
                        "unknown right '{other}' (rights are {} or none)",
                        Rights::NAMES.join(", ")
                    ));
                }
            }
        }
        Ok(rights)
    }
}

impl std::fmt::Display for Rights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let given = [
            self.copy,
            self.delete,
            self.tan,
            self.notes,
            self.alarm,
            self.control,
        ];
        let words: Vec<&str> = Rights::NAMES
            .iter()
            .zip(given)
            .filter(|(_, on)| *on)
            .map(|(name, _)| *name)
            .collect();
        if words.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&words.join(","))
        }
    }
}

/// One Player account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    password_hash: String,
    pub rights: Rights,
    /// Internal numbers whose calls it sees; empty: every call.
    pub extensions: Vec<String>,
}

/// Whether `name` can be an account's name: what a person types and the activity
/// log can carry (no separators, no control characters).
pub fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-'))
        && !name.starts_with(' ')
        && !name.ends_with(' ')
}

fn valid_extension(e: &str) -> bool {
    !e.is_empty()
        && e.len() <= 32
        && e.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '?' | '+' | '#'))
}

impl Account {
    /// A new account; the password is hashed here and never kept.
    pub fn new(
        name: &str,
        password: &str,
        rights: Rights,
        extensions: Vec<String>,
    ) -> Result<Account, String> {
        if !valid_name(name) {
            return Err(format!(
                "'{name}' is no account name (1 to 32 letters, digits, space, '.', '_', '-')"
            ));
        }
        if password.chars().count() < 8 {
            return Err("an account's password has at least 8 characters".into());
        }
        if let Some(bad) = extensions.iter().find(|e| !valid_extension(e)) {
            return Err(format!("'{bad}' is no extension (digits with * and ?)"));
        }
        let password_hash = argon2::Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| format!("cannot hash the password: {e}"))?;
        Ok(Account {
            name: name.to_string(),
            password_hash,
            rights,
            extensions,
        })
    }

    /// Checks a password (Argon2id: deliberately slow, so callers cache a success).
    pub fn password_matches(&self, given: &str) -> bool {
        PasswordHash::new(&self.password_hash).is_ok_and(|h| {
            argon2::Argon2::default()
                .verify_password(given.as_bytes(), &h)
                .is_ok()
        })
    }
}

/// Reads the `players` setup value.
pub fn parse_accounts(text: &str) -> Result<Vec<Account>, String> {
    let mut accounts: Vec<Account> = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let fields: Vec<&str> = line.split('|').collect();
        let [name, hash, rights, extensions] = fields[..] else {
            return Err(format!(
                "players line {}: not NAME|HASH|RIGHTS|EXTENSIONS",
                n + 1
            ));
        };
        if !valid_name(name) {
            return Err(format!(
                "players line {}: '{name}' is no account name",
                n + 1
            ));
        }
        if PasswordHash::new(hash).is_err() {
            return Err(format!(
                "players line {}: the password hash is damaged",
                n + 1
            ));
        }
        let extensions: Vec<String> = extensions
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect();
        if let Some(bad) = extensions.iter().find(|e| !valid_extension(e)) {
            return Err(format!("players line {}: '{bad}' is no extension", n + 1));
        }
        if accounts.iter().any(|a| a.name.eq_ignore_ascii_case(name)) {
            return Err(format!("players line {}: '{name}' is there twice", n + 1));
        }
        accounts.push(Account {
            name: name.to_string(),
            password_hash: hash.to_string(),
            rights: Rights::parse(rights).map_err(|e| format!("players line {}: {e}", n + 1))?,
            extensions,
        });
    }
    Ok(accounts)
}

/// Writes accounts as the `players` setup value.
pub fn render_accounts(accounts: &[Account]) -> String {
    accounts
        .iter()
        .map(|a| {
            format!(
                "{}|{}|{}|{}\n",
                a.name,
                a.password_hash,
                a.rights,
                a.extensions.join(",")
            )
        })
        .collect()
}

/// Adds `account`, or replaces the one of the same name (names compare without case).
pub fn upsert(accounts: &mut Vec<Account>, account: Account) {
    accounts.retain(|a| !a.name.eq_ignore_ascii_case(&account.name));
    accounts.push(account);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_round_trip_and_check_their_passwords() {
        let rossi = Account::new(
            "Rossi",
            "desk-21-secret",
            Rights::parse("copy,tan").unwrap(),
            vec!["21".into(), "3*".into()],
        )
        .unwrap();
        let text = render_accounts(std::slice::from_ref(&rossi));
        assert!(text.starts_with("Rossi|$argon2id$"), "{text}");
        assert!(text.trim_end().ends_with("|copy,tan|21,3*"), "{text}");
        let back = parse_accounts(&text).unwrap();
        assert_eq!(back, vec![rossi.clone()]);
        assert!(back[0].password_matches("desk-21-secret"));
        assert!(!back[0].password_matches("desk-21-secreT"));
    }

    #[test]
    fn bad_accounts_are_refused_with_the_reason() {
        assert!(Account::new("a|b", "long enough", Rights::default(), vec![]).is_err());
        assert!(Account::new("ok", "short", Rights::default(), vec![]).is_err());
        assert!(Account::new("ok", "long enough", Rights::default(), vec!["2;1".into()]).is_err());
        assert!(Rights::parse("copy,root").unwrap_err().contains("'root'"));
        assert!(
            parse_accounts("x|nohash|none|")
                .unwrap_err()
                .contains("hash")
        );
        assert!(parse_accounts("x|y").unwrap_err().contains("line 1"));
        let a = Account::new("Desk", "long enough", Rights::default(), vec![]).unwrap();
        let twice = render_accounts(&[a.clone(), a]);
        assert!(parse_accounts(&twice).unwrap_err().contains("twice"));
    }
}
