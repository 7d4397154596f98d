//! Server-made credentials: one-time passwords (random, stored as HMAC-SHA-256 with a secret pepper), the
//! short codes of login links, and the encryption of a credential that waits in the SMS outbox
//! (AES-256-GCM with a key from a secret).
//!
//! Why not Argon2id for one-time passwords: they are random and long (about 70 bits) and live 7 days, so a
//! slow hash buys nothing against guessing, while an upload of 1,000 people would spend 50 s of CPU on it.
//! The pepper keeps a stolen database from being enough to test guesses offline.

use crate::error::ApiError;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use worker::Env;

/// Letters and digits without look-alikes: no 0/O, 1/l/I.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
/// 12 characters of 56: about 70 bits.
pub const ONE_TIME_PASSWORD_CHARS: usize = 12;
/// Link codes: 10 characters (about 58 bits), so that `https://host/l/{code}` fits MSG91's 40-character variables.
pub const LINK_CODE_CHARS: usize = 10;

/// The secrets, read once per request from the Worker's environment (wrangler secrets; `.dev.vars` locally).
pub struct Keys {
    pepper: Vec<u8>,
    /// OUTBOX_KEY's bytes; the cipher is made the first time it is needed (a login never needs it).
    outbox_key: Option<Vec<u8>>,
    outbox: std::cell::OnceCell<Option<Aes256Gcm>>,
}

fn not_configured(name: &str) -> ApiError {
    ApiError::new(503, "NotConfigured", "This server is not fully configured; ask its operator")
        .with_cause(format!("the secret {name} is missing or malformed"))
}

impl Keys {
    /// `OTP_PEPPER` (any text of 32 or more bytes) and `OUTBOX_KEY` (32 bytes, base64).
    pub fn from_env(env: &Env) -> Result<Self, ApiError> {
        let pepper = crate::config::text_var(env, "OTP_PEPPER").unwrap_or_default();
        if pepper.len() < 32 {
            return Err(not_configured("OTP_PEPPER"));
        }
        let outbox_key =
            env.var("OUTBOX_KEY").ok().and_then(|v| B64.decode(v.to_string().trim()).ok()).filter(|k| k.len() == 32);
        Ok(Self { pepper: pepper.into_bytes(), outbox_key, outbox: std::cell::OnceCell::new() })
    }

    /// The stored form of a one-time password: HMAC-SHA-256(pepper, uuid NUL password), hex. The uuid makes
    /// two people's equal passwords differ.
    pub fn otp_hash(&self, uuid: &str, password: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.pepper).expect("HMAC takes a key of any length");
        mac.update(uuid.as_bytes());
        mac.update(&[0]);
        mac.update(password.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// Whether `password` is the one-time password stored as `hash`, compared in constant time.
    pub fn otp_matches(&self, uuid: &str, password: &str, hash: &str) -> bool {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.pepper).expect("HMAC takes a key of any length");
        mac.update(uuid.as_bytes());
        mac.update(&[0]);
        mac.update(password.as_bytes());
        let Some(expected) = unhex(hash) else { return false };
        mac.verify_slice(&expected).is_ok()
    }

    fn cipher(&self) -> Result<&Aes256Gcm, ApiError> {
        self.outbox
            .get_or_init(|| self.outbox_key.as_deref().and_then(|k| Aes256Gcm::new_from_slice(k).ok()))
            .as_ref()
            .ok_or_else(|| not_configured("OUTBOX_KEY"))
    }

    /// A credential for an outbox row: a new link code for the row, and `secret` sealed to it (the link code is
    /// the row's associated data, so a sealed value copied into another row does not open). Every message that
    /// carries a password or a code is made here: welcomes of an upload or a re-issue, and OTP codes.
    pub fn seal_for_outbox(&self, secret: &str) -> Result<Sealed, ApiError> {
        let link_code = link_code()?;
        let sealed = self.seal(secret, &outbox_context(&link_code))?;
        Ok(Sealed { link_code, sealed })
    }

    /// The secret of an outbox row's sealed credential.
    pub fn open_outbox(&self, sealed: &str, link_code: &str) -> Result<String, ApiError> {
        self.open(sealed, &outbox_context(link_code))
    }

    /// `base64(nonce || ciphertext)` of `plain`, bound to `context`.
    fn seal(&self, plain: &str, context: &str) -> Result<String, ApiError> {
        let mut nonce = [0u8; 12];
        fill(&mut nonce)?;
        let sealed = self
            .cipher()?
            .encrypt(
                Nonce::from_slice(&nonce),
                aes_gcm::aead::Payload { msg: plain.as_bytes(), aad: context.as_bytes() },
            )
            .map_err(|_| ApiError::internal("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(B64.encode(out))
    }

    /// The plain text of `seal`'s output, or an error when the key or the context is not the one it was sealed with.
    fn open(&self, sealed: &str, context: &str) -> Result<String, ApiError> {
        let bytes = B64.decode(sealed).map_err(|_| ApiError::internal("sealed credential is not base64"))?;
        if bytes.len() < 12 {
            return Err(ApiError::internal("sealed credential is too short"));
        }
        let (nonce, body) = bytes.split_at(12);
        let plain = self
            .cipher()?
            .decrypt(Nonce::from_slice(nonce), aes_gcm::aead::Payload { msg: body, aad: context.as_bytes() })
            .map_err(|_| ApiError::internal("sealed credential does not open with OUTBOX_KEY"))?;
        String::from_utf8(plain).map_err(|_| ApiError::internal("sealed credential is not text"))
    }
}

/// An outbox row's link code and its sealed credential (`Keys::seal_for_outbox`).
pub struct Sealed {
    pub link_code: String,
    pub sealed: String,
}

/// The associated data of an outbox row's sealed credential.
fn outbox_context(link_code: &str) -> String {
    format!("outbox:{link_code}")
}

fn fill(buf: &mut [u8]) -> Result<(), ApiError> {
    getrandom::fill(buf).map_err(|e| ApiError::internal(format!("no randomness: {e}")))
}

/// `n` characters drawn uniformly from ALPHABET (rejection sampling: no character is likelier than another).
pub fn random_text(n: usize) -> Result<String, ApiError> {
    let limit = 256 - 256 % ALPHABET.len();
    let mut out = String::with_capacity(n);
    let mut buf = [0u8; 64];
    while out.len() < n {
        fill(&mut buf)?;
        for &b in &buf {
            if usize::from(b) < limit && out.len() < n {
                out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
            }
        }
    }
    Ok(out)
}

pub fn one_time_password() -> Result<String, ApiError> {
    random_text(ONE_TIME_PASSWORD_CHARS)
}

/// A code for an SMS: 6 decimal digits, each equally likely (rejection sampling).
pub fn six_digits() -> Result<String, ApiError> {
    let mut out = String::with_capacity(6);
    let mut buf = [0u8; 16];
    while out.len() < 6 {
        fill(&mut buf)?;
        for &b in &buf {
            if b < 250 && out.len() < 6 {
                out.push(char::from(b'0' + b % 10));
            }
        }
    }
    Ok(out)
}

fn link_code() -> Result<String, ApiError> {
    random_text(LINK_CODE_CHARS)
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}
