//! The edit list of an MP4/M4A file's first audio track, which symphonia 0.5 ignores: AAC
//! encoders put 1024–2112 priming frames before the audio and say so in `moov/trak/edts/elst`
//! (or, from iTunes, in an `iTunSMPB` comment). The decoder trims what this module finds, so
//! probe, playback, overview, seeks and clips share the presented timeline.
//!
//! A small box walker over bytes read from the file: every size is bounds-checked, a box can only
//! move the walk forward, and anything odd means "no edit" rather than an error.
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The `moov` box is read into memory; larger than this (a ~100-hour file) and it is ignored.
const MAX_MOOV: u64 = 64 << 20;
/// Top-level boxes walked before giving up.
const MAX_TOP_BOXES: usize = 4096;
/// An edit starting later than this many frames into the track (27 hours at 44.1 kHz) is
/// hostile, not priming: it is ignored.
const MAX_SKIP: u64 = u32::MAX as u64;

/// What to present of the decoded track, in frames at the track's sample rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edit {
    /// Frames at the start to drop (encoder priming).
    pub skip: u64,
    /// Frames to present after the skipped ones, when the file says.
    pub length: Option<u64>,
    /// How precise `length` is, in frames: one tick of the movie timescale (ffmpeg writes
    /// milliseconds), so a length within this of the sample tables' is theirs, rounded.
    pub tick: u64,
}

impl Edit {
    /// The frames to present of a track whose sample tables hold `table_frames` (priming
    /// included): the edit's length, or the tables' own where the edit's is that one rounded to
    /// the movie timescale.
    pub fn presented(&self, table_frames: Option<u64>) -> Option<u64> {
        let Some(table) = table_frames.map(|n| n.saturating_sub(self.skip)) else {
            return self.length;
        };
        Some(match self.length {
            Some(l) if l.abs_diff(table) <= self.tick => table,
            Some(l) => l.min(table),
            None => table,
        })
    }
}

/// The first audio track's edit of the MP4 file at `path`, converted to frames at `sample_rate`;
/// `None` when there is none (or the file is not an MP4 this walker can read).
pub fn read_edit(path: &Path, sample_rate: u32) -> Option<Edit> {
    let moov = read_moov(path)?;
    edit_from_moov(&moov, sample_rate)
}

/// Checks the boxes symphonia's MP4 reader would trust: symphonia 0.5 allocates every sample
/// table (`stts`, `stsc`, `stsz`, `stco`, `co64`) at its announced entry count before reading
/// it, and a box's body at its announced size, so a damaged count or size aborts the process
/// (an allocation of many gigabytes). Here every box inside `moov` must fit its parent and every
/// table its box; `Err` says what is damaged. A file without a readable `moov` passes (symphonia
/// refuses it with an error of its own).
pub fn check_tables(path: &Path) -> Result<(), String> {
    match read_moov(path) {
        Some(moov) => check_container(&moov, 0, false),
        None => match moov_overruns(path) {
            Some(msg) => Err(msg),
            None => Ok(()),
        },
    }
}

/// Whether the top-level `moov` box announces more bytes than the file holds.
fn moov_overruns(path: &Path) -> Option<String> {
    let (at, size, _, file_len) = find_moov(path)?;
    (at.saturating_add(size) > file_len).then(|| {
        format!(
            "its moov box announces {size} bytes but the file ends {} bytes after it",
            file_len - at
        )
    })
}

/// Containers walked by [`check_tables`].
const CONTAINERS: [&[u8; 4]; 9] =
    [b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"mvex", b"udta"];

/// `items`: every child is itself a container (the items of an `ilst`).
fn check_container(data: &[u8], depth: u32, items: bool) -> Result<(), String> {
    if depth > 12 {
        return Err("its boxes are nested too deeply".into());
    }
    let mut rest = data;
    while rest.len() >= 8 {
        let size32 = be_u32(rest, 0).unwrap_or(0);
        let kind: [u8; 4] = rest.get(4..8).and_then(|k| k.try_into().ok()).unwrap_or([0; 4]);
        let name = String::from_utf8_lossy(&kind).into_owned();
        let (size, header) = match size32 {
            0 => (rest.len(), 8usize),
            1 => match be_u64(rest, 8).map(usize::try_from) {
                Some(Ok(big)) => (big, 16usize),
                _ => return Err(format!("its '{name}' box is cut short")),
            },
            n => (n as usize, 8usize),
        };
        if size < header || size > rest.len() {
            return Err(format!(
                "its '{name}' box announces {size} bytes where {} remain",
                rest.len()
            ));
        }
        let body = rest.get(header..size).unwrap_or(&[]);
        if items || CONTAINERS.iter().any(|c| **c == kind) {
            check_container(body, depth + 1, false)?;
        } else if &kind == b"meta" {
            // A full box in MP4 (4 bytes of version and flags), a plain one in QuickTime.
            let off = if body.get(4..8) == Some(b"hdlr") { 0 } else { 4 };
            check_container(body.get(off..).unwrap_or(&[]), depth + 1, false)?;
        } else if &kind == b"ilst" {
            check_container(body, depth + 1, true)?;
        }
        // Entry count offset and width of each sample table symphonia allocates for.
        let table = match &kind {
            b"stts" | b"co64" => Some((4usize, 8u64)),
            b"stsc" => Some((4, 12)),
            b"stco" => Some((4, 4)),
            b"stsz" if be_u32(body, 4) == Some(0) => Some((8, 4)),
            _ => None,
        };
        if let Some((at, width)) = table {
            let count = be_u32(body, at).ok_or_else(|| format!("its '{name}' box is cut short"))?;
            let need = (at as u64 + 4).saturating_add(u64::from(count).saturating_mul(width));
            if need > body.len() as u64 {
                return Err(format!(
                    "its '{name}' table announces {count} entries but holds {} bytes",
                    body.len()
                ));
            }
        }
        rest = rest.get(size..).unwrap_or(&[]);
    }
    Ok(())
}

/// Where the top-level `moov` box starts, its announced size and header size, and the
/// file's length.
fn find_moov(path: &Path) -> Option<(u64, u64, u64, u64)> {
    let mut f = std::fs::File::open(path).ok()?;
    let file_len = f.metadata().ok()?.len();
    let mut at = 0u64;
    for _ in 0..MAX_TOP_BOXES {
        if at.checked_add(8)? > file_len {
            return None;
        }
        f.seek(SeekFrom::Start(at)).ok()?;
        let mut head = [0u8; 16];
        f.read_exact(&mut head[..8]).ok()?;
        let size32 = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let kind = [head[4], head[5], head[6], head[7]];
        let (size, header) = match size32 {
            0 => (file_len - at, 8u64),
            1 => {
                f.read_exact(&mut head[8..16]).ok()?;
                (u64::from_be_bytes(head[8..16].try_into().ok()?), 16u64)
            }
            n => (u64::from(n), 8u64),
        };
        if size < header {
            return None;
        }
        if &kind == b"moov" {
            return Some((at, size, header, file_len));
        }
        at = at.checked_add(size)?;
    }
    None
}

/// The body of the top-level `moov` box.
fn read_moov(path: &Path) -> Option<Vec<u8>> {
    let (at, size, header, file_len) = find_moov(path)?;
    let body = size - header;
    if body > MAX_MOOV || at.checked_add(size)? > file_len {
        return None;
    }
    let mut f = std::fs::File::open(path).ok()?;
    f.seek(SeekFrom::Start(at + header)).ok()?;
    let mut buf = vec![0u8; usize::try_from(body).ok()?];
    f.read_exact(&mut buf).ok()?;
    Some(buf)
}

/// The child boxes of a box body: (type, body). Stops at the first malformed size.
fn boxes(mut data: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    std::iter::from_fn(move || {
        let size32 = u32::from_be_bytes(data.get(0..4)?.try_into().ok()?);
        let kind: [u8; 4] = data.get(4..8)?.try_into().ok()?;
        let (size, header) = match size32 {
            0 => (data.len(), 8usize),
            1 => {
                let big = u64::from_be_bytes(data.get(8..16)?.try_into().ok()?);
                (usize::try_from(big).ok()?, 16usize)
            }
            n => (usize::try_from(n).ok()?, 8usize),
        };
        if size < header {
            data = &[];
            return None;
        }
        let body = data.get(header..size)?;
        data = data.get(size..).unwrap_or(&[]);
        Some((kind, body))
    })
}

fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    boxes(data).find(|(k, _)| k == kind).map(|(_, b)| b)
}

fn be_u32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

fn be_u64(d: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(d.get(at..at.checked_add(8)?)?.try_into().ok()?))
}

/// The timescale of an `mvhd` or `mdhd` full box (same layout up to it).
fn timescale(fullbox: &[u8]) -> Option<u32> {
    let at = if *fullbox.first()? == 1 { 20 } else { 12 };
    be_u32(fullbox, at).filter(|&t| t > 0)
}

/// One edit list entry: (segment_duration in the movie timescale, media_time in the media
/// timescale, -1 for an empty edit).
fn elst_entries(elst: &[u8]) -> Option<Vec<(u64, i64)>> {
    let version = *elst.first()?;
    let count = be_u32(elst, 4)? as usize;
    let width = if version == 1 { 20 } else { 12 };
    let mut out = Vec::new();
    for i in 0..count.min(1024) {
        let at = 8usize.checked_add(i.checked_mul(width)?)?;
        let entry = if version == 1 {
            (be_u64(elst, at)?, be_u64(elst, at + 8)? as i64)
        } else {
            (u64::from(be_u32(elst, at)?), i64::from(be_u32(elst, at + 4)? as i32))
        };
        out.push(entry);
    }
    Some(out)
}

/// `value` (in `from` units per second) in `to` units per second, rounded to nearest.
fn rescale(value: u64, from: u32, to: u32) -> Option<u64> {
    let from = u128::from(from);
    if from == 0 {
        return None;
    }
    let v = (u128::from(value) * u128::from(to) + from / 2) / from;
    u64::try_from(v).ok()
}

fn is_audio(trak: &[u8]) -> bool {
    child(trak, b"mdia")
        .and_then(|m| child(m, b"hdlr"))
        .and_then(|h| h.get(8..12))
        .is_some_and(|t| t == b"soun")
}

/// [`read_edit`] on the bytes of a `moov` box body (exposed for property tests).
pub fn edit_from_moov(moov: &[u8], sample_rate: u32) -> Option<Edit> {
    let movie_ts = child(moov, b"mvhd").and_then(timescale);
    let trak = boxes(moov).filter(|(k, _)| k == b"trak").map(|(_, b)| b).find(|t| is_audio(t))?;
    let media_ts = child(trak, b"mdia").and_then(|m| child(m, b"mdhd")).and_then(timescale);
    let elst = child(trak, b"edts").and_then(|e| child(e, b"elst")).and_then(elst_entries);
    if let (Some(entries), Some(media_ts)) = (elst, media_ts) {
        // Empty edits (media_time -1) would insert silence before the track; they are ignored,
        // and only the first real edit is presented (as ffmpeg does with a warning).
        if let Some(&(dur, media_time)) = entries.iter().find(|(_, m)| *m >= 0) {
            let skip =
                rescale(media_time as u64, media_ts, sample_rate).filter(|&s| s <= MAX_SKIP)?;
            let length = match movie_ts {
                Some(ts) if dur > 0 => Some(rescale(dur, ts, sample_rate)?),
                _ => None,
            };
            let tick = movie_ts.map_or(0, |ts| u64::from(sample_rate.div_ceil(ts)));
            return Some(Edit { skip, length, tick });
        }
    }
    itunsmpb(moov)
}

/// The iTunes gapless comment: `" 00000000 DELAY PADDING COUNT ..."` in hex, in a `----` box
/// named `iTunSMPB` under `moov/udta/meta/ilst`; found by its name, then its `data` box.
fn itunsmpb(moov: &[u8]) -> Option<Edit> {
    let at = moov.windows(8).position(|w| w == b"iTunSMPB")?;
    let rest = moov.get(at + 8..)?;
    let data_at = rest.get(..rest.len().min(64))?.windows(4).position(|w| w == b"data")?;
    let data_start = at + 8 + data_at;
    // The data box's size is the 4 bytes before its type; its body has 8 bytes of type/locale.
    let size = be_u32(moov, data_start.checked_sub(4)?)? as usize;
    let text = moov.get(data_start + 12..(data_start - 4).checked_add(size)?)?;
    parse_itunsmpb(std::str::from_utf8(text).ok()?)
}

pub(crate) fn parse_itunsmpb(text: &str) -> Option<Edit> {
    let fields: Vec<u64> = text
        .split_whitespace()
        .take(4)
        .map(|f| u64::from_str_radix(f, 16))
        .collect::<Result<_, _>>()
        .ok()?;
    let (&delay, &count) = (fields.get(1)?, fields.get(3)?);
    if delay > MAX_SKIP {
        return None;
    }
    Some(Edit { skip: delay, length: (count > 0).then_some(count), tick: 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(body);
        v
    }

    fn fullbox_ts(version: u8, ts: u32) -> Vec<u8> {
        let mut v = vec![version, 0, 0, 0];
        v.extend(std::iter::repeat_n(0u8, if version == 1 { 16 } else { 8 }));
        v.extend_from_slice(&ts.to_be_bytes());
        v.extend_from_slice(&[0; 8]);
        v
    }

    fn moov(elst: Option<Vec<u8>>, handler: &[u8; 4], extra: &[u8]) -> Vec<u8> {
        let mut hdlr = vec![0u8; 8];
        hdlr.extend_from_slice(handler);
        hdlr.extend_from_slice(&[0; 12]);
        let mut mdia = bx(b"mdhd", &fullbox_ts(1, 44_100));
        mdia.extend(bx(b"hdlr", &hdlr));
        let mut trak = Vec::new();
        if let Some(e) = elst {
            trak.extend(bx(b"edts", &bx(b"elst", &e)));
        }
        trak.extend(bx(b"mdia", &mdia));
        let mut m = bx(b"mvhd", &fullbox_ts(0, 1000));
        m.extend(bx(b"trak", &trak));
        m.extend_from_slice(extra);
        m
    }

    #[test]
    fn version_0_and_1_edit_lists_are_read() {
        let mut e0 = vec![0, 0, 0, 0, 0, 0, 0, 1];
        e0.extend_from_slice(&3000u32.to_be_bytes());
        e0.extend_from_slice(&2112u32.to_be_bytes());
        e0.extend_from_slice(&[0, 1, 0, 0]);
        let m = moov(Some(e0), b"soun", &[]);
        assert_eq!(
            edit_from_moov(&m, 44_100),
            Some(Edit { skip: 2112, length: Some(132_300), tick: 45 })
        );
        // At another output rate the media time is rescaled.
        assert_eq!(edit_from_moov(&m, 22_050).map(|e| e.skip), Some(1056));
        let mut e1 = vec![1, 0, 0, 0, 0, 0, 0, 2];
        e1.extend_from_slice(&500u64.to_be_bytes());
        e1.extend_from_slice(&(-1i64).to_be_bytes());
        e1.extend_from_slice(&[0, 1, 0, 0]);
        e1.extend_from_slice(&2000u64.to_be_bytes());
        e1.extend_from_slice(&1024i64.to_be_bytes());
        e1.extend_from_slice(&[0, 1, 0, 0]);
        let m = moov(Some(e1), b"soun", &[]);
        assert_eq!(
            edit_from_moov(&m, 44_100),
            Some(Edit { skip: 1024, length: Some(88_200), tick: 45 })
        );
    }

    #[test]
    fn a_video_track_has_no_audio_edit() {
        let mut e0 = vec![0, 0, 0, 0, 0, 0, 0, 1];
        e0.extend_from_slice(&[0, 0, 0, 1, 0, 0, 4, 0, 0, 1, 0, 0]);
        assert_eq!(edit_from_moov(&moov(Some(e0), b"vide", &[]), 44_100), None);
    }

    #[test]
    fn itunsmpb_is_the_fallback() {
        let text = b" 00000000 00000840 000001CA 00000000000D0A96 00000000";
        let mut data = vec![0u8, 0, 0, 1, 0, 0, 0, 0];
        data.extend_from_slice(text);
        let mut name = vec![0u8; 4];
        name.extend_from_slice(b"iTunSMPB");
        let mut free = bx(b"name", &name);
        free.extend(bx(b"data", &data));
        let udta = bx(b"udta", &bx(b"----", &free));
        let m = moov(None, b"soun", &udta);
        assert_eq!(
            edit_from_moov(&m, 44_100),
            Some(Edit { skip: 0x840, length: Some(0xD0A96), tick: 0 })
        );
        assert_eq!(parse_itunsmpb("garbage"), None);
    }

    #[test]
    fn a_millisecond_length_defers_to_the_sample_tables() {
        let e = Edit { skip: 1024, length: Some(59_232), tick: 48 };
        // 1.2345 s at 48 kHz: the tables hold 59 256 frames after the priming.
        assert_eq!(e.presented(Some(60_280)), Some(59_256));
        // A real cut (an edit much shorter than the track) is kept.
        assert_eq!(e.presented(Some(100_000)), Some(59_232));
        // Never longer than the tables.
        assert_eq!(e.presented(Some(50_000)), Some(48_976));
        assert_eq!(e.presented(None), Some(59_232));
    }

    #[test]
    fn damaged_tables_and_overrunning_boxes_are_found() {
        let good = moov(None, b"soun", &[]);
        assert_eq!(check_container(&good, 0, false), Ok(()));
        // An stsc announcing 2^32-1 entries in 16 bytes (symphonia would allocate 48 GiB).
        let mut stsc = vec![0u8; 4];
        stsc.extend_from_slice(&u32::MAX.to_be_bytes());
        stsc.extend_from_slice(&[0; 12]);
        let bad = bx(b"trak", &bx(b"mdia", &bx(b"minf", &bx(b"stbl", &bx(b"stsc", &stsc)))));
        let err = check_container(&bad, 0, false).unwrap_err();
        assert!(err.contains("'stsc' table announces 4294967295 entries"), "{err}");
        // A child larger than its parent.
        let mut over = bx(b"trak", &bx(b"mdia", &[0; 8]));
        over[8..12].copy_from_slice(&1000u32.to_be_bytes());
        let err = check_container(&over, 0, false).unwrap_err();
        assert!(err.contains("'mdia' box announces 1000 bytes"), "{err}");
        // A variable-size stsz that fits, and one that does not.
        let mut stsz = vec![0u8; 8];
        stsz.extend_from_slice(&2u32.to_be_bytes());
        stsz.extend_from_slice(&[0; 8]);
        assert_eq!(check_container(&bx(b"stbl", &bx(b"stsz", &stsz)), 0, false), Ok(()));
        stsz[11] = 3;
        assert!(check_container(&bx(b"stbl", &bx(b"stsz", &stsz)), 0, false).is_err());
        // Inside udta/meta/ilst, an item's data box larger than the item.
        let mut data = bx(b"data", &[0; 12]);
        data[0..4].copy_from_slice(&u32::MAX.to_be_bytes());
        let meta = [&[0u8; 4][..], &bx(b"ilst", &bx(b"----", &data))].concat();
        let err = check_container(&bx(b"udta", &bx(b"meta", &meta)), 0, false).unwrap_err();
        assert!(err.contains("'data' box"), "{err}");
    }

    #[test]
    fn hostile_sizes_do_not_panic() {
        for size in [0u32, 1, 7, 8, 9, u32::MAX] {
            let mut d = size.to_be_bytes().to_vec();
            d.extend_from_slice(b"trak");
            d.extend_from_slice(&[0xff; 12]);
            let _ = boxes(&d).count();
            let _ = edit_from_moov(&d, 44_100);
        }
        let mut e = vec![1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
        e.extend_from_slice(&[0xff; 20]);
        assert!(elst_entries(&e).is_none());
        let m = moov(Some(e), b"soun", &[]);
        let _ = edit_from_moov(&m, 384_000);
    }
}
