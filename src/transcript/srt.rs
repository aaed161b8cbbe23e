//! SubRip (`.srt`): numbered blocks parted by blank lines (any number of them, or lines of only
//! spaces), each a counter line, a timing line `00:00:01,200 --> 00:00:07,900` (a `.` is taken
//! for the `,`) and its text. SRT has no speakers; a `Name: ` prefix is kept as text on reading,
//! and written for a cue that has a speaker. Formatting tags (`<i>`, `{\an8}`) are dropped. SRT
//! has no escapes, so a `<tag>` in a cue's text is written as it is (players take it for a tag);
//! WebVTT is the format that keeps any text.
use super::timecode::{blocks, timing_line};
use super::{Cue, ParseError, Transcript};

pub fn parse(text: &str) -> Result<Transcript, ParseError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut cues = Vec::new();
    for (start, block) in blocks(&lines, 0) {
        // The counter is optional in practice (some tools leave it out).
        let timing = usize::from(!block[0].contains("-->"));
        let line = block.get(timing).filter(|l| l.contains("-->")).ok_or_else(|| {
            ParseError::new(
                start + 1,
                format!(
                    "`{}` is neither a cue number followed by a timing line nor a timing (`00:00:01,200 --> 00:00:07,900`)",
                    block[0].trim()
                ),
            )
        })?;
        let Some((start_ms, end_ms)) = timing_line(line) else {
            return Err(ParseError::new(
                start + timing + 1,
                format!(
                    "`{}` is not a timing (write `00:00:01,200 --> 00:00:07,900`)",
                    line.trim()
                ),
            ));
        };
        let text: Vec<String> =
            block[timing + 1..].iter().map(|l| strip_tags(l.trim_end())).collect();
        cues.push(Cue {
            start_ms,
            end_ms,
            speaker: None,
            text: text.join("\n").trim().to_string(),
        });
    }
    Ok(Transcript { cues })
}

fn strip_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        let next = rest.find(['<', '{']);
        let Some(open) = next else { break };
        let close_ch = if rest.as_bytes()[open] == b'<' { '>' } else { '}' };
        let tag = &rest[open + 1..];
        let is_tag = match close_ch {
            '>' => tag.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/'),
            _ => tag.starts_with('\\'),
        };
        match tag.find(close_ch).filter(|_| is_tag) {
            Some(close) => {
                out.push_str(&rest[..open]);
                rest = &tag[close + 1..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = tag;
            }
        }
    }
    out.push_str(rest);
    out
}

fn time(ms: u64) -> String {
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    format!("{h:02}:{:02}:{:02},{:03}", rest / 60_000, rest % 60_000 / 1000, rest % 1000)
}

pub fn write(t: &Transcript) -> String {
    let mut out = String::new();
    for (n, c) in t.cues.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let body: Vec<&str> = c.text.lines().filter(|l| !l.trim().is_empty()).collect();
        let body = body.join("\n");
        let body = match &c.speaker {
            Some(s) => format!("{s}: {body}"),
            None => body,
        };
        out.push_str(&format!("{}\n{} --> {}\n{body}\n", n + 1, time(c.start_ms), time(c.end_ms)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_comma_millis_crlf_tags_and_loose_blank_lines() {
        let text = "1\r\n00:00:01,200 --> 00:00:07,900\r\n<i>Hiya</i> Danielle,\r\nhow are you?\r\n\r\n  \r\n\r\n\
2\r\n00:00:08.300 --> 00:00:13.000 X1:0\r\n{\\an8}Yeah, 3 < 4.\r\n\r\n00:00:14,000 --> 00:00:15,000\r\nno counter";
        let t = parse(text).unwrap();
        assert_eq!(t.cues.len(), 3);
        assert_eq!((t.cues[0].start_ms, t.cues[0].end_ms), (1200, 7900));
        assert_eq!(t.cues[0].text, "Hiya Danielle,\nhow are you?");
        assert_eq!(t.cues[1].text, "Yeah, 3 < 4.");
        assert_eq!(t.cues[2].text, "no counter");
    }

    #[test]
    fn written_srt_reads_back_with_the_same_times() {
        let t = parse("1\n00:00:01,200 --> 01:00:07,009\nhi\n").unwrap();
        let w = write(&t);
        assert_eq!(w, "1\n00:00:01,200 --> 01:00:07,009\nhi\n");
        assert_eq!(parse(&w).unwrap(), t);
    }

    #[test]
    fn a_bad_timing_names_its_line() {
        let e = parse("1\n00:00:01,200 --> 00:00:07\nhi\n\n2\n00:00:08,000 --> later\nho\n")
            .unwrap_err();
        assert_eq!(e.line, 6, "{e}");
    }
}
