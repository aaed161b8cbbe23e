//! The study folder (SPEC §2): a plain folder in which every file has exactly one writer and every
//! write is atomic, so it works on a shared drive or a sync client without cross-machine locks.
//!
//! ```text
//! study.toml                         settings a coder may read
//! coders.toml                        [[coder]] id, name, role
//! recordings.toml                    [[recording]] id, file, sha256, duration_s (no study variables)
//! queues/<coder>.toml                the recording ids assigned to that coder, in order
//! codings/<coder>/<recording>.toml   one coder's coding of one recording
//! supervisor/metadata.toml           per recording: observer, study variables
//! supervisor/assignments.toml        per recording: coders (first = primary), double-coded or not
//! supervisor/adjudications/<recording>.toml
//! journal/<actor>.jsonl              append-only, hash-chained events of that actor
//! ```
pub mod files;
pub mod model;
