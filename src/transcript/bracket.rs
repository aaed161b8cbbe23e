//! Timed turns, one a line: `[00:01.2–00:07.9] W: Hiya Danielle…` (the sample study's
//! `transcripts/<id>.txt`). Times are `mm:ss.s` or `h:mm:ss.s`, parted by an en dash or a hyphen;
//! a short word before a colon (`W:`, `Parent:`) is the speaker. Lines starting with `#` and blank
//! lines are skipped.
use super::timecode::clock_ms;
use super::{Cue, ParseError, Transcript};

/// Whether the first line that is not a comment reads like a timed turn.
pub fn looks_like(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| l.starts_with('[') && turn(l).is_some())
}

pub fn parse(text: &str) -> Result<Transcript, ParseError> {
    let mut cues = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cue = turn(line).ok_or_else(|| {
            ParseError::new(
                n + 1,
                format!(
                    "`{}` is not a timed turn (write `[00:01.2–00:07.9] W: what was said`)",
                    line.chars().take(60).collect::<String>()
                ),
            )
        })?;
        cues.push(cue);
    }
    Ok(Transcript { cues })
}

fn turn(line: &str) -> Option<Cue> {
    let rest = line.strip_prefix('[')?;
    let (times, text) = rest.split_once(']')?;
    let (a, b) = times.split_once(['–', '-'])?;
    let (start_ms, end_ms) = (clock_ms(a)?, clock_ms(b)?);
    let text = text.trim();
    let (speaker, text) = match text.split_once(':') {
        Some((who, said))
            if !who.is_empty()
                && who.chars().count() <= 24
                && !who.contains(char::is_whitespace) =>
        {
            (Some(who.to_string()), said.trim())
        }
        _ => (None, text),
    };
    Some(Cue { start_ms, end_ms, speaker, text: text.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_sample_transcripts_shape() {
        let t = parse(
            "# R001: a fictional visit\n\n[00:01.2–00:07.9] W: Hiya Danielle: come in.\n[1:00:08.3-1:00:13.0] no speaker here\n",
        )
        .unwrap();
        assert_eq!(t.cues.len(), 2);
        assert_eq!(t.cues[0].speaker.as_deref(), Some("W"));
        assert_eq!(t.cues[0].text, "Hiya Danielle: come in.");
        assert_eq!((t.cues[1].start_ms, t.cues[1].speaker.clone()), (3_608_300, None));
    }

    #[test]
    fn a_line_that_is_not_a_turn_is_named() {
        let e = parse("[00:01.2–00:07.9] W: ok\n[00:08–] P: no end\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }
}
