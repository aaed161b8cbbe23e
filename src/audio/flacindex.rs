//! A frame index for native FLAC: the sample position and byte offset of every frame, from one
//! scan of the frame headers (no decoding). symphonia 0.5 seeks a FLAC file by bisecting it
//! (a dozen frame resyncs a seek when the file has no SEEKTABLE, which is how ffmpeg writes
//! FLAC) and finds a frame's end only by reading and CRC-16-checking all of it; with the index,
//! [`AudioDecoder`](super::decode::AudioDecoder) reads a frame's bytes straight from its offset
//! and hands them to symphonia's FLAC decoder, and skips frames without reading them.
//!
//! The scan accepts a header only where symphonia's demuxer would: the sync code (`0xFFF8` or
//! `0xFFF9`), no reserved values, the header's CRC-8, the stream's sample rate, sample size and
//! channel count, a block size within the STREAMINFO bounds, and the frame (or sample) number
//! that follows the previous frame. Timestamps are the ones symphonia gives its packets. Any
//! frame that cannot be found that way (damage, a gap, a numbering the demuxer would read
//! differently) means no index: the decoder then reads the file through symphonia as before.
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// One frame: its first sample and the byte offset of its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlacFrame {
    pub ts: u64,
    pub offset: u64,
}

/// Every frame of a native FLAC stream, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlacIndex {
    /// The frames, followed by one end marker (the total sample count, and where the last frame
    /// ends: the end of the file).
    frames: Vec<FlacFrame>,
}

impl FlacIndex {
    /// Frames in the stream.
    pub fn len(&self) -> usize {
        self.frames.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Samples (per channel) in the stream.
    pub fn total(&self) -> u64 {
        self.frames.last().map_or(0, |f| f.ts)
    }

    /// Frame `i`: (first sample, samples, byte offset, bytes).
    pub fn frame(&self, i: usize) -> Option<(u64, u64, u64, u64)> {
        let (a, b) = (self.frames.get(i)?, self.frames.get(i + 1)?);
        Some((a.ts, b.ts - a.ts, a.offset, b.offset - a.offset))
    }

    /// The frame holding sample `ts` (the last frame for `ts` past the end).
    pub fn frame_at(&self, ts: u64) -> usize {
        let i = self.frames.partition_point(|f| f.ts <= ts);
        i.saturating_sub(1).min(self.len().saturating_sub(1))
    }
}

/// What the scan needs of STREAMINFO.
#[derive(Debug, Clone, Copy)]
struct Info {
    block_min: u32,
    block_max: u32,
    frame_min: u32,
    frame_max: u32,
    rate: u32,
    channels: u32,
    bps: u32,
}

/// CRC-8, polynomial x^8 + x^2 + x + 1 (0x07), initial value 0: the FLAC frame header's.
const CRC8: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u8;
        let mut k = 0;
        while k < 8 {
            c = if c & 0x80 != 0 { (c << 1) ^ 0x07 } else { c << 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

fn crc8(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |c, &b| CRC8[usize::from(c ^ b)])
}

/// A frame header at the start of `b` (at least 16 bytes, or the rest of the file): its
/// sequence number (frame or sample), block size and whether the number counts samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    number: u64,
    block: u32,
    by_sample: bool,
}

fn parse_header(b: &[u8], info: &Info) -> Option<Header> {
    if b.len() < 6 || b[0] != 0xff || b[1] & 0xfe != 0xf8 {
        return None;
    }
    let by_sample = b[1] & 1 == 1;
    let (bs_code, sr_code) = (b[2] >> 4, b[2] & 0x0f);
    let (ch_code, ss_code) = (b[3] >> 4, (b[3] >> 1) & 7);
    if bs_code == 0 || sr_code == 0x0f || ch_code >= 0x0b || b[3] & 1 != 0 {
        return None;
    }
    // The coded number: UTF-8 style, up to 7 bytes.
    let lead = b[4];
    let extra = match lead.leading_ones() {
        0 => 0usize,
        n @ 2..=7 => n as usize - 1,
        _ => return None,
    };
    let mut number = u64::from(lead & (0x7f >> extra));
    let mut i = 5;
    for _ in 0..extra {
        let c = *b.get(i)?;
        if c & 0xc0 != 0x80 {
            return None;
        }
        number = (number << 6) | u64::from(c & 0x3f);
        i += 1;
    }
    if (!by_sample && number > 0x7fff_ffff) || number > 0x000f_ffff_ffff {
        return None;
    }
    let block = match bs_code {
        1 => 192,
        2..=5 => 576 << (bs_code - 2),
        6 => {
            i += 1;
            u32::from(*b.get(i - 1)?) + 1
        }
        7 => {
            i += 2;
            let v = u16::from_be_bytes([*b.get(i - 2)?, *b.get(i - 1)?]);
            if v == 0xffff {
                return None;
            }
            u32::from(v) + 1
        }
        _ => 256 << (bs_code - 8),
    };
    let rate = match sr_code {
        0 => None,
        1 => Some(88_200),
        2 => Some(176_400),
        3 => Some(192_000),
        4 => Some(8_000),
        5 => Some(16_000),
        6 => Some(22_050),
        7 => Some(24_000),
        8 => Some(32_000),
        9 => Some(44_100),
        0xa => Some(48_000),
        0xb => Some(96_000),
        0xc => {
            i += 1;
            Some(u32::from(*b.get(i - 1)?) * 1000)
        }
        0xd | 0xe => {
            i += 2;
            let v = u32::from(u16::from_be_bytes([*b.get(i - 2)?, *b.get(i - 1)?]));
            Some(if sr_code == 0xe { v * 10 } else { v })
        }
        _ => return None,
    };
    let bps = match ss_code {
        0 => None,
        1 => Some(8),
        2 => Some(12),
        4 => Some(16),
        5 => Some(20),
        6 => Some(24),
        _ => return None,
    };
    let channels = match ch_code {
        0..=7 => u32::from(ch_code) + 1,
        _ => 2,
    };
    if crc8(b.get(..i)?) != *b.get(i)? {
        return None;
    }
    // The checks symphonia's demuxer makes before it takes a header as a frame's.
    if rate.is_some_and(|r| r != info.rate)
        || bps.is_some_and(|s| s != info.bps)
        || channels != info.channels
        || block > info.block_max
    {
        return None;
    }
    // symphonia numbers a stream with equal minimum and maximum block sizes by frame, any
    // other by sample.
    if by_sample == (info.block_min == info.block_max) {
        return None;
    }
    Some(Header { number, block, by_sample })
}

/// Reads the metadata blocks from the start of the file (after an ID3v2 tag, as symphonia
/// allows): STREAMINFO, and where the first frame starts.
fn read_metadata(f: &mut File) -> Option<(Info, u64)> {
    let mut head = [0u8; 10];
    f.read_exact(&mut head).ok()?;
    let mut pos = super::headers::id3v2_end(&head);
    let mut rd = Reader::new(f)?;
    if rd.bytes(pos, 4)? != b"fLaC" {
        return None;
    }
    pos += 4;
    let mut info = None;
    loop {
        let h = rd.bytes(pos, 4)?;
        let (last, kind) = (h[0] & 0x80 != 0, h[0] & 0x7f);
        let len = u64::from(u32::from_be_bytes([0, h[1], h[2], h[3]]));
        if kind == 0 && len >= 34 {
            let s = rd.bytes(pos + 4, 34)?;
            let be =
                |r: std::ops::Range<usize>| s[r].iter().fold(0u64, |a, &b| (a << 8) | u64::from(b));
            let packed = be(10..18);
            info = Some(Info {
                block_min: be(0..2) as u32,
                block_max: be(2..4) as u32,
                frame_min: be(4..7) as u32,
                frame_max: be(7..10) as u32,
                rate: (packed >> 44) as u32,
                channels: ((packed >> 41) & 7) as u32 + 1,
                bps: ((packed >> 36) & 0x1f) as u32 + 1,
            });
        }
        pos += 4 + len;
        if last {
            break;
        }
    }
    Some((info?, pos))
}

/// Sequential reads over a file in large blocks, with random access inside the current one.
struct Reader<'a> {
    f: &'a mut File,
    len: u64,
    start: u64,
    buf: Vec<u8>,
}

impl<'a> Reader<'a> {
    const BLOCK: usize = 4 << 20;

    fn new(f: &'a mut File) -> Option<Self> {
        let len = f.metadata().ok()?.len();
        Some(Reader { f, len, start: 0, buf: Vec::new() })
    }

    /// Makes bytes `at..at + need` (or to the end of the file) available.
    fn fill(&mut self, at: u64, need: usize) -> bool {
        use std::io::{Seek, SeekFrom};
        let end = self.start + self.buf.len() as u64;
        let want_end = (at + need as u64).min(self.len);
        if at >= self.start && want_end <= end {
            return true;
        }
        if at >= self.len {
            return false;
        }
        let n = Self::BLOCK.max(need).min((self.len - at) as usize);
        // Keep what overlaps instead of reading it again.
        if at >= self.start && at < end {
            self.buf.drain(..(at - self.start) as usize);
        } else {
            self.buf.clear();
            if self.f.seek(SeekFrom::Start(at)).is_err() {
                return false;
            }
        }
        self.start = at;
        let have = self.buf.len();
        self.buf.resize(n, 0);
        if self.f.read_exact(&mut self.buf[have..]).is_err() {
            self.buf.clear();
            return false;
        }
        true
    }

    /// Bytes from `at`: `n` of them, or `None` past the end.
    fn bytes(&mut self, at: u64, n: usize) -> Option<&[u8]> {
        if at + n as u64 > self.len || !self.fill(at, n) {
            return None;
        }
        let i = (at - self.start) as usize;
        self.buf.get(i..i + n)
    }

    /// Up to `n` bytes from `at` (fewer at the end of the file).
    fn upto(&mut self, at: u64, n: usize) -> &[u8] {
        if !self.fill(at, n) {
            return &[];
        }
        let i = (at - self.start) as usize;
        let j = (i + n).min(self.buf.len());
        self.buf.get(i..j).unwrap_or(&[])
    }
}

/// Scans `path` (native FLAC) and indexes every frame. `None` when it is not FLAC, or when the
/// frames cannot all be found in order (see the module docs).
pub fn build(path: &Path) -> Option<FlacIndex> {
    let mut f = File::open(path).ok()?;
    let (info, first) = read_metadata(&mut f)?;
    if info.block_max == 0 || info.block_min > info.block_max || info.rate == 0 {
        return None;
    }
    let mut rd = Reader::new(&mut f)?;
    let len = rd.len;
    // Beyond this many bytes without the next frame's header, the stream is damaged.
    let max_frame = if info.frame_max > 0 { u64::from(info.frame_max) } else { 16 << 20 };
    // A frame holds at least its header, one byte of subframe and its CRC-16.
    let min_frame = u64::from(info.frame_min).max(9);
    let mut frames = Vec::with_capacity((len / (max_frame / 2).max(1024)) as usize + 16);
    let mut ts = 0u64;
    let mut expect = 0u64; // the next frame's number
    let mut pos = first;
    let mut short_seen = false;
    while pos < len {
        let h = rd.bytes(pos, 16.min((len - pos) as usize)).and_then(|b| parse_header(b, &info))?;
        if h.number != expect || short_seen {
            return None;
        }
        // symphonia's timestamp for this frame (`calc_sync_info`).
        let sym_ts = if h.by_sample { h.number } else { h.number * u64::from(info.block_min) };
        if sym_ts != ts {
            return None;
        }
        // Only the last frame may be shorter than the minimum.
        short_seen = h.block < info.block_min;
        frames.push(FlacFrame { ts, offset: pos });
        ts += u64::from(h.block);
        expect = if h.by_sample { ts } else { expect + 1 };
        // The next header: the first sync code after the minimum frame length that parses
        // and carries the next number.
        let mut at = pos + min_frame;
        let next = loop {
            if at >= len {
                break len;
            }
            if at - pos > max_frame + 16 {
                return None;
            }
            let chunk = rd.upto(at, (64 << 10) + 16);
            let at_eof = at + chunk.len() as u64 >= len;
            // A candidate needs the 16 bytes a header may take after it (but for the file's end).
            let scan_end =
                if at_eof { chunk.len().saturating_sub(1) } else { chunk.len().saturating_sub(16) };
            let mut hit = None;
            let mut i = 0;
            while let Some(k) = chunk.get(i..scan_end).and_then(find_ff) {
                let j = i + k;
                let head = chunk.get(j..(j + 16).min(chunk.len())).unwrap_or(&[]);
                if head.get(1).is_some_and(|b| b & 0xfe == 0xf8)
                    && parse_header(head, &info).is_some_and(|c| c.number == expect)
                {
                    hit = Some(at + j as u64);
                    break;
                }
                i = j + 1;
            }
            match hit {
                Some(p) => break p,
                None if at_eof || scan_end == 0 => break len,
                None => at += scan_end as u64,
            }
        };
        pos = next;
    }
    if frames.is_empty() {
        return None;
    }
    frames.push(FlacFrame { ts, offset: len });
    Some(FlacIndex { frames })
}

/// The first 0xFF byte of `b`, eight bytes at a time (it is most of the scan's time: a FLAC
/// frame holds a few false ones in every kilobyte, and the rest must be read past quickly).
fn find_ff(b: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut words = b.chunks_exact(8);
    let mut at = 0;
    for w in words.by_ref() {
        let x = !u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        // A zero byte of x (an 0xFF of b) sets its high bit here; the lowest set one is exact.
        let z = x.wrapping_sub(LO) & !x & HI;
        if z != 0 {
            return Some(at + (z.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words.remainder().iter().position(|&c| c == 0xff).map(|k| at + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> Info {
        Info {
            block_min: 4608,
            block_max: 4608,
            frame_min: 12,
            frame_max: 4976,
            rate: 44_100,
            channels: 1,
            bps: 16,
        }
    }

    #[test]
    fn crc8_is_flacs() {
        // The first frame header of an ffmpeg-written 44.1 kHz mono 16-bit FLAC: ff f8 59 08 00,
        // CRC-8 0x3c.
        assert_eq!(crc8(&[0xff, 0xf8, 0x59, 0x08, 0x00]), 0x3c);
        let h = parse_header(&[0xff, 0xf8, 0x59, 0x08, 0x00, 0x3c, 0, 0], &info()).unwrap();
        assert_eq!(h, Header { number: 0, block: 4608, by_sample: false });
    }

    #[test]
    fn headers_that_symphonia_would_refuse_are_refused() {
        let ok = [0xff, 0xf8, 0x59, 0x08, 0x00, 0x3c, 0, 0];
        assert!(parse_header(&ok, &info()).is_some());
        let mut bad_crc = ok;
        bad_crc[5] ^= 1;
        assert!(parse_header(&bad_crc, &info()).is_none());
        // Another stream's sample rate (48 kHz, code 0xa), with its own right CRC.
        let mut other = [0xff, 0xf8, 0x5a, 0x08, 0x00, 0, 0, 0];
        other[5] = crc8(&other[..5]);
        assert!(parse_header(&other, &info()).is_none());
        // Two channels in a mono stream.
        let mut stereo = [0xff, 0xf8, 0x59, 0x18, 0x00, 0, 0, 0];
        stereo[5] = crc8(&stereo[..5]);
        assert!(parse_header(&stereo, &info()).is_none());
        // Numbered by sample in a fixed-block stream.
        let mut by_sample = [0xff, 0xf9, 0x59, 0x08, 0x00, 0, 0, 0];
        by_sample[5] = crc8(&by_sample[..5]);
        assert!(parse_header(&by_sample, &info()).is_none());
    }

    #[test]
    fn long_frame_numbers_decode() {
        // Frame 1000 = 0b1111101000: two bytes 110_01111 10_101000.
        let mut b = [0xff, 0xf8, 0x59, 0x08, 0xcf, 0xa8, 0, 0, 0];
        b[6] = crc8(&b[..6]);
        assert_eq!(parse_header(&b, &info()).unwrap().number, 1000);
    }

    #[test]
    fn find_ff_finds_the_first() {
        for len in 0..40 {
            for at in 0..=len {
                let mut b = vec![0x7fu8; len];
                if at < len {
                    b[at] = 0xff;
                    if at + 3 < len {
                        b[at + 3] = 0xff;
                    }
                }
                let want = (at < len).then_some(at);
                assert_eq!(find_ff(&b), want, "len {len} at {at}");
            }
        }
        // Bytes just below 0xFF, and 0x80 (the borrow trick's edge cases), are no match.
        assert_eq!(find_ff(&[0xfe, 0x80, 0x00, 0x01, 0xfe, 0x7f, 0x81, 0xfe, 0xff]), Some(8));
    }

    #[test]
    fn frame_at_finds_the_frame() {
        let idx = FlacIndex {
            frames: vec![
                FlacFrame { ts: 0, offset: 100 },
                FlacFrame { ts: 10, offset: 150 },
                FlacFrame { ts: 20, offset: 230 },
                FlacFrame { ts: 25, offset: 260 },
            ],
        };
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.total(), 25);
        assert_eq!(idx.frame_at(0), 0);
        assert_eq!(idx.frame_at(9), 0);
        assert_eq!(idx.frame_at(10), 1);
        assert_eq!(idx.frame_at(24), 2);
        assert_eq!(idx.frame_at(99), 2);
        assert_eq!(idx.frame(2), Some((20, 5, 230, 30)));
        assert_eq!(idx.frame(3), None);
    }
}
