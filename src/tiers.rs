//! Time-aligned tiers for other annotation tools: a recording's segments and notes (a tier each
//! per coder) and its transcript, written as an ELAN annotation document (`.eaf`, EAF 3.0) or a
//! Praat TextGrid (long text form). Pure: tiers in, text out; `commands::export` gathers them.
use std::fmt::Write as _;

/// One tier: intervals (segments, transcript cues) or points (notes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    /// Unique in the document (`ana-segments`, `ana-notes`, `transcript`).
    pub name: String,
    /// Who made it (a coder's id), if anyone.
    pub annotator: Option<String>,
    /// Points: notes, each at `start_ms` (`end_ms` is ignored).
    pub points: bool,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
}

/// The media a document links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// `file:///…` of the audio's absolute path.
    pub url: String,
    /// The audio relative to the exported file, as a relative URL (`../audio/R001.mp3`).
    pub relative: String,
    pub mime: &'static str,
}

/// A MIME type ELAN knows for an audio file name.
pub fn mime_of(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
        Some("wav") => "audio/x-wav",
        Some("mp3") => "audio/mpeg",
        Some("m4a" | "mp4" | "aac") => "audio/mp4",
        Some("flac") => "audio/flac",
        Some("ogg" | "oga" | "opus") => "audio/ogg",
        _ => "application/octet-stream",
    }
}

/// A `file://` URL for an absolute path.
pub fn file_url(absolute: &str) -> String {
    format!("file://{}", url_path(absolute))
}

/// A path as a URL's path: each byte outside the unreserved set percent-encoded (`a b` → `a%20b`).
pub fn url_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Text as XML allows it: escaped, and without the control characters XML 1.0 forbids.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An EAF 3.0 document: every tier time-aligned (a note is 1 ms long: ELAN has no point tiers),
/// `date` as `YYYY-MM-DDThh:mm:ssZ`.
pub fn to_eaf(tiers: &[Tier], media: &Media, date: &str) -> String {
    let mut slots: Vec<u64> = Vec::new();
    let mut body = String::new();
    let mut next_id = 0usize;
    for t in tiers {
        let annotator = t
            .annotator
            .as_deref()
            .map(|a| format!(" ANNOTATOR=\"{}\"", xml(a)))
            .unwrap_or_default();
        let _ = writeln!(
            body,
            "    <TIER LINGUISTIC_TYPE_REF=\"tapecoder\" TIER_ID=\"{}\"{annotator}>",
            xml(&t.name)
        );
        for it in &t.items {
            let end = if t.points { it.start_ms + 1 } else { it.end_ms.max(it.start_ms) };
            slots.push(it.start_ms);
            let a = slots.len();
            slots.push(end);
            let b = slots.len();
            next_id += 1;
            let _ = writeln!(
                body,
                "        <ANNOTATION>\n            <ALIGNABLE_ANNOTATION ANNOTATION_ID=\"a{next_id}\" TIME_SLOT_REF1=\"ts{a}\" TIME_SLOT_REF2=\"ts{b}\">\n                <ANNOTATION_VALUE>{}</ANNOTATION_VALUE>\n            </ALIGNABLE_ANNOTATION>\n        </ANNOTATION>",
                xml(&it.text)
            );
        }
        body.push_str("    </TIER>\n");
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<ANNOTATION_DOCUMENT AUTHOR=\"tapecoder\" DATE=\"{}\" FORMAT=\"3.0\" VERSION=\"3.0\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"http://www.mpi.nl/tools/elan/EAFv3.0.xsd\">",
        xml(date)
    );
    let _ = writeln!(
        out,
        "    <HEADER MEDIA_FILE=\"\" TIME_UNITS=\"milliseconds\">\n        <MEDIA_DESCRIPTOR MEDIA_URL=\"{}\" MIME_TYPE=\"{}\" RELATIVE_MEDIA_URL=\"{}\"/>\n        <PROPERTY NAME=\"lastUsedAnnotationId\">{next_id}</PROPERTY>\n    </HEADER>",
        xml(&media.url),
        media.mime,
        xml(&media.relative)
    );
    out.push_str("    <TIME_ORDER>\n");
    for (i, ms) in slots.iter().enumerate() {
        let _ =
            writeln!(out, "        <TIME_SLOT TIME_SLOT_ID=\"ts{}\" TIME_VALUE=\"{ms}\"/>", i + 1);
    }
    out.push_str("    </TIME_ORDER>\n");
    out.push_str(&body);
    out.push_str(
        "    <LINGUISTIC_TYPE GRAPHIC_REFERENCES=\"false\" LINGUISTIC_TYPE_ID=\"tapecoder\" TIME_ALIGNABLE=\"true\"/>\n",
    );
    out.push_str("</ANNOTATION_DOCUMENT>\n");
    out
}

/// Seconds with three decimals, as Praat reads them.
fn secs(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Praat's string: quotes doubled, line breaks as spaces.
fn praat(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().replace('"', "\"\"")
}

/// A TextGrid (long text form) of `duration_ms`: interval tiers with the gaps between items filled
/// by empty intervals (Praat needs them to tile the tier; overlapping items, which a tier cannot
/// hold, are cut at the next one's start), and notes as point tiers.
pub fn to_textgrid(tiers: &[Tier], duration_ms: u64) -> String {
    let end = tiers
        .iter()
        .flat_map(|t| &t.items)
        .map(|i| i.end_ms.max(i.start_ms))
        .max()
        .unwrap_or(0)
        .max(duration_ms);
    let mut out = String::new();
    let _ = write!(
        out,
        "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\nxmin = 0\nxmax = {}\ntiers? <exists>\nsize = {}\nitem []:\n",
        secs(end),
        tiers.len()
    );
    for (n, t) in tiers.iter().enumerate() {
        let class = if t.points { "TextTier" } else { "IntervalTier" };
        let _ = write!(
            out,
            "    item [{}]:\n        class = \"{class}\"\n        name = \"{}\"\n        xmin = 0\n        xmax = {}\n",
            n + 1,
            praat(&t.name),
            secs(end)
        );
        let mut items: Vec<&Item> = t.items.iter().collect();
        items.sort_by_key(|i| i.start_ms);
        if t.points {
            let _ = writeln!(out, "        points: size = {}", items.len());
            for (k, it) in items.iter().enumerate() {
                let _ = write!(
                    out,
                    "        points [{}]:\n            number = {}\n            mark = \"{}\"\n",
                    k + 1,
                    secs(it.start_ms),
                    praat(&it.text)
                );
            }
            continue;
        }
        // Tile [0, end]: gaps as empty intervals.
        let mut tiles: Vec<(u64, u64, String)> = Vec::new();
        let mut at = 0u64;
        for (k, it) in items.iter().enumerate() {
            let start = it.start_ms.max(at);
            let next = items.get(k + 1).map_or(end, |n| n.start_ms.max(start));
            let stop = it.end_ms.min(next).max(start);
            if start > at {
                tiles.push((at, start, String::new()));
            }
            if stop > start {
                tiles.push((start, stop, praat(&it.text)));
                at = stop;
            }
        }
        if at < end || tiles.is_empty() {
            tiles.push((at, end, String::new()));
        }
        let _ = writeln!(out, "        intervals: size = {}", tiles.len());
        for (k, (a, b, text)) in tiles.iter().enumerate() {
            let _ = write!(
                out,
                "        intervals [{}]:\n            xmin = {}\n            xmax = {}\n            text = \"{text}\"\n",
                k + 1,
                secs(*a),
                secs(*b)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::{Format, parse};

    fn tiers() -> Vec<Tier> {
        vec![
            Tier {
                name: "ana-segments".into(),
                annotator: Some("ana".into()),
                points: false,
                items: vec![
                    Item {
                        start_ms: 60_000,
                        end_ms: 120_500,
                        text: "behaviour-change: \"plan\" & <goal>".into(),
                    },
                    Item { start_ms: 300_000, end_ms: 330_250, text: "behaviour-change".into() },
                ],
            },
            Tier {
                name: "ana-notes".into(),
                annotator: Some("ana".into()),
                points: true,
                items: vec![Item {
                    start_ms: 90_000,
                    end_ms: 90_000,
                    text: "good reflection".into(),
                }],
            },
        ]
    }

    #[test]
    fn eaf_reads_back_with_the_same_times_and_texts() {
        let media = Media {
            url: file_url("/study/audio/R001 a.mp3"),
            relative: url_path("../audio/R001 a.mp3"),
            mime: mime_of("x.mp3"),
        };
        let eaf = to_eaf(&tiers(), &media, "2026-12-03T08:00:00Z");
        assert!(eaf.contains("MEDIA_URL=\"file:///study/audio/R001%20a.mp3\""), "{eaf}");
        assert!(eaf.contains("RELATIVE_MEDIA_URL=\"../audio/R001%20a.mp3\""), "{eaf}");
        let back = parse(Format::Eaf, &eaf).unwrap();
        let got: Vec<(u64, u64, Option<&str>, &str)> = back
            .cues
            .iter()
            .map(|c| (c.start_ms, c.end_ms, c.speaker.as_deref(), c.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (60_000, 120_500, Some("ana-segments"), "behaviour-change: \"plan\" & <goal>"),
                (90_000, 90_001, Some("ana-notes"), "good reflection"),
                (300_000, 330_250, Some("ana-segments"), "behaviour-change"),
            ]
        );
    }

    #[test]
    fn textgrid_tiles_each_tier_and_reads_back() {
        let tg = to_textgrid(&tiers(), 600_000);
        assert!(tg.contains("class = \"TextTier\""), "{tg}");
        assert!(tg.contains("intervals: size = 5"), "{tg}");
        let back = parse(Format::TextGrid, &tg).unwrap();
        let got: Vec<(u64, u64, &str)> =
            back.cues.iter().map(|c| (c.start_ms, c.end_ms, c.text.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (60_000, 120_500, "behaviour-change: \"plan\" & <goal>"),
                (300_000, 330_250, "behaviour-change")
            ]
        );
    }

    #[test]
    fn overlapping_intervals_are_cut_to_tile_a_textgrid_tier() {
        let t = Tier {
            name: "x".into(),
            annotator: None,
            points: false,
            items: vec![
                Item { start_ms: 0, end_ms: 5000, text: "a".into() },
                Item { start_ms: 3000, end_ms: 4000, text: "b".into() },
            ],
        };
        let back = parse(Format::TextGrid, &to_textgrid(&[t], 6000)).unwrap();
        let got: Vec<(u64, u64)> = back.cues.iter().map(|c| (c.start_ms, c.end_ms)).collect();
        assert_eq!(got, vec![(0, 3000), (3000, 4000)]);
    }
}
