//! Join requests: how a person asks to be registered in a study without e-mailing keys around.
//!
//! The person runs `tapecoder join ID --name N` in the study folder. That writes `join/<ID>.toml`
//! (one file per person, written by that person only) holding their public key, signed with the
//! matching private key, so the request proves it was made by whoever holds that key. It does not
//! prove *who* that is: anyone who can write to `join/` can ask under any name. So a supervisor
//! registers a request with `tapecoder coders approve ID --fingerprint F` only after the person
//! has read F (the first 16 hex digits of their key's fingerprint, which `join` prints) to them
//! over a channel the supervisor trusts: in person or on the phone.
use serde::{Deserialize, Serialize};

use crate::identity::{PublicKey, Signer};

/// The signature's purpose tag (see [`crate::identity::Signer::sign`]).
pub const PURPOSE: &str = "join-request";

/// How many hex digits of the fingerprint a person reads out and a supervisor types (64 bits: far
/// beyond what anyone can match by generating keys).
pub const SHORT_FINGERPRINT: usize = 16;

/// `join/<id>.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    pub schema: u32,
    pub id: String,
    pub name: String,
    /// `ed25519:<64 hex>`, as `tapecoder keys show` prints it.
    pub key: String,
    pub requested_at: String,
    /// The key's signature of id, name, key and time (hex).
    pub signature: String,
}

impl JoinRequest {
    /// A request by `signer` (who holds the private key of the public key it carries).
    pub fn signed(id: &str, name: &str, signer: &Signer, requested_at: &str) -> JoinRequest {
        let mut r = JoinRequest {
            schema: super::model::SCHEMA,
            id: id.to_string(),
            name: name.to_string(),
            key: signer.public().to_string(),
            requested_at: requested_at.to_string(),
            signature: String::new(),
        };
        r.signature = signer.sign(PURPOSE, &r.message());
        r
    }

    /// The signed bytes: the four fields as one JSON array (unambiguous whatever they contain).
    fn message(&self) -> Vec<u8> {
        serde_json::to_vec(&(&self.id, &self.name, &self.key, &self.requested_at))
            .unwrap_or_default()
    }

    /// The request's public key, if its signature is that key's; else why not.
    pub fn verified_key(&self) -> Result<PublicKey, String> {
        let key = PublicKey::parse(&self.key).map_err(|e| e.to_string())?;
        if key.verifies(PURPOSE, &self.message(), &self.signature) {
            Ok(key)
        } else {
            Err("its signature is not its key's: the file was changed or forged".into())
        }
    }
}

/// The short fingerprint a person reads out: the first [`SHORT_FINGERPRINT`] hex digits of the
/// key's fingerprint, in groups of four.
pub fn short_fingerprint(key: &PublicKey) -> String {
    let fp = key.fingerprint();
    let short = fp.get(..SHORT_FINGERPRINT).unwrap_or(&fp);
    short
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `typed` (spaces ignored, any case) is at least the short fingerprint of `key`.
pub fn fingerprint_matches(key: &PublicKey, typed: &str) -> bool {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    typed.len() >= SHORT_FINGERPRINT
        && key.fingerprint().to_ascii_lowercase().starts_with(&typed.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::fictional_signer;

    #[test]
    fn a_signed_request_verifies_and_any_change_breaks_it() {
        let ana = fictional_signer("ana");
        let r = JoinRequest::signed("ana", "Ana F", &ana, "2026-12-02T00:00:00Z");
        assert_eq!(r.verified_key(), Ok(ana.public()));
        for change in [
            |r: &mut JoinRequest| r.id = "ben".into(),
            |r: &mut JoinRequest| r.name = "Ben".into(),
            |r: &mut JoinRequest| r.requested_at = "2027-01-01T00:00:00Z".into(),
            |r: &mut JoinRequest| r.key = fictional_signer("mallory").public().to_string(),
        ] {
            let mut bad = r.clone();
            change(&mut bad);
            assert!(bad.verified_key().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn fingerprints_need_sixteen_digits_of_the_right_key() {
        let key = fictional_signer("ana").public();
        let short = short_fingerprint(&key);
        assert_eq!(short.len(), SHORT_FINGERPRINT + 3, "{short}");
        assert!(fingerprint_matches(&key, &short));
        assert!(fingerprint_matches(&key, &short.to_uppercase()));
        assert!(fingerprint_matches(&key, &key.fingerprint()));
        assert!(!fingerprint_matches(&key, &short[..10]));
        let other = fictional_signer("mallory").public();
        assert!(!fingerprint_matches(&other, &short));
    }
}
