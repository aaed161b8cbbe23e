#!/usr/bin/env python3
"""Builds the bundled sample study (sample-sessions/) from its scripts.

    build_study.py audio [ID…]
                           render scripts/<id>.txt with espeak-ng, mix with sox, encode with ffmpeg,
                           write audio/<id>.<ext> and transcripts/<id>.txt (turn times measured
                           from the rendered turns with soxi -D); with IDs only those recordings
    build_study.py study   (re)write study.toml, coders.toml, recordings.toml, coders/ (each
                           coder's queue, codings and journal) and supervisor/ (assignments,
                           metadata, the supervisor's journal) from the audio and the transcripts
    build_study.py all     both, in that order (what make.sh runs)

Everything is deterministic: the same scripts and tool versions give the same bytes (sox runs in
repeatable mode, ffmpeg with bitexact flags and no metadata, fixed timestamps in the study files).
Needed only to regenerate the sample; the app never runs any of this.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

STUDY = Path(__file__).resolve().parent.parent
CODEBOOK_REL = "../codebook/handbook.toml"

# --------------------------------------------------------------------------------------------
# Casting and formats. Voices are espeak-ng voice+variant, speed in words per minute, pitch 0-99.
# --------------------------------------------------------------------------------------------
VISITS = {
    "R001": dict(
        fmt="mp3", rate=22050,
        W=dict(voice="en-gb+f3", speed=150, pitch=62),
        P=dict(voice="en-gb-x-gbclan+f4", speed=158, pitch=45),
    ),
    "R002": dict(
        fmt="flac", rate=16000,
        W=dict(voice="en-gb-x-rp+m3", speed=152, pitch=38),
        P=dict(voice="en-gb-x-gbcwmd+m1", speed=160, pitch=30),
    ),
    "R003": dict(
        fmt="ogg", rate=22050,
        W=dict(voice="en-gb+f2", speed=168, pitch=55),
        P=dict(voice="en-us+f3", speed=172, pitch=48),
    ),
    "R004": dict(
        fmt="m4a", rate=22050,
        W=dict(voice="en-gb+m4", speed=160, pitch=44),
        P=dict(voice="en-gb-scotland+f5", speed=160, pitch=58),
    ),
    "R005": dict(
        fmt="mp3", rate=16000,
        W=dict(voice="en-gb-x-rp+f1", speed=150, pitch=56),
        P=dict(voice="en-gb+m7", speed=148, pitch=32),
    ),
    "R006": dict(
        fmt="wav", rate=16000,
        W=dict(voice="en-gb+m2", speed=170, pitch=40),
        P=dict(voice="en-us+f4", speed=150, pitch=60),
    ),
    # Two unit case discussions (A consultant social worker, B social worker, C clinician,
    # D unit coordinator: all round one table) and one MI practice session coded with counts.
    "R007": dict(
        fmt="mp3", codec="mp3cbr", rate=16000,
        A=dict(voice="en-gb+f3", speed=160, pitch=58),
        B=dict(voice="en-gb-x-rp+m3", speed=158, pitch=40),
        C=dict(voice="en-gb-scotland+f2", speed=150, pitch=50),
        D=dict(voice="en-us+m1", speed=165, pitch=35),
    ),
    "R008": dict(
        fmt="mp3", codec="mp3cbr", rate=16000,
        A=dict(voice="en-gb+m4", speed=160, pitch=44),
        B=dict(voice="en-gb-x-gbclan+f4", speed=162, pitch=60),
        C=dict(voice="en-us+m3", speed=150, pitch=36),
        D=dict(voice="en-gb+f5", speed=168, pitch=52),
    ),
    "R009": dict(
        fmt="mp3", codec="mp3cbr", rate=16000,
        W=dict(voice="en-gb+f2", speed=155, pitch=56),
        P=dict(voice="en-gb-x-rp+m1", speed=150, pitch=32),
    ),
}

# The instrument each recording is coded with (absent: the study's first, the handbook).
INSTRUMENT = {"R007": "unit-meeting", "R008": "unit-meeting", "R009": "mi-fidelity"}
INSTRUMENT_FILES = {"unit-meeting": "../codebook/unit-meeting.toml",
                    "mi-fidelity": "../codebook/mi-fidelity.toml"}

# Behaviour codes written in the MI script's braces, and the instrument's count keys.
CODES = {"Q": "question", "SR": "simple_reflection", "CR": "complex_reflection",
         "AF": "affirm", "SEEK": "seeking_collaboration", "EA": "emphasizing_autonomy",
         "GI": "giving_information", "PERM": "persuade_with_permission", "PER": "persuade",
         "CON": "confront"}

LEAD_IN_S = 1.2
TAIL_S = 1.5
ESPEAK_RATE = 22050


def pause_after(i: int) -> float:
    """A deterministic, slightly irregular pause (seconds) after turn i (0-based)."""
    return 0.35 + ((i * 37 + 11) % 50) / 100.0


def run(cmd: list[str], **kw) -> str:
    res = subprocess.run(cmd, check=False, capture_output=True, text=True, **kw)
    if res.returncode != 0:
        sys.exit(f"command failed ({res.returncode}): {' '.join(cmd)}\n{res.stderr}")
    return res.stdout


def read_script_codes(vid: str) -> list[tuple[str, str, list[str]]]:
    """(speaker, text, behaviour codes) of each turn; codes are written `W{Q,SR}: text`."""
    turns = []
    path = STUDY / "scripts" / f"{vid}.txt"
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"([A-Z])(?:\{([A-Z,]+)\})?:\s*(.+)", line)
        if not m:
            sys.exit(f"{path}:{n}: expected `W: text` (a one-letter speaker, optional {{codes}})")
        codes = m.group(2).split(",") if m.group(2) else []
        for c in codes:
            if c not in CODES:
                sys.exit(f"{path}:{n}: unknown behaviour code {c}; known: {', '.join(CODES)}")
        turns.append((m.group(1), m.group(3), codes))
    return turns


def read_script(vid: str) -> list[tuple[str, str]]:
    return [(who, text) for who, text, _ in read_script_codes(vid)]


def fmt_ts(s: float) -> str:
    m, sec = divmod(round(s, 1), 60)
    return f"{int(m):02d}:{sec:04.1f}"


ENCODE = {
    # MP3 VBR (with a Xing/LAME header), MPEG-2 layer III at 16/22.05 kHz.
    "mp3": ["-c:a", "libmp3lame", "-q:a", "8"],
    # MP3 CBR 16 kbit/s (no Xing header): the short meetings and the MI session.
    "mp3cbr": ["-c:a", "libmp3lame", "-b:a", "16k"],
    # AAC-LC in an MP4 (M4A) container.
    "m4a": ["-c:a", "aac", "-profile:a", "aac_low", "-b:a", "32k", "-movflags", "+faststart"],
    "ogg": ["-c:a", "libvorbis", "-q:a", "0"],
    "flac": ["-c:a", "flac", "-compression_level", "8"],
    # 8-bit unsigned PCM: an old dictaphone's format, and half the size of 16-bit.
    "wav": ["-c:a", "pcm_u8"],
}


def render(vid: str, tmp: Path) -> None:
    cfg = VISITS[vid]
    turns = read_script(vid)
    pieces, spans = [], []
    t = 0.0
    for i, (who, text) in enumerate(turns):
        v = cfg[who]
        raw = tmp / f"{vid}-{i:03d}-raw.wav"
        run(["espeak-ng", "-v", v["voice"], "-s", str(v["speed"]), "-p", str(v["pitch"]),
             "-w", str(raw), text])
        shaped = tmp / f"{vid}-{i:03d}.wav"
        # The worker sits by the recorder; the parent is a little further away (quieter, roomier).
        # In a unit meeting the recorder is on the table: the consultant (A) nearest.
        fx = ["highpass", "90", "vol", "0.85"] if who in ("W", "A") else \
             ["highpass", "90", "lowpass", "6000", "vol", "0.6", "reverb", "20", "50", "40"]
        # Trim espeak's own leading/trailing silence so the measured length is the speech.
        run(["sox", "-R", str(raw), "-r", str(ESPEAK_RATE), "-c", "1", "-b", "16", str(shaped)]
            + fx + ["silence", "1", "0.01", "0.2%", "reverse", "silence", "1", "0.01", "0.2%",
                    "reverse"])
        dur = float(run(["soxi", "-D", str(shaped)]).strip())
        lead = LEAD_IN_S if i == 0 else 0.0
        tail = TAIL_S if i == len(turns) - 1 else pause_after(i)
        padded = tmp / f"{vid}-{i:03d}-pad.wav"
        run(["sox", "-R", str(shaped), str(padded), "pad", f"{lead}", f"{tail}"])
        start = t + lead
        spans.append((start, start + dur, who, text))
        # Advance by the padded file's real length so rounding never accumulates.
        t += float(run(["soxi", "-D", str(padded)]).strip())
        pieces.append(str(padded))

    speech = tmp / f"{vid}-speech.wav"
    run(["sox", "-R"] + pieces + [str(speech)])
    samples = int(run(["soxi", "-s", str(speech)]).strip())
    tone = tmp / f"{vid}-tone.wav"
    # Room tone: quiet low brown noise, so the waveform never sits on a flat line.
    run(["sox", "-R", "-n", "-r", str(ESPEAK_RATE), "-c", "1", "-b", "16", str(tone),
         "synth", f"{samples}s", "brownnoise", "lowpass", "1500", "vol", "0.012"])
    mixed = tmp / f"{vid}-mixed.wav"
    run(["sox", "-R", "-m", "-v", "1", str(speech), "-v", "1", str(tone), str(mixed)])
    final_src = tmp / f"{vid}-final.wav"
    run(["sox", "-R", "-D", str(mixed), "-r", str(cfg["rate"]), str(final_src)])

    out = STUDY / "audio" / f"{vid}.{cfg['fmt']}"
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(final_src), "-ac", "1",
         "-ar", str(cfg["rate"]), "-map_metadata", "-1", "-fflags", "+bitexact",
         "-flags:a", "+bitexact"] + ENCODE[cfg.get("codec", cfg["fmt"])] + [str(out)])

    # The exact length of what was encoded; lossy encoders add priming and padding that a
    # gapless decoder removes again (LAME header, MP4 edit list), so this is the true duration.
    exact = int(run(["soxi", "-s", str(final_src)]).strip()) / cfg["rate"]
    lines = [
        f"# {vid}: transcript of a synthesized, fictional home visit (no real people).",
        ("# A = consultant social worker, B = social worker, C = clinician, D = unit "
         "coordinator. Times are [start–end] of each turn, mm:ss.s." if "A" in cfg else
         "# W = social worker, P = parent. Times are [start–end] of each turn, mm:ss.s."),
        f"# Length: {fmt_ts(exact)} ({exact:.6f} s)",
        "",
    ]
    for start, end, who, text in spans:
        lines.append(f"[{fmt_ts(start)}–{fmt_ts(end)}] {who}: {text}")
    tr = STUDY / "transcripts" / f"{vid}.txt"
    tr.parent.mkdir(parents=True, exist_ok=True)
    tr.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{vid}: {out.relative_to(STUDY)} {out.stat().st_size} bytes, {t:.1f} s, "
          f"{len(turns)} turns")


def build_audio(only: list[str]) -> None:
    """Renders every recording (`only` empty: the audio folder is rebuilt) or just `only`."""
    for tool in ("espeak-ng", "sox", "soxi", "ffmpeg", "ffprobe"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed to regenerate the sample audio; install it first")
    for vid in only:
        if vid not in VISITS:
            sys.exit(f"{vid} is not a recording of the sample study ({', '.join(VISITS)})")
    audio = STUDY / "audio"
    if audio.exists() and not only:
        shutil.rmtree(audio)
    with tempfile.TemporaryDirectory(prefix="tapecoder-sample-") as d:
        for vid in only or VISITS:
            render(vid, Path(d))
    total = sum(p.stat().st_size for p in (STUDY / "audio").iterdir())
    print(f"all audio: {total} bytes")
    if total >= 8_500_000:
        sys.exit("the sample audio must stay under 8.5 MB: lower the bitrates or shorten a script")


# --------------------------------------------------------------------------------------------
# The study files.
# --------------------------------------------------------------------------------------------

def sha256_file(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def ffprobe_duration(p: Path) -> float:
    out = run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
               "default=noprint_wrappers=1:nokey=1", str(p)])
    return float(out.strip())


def exact_duration(vid: str, audio: Path) -> float:
    """The exact length recorded when the audio was rendered, checked against ffprobe.

    ffprobe's container duration of a VBR MP3 counts the encoder's delay and padding (up to
    ~0.1 s more than the audio a gapless decoder plays); the rendered length is the truth.
    """
    text = (STUDY / "transcripts" / f"{vid}.txt").read_text(encoding="utf-8")
    m = re.search(r"^# Length: .*\(([0-9.]+) s\)$", text, re.M)
    if not m:
        sys.exit(f"transcripts/{vid}.txt has no `# Length:` line: run `make.sh` first")
    exact = float(m.group(1))
    probed = ffprobe_duration(audio)
    if abs(probed - exact) > 0.1:
        sys.exit(f"{audio}: ffprobe says {probed} s but {exact} s were rendered")
    print(f"{vid}: duration {exact:.6f} s (ffprobe {probed:.6f} s)")
    return exact


def read_transcript(vid: str) -> list[tuple[float, float]]:
    """(start_s, end_s) of each turn, 1-based turn n at index n-1."""
    spans = []
    pat = re.compile(r"\[(\d+):(\d+\.\d)–(\d+):(\d+\.\d)\] [A-Z]: ")
    for line in (STUDY / "transcripts" / f"{vid}.txt").read_text(encoding="utf-8").splitlines():
        m = pat.match(line)
        if m:
            a = int(m.group(1)) * 60 + float(m.group(2))
            b = int(m.group(3)) * 60 + float(m.group(4))
            spans.append((a, b))
    return spans


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def toml_float(x: float) -> str:
    r = repr(float(x))
    return r if ("." in r or "e" in r) else r + ".0"


def write(rel: str, text: str) -> bytes:
    p = STUDY / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    p.write_bytes(data)
    return data


CODERS = [
    ("demo", "Demo Coder", "coder"),
    ("ana", "Ana Ferreira", "coder"),
    ("ben", "Ben Okafor", "coder"),
    ("sup", "Sam Patel", "supervisor"),
]

# Who codes what. First = primary. `demo` (a training coder) is listed last everywhere: see README.
ASSIGN = {
    "R001": (["ana", "ben"], True),
    "R002": (["ana"], False),
    "R003": (["ben", "ana"], True),
    "R004": (["ana", "ben"], True),
    "R005": (["ben"], False),
    "R006": (["ben", "ana"], True),
    "R007": (["ana", "ben"], True),
    "R008": (["ben", "ana"], True),
    "R009": (["ana", "ben"], True),
}

METADATA = {
    "R001": dict(arm="usual-practice", site="Northgate", worker="W-07"),
    "R002": dict(arm="usual-practice", site="Eastfield", worker="W-12"),
    "R003": dict(arm="intervention", site="Northgate", worker="W-03"),
    "R004": dict(arm="intervention", site="Eastfield", worker="W-15"),
    "R005": dict(arm="intervention", site="Westmoor", worker="W-09"),
    "R006": dict(arm="usual-practice", site="Westmoor", worker="W-21"),
    "R007": dict(arm="intervention", site="Northgate", worker="U-02"),
    "R008": dict(arm="intervention", site="Eastfield", worker="U-05"),
    "R009": dict(arm="intervention", site="Westmoor", worker="W-30"),
}

DOMAINS = ["empathy", "collaboration", "autonomy", "evocation", "purposefulness",
           "clarity_about_concerns", "child_focus"]

# The four double-coded recordings, coded by each coder from the transcript. Segment and note
# positions are given as (turn, where, offset_s): where = "start" | "end" of that 1-based turn,
# so they follow the audio if the scripts are re-rendered.
CODINGS = {
    ("R001", "ana"): dict(
        day="2026-03-09", start="10:02:11", end="10:31:40",
        scores=dict(empathy=5, collaboration=3, autonomy=3, evocation=2, purposefulness=1,
                    clarity_about_concerns=1, child_focus=2),
        rationales=dict(
            empathy="Consistently warm and validating: picks up the loss of her mum's support and "
                    "how exhausted she is, and reflects it back.",
            collaboration="Friendly, but the worker never sets an agenda with the parent or asks "
                          "what she wants from the visit.",
            autonomy="Some respect for choice (\"just if you wanted to\", \"no pressure\") but no "
                     "real exploration of the parent's own options.",
            evocation="The parent offers an idea (an earlier alarm) and the worker lets it drop "
                      "instead of drawing it out.",
            purposefulness="No stated purpose; the visit drifts from topic to topic and ends "
                           "without a plan.",
            clarity_about_concerns="The school's concerns are never named (\"bits and pieces\", "
                                   "\"the usual sort of things\"); the parent asks twice and is "
                                   "reassured instead of told.",
            child_focus="One question about Kayden, accepted at face value; nothing about his "
                        "lateness, his mornings or his wishes.",
        ),
        segments=[((17, "start", -0.6), (23, "end", 0.4),
                   "mornings: getting up, parent's shouting")],
        notes=[((5, "start", 2.0), "Concerns minimised: \"nothing to worry about\".",
                ["clarity_about_concerns"]),
               ((13, "start", 0.5), "Good reflection of loss of support.", ["empathy"]),
               ((29, "start", 0.5), "Parent asks about a meeting; answer is vague.",
                ["clarity_about_concerns", "purposefulness"])],
        listened=[[0.0, None]],
    ),
    ("R001", "ben"): dict(
        day="2026-03-10", start="14:20:05", end="14:52:30",
        scores=dict(empathy=3, collaboration=3, autonomy=3, evocation=1, purposefulness=2,
                    clarity_about_concerns=1, child_focus=2),
        rationales=dict(
            empathy="Warm in tone, but mostly reassurance and sympathy; the parent's feelings are "
                    "acknowledged rather than explored or understood.",
            collaboration="Pleasant, but no shared agenda and no joint plan at the end.",
            autonomy="Leaves decisions with the parent, though more by omission than by actively "
                     "supporting her choices.",
            evocation="The only change idea (an earlier alarm) comes from the parent unprompted, "
                      "and the worker closes it down (\"no pressure\"); nothing is evoked.",
            purposefulness="Some sense of a catch-up and a return visit, but no clear focus.",
            clarity_about_concerns="Concerns from school are avoided and minimised; the parent "
                                   "leaves not knowing why the worker came.",
            child_focus="Kayden is mentioned only in passing; the tablet remark is joined in "
                        "rather than explored.",
        ),
        segments=[((17, "start", 1.2), (24, "end", 1.5), "")],
        notes=[((7, "start", 1.0), "Vague about school concerns.", ["clarity_about_concerns"]),
               ((27, "start", 0.0), "Joins in rather than asking about Kayden.", ["child_focus"])],
        listened=[[0.0, 64.0], [68.5, None]],
    ),
    ("R003", "ben"): dict(
        day="2026-03-11", start="09:15:00", end="09:58:12",
        scores=dict(empathy=5, collaboration=4, autonomy=4, evocation=5, purposefulness=4,
                    clarity_about_concerns=4, child_focus=3),
        rationales=dict(
            empathy="Accurate, complex reflections throughout (\"that look really stayed with "
                    "you\"); the parent feels understood and opens up.",
            collaboration="Agenda agreed at the start and the plan is built from the parent's own "
                          "ideas.",
            autonomy="Explicitly hands choice to the parent: her pace, which step first, what "
                     "counts as a good week.",
            evocation="Uses importance and confidence rulers, looks back to the dry month and "
                      "draws out the parent's own reasons and plan.",
            purposefulness="Clear focus on evenings and drinking, ends with a summary and a date.",
            clarity_about_concerns="States plainly the worry about her drinking while alone with "
                                   "the children and why it matters.",
            child_focus="Josh and Mia are present in the talk (Josh's look, what he should hear), "
                        "though their wishes are not asked about directly.",
        ),
        segments=[((1, "start", 2.5), (None, "end", 0.0), "evenings, drinking, shouting")],
        notes=[((15, "start", 0.0), "Importance ruler.", ["evocation"]),
               ((17, "start", 0.0), "Confidence ruler, then 'why not a one'.", ["evocation"]),
               ((41, "start", 0.0), "Concern stated clearly, with permission.",
                ["clarity_about_concerns"])],
        listened=[[0.0, None]],
    ),
    ("R003", "ana"): dict(
        day="2026-03-12", start="11:05:30", end="11:49:02",
        scores=dict(empathy=4, collaboration=4, autonomy=4, evocation=5, purposefulness=4,
                    clarity_about_concerns=2, child_focus=3),
        rationales=dict(
            empathy="Good reflective listening and a non-judgemental stance; a few reflections "
                    "are simple rather than deepening.",
            collaboration="Parent and worker build the plan together from an agreed agenda.",
            autonomy="Choices stay with the parent throughout.",
            evocation="Excellent: rulers, looking back, exploring ambivalence about the six "
                      "o'clock glass; change talk is elicited and strengthened.",
            purposefulness="Focused and summarised, with a follow-up date.",
            clarity_about_concerns="The safety worry comes only near the end and in soft terms "
                                   "(\"the bit I have to keep an eye on\"); what the service "
                                   "would do is never said.",
            child_focus="The children's experience is used to motivate change, but their own "
                        "views and daily experience are not explored.",
        ),
        segments=[((1, "start", 5.0), (None, "end", -2.5), "")],
        notes=[((10, "start", 0.0), "Parent links her dad's drinking to her own.",
                ["evocation"]),
               ((31, "start", 0.0), "Rolls with ambivalence about the six o'clock glass.",
                ["evocation", "empathy"]),
               ((43, "start", 3.0), "Concern raised late and softly.",
                ["clarity_about_concerns"])],
        listened=[[0.0, None]],
    ),
    ("R004", "ana"): dict(
        day="2026-03-16", start="13:40:00", end="14:05:51",
        scores=dict(empathy=3, collaboration=4, autonomy=3, purposefulness=4,
                    clarity_about_concerns=3, child_focus=3),
        rationales=dict(
            empathy="Polite and attentive; practical responses rather than engagement with how "
                    "the parent feels about the move.",
            collaboration="Checks the parent agrees at each step and lets her choose nursery "
                          "days.",
            autonomy="Offers options and asks permission, but mostly leads.",
            purposefulness="Clear practical agenda worked through in order, with a summary and a "
                           "follow-up call.",
            clarity_about_concerns="The damp and heating are named as risks for Ruby; there are "
                                   "no wider concerns to explain.",
            child_focus="Ruby's room, her nursery place and her missed health check are all "
                        "attended to; her experience of the move is not asked about.",
        ),
        segments=[],
        notes=[((9, "start", 0.0), "Damp by Ruby's cot: treated as urgent.", ["child_focus"]),
               ((13, "start", 0.0), "No behaviour-change talk anywhere: evocation not applicable.",
                [])],
        listened=[[0.0, None]],
    ),
    ("R004", "ben"): dict(
        day="2026-03-17", start="10:12:40", end="10:39:18",
        scores=dict(empathy=3, collaboration=3, autonomy=3, purposefulness=4,
                    clarity_about_concerns=3, child_focus=4),
        rationales=dict(
            empathy="Courteous; feelings about the hostel and the move are not explored.",
            collaboration="Practical help done with the parent, but the agenda is the worker's.",
            autonomy="Some choice offered (nursery days), otherwise directive.",
            purposefulness="Well organised: each task is named, done and summarised.",
            clarity_about_concerns="Clear about the housing risks; nothing is left vague.",
            child_focus="Ruby's needs drive most of the visit: her room, nursery with a settling "
                        "in visit, her two-year check.",
        ),
        segments=[],
        notes=[((21, "start", 0.0), "Nursery settling-in visit: thinks about Ruby's "
                                    "experience.", ["child_focus"])],
        listened=[[0.0, None]],
    ),
    ("R006", "ben"): dict(
        day="2026-03-18", start="15:00:10", end="15:18:44",
        scores=dict(empathy=1, collaboration=1, autonomy=1, evocation=1, purposefulness=2,
                    clarity_about_concerns=1, child_focus=1),
        rationales=dict(
            empathy="Dismissive (\"don't be dramatic\"); the parent's fear about her children is "
                    "ignored.",
            collaboration="Nothing is done with the parent; instructions only.",
            autonomy="Tells the parent what to do throughout.",
            evocation="Lectures about tidying, smoking and getting up; no attempt to draw out the "
                      "parent's own reasons.",
            purposefulness="There is a list of demands, but no purpose is explained and no plan "
                           "made.",
            clarity_about_concerns="Refuses to say what the concerns are or where they came from.",
            child_focus="The children are never named or asked about.",
        ),
        segments=[((7, "start", 2.0), (21, "end", 0.5), "house, smoking, getting up")],
        notes=[((5, "start", 0.0), "Will not say what the concerns are.",
                ["clarity_about_concerns"]),
               ((23, "start", 0.0), "\"Don't be dramatic.\"", ["empathy"])],
        listened=[[0.0, None]],
    ),
    ("R006", "ana"): dict(
        day="2026-03-19", start="09:30:00", end="09:47:05",
        scores=dict(empathy=1, collaboration=1, autonomy=2, evocation=1, purposefulness=2,
                    clarity_about_concerns=1, child_focus=1),
        rationales=dict(
            empathy="No understanding shown; the parent's worry about removal is brushed off.",
            collaboration="Worker-led from start to finish.",
            autonomy="Mostly directive, though the parent is told the GP can help with stopping "
                     "smoking.",
            evocation="Change is demanded, never evoked.",
            purposefulness="Rushed; a list of demands without a reason or a plan.",
            clarity_about_concerns="Concerns withheld; the parent asks directly and is not told.",
            child_focus="No attention to the children at all.",
        ),
        segments=[((7, "start", 4.0), (19, "end", 2.0), "tidying, smoking, getting up"),
                  ((35, "start", 0.0), (35, "end", 0.5), "repeats the demands")],
        notes=[((1, "start", 1.0), "Opens with how little time he has.", ["purposefulness"]),
               ((22, "start", 0.0), "Parent asks if her children will be taken.",
                ["clarity_about_concerns"])],
        listened=[[0.0, None]],
    ),
}


UNIT_FEATURES = ["wider_context", "curious", "hypotheses", "actionable", "collaborative",
                 "family_present", "risk_clarity"]

# The unit meetings, coded with the checklist (the class is derived from it, never stored), and
# the MI session, coded with its four globals and the behaviour counts written in the script's
# braces: each coder logs them a little after the turn starts (`lag_s`), `miss` lists the
# (turn, code) a coder did not log and `recode` the ones they logged as another code.
CODINGS.update({
    ("R007", "ana"): dict(
        day="2026-03-23", start="10:00:00", end="10:12:30",
        checklist={f: True for f in UNIT_FEATURES},
        notes=[((3, "start", 0.5), "Clinician wonders who Leah is watching out for.", []),
               ((17, "start", 0.0), "Hypothesis turned into what Tom will say on Thursday.", [])],
        listened=[[0.0, None]],
    ),
    ("R007", "ben"): dict(
        day="2026-03-24", start="14:00:00", end="14:10:05",
        checklist={f: True for f in UNIT_FEATURES},
        notes=[((21, "start", 0.0), "Bruise named plainly as a risk.", [])],
        listened=[[0.0, None]],
    ),
    ("R008", "ben"): dict(
        day="2026-03-25", start="09:30:00", end="09:38:40",
        checklist=dict({f: True for f in UNIT_FEATURES}, actionable=False, collaborative=False),
        notes=[((18, "start", 0.0), "The coordinator says little all meeting.", []),
               ((20, "start", 0.0), "Ends without a plan for a conversation with the family.", [])],
        listened=[[0.0, None]],
    ),
    ("R008", "ana"): dict(
        day="2026-03-26", start="11:00:00", end="11:09:15",
        checklist=dict({f: True for f in UNIT_FEATURES}, actionable=False),
        notes=[((9, "start", 0.0), "Consultant challenges the unit's view of Jayden.", []),
               ((17, "start", 0.0), "Says they will tell the family, but not what or how.", [])],
        listened=[[0.0, None]],
    ),
    ("R009", "ana"): dict(
        day="2026-03-27", start="13:00:00", end="13:20:00",
        scores=dict(cultivating_change_talk=4, softening_sustain_talk=4, partnership=5, empathy=4),
        rationales=dict(
            cultivating_change_talk="Draws out the father's own plan (the chart, counting to "
                                    "ten) and his reasons, with a confidence ruler.",
            softening_sustain_talk="Little sustain talk to soften; \"I don't know what\" is met "
                                   "with an affirmation, not a fix.",
            partnership="Agenda by permission, the plan built from his ideas, a joint check-in.",
            empathy="Complex reflections catch what matters to him: being a calm dad.",
        ),
        lag_s=0.8, miss=[], recode={},
        notes=[((29, "start", 0.0), "Confidence ruler, then 'why not a four'.", [])],
        listened=[[0.0, None]],
    ),
    ("R009", "ben"): dict(
        day="2026-03-28", start="10:30:00", end="10:52:00",
        scores=dict(cultivating_change_talk=4, softening_sustain_talk=3, partnership=4, empathy=4),
        rationales=dict(
            cultivating_change_talk="Change talk is evoked and strengthened, ending in his plan.",
            softening_sustain_talk="The tried-and-failed list is reflected, not explored.",
            partnership="Collaborative, though the worker brings the chart idea.",
            empathy="Accurate reflections of his feelings about the tears at bedtime.",
        ),
        lag_s=1.3, miss=[(7, "AF"), (25, "SR")], recode={(27, "CR"): "SR"},
        notes=[((13, "start", 0.0), "Hands the decision to the father.", [])],
        listened=[[0.0, None]],
    ),
})


def events_of(vid: str, c: dict, spans: list, duration: float) -> list[tuple[str, float]]:
    """The counts a coder logged: each code of each worker turn, `lag_s` after it starts (and
    1.2 s between two codes of one turn), less the ones missed or recoded."""
    out = []
    for n, (_, _, codes) in enumerate(read_script_codes(vid), 1):
        for k, code in enumerate(codes):
            if (n, code) in c["miss"]:
                continue
            code = c["recode"].get((n, code), code)
            t = round(min(spans[n - 1][0] + c["lag_s"] + 1.2 * k, duration), 1)
            out.append((CODES[code], t))
    return sorted(out, key=lambda e: e[1])


def at(spans: list[tuple[float, float]], ref: tuple, duration: float) -> float:
    turn, where, off = ref
    a, b = spans[-1] if turn is None else spans[turn - 1]
    x = (a if where == "start" else b) + off
    return round(min(max(x, 0.0), duration), 1)


def coding_toml(vid: str, coder: str, c: dict, cb: dict, audio_sha: str, duration: float,
                spans: list) -> str:
    created = f"{c['day']}T{c['start']}Z"
    updated = f"{c['day']}T{c['end']}Z"
    out = [
        "schema = 1",
        f"recording = {toml_str(vid)}",
        f"coder = {toml_str(coder)}",
        f"audio_sha256 = {toml_str(audio_sha)}",
        'status = "submitted"',
        f"created_at = {toml_str(created)}",
        f"updated_at = {toml_str(updated)}",
        f"submitted_at = {toml_str(updated)}",
    ]
    listened = []
    for a, b in c["listened"]:
        listened.append([a, round(duration, 1) if b is None else b])
    out.append(f"resume_s = {toml_float(listened[-1][1])}")
    out.append("listened = [" + ", ".join(
        f"[{toml_float(a)}, {toml_float(b)}]" for a, b in listened) + "]")
    out += ["", "[codebook]", f"id = {toml_str(cb['id'])}", f"version = {toml_str(cb['version'])}",
            f"sha256 = {toml_str(cb['sha256'])}", "", "[scores]"]
    for d in cb["domains"]:
        if d in c.get("scores", {}):
            out.append(f"{d} = {c['scores'][d]}")
    out += ["", "[rationales]"]
    for d in cb["domains"]:
        if d in c.get("rationales", {}):
            out.append(f"{d} = {toml_str(c['rationales'][d])}")
    if "checklist" in c:
        out += ["", "[checklist]"]
        out += [f"{k} = {'true' if v else 'false'}" for k, v in sorted(c["checklist"].items())]
    for (s_ref, e_ref, note) in c.get("segments", []):
        out += ["", "[[segment]]", 'kind = "behaviour-change"',
                f"start_s = {toml_float(at(spans, s_ref, duration))}",
                f"end_s = {toml_float(at(spans, e_ref, duration))}"]
        if note:
            out.append(f"note = {toml_str(note)}")
    for (ref, text, doms) in c["notes"]:
        out += ["", "[[note]]", f"at_s = {toml_float(at(spans, ref, duration))}",
                f"text = {toml_str(text)}"]
        if doms:
            out.append("domains = [" + ", ".join(toml_str(d) for d in doms) + "]")
    if "lag_s" in c:
        for code, t in events_of(vid, c, spans, duration):
            out += ["", "[[event]]", f"code = {toml_str(code)}", f"at_s = {toml_float(t)}"]
    return "\n".join(out) + "\n"


class Journal:
    def __init__(self, actor: str):
        self.actor = actor
        self.lines: list[str] = []

    def add(self, at_: str, event: str, path: str | None = None, sha: str | None = None):
        prev = (hashlib.sha256(self.lines[-1].encode("utf-8")).hexdigest()
                if self.lines else "0" * 64)
        entry = {"seq": len(self.lines) + 1, "at": at_, "actor": self.actor, "event": event}
        if path is not None:
            entry["path"] = path
        if sha is not None:
            entry["sha256"] = sha
        entry["prev"] = prev
        self.lines.append(json.dumps(entry, separators=(",", ":"), ensure_ascii=False))

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)


def load_codebook() -> dict:
    path = (STUDY / CODEBOOK_REL).resolve()
    if not path.exists():
        print(f"warning: {path} not found: codings get a placeholder codebook reference; "
              "rerun `make.sh study` once the codebook exists", file=sys.stderr)
        return dict(id="cascade-handbook", version="1.0", sha256="0" * 64, domains=DOMAINS)
    data = path.read_bytes()
    cb = tomllib.loads(data.decode("utf-8"))
    keys = [d["key"] for d in cb.get("domain", [])]
    if sorted(keys) != sorted(DOMAINS):
        sys.exit(f"{path}: domain keys {keys} differ from the ones this script codes "
                 f"{DOMAINS}: update DOMAINS and the codings in {Path(__file__).name}")
    return dict(id=cb["id"], version=str(cb["version"]), sha256=hashlib.sha256(data).hexdigest(),
                domains=keys)


def load_instrument(rel: str) -> dict:
    """A schema-2 instrument's id, version, sha256, scale keys and checklist keys."""
    path = (STUDY / rel).resolve()
    data = path.read_bytes()
    cb = tomllib.loads(data.decode("utf-8"))
    return dict(id=cb["id"], version=str(cb["version"]), sha256=hashlib.sha256(data).hexdigest(),
                domains=[d["key"] for d in cb.get("scale", [])],
                checklist=[d["key"] for d in cb.get("checklist", [])],
                counts=[d["key"] for d in cb.get("count", [])])


def build_study() -> None:
    global DOMAINS
    cb = load_codebook()
    DOMAINS = cb["domains"]
    books = {iid: load_instrument(rel) for iid, rel in INSTRUMENT_FILES.items()}
    for iid, b in books.items():
        if b["id"] != iid:
            sys.exit(f"{INSTRUMENT_FILES[iid]} is instrument {b['id']}, not {iid}")
    for (vid, coder), c in CODINGS.items():
        book = books[INSTRUMENT[vid]] if vid in INSTRUMENT else cb
        for d in c.get("scores", {}):
            if d not in book["domains"]:
                sys.exit(f"coding {vid}/{coder}: unknown domain {d}")
        if "checklist" in c and sorted(c["checklist"]) != sorted(book["checklist"]):
            sys.exit(f"coding {vid}/{coder}: the checklist answers differ from {book['id']}'s items")

    # study.toml's schema is the folder layout's version (2: one folder per coder); every other
    # file keeps its own format's schema = 1.
    write("study.toml", "\n".join([
        "schema = 2",
        'name = "Sample study"',
        f"codebook = {toml_str(CODEBOOK_REL)}",
        "instruments = [" + ", ".join(toml_str(r) for r in INSTRUMENT_FILES.values()) + "]",
        "",
        "[double_coding]",
        "fraction = 0.67",
        "seed = 1",
        "",
        "[reliability]",
        "tolerance = 1",
        "",
        "[final_scores]",
        'rule = "adjudicated"',
    ]) + "\n")

    def coders_text(coders: list) -> str:
        out = ["schema = 1"]
        for cid, name, role in coders:
            out += ["", "[[coder]]", f"id = {toml_str(cid)}", f"name = {toml_str(name)}",
                    f"role = {toml_str(role)}"]
        return "\n".join(out) + "\n"

    write("coders.toml", coders_text(CODERS))
    # coders.toml as it was after each `coders add`, for the supervisor's journal.
    coders_added = [hashlib.sha256(coders_text(CODERS[:i + 1]).encode("utf-8")).hexdigest()
                    for i in range(len(CODERS))]

    recs = {}
    out = ["schema = 1"]
    for vid, cfg in VISITS.items():
        rel = f"audio/{vid}.{cfg['fmt']}"
        p = STUDY / rel
        if not p.exists():
            sys.exit(f"{p} missing: run `make.sh` (or build_study.py audio) first")
        recs[vid] = dict(file=rel, sha=sha256_file(p), dur=exact_duration(vid, p))
        out += ["", "[[recording]]", f"id = {toml_str(vid)}", f"file = {toml_str(rel)}",
                f"sha256 = {toml_str(recs[vid]['sha'])}",
                f"duration_s = {toml_float(recs[vid]['dur'])}"]
        if vid in INSTRUMENT:
            out.append(f"instrument = {toml_str(INSTRUMENT[vid])}")
    recordings_sha = hashlib.sha256(write("recordings.toml", "\n".join(out) + "\n")).hexdigest()

    queues: dict[str, list[str]] = {cid: [] for cid, _, role in CODERS if role == "coder"}
    for vid, (coders, _) in ASSIGN.items():
        for cid in coders:
            queues[cid].append(vid)
    queues["demo"] = list(VISITS)
    # Remove stale generated files first so a rerun leaves exactly what is described here
    # (and nothing of the schema-1 layout: queues/, codings/, journal/).
    for sub in ("coders", "supervisor/journal", "queues", "codings", "journal"):
        if (STUDY / sub).exists():
            shutil.rmtree(STUDY / sub)

    for cid, ids in queues.items():
        write(f"coders/{cid}/queue.toml", "\n".join([
            "schema = 1", f"coder = {toml_str(cid)}",
            "recordings = [" + ", ".join(toml_str(i) for i in ids) + "]"]) + "\n")

    out = ["schema = 1"]
    for vid, (coders, double) in ASSIGN.items():
        out += ["", "[[recording]]", f"id = {toml_str(vid)}",
                "coders = [" + ", ".join(toml_str(c) for c in coders + ["demo"]) + "]",
                f"double_coded = {'true' if double else 'false'}"]
    assignments_sha = hashlib.sha256(
        write("supervisor/assignments.toml", "\n".join(out) + "\n")).hexdigest()

    out = ["schema = 1"]
    for vid, var in METADATA.items():
        out += ["", "[[recording]]", f"id = {toml_str(vid)}", "", "[recording.variables]"]
        out += [f"{k} = {toml_str(v)}" for k, v in sorted(var.items())]
    write("supervisor/metadata.toml", "\n".join(out) + "\n")

    sup = Journal("sup")
    # Each setup event names the file it saved and that file's sha256 at the time, as the study
    # module journals them.
    for i, sha in enumerate(coders_added):
        sup.add(f"2026-03-02T09:0{i + 1}:00Z", "coder_added", "coders.toml", sha)
    sup.add("2026-03-02T09:20:00Z", "import", "recordings.toml", recordings_sha)
    sup.add("2026-03-02T09:25:00Z", "assign", "supervisor/assignments.toml", assignments_sha)
    write("supervisor/journal/sup.jsonl", sup.text())

    journals: dict[str, Journal] = {}
    for (vid, coder), c in sorted(CODINGS.items(), key=lambda kv: (kv[1]["day"], kv[1]["end"])):
        spans = read_transcript(vid)
        if not spans:
            sys.exit(f"transcripts/{vid}.txt has no turns: run `make.sh` first")
        book = books[INSTRUMENT[vid]] if vid in INSTRUMENT else cb
        text = coding_toml(vid, coder, c, book, recs[vid]["sha"], recs[vid]["dur"], spans)
        rel = f"coders/{coder}/codings/{vid}.toml"
        data = write(rel, text)
        j = journals.setdefault(coder, Journal(coder))
        j.add(f"{c['day']}T{c['end']}Z", "submit", rel, hashlib.sha256(data).hexdigest())
    for coder, j in sorted(journals.items()):
        write(f"coders/{coder}/journal.jsonl", j.text())
    print("study files written")


def main() -> None:
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    os.environ.setdefault("LC_ALL", "C.UTF-8")
    if what in ("audio", "all"):
        build_audio(sys.argv[2:] if what == "audio" else [])
    if what in ("study", "all"):
        build_study()
    if what not in ("audio", "study", "all"):
        sys.exit("usage: build_study.py [audio|study|all]")


if __name__ == "__main__":
    main()
