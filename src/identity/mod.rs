//! Signing keys: who may act as whom (issue #9, "Signed identities").
//!
//! Every person has an ed25519 key pair (`ed25519-dalek`; no hand-written crypto). The private key
//! stays in the person's key folder (`TAPECODER_KEY_DIR`, else `<config dir>/tapecoder/keys`), in a
//! file of mode 0600 holding `ed25519-secret:<64 hex digits>`. The public key is written
//! `ed25519:<64 hex digits>` and registered in `coders.toml`. A key folder may hold several keys
//! (`*.key`): the one whose public key is registered for `--as ID` is used.
//!
//! Signatures are over a domain-separated message ([`Signer::sign`]), so a signature made for one
//! purpose (a journal line) can never be replayed as another.
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// How a public key is written.
pub const PUBLIC_PREFIX: &str = "ed25519:";
/// How a private key file starts.
pub const SECRET_PREFIX: &str = "ed25519-secret:";
/// The file `tapecoder keys init` writes in the key folder.
pub const DEFAULT_KEY_FILE: &str = "tapecoder.key";
/// The environment variable that overrides the key folder.
pub const KEY_DIR_ENV: &str = "TAPECODER_KEY_DIR";

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    #[error("{}: {action} failed: {source}; {hint}", .path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        hint: &'static str,
        #[source]
        source: io::Error,
    },
    #[error(
        "{}: not a tapecoder private key ({reason}); it should hold one line `ed25519-secret:` followed by 64 hex digits. Move the file out of the key folder or restore it from your backup",
        .path.display()
    )]
    BadKeyFile { path: PathBuf, reason: String },
    #[error(
        "{text:?} is not a public key ({reason}); it should be `ed25519:` followed by 64 hex digits, as printed by `tapecoder keys show`"
    )]
    BadPublicKey { text: String, reason: String },
    #[error(
        "{} already exists: tapecoder never overwrites a key. `tapecoder keys show` prints its public key; to start over, move the file away first",
        .path.display()
    )]
    Exists { path: PathBuf },
    #[error(
        "no key in {}: make one with `tapecoder keys init` (or set {KEY_DIR_ENV} to the folder that holds yours)",
        .dir.display()
    )]
    NoKey { dir: PathBuf },
    #[error(
        "cannot find your configuration folder to keep your key in; set {KEY_DIR_ENV} to a folder only you can read"
    )]
    NoConfigDir,
    #[error("the system's random number source failed ({0}); try again")]
    Random(String),
}

fn io_err(
    path: &Path,
    action: &'static str,
    hint: &'static str,
) -> impl FnOnce(io::Error) -> IdentityError {
    let path = path.to_path_buf();
    move |source| IdentityError::Io { path, action, hint, source }
}

/// A public key, as registered in `coders.toml`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Parses `ed25519:<64 hex>`.
    pub fn parse(text: &str) -> Result<PublicKey, IdentityError> {
        let bad = |reason: &str| IdentityError::BadPublicKey {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let hexpart =
            text.trim().strip_prefix(PUBLIC_PREFIX).ok_or_else(|| bad("no `ed25519:` prefix"))?;
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(hexpart, &mut bytes).map_err(|e| bad(&e.to_string()))?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| bad("not a valid ed25519 point"))
    }

    /// The sha256 of the key's 32 bytes, in hex: what `study.toml` pins for the founder.
    pub fn fingerprint(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }

    /// Whether `signature` (hex) is this key's signature of `message` for `purpose`.
    pub fn verifies(&self, purpose: &str, message: &[u8], signature: &str) -> bool {
        let mut sig = [0u8; 64];
        if hex::decode_to_slice(signature, &mut sig).is_err() {
            return false;
        }
        self.0.verify_strict(&framed(purpose, message), &Signature::from_bytes(&sig)).is_ok()
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PUBLIC_PREFIX}{}", hex::encode(self.0.as_bytes()))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

/// The message actually signed: a purpose tag, a NUL, then the bytes.
fn framed(purpose: &str, message: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(purpose.len() + 1 + message.len());
    m.extend_from_slice(b"tapecoder/");
    m.extend_from_slice(purpose.as_bytes());
    m.push(0);
    m.extend_from_slice(message);
    m
}

/// A person's private key, held for the length of one command.
#[derive(Clone)]
pub struct Signer {
    id: String,
    key: SigningKey,
}

impl Signer {
    pub fn new(id: impl Into<String>, key: SigningKey) -> Signer {
        Signer { id: id.into(), key }
    }
    /// The coder id this key signs for.
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn public(&self) -> PublicKey {
        PublicKey(self.key.verifying_key())
    }
    /// The hex signature of `message` for `purpose` (see [`PublicKey::verifies`]).
    pub fn sign(&self, purpose: &str, message: &[u8]) -> String {
        hex::encode(self.key.sign(&framed(purpose, message)).to_bytes())
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signer({}, {})", self.id, self.public())
    }
}

/// A new key from the operating system's random source.
pub fn generate() -> Result<SigningKey, IdentityError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| IdentityError::Random(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The key of a FICTIONAL person (the bundled sample study, tests): derived from the id, so anyone
/// can recompute it. Never use it for a real person.
pub fn fictional(id: &str) -> SigningKey {
    let seed: [u8; 32] = Sha256::digest(format!("tapecoder fictional key of {id}")).into();
    SigningKey::from_bytes(&seed)
}

/// A signer with the [`fictional`] key of `id`.
pub fn fictional_signer(id: &str) -> Signer {
    Signer::new(id, fictional(id))
}

/// The key folder: `TAPECODER_KEY_DIR`, else `<config dir>/tapecoder/keys`.
pub fn key_dir() -> Result<PathBuf, IdentityError> {
    if let Some(d) = std::env::var_os(KEY_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    let dirs =
        directories::ProjectDirs::from("", "", "tapecoder").ok_or(IdentityError::NoConfigDir)?;
    Ok(dirs.config_dir().join("keys"))
}

/// Writes a private key file that did not exist, readable by its owner only (0600).
pub fn write_key_file(path: &Path, key: &SigningKey) -> Result<(), IdentityError> {
    const HINT: &str = "check that you may write to the key folder";
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            IdentityError::Exists { path: path.to_path_buf() }
        } else {
            io_err(path, "creating the key file", HINT)(e)
        }
    })?;
    let line = format!("{SECRET_PREFIX}{}\n", hex::encode(key.to_bytes()));
    let written = f.write_all(line.as_bytes()).and_then(|()| f.sync_all());
    if let Err(e) = written {
        drop(f);
        let _ = fs::remove_file(path);
        return Err(io_err(path, "writing the key file", HINT)(e));
    }
    Ok(())
}

/// Reads a private key file.
pub fn read_key_file(path: &Path) -> Result<SigningKey, IdentityError> {
    let bad = |reason: &str| IdentityError::BadKeyFile {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let meta = fs::metadata(path).map_err(io_err(path, "reading", "check that you may read it"))?;
    if meta.len() > 1024 {
        return Err(bad("the file is far too large"));
    }
    let text =
        fs::read_to_string(path).map_err(io_err(path, "reading", "check that you may read it"))?;
    let hexpart = text
        .trim()
        .strip_prefix(SECRET_PREFIX)
        .ok_or_else(|| bad("no `ed25519-secret:` prefix"))?;
    let mut seed = [0u8; 32];
    hex::decode_to_slice(hexpart, &mut seed).map_err(|e| bad(&e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Creates the key folder (0700) and a new key in `tapecoder.key`; refuses to overwrite one.
pub fn init(dir: &Path) -> Result<(PathBuf, PublicKey), IdentityError> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(io_err(
        dir,
        "creating the key folder",
        "check that you may write there",
    ))?;
    let path = dir.join(DEFAULT_KEY_FILE);
    if path.exists() {
        return Err(IdentityError::Exists { path });
    }
    let key = generate()?;
    write_key_file(&path, &key)?;
    Ok((path, PublicKey(key.verifying_key())))
}

/// The public key of the folder's own key: `tapecoder.key`, or the only key when there is one.
pub fn default_public(dir: &Path) -> Result<PublicKey, IdentityError> {
    default_key(dir).map(|k| PublicKey(k.verifying_key()))
}

/// The folder's own private key: `tapecoder.key`, or the only key when there is one.
pub fn default_key(dir: &Path) -> Result<SigningKey, IdentityError> {
    let path = dir.join(DEFAULT_KEY_FILE);
    if path.is_file() {
        return read_key_file(&path);
    }
    let ring = KeyRing::load(&[dir.to_path_buf()])?;
    match ring.keys.as_slice() {
        [(_, k)] => Ok(k.clone()),
        _ => Err(IdentityError::NoKey { dir: dir.to_path_buf() }),
    }
}

/// Every private key of some key folders.
#[derive(Default)]
pub struct KeyRing {
    keys: Vec<(PathBuf, SigningKey)>,
}

impl KeyRing {
    /// Reads every `*.key` in the folders (a missing folder holds none). A damaged key file is an
    /// error naming it, not a silent skip.
    pub fn load(dirs: &[PathBuf]) -> Result<KeyRing, IdentityError> {
        let mut keys = Vec::new();
        for dir in dirs {
            let rd = match fs::read_dir(dir) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                r => {
                    r.map_err(io_err(dir, "listing the key folder", "check that you may read it"))?
                }
            };
            let mut paths: Vec<PathBuf> = rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "key") && p.is_file())
                .collect();
            paths.sort();
            for p in paths {
                let k = read_key_file(&p)?;
                keys.push((p, k));
            }
        }
        Ok(KeyRing { keys })
    }

    /// The public key, among the ring's, whose fingerprint is `fingerprint`.
    pub fn public_with_fingerprint(&self, fingerprint: &str) -> Option<PublicKey> {
        self.keys
            .iter()
            .map(|(_, k)| PublicKey(k.verifying_key()))
            .find(|p| p.fingerprint().eq_ignore_ascii_case(fingerprint))
    }

    /// The private key of `public`, if the ring holds it.
    pub fn find(&self, public: &PublicKey) -> Option<SigningKey> {
        self.keys.iter().find(|(_, k)| k.verifying_key() == public.0).map(|(_, k)| k.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify_with_purpose() {
        let s = Signer::new("c1", fictional("c1"));
        let sig = s.sign("journal", b"hello");
        let pk = PublicKey::parse(&s.public().to_string()).unwrap();
        assert!(pk.verifies("journal", b"hello", &sig));
        assert!(!pk.verifies("journal", b"hellp", &sig));
        assert!(!pk.verifies("other", b"hello", &sig));
        let other = Signer::new("c2", fictional("c2")).public();
        assert!(!other.verifies("journal", b"hello", &sig));
        assert!(!pk.verifies("journal", b"hello", "zz"));
    }

    #[test]
    fn public_keys_parse_strictly() {
        let pk = Signer::new("a", fictional("a")).public().to_string();
        assert!(pk.starts_with("ed25519:") && pk.len() == 8 + 64, "{pk}");
        for bad in ["", "ed25519:", "ed25519:zz", &pk[8..], &format!("{pk}00")] {
            assert!(PublicKey::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn init_writes_0600_and_refuses_to_overwrite() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("keys");
        let (path, pk) = init(&dir).unwrap();
        assert_eq!(default_public(&dir).unwrap(), pk);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        }
        let before = fs::read(&path).unwrap();
        assert!(matches!(init(&dir), Err(IdentityError::Exists { .. })));
        assert_eq!(fs::read(&path).unwrap(), before);
        let ring = KeyRing::load(&[dir]).unwrap();
        assert!(ring.find(&pk).is_some());
        assert!(ring.find(&Signer::new("x", fictional("x")).public()).is_none());
    }

    #[test]
    fn damaged_key_files_are_named() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("x.key"), "ed25519-secret:12").unwrap();
        let err = KeyRing::load(&[d.path().to_path_buf()]).err().unwrap().to_string();
        assert!(err.contains("x.key") && err.contains("not a tapecoder private key"), "{err}");
    }
}
