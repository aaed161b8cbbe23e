//! A streaming decoder over symphonia: one packet at a time, downmixed to mono or stereo, with
//! sample-accurate seeks (symphonia seeks to the packet, then the frames up to the exact target are
//! discarded). Probe, playback, overview and clip all read audio through this one type, so encoder
//! delay (gapless trimming for MP3/LAME and Ogg Vorbis) is handled the same way everywhere.
//!
//! A recording is never decoded whole into memory: callers pull one packet's worth of samples.
use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use symphonia::core::audio::{AudioBufferRef, Channels, SampleBuffer};
use symphonia::core::codecs::{CODEC_TYPE_NULL, Decoder, DecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader, SeekMode, SeekTo};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use super::AudioError;
use super::flacindex::FlacIndex;
use super::mp3index::{self, Mp3Index};
use super::mp4edit;

/// After this many packets in a row fail to decode, the stream is treated as broken.
const MAX_CONSECUTIVE_ERRORS: u32 = 64;
/// Frames decoded and dropped before a seek target on lossy codecs: half a second, at least
/// 8192 (measured: symphonia's MP3 decoder needs about ten packets after a reset before its
/// output matches a decode from the start; this costs well under a millisecond).
pub(crate) fn lossy_preroll(sample_rate: u32) -> u64 {
    u64::from(sample_rate / 2).max(8192)
}
/// A gap in packet timestamps longer than this (10 s at 48 kHz) is not filled with silence: it
/// is damage, and filling it could allocate without bound.
const MAX_GAP_FRAMES: u64 = 480_000;

/// The reason given when the codec library panicked on damaged data.
const PANICKED: &str = "the audio decoder failed on damaged data";

/// What the decoder knows about the stream before decoding it.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamInfo {
    pub codec: String,
    pub container: String,
    pub sample_rate: u32,
    /// Channels in the file.
    pub source_channels: u16,
    /// Channels handed out by [`AudioDecoder::read`] (1 or 2).
    pub out_channels: u16,
    /// Frames according to the container header, if it has one (not checked here).
    pub header_frames: Option<u64>,
}

/// A streaming decoder of one audio file.
pub struct AudioDecoder {
    path: PathBuf,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    info: StreamInfo,
    /// Downmix weights: for each source channel, its weight into each output channel.
    weights: Vec<[f32; 2]>,
    sample_buf: Option<SampleBuffer<f32>>,
    /// Media frame of the next frame `read` hands out.
    pos: u64,
    /// Frames still to discard before handing out audio (after a seek).
    discard_until: u64,
    /// Set after a stream error (damage): what went wrong.
    error: Option<String>,
    ended: bool,
    /// MP3 only: the seek index, filled by a background scan ([`Self::start_mp3_index`]).
    mp3_index: Option<Arc<OnceLock<Mp3Index>>>,
    /// Encoder delay the reader trims (MP3 LAME tag), in frames.
    delay: u64,
    /// Encoder padding at the end (MP3 LAME tag), in frames.
    padding: u64,
    /// Added to packet timestamps: non-zero when reading through a reader opened mid-file
    /// at an index entry (its timestamps start at 0 there).
    ts_shift: i64,
    /// The media length such a reader must stop at (it cannot see the padding).
    sub_end: Option<u64>,
    /// MP4 edit list (or iTunSMPB): frames of encoder priming at the start of the decoded
    /// track that are not part of the recording. Internally `pos`, `discard_until` and packet
    /// timestamps are in decoded-track frames; the public API is in media frames (minus this).
    trim: u64,
    /// MP4 edit list: the decoded-track frame the recording ends at.
    trim_end: Option<u64>,
    /// A packet was skipped undecoded ([`Self::read_or_skip`]): reset the codec before the next.
    needs_reset: bool,
    /// Native FLAC with its frame index ([`Self::use_flac_index`]): packets are read from the
    /// indexed offsets instead of through symphonia's demuxer.
    flac: Option<FlacFrames>,
}

/// The next packet, as [`AudioDecoder::indexed_packet`] or [`AudioDecoder::demuxed_packet`]
/// found it.
enum Next {
    End,
    Skipped(Step),
    /// Damage (a bad CRC, a packet the demuxer could not read): what to say if it goes on.
    Damaged(String),
    Packet(symphonia::core::formats::Packet),
}

/// Reading FLAC frames straight from a [`FlacIndex`].
struct FlacFrames {
    index: Arc<FlacIndex>,
    /// The next frame to hand out.
    next: usize,
    file: File,
}

impl FlacFrames {
    /// The bytes of a frame (header to CRC-16) at the place the index gives; `Ok(None)` when
    /// its CRC-16 does not match (damage: the demuxer would not hand it out either).
    fn read(&mut self, offset: u64, len: u64) -> std::io::Result<Option<Box<[u8]>>> {
        use std::io::Read;
        use symphonia::core::checksum::Crc16Ansi;
        use symphonia::core::io::Monitor;
        let mut buf = vec![0u8; len as usize];
        self.file.seek(SeekFrom::Start(offset))?;
        self.file.read_exact(&mut buf)?;
        let Some(body_len) = buf.len().checked_sub(2) else { return Ok(None) };
        let (body, tail) = buf.split_at(body_len);
        let mut crc = Crc16Ansi::new(0);
        crc.process_buf_bytes(body);
        if crc.crc() != u16::from_be_bytes([tail[0], tail[1]]) {
            return Ok(None);
        }
        Ok(Some(buf.into_boxed_slice()))
    }
}

/// What [`AudioDecoder::read_or_skip`] did with the next packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Decoded: media frame of the first appended frame, and how many were appended.
    Decoded { first: u64, frames: usize },
    /// Demuxed only: the media frame just after the skipped packet.
    Skipped { end: u64 },
}

fn unreadable(path: &Path, reason: impl Into<String>) -> AudioError {
    AudioError::Unreadable { path: path.display().to_string(), reason: reason.into() }
}

/// The container, from the first bytes of the file (symphonia 0.5 does not name it).
fn sniff_container(path: &Path) -> String {
    use std::io::Read;
    let mut head = [0u8; 12];
    let n = File::open(path).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    let head = head.get(..n).unwrap_or(&[]);
    if head.starts_with(b"RIFF") {
        "wav".into()
    } else if head.starts_with(b"fLaC") {
        "flac".into()
    } else if head.starts_with(b"OggS") {
        "ogg".into()
    } else if head.get(4..8) == Some(b"ftyp") {
        "mp4".into()
    } else {
        "mpeg audio".into()
    }
}

/// How each source channel contributes to the output (mono or stereo) channels.
fn downmix_weights(channels: Option<Channels>, n: usize, out: u16) -> Vec<[f32; 2]> {
    if out == 1 {
        let w = 1.0 / n.max(1) as f32;
        return vec![[w, 0.0]; n];
    }
    if n == 1 {
        return vec![[1.0, 1.0]];
    }
    if n == 2 {
        return vec![[1.0, 0.0], [0.0, 1.0]];
    }
    const H: f32 = std::f32::consts::FRAC_1_SQRT_2;
    let mut weights: Vec<[f32; 2]> = match channels {
        Some(chs) if chs.count() == n => chs
            .iter()
            .map(|c| {
                if c == Channels::FRONT_LEFT || c == Channels::REAR_LEFT || c == Channels::SIDE_LEFT
                {
                    [if c == Channels::FRONT_LEFT { 1.0 } else { H }, 0.0]
                } else if c == Channels::FRONT_RIGHT
                    || c == Channels::REAR_RIGHT
                    || c == Channels::SIDE_RIGHT
                {
                    [0.0, if c == Channels::FRONT_RIGHT { 1.0 } else { H }]
                } else if c == Channels::LFE1 {
                    [0.0, 0.0]
                } else {
                    [H, H]
                }
            })
            .collect(),
        _ => (0..n).map(|i| if i % 2 == 0 { [1.0, 0.0] } else { [0.0, 1.0] }).collect(),
    };
    // Normalise so a full-scale signal on every channel stays within full scale.
    let sum_l: f32 = weights.iter().map(|w| w[0]).sum();
    let sum_r: f32 = weights.iter().map(|w| w[1]).sum();
    let norm = sum_l.max(sum_r).max(1.0);
    for w in &mut weights {
        w[0] /= norm;
        w[1] /= norm;
    }
    weights
}

impl AudioDecoder {
    /// Opens `path` and prepares to decode its first audio track, handing out at most
    /// `max_channels` (1 or 2) channels.
    pub fn open(path: &Path, max_channels: u16) -> Result<Self, AudioError> {
        super::guard(path, || Self::open_inner(path, max_channels))
    }

    /// The checks before symphonia sees the file: a regular, non-empty file whose header asks
    /// for no absurd allocation.
    fn precheck(path: &Path) -> Result<File, AudioError> {
        // Before opening: opening a named pipe blocks until a writer comes, and a folder or a
        // device is no recording.
        if let Ok(md) = std::fs::metadata(path) {
            if md.is_dir() {
                return Err(unreadable(path, "is a folder, not an audio file"));
            }
            if !md.is_file() {
                return Err(unreadable(
                    path,
                    "not a regular file (a device, pipe or socket); give an audio file",
                ));
            }
        }
        let file = File::open(path)
            .map_err(|source| AudioError::Open { path: path.display().to_string(), source })?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if len == 0 {
            return Err(unreadable(path, "the file is empty"));
        }
        // symphonia's MP4 reader allocates tables at their announced size (a damaged count
        // aborts the process): check them first.
        if sniff_container(path) == "mp4"
            && let Err(damage) = mp4edit::check_tables(path)
        {
            return Err(unreadable(
                path,
                format!("damaged MP4 file: {damage}; re-export or re-copy the recording"),
            ));
        }
        // Lengths in the header that symphonia would allocate before reading.
        if let Err(damage) = super::headers::check(path) {
            return Err(unreadable(
                path,
                format!("damaged header: {damage}; re-export or re-copy the recording"),
            ));
        }
        Ok(file)
    }

    fn open_inner(path: &Path, max_channels: u16) -> Result<Self, AudioError> {
        let file = Self::precheck(path)?;
        let mss = MediaSourceStream::new(Box::new(file), MediaSourceStreamOptions::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let fmt_opts = FormatOptions { enable_gapless: true, ..Default::default() };
        let probed = symphonia::default::get_probe()
            .format(&hint, mss, &fmt_opts, &MetadataOptions::default())
            .map_err(|e| {
                unreadable(path, format!("not a readable audio file ({e}); check it is MP3, M4A/AAC, WAV, FLAC or Ogg Vorbis"))
            })?;
        let format = probed.format;
        let track = format
            .tracks()
            .iter()
            .find(|t| {
                t.codec_params.codec != CODEC_TYPE_NULL && t.codec_params.sample_rate.is_some()
            })
            .ok_or_else(|| unreadable(path, "the file holds no audio track"))?;
        let params = track.codec_params.clone();
        let track_id = track.id;
        let decoder = symphonia::default::get_codecs()
            .make(&params, &DecoderOptions::default())
            .map_err(|e| unreadable(path, format!("unsupported audio codec ({e})")))?;
        let codec = symphonia::default::get_codecs()
            .get_codec(params.codec)
            .map(|d| d.short_name.to_string())
            .unwrap_or_else(|| "unknown".into());
        let sample_rate = params.sample_rate.unwrap_or(0);
        if !(1..=384_000).contains(&sample_rate) {
            return Err(unreadable(path, format!("implausible sample rate {sample_rate} Hz")));
        }
        let source_channels = params.channels.map(|c| c.count()).unwrap_or(0);
        let source_channels = if source_channels == 0 { 1 } else { source_channels };
        if source_channels > 32 {
            return Err(unreadable(path, format!("{source_channels} channels is not supported")));
        }
        let out_channels = max_channels.clamp(1, 2).min(source_channels as u16);
        let weights = downmix_weights(params.channels, source_channels, out_channels);
        let container = sniff_container(path);
        let edit = if container == "mp4" { mp4edit::read_edit(path, sample_rate) } else { None };
        let trim = edit.map_or(0, |e| e.skip);
        // The presented length: the sample tables' count less the priming, cut at the edit.
        let presented = edit.and_then(|e| e.presented(params.n_frames));
        let trim_end = presented.map(|l| trim.saturating_add(l));
        let header_frames = if edit.is_some() { presented } else { params.n_frames };
        Ok(AudioDecoder {
            path: path.to_path_buf(),
            format,
            decoder,
            track_id,
            info: StreamInfo {
                codec,
                container,
                sample_rate,
                source_channels: source_channels as u16,
                out_channels,
                header_frames,
            },
            weights,
            sample_buf: None,
            pos: 0,
            error: None,
            ended: false,
            mp3_index: None,
            delay: u64::from(params.delay.unwrap_or(0)),
            padding: u64::from(params.padding.unwrap_or(0)),
            ts_shift: 0,
            sub_end: None,
            // The first packets are decoded and dropped up to the edit's start.
            discard_until: trim,
            trim,
            trim_end,
            needs_reset: false,
            flac: None,
        })
    }

    /// Native FLAC: from now on, reads and seeks go through `index` (built by
    /// [`flacindex::build`](super::flacindex::build) for this file): a seek is a look-up, a
    /// skipped frame is not read at all, and a decoded one is read from its offset and handed
    /// to the codec as it is. The packets are the demuxer's, so what is decoded is the same.
    /// Ignored for other files and for an index that does not match the stream's length.
    pub fn use_flac_index(&mut self, index: Arc<FlacIndex>) -> Result<(), AudioError> {
        if self.info.codec != "flac"
            || self.info.container != "flac"
            || index.is_empty()
            || self.info.header_frames.is_some_and(|n| n != index.total())
        {
            return Ok(());
        }
        let file = File::open(&self.path)
            .map_err(|source| AudioError::Open { path: self.path.display().to_string(), source })?;
        let next = index.frame_at(self.raw_position());
        let start = index.frame(next).map_or(0, |f| f.0);
        self.pos = self.pos.min(start);
        self.discard_until = self.discard_until.max(self.pos);
        self.needs_reset = false;
        self.flac = Some(FlacFrames { index, next, file });
        Ok(())
    }

    /// Positions an indexed FLAC reader at the frame holding media frame `frame`; `false` past
    /// the end.
    fn flac_seek(&mut self, frame: u64) -> Option<bool> {
        let f = self.flac.as_mut()?;
        let total = f.index.total();
        if frame >= total {
            f.next = f.index.len();
            return Some(false);
        }
        f.next = f.index.frame_at(frame);
        self.pos = f.index.frame(f.next).map_or(frame, |x| x.0);
        Some(true)
    }

    /// MP3: builds the seek index in a background thread; seeks use it once it is ready
    /// (until then, and for other formats, symphonia's own seek).
    pub fn start_mp3_index(&mut self) {
        if self.info.codec != "mp3" || self.mp3_index.is_some() {
            return;
        }
        let slot = Arc::new(OnceLock::new());
        self.mp3_index = Some(Arc::clone(&slot));
        let path = self.path.clone();
        let _ = std::thread::Builder::new().name("tapecoder-mp3-index".into()).spawn(move || {
            if let Some(idx) = mp3index::build(&path) {
                let _ = slot.set(idx);
            }
        });
    }

    /// Waits (briefly polling) until the MP3 index is built; for benchmarks and tests.
    pub fn wait_mp3_index(&self, timeout: std::time::Duration) -> bool {
        let Some(slot) = &self.mp3_index else { return false };
        let t = std::time::Instant::now();
        while slot.get().is_none() && t.elapsed() < timeout {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        slot.get().is_some()
    }

    fn packet_ts(&self, raw: u64) -> u64 {
        (raw as i64).saturating_add(self.ts_shift).max(0) as u64
    }

    /// Opens a reader at `byte` (an index entry whose raw timestamp is `raw_ts`).
    fn open_at(&mut self, byte: u64, raw_ts: u64, total_raw: u64) -> Result<(), AudioError> {
        let file = File::open(&self.path)
            .map_err(|source| AudioError::Open { path: self.path.display().to_string(), source })?;
        let src = OffsetFile::new(file, byte)
            .map_err(|e| unreadable(&self.path, format!("cannot seek: {e}")))?;
        let mss = MediaSourceStream::new(Box::new(src), MediaSourceStreamOptions::default());
        let mut hint = Hint::new();
        hint.with_extension("mp3");
        let probed = symphonia::default::get_probe()
            .format(&hint, mss, &FormatOptions::default(), &MetadataOptions::default())
            .map_err(|e| unreadable(&self.path, format!("cannot seek: {e}")))?;
        let track = probed
            .format
            .tracks()
            .iter()
            .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
            .ok_or_else(|| unreadable(&self.path, "cannot seek: no audio track"))?;
        let decoder = symphonia::default::get_codecs()
            .make(&track.codec_params, &DecoderOptions::default())
            .map_err(|e| unreadable(&self.path, format!("cannot seek: {e}")))?;
        self.track_id = track.id;
        self.format = probed.format;
        self.decoder = decoder;
        self.ts_shift = raw_ts as i64 - self.delay as i64;
        self.sub_end = Some(total_raw.saturating_sub(self.delay + self.padding));
        Ok(())
    }

    /// Back to a reader over the whole file (after reading through [`Self::open_at`]).
    fn reopen(&mut self) -> Result<(), AudioError> {
        let fresh = AudioDecoder::open(&self.path, self.info.out_channels)?;
        self.format = fresh.format;
        self.decoder = fresh.decoder;
        self.track_id = fresh.track_id;
        self.ts_shift = 0;
        self.sub_end = None;
        Ok(())
    }

    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Media frame of the next frame [`read`](Self::read) hands out.
    pub fn position(&self) -> u64 {
        self.raw_position().saturating_sub(self.trim)
    }

    /// Decoded-track frame of the next frame handed out (media frame + edit-list priming).
    fn raw_position(&self) -> u64 {
        self.pos.max(self.discard_until)
    }

    /// Where the decoded track ends for this reader, if known (edit list, or the MP3 length
    /// for a reader opened mid-file).
    fn end_limit(&self) -> Option<u64> {
        match (self.sub_end, self.trim_end) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Set when decoding stopped because of damage.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Seeks so that the next [`read`](Self::read) starts exactly at media frame `frame` (where the
    /// codec allows: the frames before the target inside the packet are decoded and dropped).
    pub fn seek(&mut self, media_frame: u64) -> Result<(), AudioError> {
        match super::quiet_panics::run(|| self.seek_inner(media_frame)) {
            Some(r) => r,
            None => Err(self.stop(PANICKED.into())),
        }
    }

    fn seek_inner(&mut self, media_frame: u64) -> Result<(), AudioError> {
        let frame = media_frame.saturating_add(self.trim);
        self.ended = false;
        self.error = None;
        // Lossy codecs overlap each packet with the previous one (MDCT) and the first packets
        // decoded after a reset are not exact: start a few packets early and discard them.
        let preroll = if self.info.codec.starts_with("pcm") || self.info.codec == "flac" {
            0
        } else {
            lossy_preroll(self.info.sample_rate)
        };
        let ts = frame.saturating_sub(preroll);
        if let Some(inside) = self.flac_seek(frame) {
            self.discard_until = frame;
            if !inside {
                self.pos = frame;
                self.ended = true;
            }
            return Ok(());
        }
        // MP3 with its index: a backward or long forward seek opens a reader at the nearest
        // indexed frame before the target instead of scanning headers from the start.
        let rate = u64::from(self.info.sample_rate);
        let here = self.raw_position();
        let far = frame < here || frame > here + 10 * rate;
        if let Some(idx) = self.mp3_index.as_ref().and_then(|s| s.get())
            && far
            && let Some((raw_ts, byte)) = idx.before(ts + self.delay)
            && raw_ts >= self.delay
        {
            let total_raw = idx.total_raw;
            self.open_at(byte, raw_ts, total_raw)?;
            self.pos = raw_ts - self.delay;
            self.discard_until = frame;
            return Ok(());
        }
        // The reader's own timestamps.
        let mut local = ts as i64 - self.ts_shift;
        if local < 0 {
            self.reopen()?;
            local = ts as i64;
        }
        let seeked = self.format.seek(
            SeekMode::Accurate,
            SeekTo::TimeStamp { ts: local.max(0) as u64, track_id: self.track_id },
        );
        match seeked {
            Ok(to) => {
                self.decoder.reset();
                self.pos = self.packet_ts(to.actual_ts).min(frame);
                self.discard_until = frame;
                Ok(())
            }
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                // Past the end: nothing more to play.
                self.pos = frame;
                self.discard_until = frame;
                self.ended = true;
                Ok(())
            }
            Err(e) => {
                Err(unreadable(&self.path, format!("cannot seek to frame {media_frame}: {e}")))
            }
        }
    }

    /// Reads the next packet (demux only, no decoding) and returns its media timestamp and duration
    /// in frames, or `None` at the end of the stream.
    pub fn next_packet_span(&mut self) -> Result<Option<(u64, u64)>, AudioError> {
        match super::quiet_panics::run(|| self.next_packet_span_inner()) {
            Some(r) => r,
            None => Err(self.stop(PANICKED.into())),
        }
    }

    fn next_packet_span_inner(&mut self) -> Result<Option<(u64, u64)>, AudioError> {
        if let Some(f) = self.flac.as_mut() {
            let Some((ts, dur, _, _)) = f.index.frame(f.next) else { return Ok(None) };
            f.next += 1;
            return Ok(Some((ts, dur)));
        }
        loop {
            match self.format.next_packet() {
                Ok(p) if p.track_id() == self.track_id => {
                    // In media frames: the priming and anything past the edit's end cut off.
                    let start = self.packet_ts(p.ts());
                    let mut end = start.saturating_add(p.dur());
                    if let Some(limit) = self.end_limit() {
                        end = end.min(limit);
                    }
                    let start = start.max(self.trim);
                    let end = end.max(start);
                    return Ok(Some((start - self.trim, end - start)));
                }
                Ok(_) => continue,
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ok(None);
                }
                Err(SymError::ResetRequired) => return Ok(None),
                Err(e) => return Err(unreadable(&self.path, format!("damaged stream: {e}"))),
            }
        }
    }

    /// Appends the next packet's frames (interleaved, `out_channels` wide) to `out` and returns the
    /// media frame of the first appended frame and how many were appended. Returns `Ok(None)` at
    /// the end of the stream or when decoding had to stop at damage ([`error`](Self::error)).
    /// A packet that is skipped in the stream (damage) leaves silence, so media time stays true.
    pub fn read(&mut self, out: &mut Vec<f32>) -> Result<Option<(u64, usize)>, AudioError> {
        match super::quiet_panics::run(|| self.read_inner(out, None)) {
            Some(Ok(Some(Step::Decoded { first, frames }))) => Ok(Some((first, frames))),
            Some(Ok(_)) => Ok(None),
            Some(Err(e)) => Err(e),
            None => Err(self.stop(PANICKED.into())),
        }
    }

    /// As [`read`](Self::read), but first asks `decode(media_start, frames, bytes)` about each packet
    /// (from its header, before decoding): when it says no, the packet is only demuxed (cheap)
    /// and the codec is reset before the next decoded one, whose first output may then be off
    /// (a lossy codec's overlap and MP3's bit reservoir): callers decode a few packets ahead of
    /// the audio they use. `Ok(None)` at the end.
    pub fn read_or_skip(
        &mut self,
        out: &mut Vec<f32>,
        decode: &mut dyn FnMut(u64, u64, usize) -> bool,
    ) -> Result<Option<Step>, AudioError> {
        match super::quiet_panics::run(|| self.read_inner(out, Some(decode))) {
            Some(r) => r,
            None => Err(self.stop(PANICKED.into())),
        }
    }

    /// Positions the reader at (or a little before) media frame `media_frame` for
    /// [`read_or_skip`](Self::read_or_skip): nothing is dropped and no warm-up is decoded, the
    /// caller decides from the packets' times. Cheaper than [`seek`](Self::seek).
    pub fn seek_near(&mut self, media_frame: u64) -> Result<(), AudioError> {
        match super::quiet_panics::run(|| self.seek_near_inner(media_frame)) {
            Some(r) => r,
            None => Err(self.stop(PANICKED.into())),
        }
    }

    fn seek_near_inner(&mut self, media_frame: u64) -> Result<(), AudioError> {
        let frame = media_frame.saturating_add(self.trim);
        self.ended = false;
        self.error = None;
        if let Some(inside) = self.flac_seek(frame) {
            // FLAC frames stand alone: the codec keeps nothing from one to the next.
            self.needs_reset = false;
            self.discard_until = self.trim;
            if !inside {
                self.pos = frame;
                self.discard_until = frame;
                self.ended = true;
            }
            return Ok(());
        }
        let mut local = frame as i64 - self.ts_shift;
        if local < 0 {
            self.reopen()?;
            local = frame as i64;
        }
        // Accurate: MP3's coarse mode guesses timestamps from byte offsets.
        let seeked = self.format.seek(
            SeekMode::Accurate,
            SeekTo::TimeStamp { ts: local.max(0) as u64, track_id: self.track_id },
        );
        match seeked {
            Ok(to) => {
                // A fresh codec, not a reset: a reset keeps some state (AAC's noise generator
                // for PNS bands), and what follows must not depend on what was read before.
                let fresh =
                    self.format.tracks().iter().find(|t| t.id == self.track_id).and_then(|t| {
                        symphonia::default::get_codecs()
                            .make(&t.codec_params, &DecoderOptions::default())
                            .ok()
                    });
                match fresh {
                    Some(d) => self.decoder = d,
                    None => self.decoder.reset(),
                }
                self.needs_reset = false;
                self.pos = self.packet_ts(to.actual_ts).min(frame);
                // Only the priming (MP4 edit list) is ever dropped.
                self.discard_until = self.trim;
                Ok(())
            }
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                self.pos = frame;
                self.discard_until = frame;
                self.ended = true;
                Ok(())
            }
            Err(e) => {
                Err(unreadable(&self.path, format!("cannot seek to frame {media_frame}: {e}")))
            }
        }
    }

    /// [`read_or_skip`](Self::read_or_skip)'s choice for one packet: `Some` when it is skipped;
    /// else the codec is reset if packets were skipped before it.
    fn skip_unless(
        &mut self,
        decide: &mut dyn FnMut(u64, u64, usize) -> bool,
        ts: u64,
        dur: u64,
        bytes: usize,
    ) -> Option<Step> {
        let end = ts.saturating_add(dur);
        if !decide(ts.saturating_sub(self.trim), dur, bytes) {
            self.pos = end;
            self.needs_reset = true;
            if self.end_limit().is_some_and(|limit| end >= limit) {
                self.ended = true;
            }
            return Some(Step::Skipped { end: end.saturating_sub(self.trim) });
        }
        if self.needs_reset {
            self.decoder.reset();
            self.needs_reset = false;
        }
        None
    }

    /// The next frame of an indexed FLAC reader: asked about first (`decide`, as
    /// [`Self::read_or_skip`] does), so that a skipped frame is not even read.
    fn indexed_packet(
        &mut self,
        decide: &mut Option<&mut dyn FnMut(u64, u64, usize) -> bool>,
    ) -> Result<Next, AudioError> {
        let Some(f) = self.flac.as_mut() else { return Ok(Next::End) };
        let Some((ts, dur, offset, len)) = f.index.frame(f.next) else {
            self.ended = true;
            return Ok(Next::End);
        };
        f.next += 1;
        if let Some(decide) = decide.as_mut()
            && let Some(skipped) = self.skip_unless(decide, ts, dur, len as usize)
        {
            return Ok(Next::Skipped(skipped));
        }
        match self.flac.as_mut().map(|f| f.read(offset, len)) {
            Some(Ok(Some(buf))) => Ok(Next::Packet(
                symphonia::core::formats::Packet::new_from_boxed_slice(self.track_id, ts, dur, buf),
            )),
            Some(Ok(None)) => Ok(Next::Damaged("too many damaged packets in a row".into())),
            Some(Err(e)) => Err(self.stop(format!("cannot read the file: {e}"))),
            None => Ok(Next::End),
        }
    }

    /// The next packet from symphonia's demuxer.
    fn demuxed_packet(&mut self) -> Next {
        match self.format.next_packet() {
            Ok(p) => Next::Packet(p),
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                self.ended = true;
                Next::End
            }
            Err(SymError::ResetRequired) => {
                self.ended = true;
                Next::End
            }
            Err(e) => Next::Damaged(format!("damaged stream: {e}")),
        }
    }

    fn read_inner(
        &mut self,
        out: &mut Vec<f32>,
        mut decide: Option<&mut dyn FnMut(u64, u64, usize) -> bool>,
    ) -> Result<Option<Step>, AudioError> {
        let mut consecutive_errors = 0u32;
        loop {
            if self.ended {
                return Ok(None);
            }
            let from_index = self.flac.is_some();
            let next =
                if from_index { self.indexed_packet(&mut decide)? } else { self.demuxed_packet() };
            let packet = match next {
                Next::End => return Ok(None),
                Next::Skipped(step) => return Ok(Some(step)),
                Next::Damaged(why) => {
                    consecutive_errors += 1;
                    if consecutive_errors > MAX_CONSECUTIVE_ERRORS {
                        return Err(self.stop(why));
                    }
                    continue;
                }
                Next::Packet(p) => p,
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            let ts = self.packet_ts(packet.ts());
            if !from_index
                && let Some(decide) = decide.as_mut()
                && let Some(skipped) =
                    self.skip_unless(decide, ts, packet.dur(), packet.buf().len())
            {
                return Ok(Some(skipped));
            }
            let decoded = match self.decoder.decode(&packet) {
                Ok(buf) => buf,
                Err(SymError::DecodeError(_)) | Err(SymError::IoError(_)) => {
                    consecutive_errors += 1;
                    if consecutive_errors > MAX_CONSECUTIVE_ERRORS {
                        return Err(self.stop("too many damaged packets in a row".into()));
                    }
                    continue;
                }
                Err(e) => return Err(self.stop(format!("cannot decode: {e}"))),
            };
            let frames = decoded.frames();
            if frames == 0 {
                continue;
            }
            let start_len = out.len();
            let first = mix_into(
                decoded,
                &mut self.sample_buf,
                &self.weights,
                self.info.out_channels,
                self.info.source_channels,
                out,
            );
            if !first {
                return Err(self.stop("channel layout changed mid-stream".into()));
            }
            let oc = self.info.out_channels as usize;
            // Fill a timestamp gap (a dropped, damaged packet) with silence so time stays true.
            let mut start = ts;
            if ts > self.pos && self.pos >= self.discard_until {
                let gap = ts - self.pos;
                if gap <= MAX_GAP_FRAMES {
                    let fill = gap as usize * oc;
                    out.splice(start_len..start_len, std::iter::repeat_n(0.0, fill));
                    start = self.pos;
                }
            }
            let appended = (out.len() - start_len) / oc;
            let end = start + appended as u64;
            // Drop frames before the seek target.
            let mut first_frame = start;
            if start < self.discard_until {
                let drop = (self.discard_until.min(end) - start) as usize;
                out.drain(start_len..start_len + drop * oc);
                first_frame = start + drop as u64;
            }
            self.pos = end;
            // A reader opened mid-file does not know the padding at the end, and an MP4 edit
            // ends the recording before the last packet's padding: stop at the length.
            if let Some(total) = self.end_limit()
                && end > total
            {
                let over = ((end - total) as usize).min((out.len() - start_len) / oc);
                out.truncate(out.len() - over * oc);
                self.ended = true;
            }
            let kept = (out.len() - start_len) / oc;
            if kept == 0 {
                continue;
            }
            self.discard_until = 0;
            return Ok(Some(Step::Decoded {
                first: first_frame.saturating_sub(self.trim),
                frames: kept,
            }));
        }
    }

    fn stop(&mut self, reason: String) -> AudioError {
        let msg = format!(
            "{}: playback stopped at {:.1} s: {reason}",
            self.path.display(),
            self.pos.saturating_sub(self.trim) as f64 / f64::from(self.info.sample_rate.max(1))
        );
        self.error = Some(msg.clone());
        self.ended = true;
        unreadable(&self.path, reason)
    }
}

/// Converts one decoded buffer to f32, downmixes and appends it. Returns false if the buffer's
/// channel count does not match the stream's.
fn mix_into(
    decoded: AudioBufferRef<'_>,
    sample_buf: &mut Option<SampleBuffer<f32>>,
    weights: &[[f32; 2]],
    out_channels: u16,
    source_channels: u16,
    out: &mut Vec<f32>,
) -> bool {
    let spec = *decoded.spec();
    let n = spec.channels.count();
    if n != source_channels as usize || n == 0 {
        return false;
    }
    let frames = decoded.frames();
    let needs_new = match sample_buf {
        Some(b) => b.capacity() < frames * n,
        None => true,
    };
    if needs_new {
        *sample_buf = Some(SampleBuffer::new(decoded.capacity().max(frames) as u64, spec));
    }
    let Some(buf) = sample_buf.as_mut() else { return false };
    buf.copy_interleaved_ref(decoded);
    let samples = buf.samples();
    let oc = out_channels as usize;
    out.reserve(frames * oc);
    if n == oc && (n == 1 || n == 2) && weights.iter().enumerate().all(|(i, w)| w[i] == 1.0) {
        out.extend_from_slice(samples.get(..frames * n).unwrap_or(samples));
        return true;
    }
    for frame in samples.chunks_exact(n) {
        let mut acc = [0.0f32; 2];
        for (s, w) in frame.iter().zip(weights) {
            acc[0] += s * w[0];
            acc[1] += s * w[1];
        }
        out.extend_from_slice(&acc[..oc]);
    }
    true
}

/// A file seen from byte `base` on, as if it started there.
struct OffsetFile {
    f: File,
    base: u64,
    len: u64,
}

impl OffsetFile {
    fn new(mut f: File, base: u64) -> std::io::Result<Self> {
        let total = f.metadata()?.len();
        f.seek(SeekFrom::Start(base))?;
        Ok(OffsetFile { f, base, len: total.saturating_sub(base) })
    }
}

impl std::io::Read for OffsetFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.f.read(buf)
    }
}

impl Seek for OffsetFile {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        let abs = match pos {
            SeekFrom::Start(n) => self.f.seek(SeekFrom::Start(self.base + n))?,
            other => self.f.seek(other)?,
        };
        if abs < self.base {
            self.f.seek(SeekFrom::Start(self.base))?;
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before start"));
        }
        Ok(abs - self.base)
    }
}

impl symphonia::core::io::MediaSource for OffsetFile {
    fn is_seekable(&self) -> bool {
        true
    }

    fn byte_len(&self) -> Option<u64> {
        Some(self.len)
    }
}
