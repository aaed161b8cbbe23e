//! Exact durations. The container header is trusted where it is exact and checked against the
//! file (WAV data size, FLAC STREAMINFO, MP3 Xing/Info frame count, MP4 sample tables, Ogg last
//! granule); where it is missing or an estimate (MP3 without Xing, a WAV whose data size is
//! wrong) a demux-only pass sums packet durations. Nothing is decoded except one packet, which
//! proves the codec really reads; a truncated file is refused.
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::decode::AudioDecoder;
use super::{AudioError, ProbeInfo};

fn unreadable(path: &Path, reason: impl Into<String>) -> AudioError {
    AudioError::Unreadable { path: path.display().to_string(), reason: reason.into() }
}

/// The fields of an MP3 Xing/Info (or VBRI) header that matter for duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VbrHeader {
    pub frames: Option<u32>,
    pub bytes: Option<u32>,
}

/// Looks for a Xing/Info/VBRI header in the first MPEG frame. Returns `None` for an MP3 whose
/// duration symphonia can only estimate from the bitrate.
pub(crate) fn mp3_vbr_header(path: &Path) -> Option<VbrHeader> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut head = [0u8; 10];
    f.read_exact(&mut head).ok()?;
    // Skip an ID3v2 tag.
    let start = super::headers::id3v2_end(&head);
    f.seek(SeekFrom::Start(start)).ok()?;
    let mut buf = vec![0u8; 4096];
    let n = f.read(&mut buf).ok()?;
    let buf = buf.get(..n)?;
    // The first frame sync.
    let sync = buf.windows(2).position(|w| w[0] == 0xff && w[1] & 0xe0 == 0xe0)?;
    let frame = buf.get(sync..)?;
    let window = frame.get(..frame.len().min(200))?;
    if let Some(i) = window.windows(4).position(|w| w == b"Xing" || w == b"Info") {
        let flags = u32::from_be_bytes(frame.get(i + 4..i + 8)?.try_into().ok()?);
        let mut at = i + 8;
        let mut read_u32 = |present: bool| -> Option<u32> {
            if !present {
                return None;
            }
            let v = u32::from_be_bytes(frame.get(at..at + 4)?.try_into().ok()?);
            at += 4;
            Some(v)
        };
        let frames = read_u32(flags & 1 != 0);
        let bytes = read_u32(flags & 2 != 0);
        return Some(VbrHeader { frames, bytes });
    }
    if let Some(i) = window.windows(4).position(|w| w == b"VBRI") {
        let bytes = u32::from_be_bytes(frame.get(i + 10..i + 14)?.try_into().ok()?);
        let frames = u32::from_be_bytes(frame.get(i + 14..i + 18)?.try_into().ok()?);
        return Some(VbrHeader { frames: Some(frames), bytes: Some(bytes) });
    }
    None
}

/// Sums packet durations without decoding: the exact length of a stream whose header cannot be
/// trusted.
pub(crate) fn demux_frames(path: &Path) -> Result<u64, AudioError> {
    let mut dec = AudioDecoder::open(path, 1)?;
    let mut end = 0u64;
    while let Some((ts, dur)) = dec.next_packet_span()? {
        end = end.max(ts + dur);
    }
    Ok(end)
}

/// Whether the header's frame count can be taken as exact, and if not, why.
fn header_trust(path: &Path, dec: &AudioDecoder, file_len: u64) -> Result<Option<u64>, AudioError> {
    let info = dec.info();
    let Some(frames) = info.header_frames else { return Ok(None) };
    match info.container.as_str() {
        "mpeg audio" => match mp3_vbr_header(path) {
            Some(VbrHeader { frames: Some(_), bytes }) => {
                if let Some(b) = bytes
                    && u64::from(b) > file_len + 1024
                {
                    return Err(unreadable(
                        path,
                        format!(
                            "the file is truncated: its header announces {b} bytes of audio but the file has {file_len}"
                        ),
                    ));
                }
                Ok(Some(frames))
            }
            _ => Ok(None),
        },
        "wav" => {
            // A streamed WAV (or one from a recorder that stopped before finishing the header)
            // has a placeholder data size: count what is there. A real size larger than the
            // file means the file was cut short: refuse it.
            let bytes_per_frame = wav_block_align(path).unwrap_or(0);
            if let Some((0 | u32::MAX, offset)) = wav_data_chunk(path) {
                if bytes_per_frame > 0 && info.codec.starts_with("pcm") {
                    return Ok(Some(file_len.saturating_sub(offset) / bytes_per_frame));
                }
                return Ok(None);
            }
            if bytes_per_frame > 0 && info.codec.starts_with("pcm") {
                let need = frames.saturating_mul(bytes_per_frame);
                if need > file_len {
                    return Err(unreadable(
                        path,
                        format!(
                            "the file is truncated: its header announces {need} bytes of audio but the file has {file_len}"
                        ),
                    ));
                }
            }
            Ok(Some(frames))
        }
        _ => Ok(Some(frames)),
    }
}

/// The size field of a WAV `data` chunk and where its audio starts (walking the RIFF chunks).
fn wav_data_chunk(path: &Path) -> Option<(u32, u64)> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut head = [0u8; 12];
    f.read_exact(&mut head).ok()?;
    for _ in 0..64 {
        let mut ch = [0u8; 8];
        f.read_exact(&mut ch).ok()?;
        let size = u32::from_le_bytes([ch[4], ch[5], ch[6], ch[7]]);
        if &ch[..4] == b"data" {
            return Some((size, f.stream_position().ok()?));
        }
        f.seek(SeekFrom::Current(i64::from(size) + i64::from(size & 1))).ok()?;
    }
    None
}

/// The block align of a WAV `fmt ` chunk.
fn wav_block_align(path: &Path) -> Option<u64> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut buf = vec![0u8; 4096];
    let n = f.read(&mut buf).ok()?;
    let buf = buf.get(..n)?;
    let i = buf.windows(4).position(|w| w == b"fmt ")?;
    let align = u16::from_le_bytes(buf.get(i + 20..i + 22)?.try_into().ok()?);
    Some(u64::from(align))
}

/// See [`super::probe`]. A panic inside the codec library (hostile input) becomes an error.
pub fn probe(path: &Path) -> Result<ProbeInfo, AudioError> {
    super::guard(path, || probe_inner(path))
}

fn probe_inner(path: &Path) -> Result<ProbeInfo, AudioError> {
    let file_len = std::fs::metadata(path)
        .map_err(|source| AudioError::Open { path: path.display().to_string(), source })?
        .len();
    let mut dec = AudioDecoder::open(path, 2)?;
    let info = dec.info().clone();
    let trusted = header_trust(path, &dec, file_len)?;
    // Decoding one packet proves the codec reads (a file of random bytes can look like MPEG).
    let mut scratch = Vec::new();
    let first = dec.read(&mut scratch)?;
    if first.is_none() {
        return Err(unreadable(path, "the file holds no decodable audio"));
    }
    let frames = match trusted {
        Some(f) => f,
        // An MP3 without a Xing header: counting frame headers is the demux pass, done by
        // our own scanner (several times faster than symphonia's packet reader).
        None if info.codec == "mp3" => match super::mp3index::build(path) {
            Some(idx) => idx.total_raw,
            None => demux_frames(path)?,
        },
        None => demux_frames(path)?,
    };
    if frames == 0 {
        return Err(unreadable(path, "the file holds no audio"));
    }
    let rate = info.sample_rate;
    Ok(ProbeInfo {
        codec: info.codec,
        container: info.container,
        sample_rate: rate,
        channels: info.source_channels,
        frames,
        duration_s: frames as f64 / f64::from(rate),
    })
}
