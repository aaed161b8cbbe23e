//! ELAN annotation documents (`.eaf`, EAF 2.x and 3.0): the `TIME_ORDER`'s time slots and each
//! tier's `ALIGNABLE_ANNOTATION`s. A slot without a `TIME_VALUE` (unaligned) takes a time between
//! its aligned neighbours in the time order, as ELAN places it. Reference annotations (symbolic
//! tiers, with no times of their own) are skipped. The speaker is the tier's `PARTICIPANT`, else
//! its `TIER_ID` when there is more than one time-aligned tier.
use std::collections::HashMap;

use super::{Cue, ParseError, Transcript};

pub fn parse(text: &str) -> Result<Transcript, ParseError> {
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| ParseError::new(e.pos().row as usize, format!("not well-formed XML: {e}")))?;
    let line = |n: roxmltree::Node| doc.text_pos_at(n.range().start).row as usize;
    let root = doc.root_element();
    if root.tag_name().name() != "ANNOTATION_DOCUMENT" {
        return Err(ParseError::new(
            line(root),
            format!(
                "an EAF file's root element is ANNOTATION_DOCUMENT, not {}",
                root.tag_name().name()
            ),
        ));
    }
    let slots = time_slots(root, &line)?;
    let mut by_tier: Vec<(String, Option<String>, Vec<Cue>)> = Vec::new();
    for tier in root.children().filter(|n| n.has_tag_name("TIER")) {
        let id = tier.attribute("TIER_ID").unwrap_or("").to_string();
        let participant = tier
            .attribute("PARTICIPANT")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(String::from);
        let mut cues = Vec::new();
        for a in tier.descendants().filter(|n| n.has_tag_name("ALIGNABLE_ANNOTATION")) {
            let slot = |attr: &str| -> Result<u64, ParseError> {
                let r = a.attribute(attr).ok_or_else(|| {
                    ParseError::new(line(a), format!("an ALIGNABLE_ANNOTATION has no {attr}"))
                })?;
                slots.get(r).copied().ok_or_else(|| {
                    ParseError::new(
                        line(a),
                        format!("{attr}=\"{r}\" names no TIME_SLOT in the TIME_ORDER"),
                    )
                })
            };
            let (start_ms, end_ms) = (slot("TIME_SLOT_REF1")?, slot("TIME_SLOT_REF2")?);
            let text: String = a
                .children()
                .filter(|n| n.has_tag_name("ANNOTATION_VALUE"))
                .flat_map(|v| v.descendants().filter(roxmltree::Node::is_text))
                .filter_map(|t| t.text())
                .collect();
            if !text.trim().is_empty() {
                cues.push(Cue { start_ms, end_ms, speaker: None, text: text.trim().to_string() });
            }
        }
        if tier.descendants().any(|n| n.has_tag_name("ALIGNABLE_ANNOTATION")) {
            by_tier.push((id, participant, cues));
        }
    }
    let several = by_tier.len() > 1;
    let mut all = Vec::new();
    for (id, participant, cues) in by_tier {
        let speaker = participant.or_else(|| several.then_some(id));
        all.extend(cues.into_iter().map(|mut c| {
            c.speaker.clone_from(&speaker);
            c
        }));
    }
    Ok(Transcript { cues: all })
}

/// TIME_SLOT_ID → milliseconds, the unaligned slots placed evenly between their aligned
/// neighbours (at the last aligned time when nothing aligned follows).
fn time_slots(
    root: roxmltree::Node,
    line: &dyn Fn(roxmltree::Node) -> usize,
) -> Result<HashMap<String, u64>, ParseError> {
    let Some(order) = root.children().find(|n| n.has_tag_name("TIME_ORDER")) else {
        return Ok(HashMap::new());
    };
    let mut slots: Vec<(String, Option<u64>)> = Vec::new();
    for s in order.children().filter(|n| n.has_tag_name("TIME_SLOT")) {
        let id = s
            .attribute("TIME_SLOT_ID")
            .ok_or_else(|| ParseError::new(line(s), "a TIME_SLOT has no TIME_SLOT_ID"))?;
        let value = match s.attribute("TIME_VALUE") {
            None => None,
            Some(v) => Some(v.trim().parse::<u64>().map_err(|_| {
                ParseError::new(
                    line(s),
                    format!("TIME_VALUE=\"{v}\" of {id} is not a whole number of milliseconds"),
                )
            })?),
        };
        slots.push((id.to_string(), value));
    }
    let mut out = HashMap::with_capacity(slots.len());
    let mut i = 0;
    let mut last = 0u64;
    while i < slots.len() {
        if let Some(v) = slots[i].1 {
            last = v;
            out.insert(slots[i].0.clone(), v);
            i += 1;
            continue;
        }
        // A run of unaligned slots: spread them between `last` and the next aligned time.
        let run_end = (i..slots.len()).find(|&j| slots[j].1.is_some()).unwrap_or(slots.len());
        let next = slots.get(run_end).and_then(|s| s.1).unwrap_or(last).max(last);
        let gaps = (run_end - i + 1) as u64;
        for (k, j) in (i..run_end).enumerate() {
            out.insert(slots[j].0.clone(), last + (next - last) * (k as u64 + 1) / gaps);
        }
        i = run_end;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EAF: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2026-01-01T00:00:00+00:00" FORMAT="3.0" VERSION="3.0">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
        <MEDIA_DESCRIPTOR MEDIA_URL="file:///visit.wav" MIME_TYPE="audio/x-wav"/>
    </HEADER>
    <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1200"/>
        <TIME_SLOT TIME_SLOT_ID="ts2"/>
        <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="7900"/>
        <TIME_SLOT TIME_SLOT_ID="ts4" TIME_VALUE="8300"/>
        <TIME_SLOT TIME_SLOT_ID="ts5" TIME_VALUE="13000"/>
    </TIME_ORDER>
    <TIER LINGUISTIC_TYPE_REF="default-lt" PARTICIPANT="Claire" TIER_ID="worker">
        <ANNOTATION>
            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
                <ANNOTATION_VALUE>Hiya &amp; welcome,</ANNOTATION_VALUE>
            </ALIGNABLE_ANNOTATION>
        </ANNOTATION>
        <ANNOTATION>
            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts3">
                <ANNOTATION_VALUE>Danielle.</ANNOTATION_VALUE>
            </ALIGNABLE_ANNOTATION>
        </ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID="parent">
        <ANNOTATION>
            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="ts4" TIME_SLOT_REF2="ts5">
                <ANNOTATION_VALUE>Yeah.</ANNOTATION_VALUE>
            </ALIGNABLE_ANNOTATION>
        </ANNOTATION>
    </TIER>
    <TIER LINGUISTIC_TYPE_REF="translation" PARENT_REF="parent" TIER_ID="gloss">
        <ANNOTATION>
            <REF_ANNOTATION ANNOTATION_ID="a4" ANNOTATION_REF="a3">
                <ANNOTATION_VALUE>Ja.</ANNOTATION_VALUE>
            </REF_ANNOTATION>
        </ANNOTATION>
    </TIER>
    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>
</ANNOTATION_DOCUMENT>
"#;

    #[test]
    fn reads_tiers_participants_and_unaligned_slots() {
        let t = parse(EAF).unwrap();
        let got: Vec<(u64, u64, Option<&str>, &str)> = t
            .cues
            .iter()
            .map(|c| (c.start_ms, c.end_ms, c.speaker.as_deref(), c.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1200, 4550, Some("Claire"), "Hiya & welcome,"),
                (4550, 7900, Some("Claire"), "Danielle."),
                (8300, 13000, Some("parent"), "Yeah."),
            ]
        );
    }

    #[test]
    fn a_dangling_slot_reference_names_its_line() {
        let bad = EAF.replace("TIME_SLOT_REF2=\"ts5\"", "TIME_SLOT_REF2=\"ts9\"");
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.line, 27, "{e}");
        assert!(e.what.contains("ts9"), "{e}");
        let e = parse("<ANNOTATION_DOCUMENT><TIER></ANNOTATION_DOCUMENT>").unwrap_err();
        assert!(e.what.starts_with("not well-formed XML"), "{e}");
    }
}
