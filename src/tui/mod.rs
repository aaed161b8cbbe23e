//! The terminal interfaces in the Elm style: state, messages, `update`, `view`.
