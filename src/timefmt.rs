//! Times as users type and read them: seconds (`754.2`), `mm:ss` and `h:mm:ss`.
