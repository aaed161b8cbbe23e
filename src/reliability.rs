//! From submitted blind codings of double-coded recordings to the reliability report model (SPEC
//! §6), and its renderers: table, JSON, CSV, HTML.
