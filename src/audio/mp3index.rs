//! A seek index for MP3: (timestamp, byte offset) of every 32nd MPEG frame, from one scan of the
//! frame headers (no decoding). symphonia's MP3 reader can only seek by scanning headers forward
//! from where it is, so a backward seek in a 2-hour file rescans from the start; with the index
//! the decoder opens a reader at the nearest indexed frame before the target instead (O(1)).
//!
//! The scan counts frames the way symphonia's demuxer does (the Xing/Info frame is not audio; a
//! frame counts only if the next header agrees with it), so the timestamps match its packets.
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Every this many frames an entry is kept (~0.8 s at 44.1 kHz).
const EVERY: u64 = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mp3Index {
    /// (raw timestamp in frames, counting from the first audio frame; byte offset of its header).
    entries: Vec<(u64, u64)>,
    /// Raw frames in the stream (delay and padding included).
    pub total_raw: u64,
}

impl Mp3Index {
    /// The last entry at or before raw timestamp `ts`.
    pub fn before(&self, ts: u64) -> Option<(u64, u64)> {
        let i = self.entries.partition_point(|e| e.0 <= ts);
        i.checked_sub(1).and_then(|i| self.entries.get(i)).copied()
    }
}

const BR_V1_L3: [u32; 15] = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BR_V2_L3: [u32; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

/// A layer III header: (frame length in bytes with header, frames of audio, sample rate).
/// Symphonia-compatible "similar" check uses version, layer, rate and channel count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    len: u32,
    samples: u32,
    key: u32,
}

fn parse(h: u32) -> Option<Header> {
    if h & 0xffe0_0000 != 0xffe0_0000 {
        return None;
    }
    let version = (h >> 19) & 3; // 0: 2.5, 2: 2, 3: 1
    let layer = (h >> 17) & 3; // 1: layer III
    if version == 1 || layer != 1 {
        return None;
    }
    let br_idx = ((h >> 12) & 0xf) as usize;
    if br_idx == 0 || br_idx == 15 {
        return None;
    }
    let sr_idx = (h >> 10) & 3;
    let base = match sr_idx {
        0 => 44_100,
        1 => 48_000,
        2 => 32_000,
        _ => return None,
    };
    let rate = match version {
        3 => base,
        2 => base / 2,
        _ => base / 4,
    };
    let pad = (h >> 9) & 1;
    let (br, coef, samples) = if version == 3 {
        (*BR_V1_L3.get(br_idx)?, 144, 1152)
    } else {
        (*BR_V2_L3.get(br_idx)?, 72, 576)
    };
    let len = coef * br * 1000 / rate + pad;
    let mono = (h >> 6) & 3 == 3;
    // What must stay the same from frame to frame.
    let key = (version << 8) | (sr_idx << 4) | u32::from(mono);
    Some(Header { len, samples, key })
}

/// Scans `path` (an MP3) and builds its index. `None` if it does not look like layer III.
pub fn build(path: &Path) -> Option<Mp3Index> {
    let mut f = File::open(path).ok()?;
    let file_len = f.metadata().ok()?.len();
    // Skip an ID3v2 tag.
    let mut head = [0u8; 10];
    f.read_exact(&mut head).ok()?;
    let mut pos = super::headers::id3v2_end(&head);
    let mut reader = Window::new(f, file_len);
    let mut entries = Vec::new();
    let mut ts = 0u64;
    let mut count = 0u64;
    let mut first = true;
    while pos + 4 <= file_len {
        let Some(h) = reader.u32_at(pos) else { break };
        let Some(hd) = parse(h) else {
            pos += 1;
            continue;
        };
        // The next header must agree (or the file ends), as symphonia requires.
        let next = pos + u64::from(hd.len);
        let agrees = match reader.u32_at(next) {
            Some(n) => parse(n).is_some_and(|nh| nh.key == hd.key),
            None => next <= file_len,
        };
        if !agrees {
            pos += 1;
            continue;
        }
        if first {
            first = false;
            // The Xing/Info/VBRI frame holds no audio.
            let body = reader.bytes_at(pos, (hd.len as usize).min(200));
            if body.windows(4).any(|w| w == b"Xing" || w == b"Info" || w == b"VBRI") {
                pos = next;
                continue;
            }
        }
        if count.is_multiple_of(EVERY) {
            entries.push((ts, pos));
        }
        count += 1;
        ts += u64::from(hd.samples);
        pos = next;
    }
    if entries.is_empty() {
        return None;
    }
    Some(Mp3Index { entries, total_raw: ts })
}

/// Buffered random reads over a file (1 MiB window).
struct Window {
    f: File,
    len: u64,
    start: u64,
    buf: Vec<u8>,
}

impl Window {
    fn new(f: File, len: u64) -> Self {
        Window { f, len, start: 0, buf: Vec::new() }
    }

    fn fill(&mut self, at: u64, need: usize) -> bool {
        let end = self.start + self.buf.len() as u64;
        if at >= self.start && at + need as u64 <= end {
            return true;
        }
        if at + need as u64 > self.len {
            return false;
        }
        let want = (1usize << 20).max(need).min((self.len - at) as usize);
        self.buf.resize(want, 0);
        if self.f.seek(SeekFrom::Start(at)).is_err() || self.f.read_exact(&mut self.buf).is_err() {
            self.buf.clear();
            return false;
        }
        self.start = at;
        true
    }

    fn u32_at(&mut self, at: u64) -> Option<u32> {
        if !self.fill(at, 4) {
            return None;
        }
        let i = (at - self.start) as usize;
        let b = self.buf.get(i..i + 4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn bytes_at(&mut self, at: u64, n: usize) -> Vec<u8> {
        let n = n.min(self.len.saturating_sub(at) as usize);
        if !self.fill(at, n) {
            return Vec::new();
        }
        let i = (at - self.start) as usize;
        self.buf.get(i..i + n).map(<[u8]>::to_vec).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_layer3_headers() {
        // MPEG1 layer III, 128 kbit/s, 44.1 kHz, no padding: 417 bytes.
        let h = parse(0xfffb_9000).unwrap();
        assert_eq!((h.len, h.samples), (417, 1152));
        // Padding adds a byte.
        assert_eq!(parse(0xfffb_9200).unwrap().len, 418);
        // MPEG2 layer III 16 kHz 32 kbit/s: 72 * 32000 / 16000 = 144.
        let h = parse(0xfff3_4800).unwrap();
        assert_eq!((h.len, h.samples), (144, 576));
        assert!(parse(0xfffd_9000).is_none(), "layer II is not indexed");
        assert!(parse(0x1234_5678).is_none());
    }

    #[test]
    fn before_finds_the_entry() {
        let idx = Mp3Index { entries: vec![(0, 10), (100, 500), (200, 900)], total_raw: 300 };
        assert_eq!(idx.before(0), Some((0, 10)));
        assert_eq!(idx.before(150), Some((100, 500)));
        assert_eq!(idx.before(999), Some((200, 900)));
    }
}
