//! Times as users type and read them: seconds (`754.2`), `mm:ss` and `h:mm:ss` (each with optional
//! decimal seconds). One parser for every command-line flag and prompt, so "go to time" in the TUI
//! and `clip --from` accept the same forms; and the formatters every screen and export uses.
//!
//! Displayed times are truncated, not rounded, so a playhead never shows a second it has not reached.

/// Why a typed time was refused. The message repeats the input and shows the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    #[error("no time given; {FORMS}")]
    Empty,
    #[error("`{input}` is not a time; {FORMS}")]
    Malformed { input: String },
    #[error("`{input}`: {part} must be below 60; {FORMS}")]
    OutOfRange { input: String, part: &'static str },
    #[error("`{input}` is too large to be a time in a recording")]
    TooLarge { input: String },
}

const FORMS: &str = "write seconds (754.2), mm:ss (12:34) or h:mm:ss (1:02:03.5)";

/// The largest time accepted: 100,000 hours, far beyond any recording, well within f64 precision.
const MAX_SECONDS: f64 = 360_000_000.0;

/// Parses `754.2`, `12:34`, `12:34.5`, `1:02:03` or `1:02:03.5` into seconds.
///
/// Refuses signs, exponents, `inf`/`NaN`, empty parts, and minutes or seconds of 60 or more in the
/// colon forms.
pub fn parse_time(input: &str) -> Result<f64, TimeError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(TimeError::Empty);
    }
    let shown = || crate::ids::sanitize_for_terminal(s).into_owned();
    let malformed = || TimeError::Malformed { input: shown() };
    let parts: Vec<&str> = s.split(':').collect();
    let (hours, minutes, seconds) = match parts.as_slice() {
        [sec] => (0u64, 0u64, decimal(sec).ok_or_else(malformed)?),
        [min, sec] => (0, integer(min).ok_or_else(malformed)?, decimal(sec).ok_or_else(malformed)?),
        [h, min, sec] => (
            integer(h).ok_or_else(malformed)?,
            integer(min).ok_or_else(malformed)?,
            decimal(sec).ok_or_else(malformed)?,
        ),
        _ => return Err(malformed()),
    };
    if parts.len() > 1 {
        if parts.len() == 3 && minutes >= 60 {
            return Err(TimeError::OutOfRange { input: shown(), part: "minutes" });
        }
        if parts.len() == 2 && minutes >= 60 {
            return Err(TimeError::OutOfRange {
                input: shown(),
                part: "minutes (use h:mm:ss for an hour or more)",
            });
        }
        if seconds >= 60.0 {
            return Err(TimeError::OutOfRange { input: shown(), part: "seconds" });
        }
    }
    let total = hours as f64 * 3600.0 + minutes as f64 * 60.0 + seconds;
    if !total.is_finite() || total > MAX_SECONDS {
        return Err(TimeError::TooLarge { input: shown() });
    }
    Ok(total)
}

/// Digits only (at most 12, so the value fits comfortably).
fn integer(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Digits with an optional decimal part: `12`, `12.5`, `12.`, `.5`.
fn decimal(s: &str) -> Option<f64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) || int.len() > 12 {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// How many digits follow the seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    Seconds,
    Tenths,
    Millis,
}

/// The one time formatter. `mm:ss` under an hour (fixed width, so a header does not jump) and
/// `h:mm:ss` from an hour, or always `h:mm:ss` with `always_hours`; then `.t` or `.mmm` for the
/// precision. Truncates (a playhead at 59.97 s is not at 1:00 yet); negative and non-finite times
/// show as 0.
pub fn format_time(secs: f64, precision: Precision, always_hours: bool) -> String {
    let secs = if secs.is_finite() && secs > 0.0 { secs.min(MAX_SECONDS) } else { 0.0 };
    let (scale, width) = match precision {
        Precision::Seconds => (1.0, 0),
        Precision::Tenths => (10.0, 1),
        Precision::Millis => (1000.0, 3),
    };
    // The small epsilon keeps 0.3 (stored as 0.29999…) showing as 0.3.
    let units = (secs * scale + 1e-6).floor() as u64;
    let per_second = scale as u64;
    let (whole, frac) = (units / per_second, units % per_second);
    let (h, m, s) = (whole / 3600, whole / 60 % 60, whole % 60);
    let clock =
        if h > 0 || always_hours { format!("{h}:{m:02}:{s:02}") } else { format!("{m:02}:{s:02}") };
    if width == 0 { clock } else { format!("{clock}.{frac:0width$}") }
}

/// `mm:ss` (`h:mm:ss` from an hour), whole seconds: how the screens show a time.
pub fn hms(secs: f64) -> String {
    format_time(secs, Precision::Seconds, false)
}

/// `mm:ss.t`, for segment and note positions.
pub fn hms_tenths(secs: f64) -> String {
    format_time(secs, Precision::Tenths, false)
}

/// One recording's time format, so its times never switch between `00:02` and `1:45:11`: a
/// recording of an hour or more shows `h:mm:ss` everywhere (`0:00:02`), a shorter one `mm:ss`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clock {
    pub hours: bool,
}

impl Clock {
    /// The format for a recording `duration_s` long.
    pub fn for_duration(duration_s: f64) -> Self {
        Clock { hours: duration_s.is_finite() && duration_s >= 3600.0 }
    }

    /// A position in whole seconds.
    pub fn at(self, secs: f64) -> String {
        format_time(secs, Precision::Seconds, self.hours)
    }

    /// A position with tenths (segment and note times).
    pub fn tenths(self, secs: f64) -> String {
        format_time(secs, Precision::Tenths, self.hours)
    }
}

/// A length (a segment's): `m:ss`, `h:mm:ss` from an hour, whole seconds — `12:30`, not `750s`.
pub fn length(secs: f64) -> String {
    let whole =
        if secs.is_finite() && secs > 0.0 { (secs.min(MAX_SECONDS) + 1e-6) as u64 } else { 0 };
    let (h, m, s) = (whole / 3600, whole / 60 % 60, whole % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(parse_time("754.2"), Ok(754.2));
        assert_eq!(parse_time("754"), Ok(754.0));
        assert_eq!(parse_time(" .5 "), Ok(0.5));
        assert_eq!(parse_time("12."), Ok(12.0));
        assert_eq!(parse_time("12:34"), Ok(754.0));
        assert_eq!(parse_time("0:05.5"), Ok(5.5));
        assert_eq!(parse_time("1:02:03.5"), Ok(3723.5));
        assert_eq!(parse_time("0:00:00"), Ok(0.0));
        assert_eq!(parse_time("100:00:00"), Ok(360_000.0));
        assert_eq!(parse_time("7200"), Ok(7200.0), "plain seconds may exceed 59");
    }

    #[test]
    fn refuses_bad_input_with_the_accepted_forms() {
        for bad in [
            "-5", "+5", "NaN", "inf", "1e3", "abc", "1:2:3:4", ":30", "1:", "1::2", "1:-2",
            "1.5:00", ".", "5 s", "0x10", "１２",
        ] {
            let err = parse_time(bad).expect_err(bad);
            assert!(matches!(err, TimeError::Malformed { .. }), "{bad}: {err:?}");
            assert!(err.to_string().contains("mm:ss"), "{err}");
        }
        assert_eq!(parse_time("  "), Err(TimeError::Empty));
        let err = parse_time("12:60").expect_err("seconds");
        assert!(err.to_string().contains("seconds must be below 60"), "{err}");
        let err = parse_time("75:00").expect_err("minutes");
        assert!(err.to_string().contains("use h:mm:ss"), "{err}");
        let err = parse_time("1:60:00").expect_err("minutes");
        assert!(err.to_string().contains("minutes must be below 60"), "{err}");
        assert!(parse_time("1:00:59.99").is_ok());
        assert!(matches!(parse_time("999999999999"), Err(TimeError::TooLarge { .. })));
        let err = parse_time("\u{1b}[31m").expect_err("escape");
        assert!(!err.to_string().contains('\u{1b}'));
    }

    #[test]
    fn formats_for_display() {
        assert_eq!(hms(0.0), "00:00");
        assert_eq!(hms(754.9), "12:34", "truncates");
        assert_eq!(hms(3723.0), "1:02:03");
        assert_eq!(hms(f64::NAN), "00:00");
        assert_eq!(hms(-4.0), "00:00");
        assert_eq!(hms_tenths(61.25), "01:01.2");
        assert_eq!(hms_tenths(0.3), "00:00.3");
        assert_eq!(format_time(303.45, Precision::Tenths, true), "0:05:03.4");
        assert_eq!(format_time(36000.0, Precision::Tenths, false), "10:00:00.0");
        assert_eq!(format_time(1.5, Precision::Millis, true), "0:00:01.500");
        assert_eq!(format_time(3723.0, Precision::Seconds, true), "1:02:03");
    }

    #[test]
    fn one_format_per_recording_and_lengths_in_minutes() {
        let long = Clock::for_duration(2.0 * 3600.0);
        assert_eq!((long.at(2.0), long.at(6311.0)), ("0:00:02".into(), "1:45:11".into()));
        assert_eq!(long.tenths(61.25), "0:01:01.2");
        let short = Clock::for_duration(600.0);
        assert_eq!((short.at(2.0), short.tenths(61.25)), ("00:02".into(), "01:01.2".into()));
        assert!(!Clock::for_duration(f64::NAN).hours);
        assert_eq!(length(750.0), "12:30");
        assert_eq!(length(30.5), "0:30");
        assert_eq!(length(3723.0), "1:02:03");
        assert_eq!(length(f64::NAN), "0:00");
    }

    proptest! {
        #[test]
        fn formatted_times_parse_back(tenths in 0u64..(200 * 3600 * 10)) {
            let secs = tenths as f64 / 10.0;
            let whole = (tenths / 10) as f64;
            prop_assert_eq!(parse_time(&hms(secs)), Ok(whole));
            prop_assert_eq!(parse_time(&format_time(secs, Precision::Seconds, true)), Ok(whole));
            let back = parse_time(&hms_tenths(secs)).expect("parses");
            prop_assert!((back - secs).abs() < 1e-6, "{} -> {}", secs, back);
            let back = parse_time(&format_time(secs, Precision::Millis, true)).expect("parses");
            prop_assert!((back - secs).abs() < 1e-6, "{} -> {}", secs, back);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = parse_time(&s);
        }
    }
}
