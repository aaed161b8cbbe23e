//! Times as the coder screens show them (`mm:ss`, `h:mm:ss`, fixed width under an hour so the
//! header does not jump), and read them in the go-to prompt.
/// `mm:ss` under an hour, `h:mm:ss` from an hour; whole seconds (floored).
pub fn hms(t: f64) -> String {
    let t = if t.is_finite() && t > 0.0 { t.floor() as u64 } else { 0 };
    let (h, m, s) = (t / 3600, (t / 60) % 60, t % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m:02}:{s:02}") }
}

/// `mm:ss.t`, for segment and note positions.
pub fn hms_tenths(t: f64) -> String {
    let t = if t.is_finite() && t > 0.0 { t } else { 0.0 };
    let tenths = ((t * 10.0).floor() as u64) % 10;
    format!("{}.{tenths}", hms(t))
}

/// Parses `754.2`, `12:34`, `1:02:03.5` exactly as the command line does
/// ([`crate::timefmt::parse_time`]). `None` for anything else.
pub fn parse_time(s: &str) -> Option<f64> {
    crate::timefmt::parse_time(s.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(hms(0.0), "00:00");
        assert_eq!(hms(754.9), "12:34");
        assert_eq!(hms(3723.0), "1:02:03");
        assert_eq!(hms(f64::NAN), "00:00");
        assert_eq!(hms_tenths(61.25), "01:01.2");
    }

    #[test]
    fn parses() {
        assert_eq!(parse_time("754.2"), Some(754.2));
        assert_eq!(parse_time("12:34"), Some(754.0));
        assert_eq!(parse_time("1:02:03"), Some(3723.0));
        assert_eq!(parse_time("1:60"), None);
        assert_eq!(parse_time("-3"), None);
        assert_eq!(parse_time("abc"), None);
        assert_eq!(parse_time(""), None);
        assert_eq!(parse_time("1:2:3:4"), None);
    }
}
