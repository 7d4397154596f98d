//! enrol-password: hashing the passwords that people choose.
//!
//! Argon2id at the OWASP settings (m = 19456 KiB, t = 2, p = 1), stored as a PHC string so the parameters
//! travel with the hash and can be raised later without a migration. It is its own crate because the Worker
//! (login, password change) and the CLI (seeding the demo administrator) must produce the very same strings,
//! while the browser validator must not carry Argon2 at all. Server-generated one-time passwords are not
//! hashed here: they are high-entropy and short-lived, and get a keyed hash (see DESIGN.md).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("could not hash the password: {0}")]
    Hash(String),
}

/// Hashes `password` with a fresh random salt; the PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash(password: &str) -> Result<String, HashError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError::Hash(e.to_string()))
}

/// True when `password` matches `phc`. A malformed stored hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Spends the same time as a real verification, for a user that does not exist, so that a login's
/// timing does not tell whether a user name is taken.
pub fn verify_dummy(password: &str) {
    let _ = verify(password, DUMMY);
}

/// A well-formed hash, at the parameters `hash` uses, of a string nobody knows; the result is thrown away.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$fFh8sLaYS4P5D9uvV8FJxZN0Z6Ffpk6cJf0C3KQ0n1s";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("anything", "not a phc string"));
        assert_ne!(h, hash("correct horse battery").unwrap(), "salts must differ");
    }

    #[test]
    fn the_dummy_costs_what_a_real_verification_costs() {
        // It must parse (else verify returns at once) and carry the very parameters of `hash`.
        assert!(PasswordHash::new(DUMMY).is_ok());
        let real = hash("x").unwrap();
        let params = |h: &str| h.split('$').nth(3).map(str::to_string);
        assert_eq!(params(DUMMY), params(&real));
    }
}
