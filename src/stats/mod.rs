//! Reliability statistics: numbers in, numbers out, no I/O. Undefined results are values with a
//! reason, never NaN or a panic.
