//! `tapecoder transcript attach|show|detach` through the binary: every format attached, the
//! round trip VTT → attach → show VTT, one bad file per message, who may attach, and what
//! `verify` says of a transcript changed, missing or never attached.
mod common;

use std::path::{Path, PathBuf};

use common::{study, tc, write_wav};
use predicates::prelude::*;

/// A study with supervisor `sup`, coders c1–c3 and one 20-second recording R001.
fn setup(t: &Path) -> PathBuf {
    let s = study(t, 0);
    let wav = t.join("visit.wav");
    write_wav(&wav, 20.0, 220.0);
    tc(t).args(["--study", "s", "--as", "sup", "import"]).arg(&wav).assert().success();
    s
}

fn sup(t: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    tc(t).args(["--study", "s", "--as", "sup", "transcript"]).args(args).assert()
}

const VTT: &str = "WEBVTT\nKind: captions\n\nSTYLE\n::cue { color: lime }\n\nNOTE checked\n\n\
greeting\n00:01.200 --> 00:07.905 align:start\n<v Claire>Hiya Danielle, thanks &amp; welcome.\nCome in.\n\n\
00:00:08.300 --> 00:00:13.000\n<v Danielle>Yeah, I'm <i>alright</i>.\n\n\
00:12.500 --> 00:14.000\nno speaker, overlapping\n";

const SRT: &str = "1\r\n00:00:01,200 --> 00:00:07,900\r\nHiya Danielle.\r\n\r\n\r\n2\r\n00:00:08,300 --> 00:00:13,000\r\n<i>Yeah.</i>\r\n";

const TEXTGRID: &str = "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\nxmin = 0\nxmax = 20\ntiers? <exists>\nsize = 2\nitem []:\n\
    item [1]:\n        class = \"IntervalTier\"\n        name = \"W\"\n        xmin = 0\n        xmax = 20\n        intervals: size = 2\n\
        intervals [1]:\n            xmin = 0\n            xmax = 1.2\n            text = \"\"\n\
        intervals [2]:\n            xmin = 1.2\n            xmax = 7.9\n            text = \"Hiya Danielle.\"\n\
    item [2]:\n        class = \"IntervalTier\"\n        name = \"P\"\n        xmin = 0\n        xmax = 20\n        intervals: size = 1\n\
        intervals [1]:\n            xmin = 8.3\n            xmax = 13\n            text = \"Yeah.\"\n";

const EAF: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2026-01-01T00:00:00+00:00" FORMAT="3.0" VERSION="3.0">
<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>
<TIME_ORDER>
<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1200"/>
<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="7900"/>
<TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="8300"/>
<TIME_SLOT TIME_SLOT_ID="ts4"/>
</TIME_ORDER>
<TIER LINGUISTIC_TYPE_REF="lt" PARTICIPANT="Claire" TIER_ID="W">
<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>Hiya Danielle.</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
</TIER>
</ANNOTATION_DOCUMENT>
"#;

const TURNS: &str =
    "# a fictional visit\n[00:01.2–00:07.9] W: Hiya Danielle.\n[00:08.3–00:13.0] P: Yeah.\n";

#[test]
fn every_format_attaches_with_its_cues_and_speakers() {
    let t = tempfile::tempdir().unwrap();
    setup(t.path());
    for (name, text, cues, speakers) in [
        ("a.vtt", VTT, 3, 2),
        ("a.srt", SRT, 2, 0),
        ("a.TextGrid", TEXTGRID, 2, 2),
        ("a.eaf", EAF, 1, 1),
        ("a.txt", TURNS, 2, 2),
    ] {
        std::fs::write(t.path().join(name), text).unwrap();
        sup(t.path(), &["attach", "R001", name])
            .success()
            .stdout(predicate::str::contains(format!("{cues} cue(s), {speakers} speaker(s)")));
    }
    // The last one attached is the one shown, its speakers as voice tags.
    sup(t.path(), &["show", "R001"])
        .success()
        .stdout("WEBVTT\n\n00:00:01.200 --> 00:00:07.900\n<v W>Hiya Danielle.\n\n00:00:08.300 --> 00:00:13.000\n<v P>Yeah.\n");
}

#[test]
fn vtt_attached_and_shown_keeps_every_cue_to_the_millisecond() {
    let t = tempfile::tempdir().unwrap();
    setup(t.path());
    std::fs::write(t.path().join("in.vtt"), VTT).unwrap();
    sup(t.path(), &["attach", "R001", "in.vtt"]).success();
    let out = sup(t.path(), &["show", "R001"]).success().get_output().stdout.clone();
    let shown = String::from_utf8(out).unwrap();
    let parse =
        |s: &str| tapecoder::transcript::parse(tapecoder::transcript::Format::Vtt, s).unwrap();
    assert_eq!(parse(&shown), parse(VTT));
    assert!(shown.contains("00:00:07.905"), "{shown}");
    assert!(
        shown.contains("<v Claire>Hiya Danielle, thanks &amp; welcome.\nCome in.\n"),
        "{shown}"
    );
    // SRT and JSON from the same copy.
    sup(t.path(), &["show", "R001", "--format", "srt"]).success().stdout(predicate::str::contains(
        "1\n00:00:01,200 --> 00:00:07,905\nClaire: Hiya Danielle",
    ));
    sup(t.path(), &["show", "R001", "--format", "json"]).success().stdout(
        predicate::str::contains("\"start_ms\": 1200")
            .and(predicate::str::contains("\"source_format\": \"WebVTT\"")),
    );
    // A coder reads it too.
    tc(t.path())
        .args(["--study", "s", "--as", "c1", "transcript", "show", "R001"])
        .assert()
        .success();
}

#[test]
fn each_bad_file_is_refused_with_its_line_and_the_study_unchanged() {
    let t = tempfile::tempdir().unwrap();
    let s = setup(t.path());
    let before = common::fingerprint(&s);
    for (name, text, says) in [
        (
            "no-header.vtt",
            "00:01.000 --> 00:02.000\nhi\n",
            "no-header.vtt:1: a WebVTT file starts with the line `WEBVTT`",
        ),
        (
            "bad-time.vtt",
            "WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n\n00:03.000 --> 00:61.000\nho\n",
            "bad-time.vtt:6: `00:03.000 --> 00:61.000` is not a cue timing",
        ),
        (
            "no-timing.srt",
            "1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\nlater\nho\n",
            "no-timing.srt:5: `2` is neither a cue number followed by a timing line",
        ),
        (
            "bad.TextGrid",
            "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n0\n20\n<exists>\n1\n\"IntervalTier\"\n\"W\"\n0\n20\n1\n1\n2\n3\n",
            "bad.TextGrid:14: expected an interval's text, found the number 3",
        ),
        (
            "dangling.eaf",
            &EAF.replace("TIME_SLOT_REF2=\"ts2\"", "TIME_SLOT_REF2=\"ts7\""),
            "dangling.eaf:11: TIME_SLOT_REF2=\"ts7\" names no TIME_SLOT",
        ),
        (
            "broken.eaf",
            "<ANNOTATION_DOCUMENT>\n<TIER>\n</ANNOTATION_DOCUMENT>\n",
            "broken.eaf:3: not well-formed XML",
        ),
        (
            "turns.txt",
            "[00:01.2–00:07.9] W: ok\n[00:08–] P: no end\n",
            "turns.txt:2: `[00:08–] P: no end` is not a timed turn",
        ),
        (
            "late.vtt",
            "WEBVTT\n\n00:01.000 --> 00:25.000\ntoo long\n",
            "late.vtt: cue 1 (00:00:01.000–00:00:25.000): ends after the recording",
        ),
        (
            "backwards.srt",
            "1\n00:00:05,000 --> 00:00:02,000\nhi\n",
            "backwards.srt: cue 1 (00:00:05.000–00:00:02.000): ends before it starts",
        ),
        ("words.txt", "just some words\n", "words.txt: cannot tell the transcript's format"),
    ] {
        std::fs::write(t.path().join(name), text).unwrap();
        sup(t.path(), &["attach", "R001", name]).failure().stderr(predicate::str::contains(says));
    }
    sup(t.path(), &["attach", "R009", "late.vtt"])
        .failure()
        .stderr(predicate::str::contains("R009"));
    assert_eq!(common::fingerprint(&s), before, "a refused attach changed the study");
}

#[test]
fn only_a_supervisor_attaches_and_detaches() {
    let t = tempfile::tempdir().unwrap();
    setup(t.path());
    std::fs::write(t.path().join("a.vtt"), VTT).unwrap();
    tc(t.path())
        .args(["--study", "s", "--as", "c1", "transcript", "attach", "R001", "a.vtt"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("supervisor"));
    sup(t.path(), &["attach", "R001", "a.vtt"]).success();
    tc(t.path())
        .args(["--study", "s", "--as", "c1", "transcript", "detach", "R001"])
        .assert()
        .failure();
    sup(t.path(), &["detach", "R001"]).success().stdout("detached the transcript of R001\n");
    sup(t.path(), &["detach", "R001"]).success().stdout(predicate::str::contains("no transcript"));
    sup(t.path(), &["show", "R001"])
        .failure()
        .stderr(predicate::str::contains("has no transcript"));
}

#[test]
fn verify_names_a_transcript_changed_missing_or_never_attached() {
    let t = tempfile::tempdir().unwrap();
    let s = setup(t.path());
    let verify = || tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).assert();
    std::fs::write(t.path().join("a.vtt"), VTT).unwrap();
    sup(t.path(), &["attach", "R001", "a.vtt"]).success();
    verify().success().stdout(predicate::str::contains("1 transcript(s) match their journal hash"));
    let file = s.join("transcripts/R001.toml");
    let kept = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, kept.replace("Hiya", "Hello")).unwrap();
    verify()
        .failure()
        .stderr(predicate::str::contains("transcripts/R001.toml: changed since sup attached it"));
    std::fs::remove_file(&file).unwrap();
    verify().failure().stderr(predicate::str::contains(
        "transcripts/R001.toml: missing, but sup's journal records it as attached",
    ));
    std::fs::write(&file, &kept).unwrap();
    verify().success();
    sup(t.path(), &["detach", "R001"]).success();
    verify().success();
    std::fs::write(&file, &kept).unwrap();
    verify().failure().stderr(predicate::str::contains("sup detached it, but it is here again"));
    std::fs::remove_file(&file).unwrap();
    std::fs::write(
        s.join("transcripts/R002.toml"),
        kept.replace("recording = \"R001\"", "recording = \"R002\""),
    )
    .unwrap();
    verify().failure().stderr(
        predicate::str::contains("transcripts/R002.toml: a transcript of \"R002\", which is not")
            .and(predicate::str::contains(
                "transcripts/R002.toml: no supervisor's signed journal attached it",
            )),
    );
}

/// The sample study copied into `t` (with the codebook it names), R001's transcript attached.
fn sample_with_transcript(t: &Path) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&repo.join("sample-sessions"), &t.join("study/ss"));
    common::copy_dir(&repo.join("codebook"), &t.join("study/codebook"));
    let s = t.join("study/ss");
    tc(t)
        .args(["--study", "study/ss", "--as", "sup", "transcript", "attach", "R001"])
        .arg(s.join("transcripts/R001.txt"))
        .assert()
        .success();
    s
}

#[test]
fn segments_export_as_eaf_and_textgrid_with_a_tier_per_coder_and_the_transcript() {
    let t = tempfile::tempdir().unwrap();
    let s = sample_with_transcript(t.path());
    let export = |who: &str, format: &str, out: &str| {
        tc(t.path())
            .args([
                "--study", "study/ss", "--as", who, "export", "segments", "--format", format,
                "--out", out,
            ])
            .assert()
    };
    export("sup", "eaf", "elan")
        .success()
        // The seven double-coded recordings: four visits, two unit meetings, the MI session.
        .stderr(predicate::str::contains("wrote 7 ELAN .eaf file(s)"));
    export("sup", "textgrid", "praat")
        .success()
        .stderr(predicate::str::contains("wrote 7 Praat .TextGrid file(s)"));
    let eaf = std::fs::read_to_string(t.path().join("elan/R001.eaf")).unwrap();
    for tier in ["ana-segments", "ana-notes", "ben-segments", "ben-notes", "transcript"] {
        assert!(eaf.contains(&format!("TIER_ID=\"{tier}\"")), "{tier} in {eaf}");
    }
    assert!(eaf.contains("RELATIVE_MEDIA_URL=\"../study/ss/audio/R001.mp3\""), "{eaf}");
    // Read back: every segment of ana's coding, to the millisecond, on her tier.
    let coding: toml::Value =
        toml::from_str(&std::fs::read_to_string(s.join("coders/ana/codings/R001.toml")).unwrap())
            .unwrap();
    let segs = coding["segment"].as_array().unwrap();
    assert!(!segs.is_empty());
    let back = tapecoder::transcript::parse(tapecoder::transcript::Format::Eaf, &eaf).unwrap();
    for (format, text) in [
        ("eaf", eaf.clone()),
        ("textgrid", std::fs::read_to_string(t.path().join("praat/R001.TextGrid")).unwrap()),
    ] {
        let fmt = if format == "eaf" {
            tapecoder::transcript::Format::Eaf
        } else {
            tapecoder::transcript::Format::TextGrid
        };
        let back = tapecoder::transcript::parse(fmt, &text).unwrap();
        for seg in segs {
            let ms = |k: &str| (seg[k].as_float().unwrap() * 1000.0).round() as u64;
            assert!(
                back.cues.iter().any(|c| c.speaker.as_deref() == Some("ana-segments")
                    && c.start_ms == ms("start_s")
                    && c.end_ms == ms("end_s")),
                "{format}: ana's segment {seg:?} not found"
            );
        }
    }
    let cues = back.cues.iter().filter(|c| c.speaker.as_deref() == Some("transcript")).count();
    assert_eq!(cues, 33, "every transcript cue on its tier");
    // A coder exports only their own tiers (and the transcript).
    export("ana", "eaf", "mine").success();
    let mine = std::fs::read_to_string(t.path().join("mine/R001.eaf")).unwrap();
    assert!(mine.contains("TIER_ID=\"ana-segments\"") && !mine.contains("ben-"), "{mine}");
    // Only segments, and only into a folder.
    tc(t.path())
        .args(["--study", "study/ss", "--as", "sup", "export", "codings", "--format", "eaf"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--format eaf is for `export segments` only"));
    tc(t.path())
        .args(["--study", "study/ss", "--as", "sup", "export", "segments", "--format", "textgrid"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("name a folder with --out DIR"));
}
