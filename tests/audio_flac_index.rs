//! The FLAC frame index (`audio::flacindex`): its frames are exactly the packets symphonia's
//! demuxer reads (start, length, bytes), a damaged stream gets no index, and the overview,
//! which reads FLAC through the index, is the same for a file with a SEEKTABLE and without.
mod audio_support;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;
use tapecoder::audio::flacindex;
use tapecoder::audio::overview::{self, Peak};

/// (timestamp, duration, bytes) of every packet symphonia's FLAC demuxer reads.
fn demuxed(path: &Path) -> Vec<(u64, u64, Vec<u8>)> {
    let file = std::fs::File::open(path).unwrap();
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    hint.with_extension("flac");
    let mut format = symphonia::default::get_probe()
        .format(&hint, mss, &FormatOptions::default(), &MetadataOptions::default())
        .unwrap()
        .format;
    let mut out = Vec::new();
    while let Ok(p) = format.next_packet() {
        out.push((p.ts(), p.dur(), p.buf().to_vec()));
    }
    out
}

fn assert_index_is_the_demuxers(path: &Path) {
    let idx = flacindex::build(path).unwrap_or_else(|| panic!("{}: no index", path.display()));
    let packets = demuxed(path);
    let bytes = std::fs::read(path).unwrap();
    assert!(packets.len() > 10, "{}: {} packets", path.display(), packets.len());
    assert_eq!(idx.len(), packets.len(), "{}: frames", path.display());
    let mut end = None;
    for (i, (ts, dur, data)) in packets.iter().enumerate() {
        let (its, idur, off, len) = idx.frame(i).unwrap();
        assert_eq!((its, idur), (*ts, *dur), "{}: frame {i}'s time", path.display());
        assert_eq!(len as usize, data.len(), "{}: frame {i}'s length", path.display());
        assert_eq!(
            &bytes[off as usize..(off + len) as usize],
            &data[..],
            "{}: frame {i}'s bytes",
            path.display()
        );
        if let Some(e) = end {
            assert_eq!(off, e, "{}: frame {i} starts where the one before ends", path.display());
        }
        end = Some(off + len);
        assert_eq!(idx.frame_at(*ts), i);
        assert_eq!(idx.frame_at(ts + dur - 1), i);
    }
    assert_eq!(end, Some(bytes.len() as u64), "the last frame ends the file");
    let total: u64 = packets.iter().map(|p| p.1).sum();
    assert_eq!(idx.total(), total);
}

#[test]
fn flac_index_frames_are_the_demuxers_packets() {
    let dir = tempfile::tempdir().unwrap();
    // Mono 16 kHz steps (silence included: tiny constant frames), and 6-channel tone bursts.
    let steps = dir.path().join("steps.wav");
    audio_support::steps_wav(&steps, &[0.1, 0.8, 0.0, 0.0, 0.4, 0.9, 0.05, 0.6, 0.0, 0.3]);
    let bursts = dir.path().join("bursts.wav");
    audio_support::bursts_wav(&bursts, 12.0, 6);
    let cases: [(&Path, &str, &[&str]); 4] = [
        (&steps, "steps.flac", &["-c:a", "flac"]),
        (&bursts, "6ch.flac", &["-c:a", "flac"]),
        // A block size that is not a power of two's multiple of 576, coded in the header.
        (&bursts, "6ch-1000.flac", &["-c:a", "flac", "-frame_size", "1000"]),
        (
            &steps,
            "steps-24.flac",
            &["-c:a", "flac", "-sample_fmt", "s32", "-bits_per_raw_sample", "24"],
        ),
    ];
    for (src, name, args) in cases {
        let Some(f) = audio_support::ffmpeg(src, &dir.path().join(name), args) else { return };
        assert_index_is_the_demuxers(&f);
    }
    // sox writes through libFLAC (another encoder, and a SEEKTABLE).
    let sox = std::process::Command::new("sox").arg("--version").output();
    if sox.is_ok_and(|o| o.status.success()) {
        let f = dir.path().join("sox.flac");
        let st = std::process::Command::new("sox").arg(&steps).arg(&f).status().unwrap();
        assert!(st.success());
        assert_index_is_the_demuxers(&f);
    }
}

#[test]
fn a_flac_with_a_damaged_frame_header_gets_no_index_and_still_has_an_overview() {
    let dir = tempfile::tempdir().unwrap();
    let steps = dir.path().join("steps.wav");
    audio_support::steps_wav(&steps, &[0.5; 20]);
    let Some(f) = audio_support::ffmpeg(&steps, &dir.path().join("a.flac"), &["-c:a", "flac"])
    else {
        return;
    };
    let idx = flacindex::build(&f).unwrap();
    let (_, _, off, _) = idx.frame(idx.len() / 2).unwrap();
    let mut bytes = std::fs::read(&f).unwrap();
    // The header's CRC-8 no longer matches.
    bytes[off as usize + 4] ^= 0x01;
    let bad = dir.path().join("bad.flac");
    std::fs::write(&bad, &bytes).unwrap();
    assert!(flacindex::build(&bad).is_none(), "a frame that cannot be found means no index");
    let cancel = AtomicBool::new(false);
    let mut got = 0;
    let done = overview::compute(&bad, 20, &cancel, &mut |_, p| {
        got += p.len();
        true
    })
    .unwrap();
    assert!(done);
    assert_eq!(got, 20);
    // Not FLAC at all.
    assert!(flacindex::build(&steps).is_none());
}

/// `src` with a SEEKTABLE (a point every `every` samples) after its STREAMINFO block.
fn with_seektable(src: &Path, dst: &Path, every: u64) {
    let bytes = std::fs::read(src).unwrap();
    assert_eq!(&bytes[..4], b"fLaC");
    // The metadata blocks.
    let mut blocks = Vec::new();
    let mut pos = 4;
    loop {
        let h = bytes[pos];
        let len = u32::from_be_bytes([0, bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]]) as usize;
        blocks.push((h & 0x7f, bytes[pos + 4..pos + 4 + len].to_vec()));
        pos += 4 + len;
        if h & 0x80 != 0 {
            break;
        }
    }
    assert!(blocks.iter().all(|b| b.0 != 3), "ffmpeg wrote no SEEKTABLE");
    let first_frame = pos;
    // Seek points from the demuxer's packets: offsets from the first frame.
    let mut table = Vec::new();
    let (mut off, mut next) = (0u64, 0u64);
    for (ts, dur, data) in demuxed(src) {
        if ts >= next {
            table.extend_from_slice(&ts.to_be_bytes());
            table.extend_from_slice(&off.to_be_bytes());
            table.extend_from_slice(&(dur as u16).to_be_bytes());
            next = ts + every;
        }
        off += data.len() as u64;
    }
    blocks.insert(1, (3, table));
    let mut out = b"fLaC".to_vec();
    let n = blocks.len();
    for (i, (kind, body)) in blocks.into_iter().enumerate() {
        out.push(kind | if i + 1 == n { 0x80 } else { 0 });
        out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        out.extend_from_slice(&body);
    }
    out.extend_from_slice(&bytes[first_frame..]);
    std::fs::write(dst, out).unwrap();
}

fn sampled(path: &Path, buckets: usize) -> Vec<Peak> {
    let cancel = AtomicBool::new(false);
    let mut out = vec![Peak { min: 9.0, max: 9.0, rms: 9.0 }; buckets];
    let done = overview::compute(path, buckets, &cancel, &mut |first, peaks| {
        out[first..first + peaks.len()].copy_from_slice(peaks);
        true
    })
    .unwrap();
    assert!(done);
    out
}

#[test]
fn flac_with_and_without_a_seektable_give_the_same_overview() {
    let dir = tempfile::tempdir().unwrap();
    // Eleven minutes (longer than ten: the overview samples it) whose loudness moves each
    // second, 16 kHz mono.
    let levels: Vec<f64> = (0..660)
        .map(|s| if s % 97 < 5 { 0.0 } else { 0.05 + 0.9 * ((s * 37 % 101) as f64 / 101.0) })
        .collect();
    let wav = dir.path().join("long.wav");
    audio_support::steps_wav(&wav, &levels);
    let Some(plain) =
        audio_support::ffmpeg(&wav, &dir.path().join("plain.flac"), &["-c:a", "flac"])
    else {
        return;
    };
    let table = dir.path().join("table.flac");
    with_seektable(&plain, &table, 16_000 * 10);
    // Both read as the same audio (the seek table changes no frame).
    assert_eq!(demuxed(&plain).len(), demuxed(&table).len());
    let (a, b) = (flacindex::build(&plain).unwrap(), flacindex::build(&table).unwrap());
    assert_eq!(a.len(), b.len());
    assert_eq!(a.total(), b.total());
    let p = sampled(&plain, 300);
    let t = sampled(&table, 300);
    assert_eq!(p, t, "the same overview with a SEEKTABLE and without");
    // And it follows the loudness: a bucket is 2.2 s, so its peak is near the loudest of the
    // seconds it spans.
    for (i, pk) in p.iter().enumerate() {
        let (s0, s1) = (i * 660 / 300, ((i + 1) * 660).div_ceil(300));
        let loudest = levels[s0..s1.min(660)].iter().cloned().fold(0.0, f64::max) as f32;
        assert!(pk.max <= loudest + 0.01, "bucket {i}: {pk:?}, loudest {loudest}");
    }
}
