//! WebVTT (W3C): a `WEBVTT` line and header, then blocks parted by blank lines. `NOTE`, `STYLE`
//! and `REGION` blocks are skipped; a cue is an optional id line, a timing line
//! (`00:01.200 --> 00:07.900 align:start`) and its text. A voice tag (`<v Claire>`) gives the
//! speaker; other tags (`<b>`, `<i>`, `<c.loud>`, `<00:02.000>`) are dropped and the entities
//! `&amp; &lt; &gt; &nbsp; &lrm; &rlm;` decoded.
use super::timecode::{blocks, format_ms, timing_line};
use super::{Cue, ParseError, Transcript};

pub fn parse(text: &str) -> Result<Transcript, ParseError> {
    let lines: Vec<&str> = text.lines().collect();
    if !lines.first().is_some_and(|l| {
        l.starts_with("WEBVTT") && l[6..].chars().next().is_none_or(|c| c == ' ' || c == '\t')
    }) {
        return Err(ParseError::new(1, "a WebVTT file starts with the line `WEBVTT`"));
    }
    let mut cues = Vec::new();
    // The header runs to the first blank line.
    let header = lines.iter().position(|l| l.trim().is_empty()).unwrap_or(lines.len());
    for (start, block) in blocks(&lines, header) {
        let first = block[0].trim_start();
        if ["NOTE", "STYLE", "REGION"].iter().any(|k| {
            first.strip_prefix(k).is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
        }) {
            continue;
        }
        // An id line, if the first line is not the timing; the timing line must follow it.
        let timing = if block[0].contains("-->") { 0 } else { 1 };
        let line = block.get(timing).filter(|l| l.contains("-->")).ok_or_else(|| {
            ParseError::new(
                start + 1,
                format!(
                    "`{}` is neither a cue timing (`00:01.200 --> 00:07.900`) nor a cue id followed by one",
                    block[0].trim()
                ),
            )
        })?;
        let (start_ms, end_ms) = timing_line(line).ok_or_else(|| {
            ParseError::new(
                start + timing + 1,
                format!("`{}` is not a cue timing (write `00:01.200 --> 00:07.900`)", line.trim()),
            )
        })?;
        let (speaker, text) = cue_text(&block[timing + 1..]);
        cues.push(Cue { start_ms, end_ms, speaker, text });
    }
    Ok(Transcript { cues })
}

/// The cue's text without tags (lines joined by `\n`), and the speaker of its first voice tag.
fn cue_text(lines: &[&str]) -> (Option<String>, String) {
    let mut speaker = None;
    let mut out = String::new();
    for (n, line) in lines.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let mut rest = *line;
        while let Some(open) = rest.find('<') {
            out.push_str(&decode(&rest[..open]));
            let Some(close) = rest[open..].find('>') else {
                out.push_str(&decode(&rest[open..]));
                rest = "";
                break;
            };
            let tag = &rest[open + 1..open + close];
            if let Some(v) = tag.strip_prefix('v').filter(|v| v.starts_with([' ', '\t', '.'])) {
                // `<v.loud Claire>`: classes, then the name.
                let name = v.split_once([' ', '\t']).map_or("", |(_, n)| n).trim();
                if speaker.is_none() && !name.is_empty() {
                    speaker = Some(decode(name));
                }
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(&decode(rest));
    }
    (speaker, out.trim().to_string())
}

fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&lrm;", "\u{200e}")
        .replace("&rlm;", "\u{200f}")
        .replace("&amp;", "&")
}

fn encode(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

pub fn write(t: &Transcript) -> String {
    let mut out = String::from("WEBVTT\n");
    for c in &t.cues {
        out.push('\n');
        out.push_str(&format!("{} --> {}\n", format_ms(c.start_ms), format_ms(c.end_ms)));
        // A blank line inside a cue would end it: keep the text's lines, drop empty ones.
        let body: Vec<String> =
            c.text.lines().filter(|l| !l.trim().is_empty()).map(encode).collect();
        let body = body.join("\n");
        match &c.speaker {
            Some(s) => out.push_str(&format!("<v {}>{body}\n", encode(s))),
            None => out.push_str(&format!("{body}\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const REAL: &str = "WEBVTT - made by a transcription service\nKind: captions\nLanguage: en\n\n\
STYLE\n::cue { color: yellow }\n\nNOTE reviewed by J.\nsecond line of the note\n\n\
intro-1\n00:01.200 --> 00:07.900 align:start position:10%\n<v Claire>Hiya Danielle, thanks &amp; <i>welcome</i>.</v>\n\n\
00:00:08.300 --> 00:00:13.000\n<v.parent Danielle>Yeah, I'm alright.\nTired.\n\n\
3\n00:14.000 --> 00:15.000\nno speaker &lt;here&gt;\n";

    #[test]
    fn reads_headers_styles_notes_ids_voices_and_tags() {
        let t = parse(REAL).unwrap();
        assert_eq!(t.cues.len(), 3);
        assert_eq!(
            t.cues[0],
            Cue {
                start_ms: 1200,
                end_ms: 7900,
                speaker: Some("Claire".into()),
                text: "Hiya Danielle, thanks & welcome.".into()
            }
        );
        assert_eq!(t.cues[1].speaker.as_deref(), Some("Danielle"));
        assert_eq!(t.cues[1].text, "Yeah, I'm alright.\nTired.");
        assert_eq!(
            (t.cues[2].speaker.clone(), t.cues[2].text.as_str()),
            (None, "no speaker <here>")
        );
    }

    #[test]
    fn written_vtt_reads_back_the_same() {
        let t = parse(REAL).unwrap();
        assert_eq!(parse(&write(&t)).unwrap(), t);
    }

    #[test]
    fn bad_files_say_which_line() {
        assert_eq!(parse("WEBVTTX\n").unwrap_err().line, 1);
        let e = parse("WEBVTT\n\n00:01.000 -> 00:02.000\nhi\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = parse("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n\n00:03.000 --> 00:99.000\nho\n")
            .unwrap_err();
        assert_eq!(e.line, 6, "{e}");
        assert!(e.what.contains("not a cue timing"), "{e}");
    }
}
