//! `export codings | final | segments` (SPEC §8): rows from study codings, written as CSV or JSON.
