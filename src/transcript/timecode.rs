//! Cue times to and from text, in whole milliseconds, without going through floating point where
//! the file gives digits (`00:01:02.345`, `00:01:02,345`, `62.345`).

/// `hh:mm:ss.mmm` or `mm:ss.mmm` (`,` also taken for `.`, as SRT writes it; 1–3 decimals, or
/// none) in milliseconds.
pub fn clock_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    let (whole, frac) = match s.rsplit_once(['.', ',']) {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    let parts: Vec<&str> = whole.split(':').collect();
    let num = |p: &str| {
        (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u64>().ok())
            .flatten()
    };
    let (h, m, sec) = match parts.as_slice() {
        [m, sec] => (0, num(m)?, num(sec)?),
        [h, m, sec] => (num(h)?, num(m)?, num(sec)?),
        _ => return None,
    };
    if (parts.len() == 3 && m >= 60) || sec >= 60 {
        return None;
    }
    let ms = match frac {
        Some(f) => fraction_ms(f)?,
        None => 0,
    };
    h.checked_mul(3_600_000)?.checked_add(m * 60_000 + sec * 1000 + ms)
}

/// A cue timing line, `START --> END [settings]`, in milliseconds.
pub fn timing_line(line: &str) -> Option<(u64, u64)> {
    let (a, rest) = line.split_once("-->")?;
    let b = rest.split_whitespace().next()?;
    Some((clock_ms(a)?, clock_ms(b)?))
}

/// The blocks of `lines` from index `from` on: the runs of lines between blank ones (or lines of
/// only spaces), each with the index of its first line, as WebVTT and SRT cues are written.
pub fn blocks<'a>(lines: &'a [&'a str], from: usize) -> Vec<(usize, &'a [&'a str])> {
    let mut out = Vec::new();
    let mut i = from;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && !lines[i].trim().is_empty() {
            i += 1;
        }
        out.push((start, &lines[start..i]));
    }
    out
}

/// Decimal seconds (`62.345`, `0`, `1e-3` refused) in milliseconds, rounded to the nearest.
pub fn seconds_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(frac) {
        return None;
    }
    let w: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    // Milliseconds from the first three decimals, rounded by the fourth.
    let mut f3: String = frac.chars().take(3).collect();
    while f3.len() < 3 {
        f3.push('0');
    }
    let mut ms: u64 = f3.parse().ok()?;
    if frac.as_bytes().get(3).is_some_and(|&d| d >= b'5') {
        ms += 1;
    }
    w.checked_mul(1000)?.checked_add(ms)
}

/// 1–3 decimals as milliseconds (`5` → 500, `05` → 50, `345` → 345).
fn fraction_ms(f: &str) -> Option<u64> {
    if f.is_empty() || f.len() > 3 || !f.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: u64 = f.parse().ok()?;
    Some(v * 10u64.pow(3 - f.len() as u32))
}

/// `hh:mm:ss.mmm`, as WebVTT writes it (`00:01:02.345`).
pub fn format_ms(ms: u64) -> String {
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    format!("{h:02}:{:02}:{:02}.{:03}", rest / 60_000, rest % 60_000 / 1000, rest % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_are_exact_milliseconds() {
        assert_eq!(clock_ms("00:01:02.345"), Some(62_345));
        assert_eq!(clock_ms("01:02,3"), Some(62_300));
        assert_eq!(clock_ms("1:00:00.000"), Some(3_600_000));
        assert_eq!(clock_ms("00:61.000"), None);
        assert_eq!(clock_ms("00:01:02.3456"), None);
        assert_eq!(clock_ms("-00:01.000"), None);
        assert_eq!(format_ms(3_723_004), "01:02:03.004");
    }

    #[test]
    fn decimal_seconds_round_to_the_millisecond() {
        assert_eq!(seconds_ms("62.345"), Some(62_345));
        assert_eq!(seconds_ms("0.0005"), Some(1));
        assert_eq!(seconds_ms("7"), Some(7000));
        assert_eq!(seconds_ms(".5"), Some(500));
        assert_eq!(seconds_ms("1e3"), None);
        assert_eq!(seconds_ms("-1"), None);
    }
}
