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

/// [`parse_time`] for the go-to prompts, with a short reason (fits the prompt box) when the
/// input is refused: minutes of 60 or more in `mm:ss` get the `h:mm:ss` to type instead.
pub fn parse_go_to(s: &str) -> Result<f64, String> {
    use crate::timefmt::TimeError;
    match crate::timefmt::parse_time(s.trim()) {
        Ok(t) => Ok(t),
        Err(TimeError::OutOfRange { part, .. }) if part.starts_with("seconds") => {
            Err("seconds must be below 60: use seconds (754.2), mm:ss or h:mm:ss".into())
        }
        Err(TimeError::OutOfRange { .. }) => {
            let parts: Vec<&str> = s.trim().split(':').collect();
            match (parts.as_slice(), parts.first().and_then(|m| m.parse::<u64>().ok())) {
                ([_, sec], Some(min)) => match crate::timefmt::parse_time(&format!("0:{sec}")) {
                    Ok(sec_s) => Err(format!(
                        "minutes must be below 60: for an hour or more write {}",
                        hms(min as f64 * 60.0 + sec_s)
                    )),
                    Err(_) => {
                        Err("minutes and seconds must be below 60: use mm:ss or h:mm:ss".into())
                    }
                },
                _ => Err("minutes must be below 60: use seconds (754.2), mm:ss or h:mm:ss".into()),
            }
        }
        Err(_) => Err("not a time: use seconds (754.2), mm:ss or h:mm:ss".into()),
    }
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

    #[test]
    fn go_to_reasons() {
        assert_eq!(parse_go_to(" 1:15:30 "), Ok(4530.0));
        let e = parse_go_to("75:30").unwrap_err();
        assert!(e.contains("1:15:30"), "{e}");
        assert!(parse_go_to("1:75").unwrap_err().starts_with("seconds must be below 60"));
        assert!(parse_go_to("75:75").unwrap_err().starts_with("minutes and seconds"));
        assert!(parse_go_to("1:75:00").unwrap_err().starts_with("minutes must be below 60"));
        assert!(parse_go_to("abc").unwrap_err().starts_with("not a time"));
    }
}
