//! Sizes that a file's header announces, checked before symphonia reads it. symphonia allocates a
//! buffer of the announced size before reading into it (a FLAC or Vorbis comment, a FLAC picture,
//! an ID3v2 frame, a WAV chunk), so one damaged length can ask for gigabytes and abort the
//! process. Here every such length must fit inside what holds it (the block, the packet, the
//! file), and a WAV's format fields must be usable (a sample rate of 0 made symphonia panic).
//! MP4 sample tables are checked in [`super::mp4edit::check_tables`].
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The most a header check reads into memory (a packet or block holding comments or a picture).
const MAX_HEADER_READ: u64 = 64 * 1024 * 1024;

/// Checks the header of `path` (its container sniffed from the first bytes). `Err` says what is
/// damaged, for a one-line message.
pub fn check(path: &Path) -> Result<(), String> {
    let Ok(mut f) = File::open(path) else { return Ok(()) };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = [0u8; 12];
    let n = f.read(&mut head).unwrap_or(0);
    let head = head.get(..n).unwrap_or_default();
    let mut start = 0;
    if head.starts_with(b"ID3") {
        start = check_id3v2(&mut f, len)?;
    }
    if head.starts_with(b"RIFF") {
        check_wav(&mut f, len)
    } else if head.starts_with(b"fLaC") {
        check_flac(&mut f, 4, len)
    } else if head.starts_with(b"OggS") {
        check_ogg(&mut f, len)
    } else if start > 0 {
        // FLAC may follow an ID3v2 tag too.
        let mut magic = [0u8; 4];
        if f.seek(SeekFrom::Start(start)).is_ok()
            && f.read_exact(&mut magic).is_ok()
            && &magic == b"fLaC"
        {
            return check_flac(&mut f, start + 4, len);
        }
        Ok(())
    } else {
        Ok(())
    }
}

fn read_at(f: &mut File, at: u64, len: u64) -> Result<Vec<u8>, String> {
    if len > MAX_HEADER_READ {
        return Err(format!("a header block of {len} bytes at byte {at} (damaged)"));
    }
    let mut buf = vec![0u8; len as usize];
    f.seek(SeekFrom::Start(at))
        .and_then(|_| f.read_exact(&mut buf))
        .map_err(|_| format!("the header is cut short at byte {at}"))?;
    Ok(buf)
}

fn le32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// Where the audio starts in a file whose first ten bytes are `head`: after the ID3v2 tag (its
/// ten-byte header, its syncsafe size, a footer if flagged), or 0 without one.
pub(crate) fn id3v2_end(head: &[u8]) -> u64 {
    if !head.starts_with(b"ID3") {
        return 0;
    }
    let size = syncsafe(head.get(6..10).unwrap_or_default());
    let footer = if head.get(5).is_some_and(|f| f & 0x10 != 0) { 10 } else { 0 };
    10 + size + footer
}

/// A syncsafe integer (seven bits a byte, as ID3v2 writes sizes).
fn syncsafe(d: &[u8]) -> u64 {
    d.iter().fold(0u64, |acc, b| (acc << 7) | u64::from(b & 0x7f))
}

/// ID3v2 (before MP3 or FLAC audio): every frame within the tag. Returns where the tag ends.
fn check_id3v2(f: &mut File, len: u64) -> Result<u64, String> {
    let head = read_at(f, 0, 10)?;
    let size = syncsafe(head.get(6..10).unwrap_or_default());
    let end = id3v2_end(&head);
    let version = head.get(3).copied().unwrap_or(0);
    if version < 3 || size > len {
        // v2.2 frames have 24-bit sizes (at most 16 MB); a tag larger than the file is skipped by
        // the reader's own bound.
        return Ok(end.min(len));
    }
    let tag = read_at(f, 10, size.min(len.saturating_sub(10)))?;
    let mut at = 0usize;
    while let Some(frame) = tag.get(at..at + 10) {
        if frame.first() == Some(&0) {
            break;
        }
        let raw = frame.get(4..8).unwrap_or_default();
        let n = if version == 4 { syncsafe(raw) } else { u64::from(be32(frame, 4).unwrap_or(0)) };
        let room = (tag.len() - at - 10) as u64;
        if n > room {
            return Err(format!(
                "the ID3v2 tag has a frame of {n} bytes but only {room} bytes are left in the tag"
            ));
        }
        at += 10 + n as usize;
    }
    Ok(end)
}

/// WAV: a usable `fmt ` chunk, and every chunk but `data` inside the file.
fn check_wav(f: &mut File, len: u64) -> Result<(), String> {
    let mut at = 12u64;
    for _ in 0..256 {
        if at + 8 > len {
            break;
        }
        let ch = read_at(f, at, 8)?;
        let size = u64::from(le32(&ch, 4).unwrap_or(0));
        let id = ch.get(..4).unwrap_or_default();
        if id == b"data" {
            break;
        }
        if size > len - at - 8 {
            let name = String::from_utf8_lossy(id).escape_debug().to_string();
            return Err(format!(
                "the WAV chunk `{name}` at byte {at} announces {size} bytes but the file has only {} after it",
                len - at - 8
            ));
        }
        if id == b"fmt " {
            check_wav_fmt(&read_at(f, at + 8, size)?)?;
        }
        at += 8 + size + (size & 1);
    }
    Ok(())
}

fn check_wav_fmt(fmt: &[u8]) -> Result<(), String> {
    let u16_at = |i: usize| fmt.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let (Some(channels), Some(rate), Some(align), Some(bits)) =
        (u16_at(2), le32(fmt, 4), u16_at(12), u16_at(14))
    else {
        return Err("the WAV format chunk is too short".into());
    };
    if rate == 0 || rate > 384_000 {
        return Err(format!("the WAV header gives a sample rate of {rate} Hz"));
    }
    if channels == 0 || channels > 32 {
        return Err(format!("the WAV header gives {channels} channels"));
    }
    if align == 0 {
        return Err("the WAV header gives a block size of 0 bytes".into());
    }
    if bits == 0 || bits > 64 {
        return Err(format!("the WAV header gives {bits} bits per sample"));
    }
    Ok(())
}

/// FLAC metadata blocks from byte `at`: each inside the file; a comment's or a picture's inner
/// lengths inside its block.
fn check_flac(f: &mut File, mut at: u64, len: u64) -> Result<(), String> {
    for _ in 0..1024 {
        let head = read_at(f, at, 4)?;
        let kind = head.first().copied().unwrap_or(0);
        let size = u64::from(be32(&head, 0).unwrap_or(0) & 0x00ff_ffff);
        let room = len.saturating_sub(at + 4);
        if size > room {
            return Err(format!(
                "a FLAC metadata block at byte {at} announces {size} bytes but the file has only {room} after it"
            ));
        }
        match kind & 0x7f {
            4 => check_comments(&read_at(f, at + 4, size)?, 0, "FLAC comment block")?,
            6 => check_picture(&read_at(f, at + 4, size)?)?,
            _ => {}
        }
        if kind & 0x80 != 0 {
            return Ok(());
        }
        at += 4 + size;
    }
    Ok(())
}

/// A Vorbis comment list (vendor, count, comments; little-endian lengths) from byte `at` of `d`.
fn check_comments(d: &[u8], at: usize, what: &str) -> Result<(), String> {
    let bad = |n: u64, room: usize| {
        Err(format!("the {what} announces a string of {n} bytes in {room} bytes (damaged)"))
    };
    let vendor = u64::from(le32(d, at).unwrap_or(0));
    let mut p = at + 4;
    if vendor > d.len().saturating_sub(p) as u64 {
        return bad(vendor, d.len().saturating_sub(p));
    }
    p += vendor as usize;
    let count = le32(d, p).unwrap_or(0);
    p += 4;
    for _ in 0..count {
        let Some(n) = le32(d, p).map(u64::from) else {
            return Err(format!("the {what} lists more comments than it holds (damaged)"));
        };
        p += 4;
        if n > d.len().saturating_sub(p) as u64 {
            return bad(n, d.len().saturating_sub(p));
        }
        p += n as usize;
    }
    Ok(())
}

/// A FLAC picture block: type, mime, description, four numbers, data (big-endian lengths).
fn check_picture(d: &[u8]) -> Result<(), String> {
    let mut p = 4usize;
    for (field, skip_after) in [("media type", 0usize), ("description", 16)] {
        let n = u64::from(be32(d, p).unwrap_or(0));
        p += 4;
        if n > d.len().saturating_sub(p) as u64 {
            return Err(format!("the FLAC picture's {field} announces {n} bytes (damaged)"));
        }
        p += n as usize + skip_after;
    }
    let data = u64::from(be32(d, p).unwrap_or(0));
    if data > d.len().saturating_sub(p + 4) as u64 {
        return Err(format!("the FLAC picture announces {data} bytes of image (damaged)"));
    }
    Ok(())
}

/// Ogg: the first logical stream's first three packets (Vorbis identification, comments, setup),
/// assembled from the pages; the comment packet's lengths inside it.
fn check_ogg(f: &mut File, len: u64) -> Result<(), String> {
    let mut at = 0u64;
    let mut packets: Vec<Vec<u8>> = vec![Vec::new()];
    let mut serial = None;
    let mut total = 0u64;
    while packets.len() <= 3 && at + 27 <= len {
        let page = read_at(f, at, 27)?;
        if page.get(..4) != Some(b"OggS") {
            break;
        }
        let nseg = u64::from(page.get(26).copied().unwrap_or(0));
        let lacing = read_at(f, at + 27, nseg)?;
        let body_len: u64 = lacing.iter().map(|&b| u64::from(b)).sum();
        let this_serial = le32(&page, 14);
        if serial.is_none() {
            serial = this_serial;
        }
        if this_serial == serial {
            total += body_len;
            if total > MAX_HEADER_READ {
                return Err("the Ogg header packets are implausibly large (damaged)".into());
            }
            let body =
                read_at(f, at + 27 + nseg, body_len.min(len.saturating_sub(at + 27 + nseg)))?;
            let mut p = 0usize;
            for &l in &lacing {
                let end = (p + usize::from(l)).min(body.len());
                if let Some(last) = packets.last_mut() {
                    last.extend_from_slice(body.get(p..end).unwrap_or_default());
                }
                p = end;
                if l < 255 {
                    packets.push(Vec::new());
                }
            }
        }
        at += 27 + nseg + body_len;
    }
    if let Some(c) = packets.get(1)
        && c.starts_with(b"\x03vorbis")
    {
        check_comments(c, 7, "Ogg Vorbis comment header")?;
    }
    if let Some(id) = packets.first()
        && id.starts_with(b"\x01vorbis")
    {
        let rate = le32(id, 12).unwrap_or(0);
        let channels = id.get(11).copied().unwrap_or(0);
        if rate == 0 || channels == 0 {
            return Err(format!("the Vorbis header gives {channels} channels at {rate} Hz"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audio_starts_after_the_id3v2_tag_and_its_footer() {
        // Size 0x0101 syncsafe = 129 bytes.
        assert_eq!(id3v2_end(b"ID3\x04\x00\x00\x00\x00\x01\x01"), 10 + 129);
        assert_eq!(id3v2_end(b"ID3\x04\x00\x10\x00\x00\x01\x01"), 10 + 129 + 10);
        assert_eq!(id3v2_end(b"fLaC\x00\x00\x00\x22\x10\x00"), 0);
        assert_eq!(id3v2_end(b"ID"), 0);
    }

    fn file(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, bytes).unwrap();
        f
    }

    fn wav(rate: u32, extra: &[u8]) -> Vec<u8> {
        let mut v = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
        v.extend_from_slice(&16u32.to_le_bytes());
        v.extend_from_slice(&[1, 0, 1, 0]);
        v.extend_from_slice(&rate.to_le_bytes());
        v.extend_from_slice(&(rate * 2).to_le_bytes());
        v.extend_from_slice(&[2, 0, 16, 0]);
        v.extend_from_slice(extra);
        v.extend_from_slice(b"data");
        v.extend_from_slice(&4u32.to_le_bytes());
        v.extend_from_slice(&[0, 0, 0, 0]);
        v
    }

    #[test]
    fn wav_rate_zero_and_oversized_chunks_are_refused() {
        assert_eq!(check(file(&wav(8000, &[])).path()), Ok(()));
        let e = check(file(&wav(0, &[])).path()).unwrap_err();
        assert!(e.contains("sample rate of 0 Hz"), "{e}");
        let mut list = b"LIST".to_vec();
        list.extend_from_slice(&0xffff_fff0u32.to_le_bytes());
        let e = check(file(&wav(8000, &list)).path()).unwrap_err();
        assert!(e.contains("`LIST`") && e.contains("4294967280"), "{e}");
    }

    #[test]
    fn flac_comment_and_picture_lengths_must_fit_their_block() {
        let mut v = b"fLaC".to_vec();
        // A last-block comment of 12 bytes whose one comment claims 3 GB.
        v.extend_from_slice(&[0x84, 0, 0, 12]);
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&1u32.to_le_bytes());
        v.extend_from_slice(&3_300_000_000u32.to_le_bytes());
        let e = check(file(&v).path()).unwrap_err();
        assert!(e.contains("3300000000"), "{e}");
        let mut v = b"fLaC".to_vec();
        v.extend_from_slice(&[0x86, 0, 0, 8]);
        v.extend_from_slice(&[0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff]);
        assert!(check(file(&v).path()).unwrap_err().contains("picture"));
        // A block longer than the file.
        let mut v = b"fLaC".to_vec();
        v.extend_from_slice(&[0x00, 0xff, 0xff, 0xff]);
        assert!(check(file(&v).path()).unwrap_err().contains("metadata block"));
    }

    #[test]
    fn id3_frame_larger_than_its_tag_is_refused() {
        let mut v = b"ID3\x03\0\0\0\0\0\x14".to_vec();
        v.extend_from_slice(b"TIT2");
        v.extend_from_slice(&0xffff_fff0u32.to_be_bytes());
        v.extend_from_slice(&[0, 0]);
        v.extend_from_slice(&[0u8; 10]);
        v.extend_from_slice(&[0xff, 0xfb, 0x90, 0x00]);
        assert!(check(file(&v).path()).unwrap_err().contains("ID3v2"));
    }
}
