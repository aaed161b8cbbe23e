//! Identifiers that become file names (coder ids, recording ids) and text that reaches the terminal.
//! Ids are checked before any path is built from them: letters, digits, `-` and `_` only.
