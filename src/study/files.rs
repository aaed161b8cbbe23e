//! Atomic writes (temp file, fsync, rename, fsync of the folder) and reading with clear errors.
