//! Transcripts: the time-aligned text of a recording, read from the formats coding teams already
//! have (WebVTT, SRT, Praat TextGrid, ELAN `.eaf`, and the sample study's `[mm:ss.s–mm:ss.s] W:
//! text` lines) and written back as WebVTT, SRT or JSON. Pure: text in, cues out; the study keeps
//! a normalised copy (see `study::transcripts`).
//!
//! Times are whole milliseconds, so a cue read from a VTT file and written back keeps its times
//! exactly. Cues may overlap (two people talking at once); each must start at or after 0, end at
//! or after its start, and end inside the recording ([`Transcript::check`]).
use serde::{Deserialize, Serialize};

mod bracket;
mod eaf;
mod srt;
mod textgrid;
mod timecode;
mod vtt;

pub use timecode::format_ms;

/// One stretch of speech: from `start_ms` to `end_ms`, by `speaker` if the file says who.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cue {
    pub start_ms: u64,
    pub end_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    pub text: String,
}

/// A recording's cues, in the order of their start times (ties keep the file's order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    #[serde(default, rename = "cue")]
    pub cues: Vec<Cue>,
}

/// The formats a transcript is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Vtt,
    Srt,
    TextGrid,
    Eaf,
    /// `[mm:ss.s–mm:ss.s] W: text`, one turn a line (the sample study's transcripts).
    Bracket,
}

impl Format {
    /// The format of a file named `name` holding `text`: by its extension, else by its first line.
    pub fn detect(name: &str, text: &str) -> Option<Format> {
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("vtt") => return Some(Format::Vtt),
            Some("srt") => return Some(Format::Srt),
            Some("textgrid") => return Some(Format::TextGrid),
            Some("eaf") => return Some(Format::Eaf),
            _ => {}
        }
        let first = text.trim_start_matches('\u{feff}').trim_start();
        if first.starts_with("WEBVTT") {
            Some(Format::Vtt)
        } else if first.starts_with("File type = \"ooTextFile\"") {
            Some(Format::TextGrid)
        } else if first.starts_with("<?xml") || first.starts_with("<ANNOTATION_DOCUMENT") {
            Some(Format::Eaf)
        } else if bracket::looks_like(first) {
            Some(Format::Bracket)
        } else if first.lines().next().is_some_and(|l| l.trim().parse::<u64>().is_ok()) {
            Some(Format::Srt)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Vtt => "WebVTT",
            Format::Srt => "SRT",
            Format::TextGrid => "Praat TextGrid",
            Format::Eaf => "ELAN EAF",
            Format::Bracket => "timed-turns text",
        }
    }
}

/// Why a transcript file was refused: the line (1-based) and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {what}")]
pub struct ParseError {
    pub line: usize,
    pub what: String,
}

impl ParseError {
    pub(crate) fn new(line: usize, what: impl Into<String>) -> Self {
        ParseError { line, what: what.into() }
    }
}

/// Reads `text` as `format`.
pub fn parse(format: Format, text: &str) -> Result<Transcript, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut t = match format {
        Format::Vtt => vtt::parse(text)?,
        Format::Srt => srt::parse(text)?,
        Format::TextGrid => textgrid::parse(text)?,
        Format::Eaf => eaf::parse(text)?,
        Format::Bracket => bracket::parse(text)?,
    };
    t.cues.sort_by_key(|c| c.start_ms);
    Ok(t)
}

/// A cue that does not fit the recording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cue {number} ({start}–{end}): {what}")]
pub struct CueError {
    /// 1-based, in start-time order.
    pub number: usize,
    pub start: String,
    pub end: String,
    pub what: String,
}

impl Transcript {
    /// Checks every cue against a recording of `duration_s` seconds: it ends after it starts (or
    /// at the same time) and no later than the recording (with 0.5 s of slack for rounding in
    /// the transcription tool). Overlaps are allowed.
    pub fn check(&self, duration_s: f64) -> Result<(), CueError> {
        let limit_ms = (duration_s * 1000.0 + 500.0).max(0.0) as u64;
        for (i, c) in self.cues.iter().enumerate() {
            let fail = |what: String| CueError {
                number: i + 1,
                start: format_ms(c.start_ms),
                end: format_ms(c.end_ms),
                what,
            };
            if c.end_ms < c.start_ms {
                return Err(fail("ends before it starts".into()));
            }
            if c.end_ms > limit_ms {
                return Err(fail(format!(
                    "ends after the recording, which is {} long",
                    format_ms((duration_s * 1000.0).round() as u64)
                )));
            }
        }
        Ok(())
    }

    /// The cue playing at `ms` (the latest-starting one, if several overlap).
    pub fn at(&self, ms: u64) -> Option<usize> {
        let after = self.cues.partition_point(|c| c.start_ms <= ms);
        (0..after).rev().find(|&i| self.cues[i].end_ms >= ms)
    }

    /// The cues whose text (or speaker) holds `query`, ignoring case, in order; none for an
    /// empty query.
    pub fn search(&self, query: &str) -> Vec<usize> {
        let needle: Vec<char> = query.trim().chars().map(fold).collect();
        if needle.is_empty() {
            return vec![];
        }
        let holds = |s: &str| !find_folded(s, &needle).is_empty();
        self.cues
            .iter()
            .enumerate()
            .filter(|(_, c)| holds(&c.text) || c.speaker.as_deref().is_some_and(holds))
            .map(|(i, _)| i)
            .collect()
    }

    /// As WebVTT: a `WEBVTT` header, then each cue with its speaker as a voice tag.
    pub fn to_vtt(&self) -> String {
        vtt::write(self)
    }

    /// As SRT: numbered cues, comma milliseconds, the speaker as a `Name: ` prefix.
    pub fn to_srt(&self) -> String {
        srt::write(self)
    }
}

/// One character as search compares it (lower case; the first char of a longer lowering).
pub fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Where `needle` (already [`fold`]ed) occurs in `hay`, ignoring case: char ranges, not
/// overlapping.
pub fn find_folded(hay: &str, needle: &[char]) -> Vec<(usize, usize)> {
    let h: Vec<char> = hay.chars().map(fold).collect();
    let mut out = vec![];
    if needle.is_empty() || needle.len() > h.len() {
        return out;
    }
    let mut i = 0;
    while i + needle.len() <= h.len() {
        if h[i..i + needle.len()] == *needle {
            out.push((i, i + needle.len()));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_ignores_case_and_finds_speakers() {
        let t = Transcript {
            cues: vec![
                Cue {
                    start_ms: 0,
                    end_ms: 1,
                    speaker: Some("W".into()),
                    text: "How ARE you".into(),
                },
                Cue { start_ms: 2, end_ms: 3, speaker: None, text: "fine, thanks".into() },
                Cue { start_ms: 4, end_ms: 5, speaker: None, text: "are we done?".into() },
            ],
        };
        assert_eq!(t.search("are"), [0, 2]);
        assert_eq!(t.search("  "), Vec::<usize>::new());
        assert_eq!(t.search("w"), [0, 2]);
        assert_eq!(find_folded("Ab ab AB", &['a', 'b']), [(0, 2), (3, 5), (6, 8)]);
    }

    fn cue(a: u64, b: u64) -> Cue {
        Cue { start_ms: a, end_ms: b, speaker: None, text: "x".into() }
    }

    #[test]
    fn formats_are_known_by_extension_or_first_line() {
        assert_eq!(Format::detect("a.VTT", ""), Some(Format::Vtt));
        assert_eq!(Format::detect("a.TextGrid", ""), Some(Format::TextGrid));
        assert_eq!(Format::detect("a.txt", "WEBVTT\n\n"), Some(Format::Vtt));
        assert_eq!(
            Format::detect("a.txt", "1\n00:00:01,000 --> 00:00:02,000\nhi\n"),
            Some(Format::Srt)
        );
        assert_eq!(
            Format::detect("a.txt", "# notes\n[00:01.2–00:07.9] W: Hi\n"),
            Some(Format::Bracket)
        );
        assert_eq!(Format::detect("a.txt", "just words"), None);
    }

    #[test]
    fn cues_must_fit_the_recording() {
        let ok = Transcript { cues: vec![cue(0, 1000), cue(500, 2000)] };
        assert_eq!(ok.check(2.0), Ok(()));
        let late = Transcript { cues: vec![cue(0, 3000)] };
        let e = late.check(2.0).unwrap_err();
        assert!(e.to_string().contains("ends after the recording"), "{e}");
        let back = Transcript { cues: vec![cue(900, 800)] };
        assert!(back.check(2.0).unwrap_err().to_string().contains("ends before it starts"));
    }

    #[test]
    fn the_cue_at_a_time_is_the_latest_started_one_still_running() {
        let t = Transcript { cues: vec![cue(0, 1000), cue(500, 2000), cue(3000, 4000)] };
        assert_eq!(t.at(200), Some(0));
        assert_eq!(t.at(700), Some(1));
        assert_eq!(t.at(2500), None);
        assert_eq!(t.at(3000), Some(2));
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        /// Lines made of the pieces the formats use, so the parsers get past their first checks.
        fn text() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                Just("WEBVTT".to_string()),
                Just("File type = \"ooTextFile\"".to_string()),
                Just("Object class = \"TextGrid\"".to_string()),
                Just("<exists>".to_string()),
                Just(" --> ".to_string()),
                Just("\"".to_string()),
                Just("<v ".to_string()),
                Just("[".to_string()),
                Just("]".to_string()),
                Just("–".to_string()),
                Just("<TIME_SLOT TIME_SLOT_ID=\"a\" TIME_VALUE=\"9\"/>".to_string()),
                "[0-9:.,]{1,12}",
                "\\PC{0,8}",
                Just("\n".to_string()),
                Just("\r\n".to_string()),
            ];
            proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
        }

        proptest! {
            /// No input makes a reader panic; whatever is read fits `check` or is refused by it.
            #[test]
            fn no_file_makes_a_reader_panic(t in text()) {
                for f in [Format::Vtt, Format::Srt, Format::TextGrid, Format::Eaf, Format::Bracket] {
                    if let Ok(tr) = parse(f, &t) {
                        let _ = tr.check(60.0);
                        let _ = parse(Format::Vtt, &tr.to_vtt());
                        let _ = tr.to_srt();
                    }
                }
                let _ = Format::detect("x.txt", &t);
            }

            /// Any cues written as WebVTT read back the same; as SRT, their times, and their text
            /// with the speaker as `Name: ` unless it holds a `<` (SRT cannot escape it: every
            /// player takes `<a>` for a tag, and so does the reader).
            #[test]
            fn written_cues_read_back(cues in proptest::collection::vec(
                (0u64..36_000_000, 0u64..600_000, proptest::option::of("[A-Za-z][A-Za-z0-9]{0,7}"),
                 "[A-Za-z0-9,.!?&<>'][A-Za-z0-9 ,.!?&<>']{0,30}[A-Za-z0-9.!?&<>']"),
                0..20,
            )) {
                let mut t = Transcript {
                    cues: cues
                        .into_iter()
                        .map(|(a, len, speaker, text)| Cue { start_ms: a, end_ms: a + len, speaker, text })
                        .collect(),
                };
                t.cues.sort_by_key(|c| c.start_ms);
                prop_assert_eq!(&parse(Format::Vtt, &t.to_vtt()).unwrap(), &t);
                let srt = parse(Format::Srt, &t.to_srt()).unwrap();
                for (a, b) in srt.cues.iter().zip(&t.cues) {
                    prop_assert_eq!((a.start_ms, a.end_ms), (b.start_ms, b.end_ms));
                    let said = match &b.speaker { Some(s) => format!("{s}: {}", b.text), None => b.text.clone() };
                    if !said.contains('<') {
                        prop_assert_eq!(&a.text, &said);
                    }
                }
                prop_assert_eq!(srt.cues.len(), t.cues.len());
            }
        }
    }
}
