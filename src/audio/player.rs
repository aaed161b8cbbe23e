//! The real player: a decoder thread feeds chunks of PCM to [`PlayerSource`], a rodio `Source`
//! that time-stretches (pitch preserved) and counts the media position as it hands samples to
//! the device. The UI drives it through [`Playback`]; commands reach the decoder thread over a
//! channel, and every read of the position is an atomic load, so drawing never blocks.
//!
//! rodio's own speed and seek are never used (its speed raises the pitch and breaks
//! `get_pos`/`try_seek`); the source is added straight to the device mixer.
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TryRecvError, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::clock::clamp_speed;
use super::decode::AudioDecoder;
use super::stretch::Wsola;
use super::{AudioError, Playback, Snapshot};

/// Frames per chunk sent from the decoder thread.
const CHUNK_FRAMES: usize = 4096;
/// Chunks queued between the decoder thread and the source (~0.4 s at 44.1 kHz).
const QUEUE_CHUNKS: usize = 4;
/// Frames the source processes per refill.
const BLOCK_FRAMES: usize = 512;

/// State shared by the UI handle, the decoder thread and the source. All lock-free but `error`,
/// which is only written on failure and read with `try_lock`.
#[derive(Debug)]
pub(crate) struct Shared {
    sample_rate: u32,
    /// Media position in frames of the sample last handed to the device.
    position: AtomicU64,
    /// Total frames (may be refined by a background demux pass).
    total: AtomicU64,
    playing: AtomicBool,
    speed_bits: AtomicU32,
    volume_bits: AtomicU32,
    /// Bumped on every seek: chunks of an older generation are dropped.
    generation: AtomicU64,
    ended: AtomicBool,
    stopped: AtomicBool,
    error: Mutex<Option<String>>,
    /// Blocks the source had to fill with silence while playing because the decoder was
    /// behind (not paused, not at the end): each is an audible gap.
    underruns: AtomicU64,
}

impl Shared {
    fn speed(&self) -> f32 {
        f32::from_bits(self.speed_bits.load(Ordering::Acquire))
    }

    fn volume(&self) -> f32 {
        f32::from_bits(self.volume_bits.load(Ordering::Acquire))
    }

    fn set_error(&self, msg: String) {
        if let Ok(mut e) = self.error.lock() {
            *e = Some(msg);
        }
    }
}

enum Command {
    Seek { frame: u64, generation: u64 },
}

/// One piece of decoded audio on its way to the source.
struct Chunk {
    generation: u64,
    /// Media frame of the first frame.
    first: u64,
    samples: Vec<f32>,
    /// The decoder reached the end (or stopped at damage) after this chunk.
    end: bool,
}

/// The UI's handle on playback of one recording.
pub struct Player {
    shared: Arc<Shared>,
    commands: mpsc::Sender<Command>,
    channels: u16,
}

impl Player {
    /// Opens `path` for playback and returns the handle plus the source to give to an output
    /// mixer (or to pull by hand in tests). `duration_s`, when known (from the study), is used
    /// as the length; otherwise the header's, refined by a demux pass where it is an estimate.
    pub fn open(
        path: &Path,
        duration_s: Option<f64>,
    ) -> Result<(Player, PlayerSource), AudioError> {
        let mut decoder = AudioDecoder::open(path, 2)?;
        decoder.start_mp3_index();
        let info = decoder.info().clone();
        let rate = info.sample_rate;
        let known = duration_s
            .filter(|d| d.is_finite() && *d > 0.0)
            .map(|d| (d * f64::from(rate)).round() as u64);
        let total = known.or(info.header_frames).unwrap_or(0);
        let shared = Arc::new(Shared {
            sample_rate: rate,
            position: AtomicU64::new(0),
            total: AtomicU64::new(total),
            playing: AtomicBool::new(false),
            speed_bits: AtomicU32::new(1.0f32.to_bits()),
            volume_bits: AtomicU32::new(1.0f32.to_bits()),
            generation: AtomicU64::new(0),
            ended: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
            error: Mutex::new(None),
            underruns: AtomicU64::new(0),
        });
        if known.is_none() {
            // The header may only estimate the length (MP3 without Xing, streamed WAV): take
            // the exact one from `probe` in the background.
            let s = Arc::clone(&shared);
            let p = path.to_path_buf();
            std::thread::Builder::new()
                .name("tapecoder-duration".into())
                .spawn(move || {
                    if let Ok(info) = super::probe::probe(&p) {
                        s.total.store(info.frames, Ordering::Release);
                    }
                })
                .map_err(|e| AudioError::Unreadable {
                    path: path.display().to_string(),
                    reason: format!("cannot start a thread: {e}"),
                })?;
        }
        let (cmd_tx, cmd_rx) = mpsc::channel();
        let (chunk_tx, chunk_rx) = mpsc::sync_channel(QUEUE_CHUNKS);
        let s = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("tapecoder-decode".into())
            .spawn(move || {
                let path = decoder.path().to_path_buf();
                let shared = Arc::clone(&s);
                let run =
                    std::panic::AssertUnwindSafe(|| decode_loop(decoder, s, cmd_rx, chunk_tx));
                if std::panic::catch_unwind(run).is_err() {
                    // The source sees the channel close and ends; say why.
                    shared.set_error(format!(
                        "{}: playback stopped: the audio decoder failed on damaged data",
                        path.display()
                    ));
                    shared.ended.store(true, Ordering::Release);
                }
            })
            .map_err(|e| AudioError::Unreadable {
                path: path.display().to_string(),
                reason: format!("cannot start the decoder thread: {e}"),
            })?;
        let channels = info.out_channels;
        let source = PlayerSource::new(Arc::clone(&shared), chunk_rx, channels, rate);
        Ok((Player { shared, commands: cmd_tx, channels }, source))
    }

    /// Channels handed to the output (1 or 2).
    pub fn channels(&self) -> u16 {
        self.channels
    }

    /// Blocks of silence played so far because the decoder had nothing ready (while playing,
    /// before the end); the first blocks after opening or seeking count too.
    pub fn underruns(&self) -> u64 {
        self.shared.underruns.load(Ordering::Acquire)
    }

    /// Volume 0.0–1.0 (clamped).
    pub fn set_volume(&mut self, volume: f32) {
        let v = if volume.is_finite() { volume.clamp(0.0, 1.0) } else { 1.0 };
        self.shared.volume_bits.store(v.to_bits(), Ordering::Release);
    }

    fn duration_s(&self) -> f64 {
        self.shared.total.load(Ordering::Acquire) as f64 / f64::from(self.shared.sample_rate)
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        // The source returns `None` next time it is pulled, so the mixer drops it; the decoder
        // thread ends when its channels close.
        self.shared.stopped.store(true, Ordering::Release);
    }
}

impl Playback for Player {
    fn play(&mut self) {
        if self.shared.ended.load(Ordering::Acquire) {
            return;
        }
        self.shared.playing.store(true, Ordering::Release);
    }

    fn pause(&mut self) {
        self.shared.playing.store(false, Ordering::Release);
    }

    fn seek(&mut self, to_s: f64) {
        let to = if to_s.is_finite() { to_s.max(0.0) } else { 0.0 };
        let total = self.shared.total.load(Ordering::Acquire);
        let mut frame = (to * f64::from(self.shared.sample_rate)).round() as u64;
        if total > 0 {
            frame = frame.min(total);
        }
        let generation = self.shared.generation.fetch_add(1, Ordering::AcqRel) + 1;
        self.shared.position.store(frame, Ordering::Release);
        self.shared.ended.store(false, Ordering::Release);
        if let Ok(mut e) = self.shared.error.lock() {
            *e = None;
        }
        let _ = self.commands.send(Command::Seek { frame, generation });
    }

    fn set_speed(&mut self, speed: f32) {
        self.shared.speed_bits.store(clamp_speed(speed).to_bits(), Ordering::Release);
    }

    fn set_volume(&mut self, volume: f32) {
        Player::set_volume(self, volume);
    }

    fn snapshot(&self) -> Snapshot {
        let s = &self.shared;
        let ended = s.ended.load(Ordering::Acquire);
        Snapshot {
            position_s: s.position.load(Ordering::Acquire) as f64 / f64::from(s.sample_rate),
            duration_s: self.duration_s(),
            playing: s.playing.load(Ordering::Acquire) && !ended,
            speed: s.speed(),
            silent_reason: None,
            error: s.error.try_lock().ok().and_then(|e| e.clone()),
            ended,
        }
    }
}

/// The decoder thread: decode ahead, obey seeks, stop when the handle and source are gone.
fn decode_loop(
    mut dec: AudioDecoder,
    shared: Arc<Shared>,
    commands: Receiver<Command>,
    chunks: SyncSender<Chunk>,
) {
    let mut generation = 0u64;
    let mut at_end = false;
    let mut pending: Option<Chunk> = None;
    let mut buf = Vec::with_capacity(CHUNK_FRAMES * 2 + 8192);
    loop {
        if shared.stopped.load(Ordering::Acquire) {
            return;
        }
        // Commands first; wait on them when there is nothing to do.
        let cmd = if at_end && pending.is_none() {
            match commands.recv_timeout(Duration::from_millis(200)) {
                Ok(c) => Some(c),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            match commands.try_recv() {
                Ok(c) => Some(c),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            }
        };
        if let Some(Command::Seek { frame, generation: g }) = cmd {
            // Only the latest seek matters.
            let (mut frame, mut g) = (frame, g);
            while let Ok(Command::Seek { frame: f2, generation: g2 }) = commands.try_recv() {
                frame = f2;
                g = g2;
            }
            generation = g;
            pending = None;
            at_end = false;
            if let Err(e) = dec.seek(frame) {
                shared.set_error(e.to_string());
                at_end = true;
                pending = Some(Chunk { generation, first: frame, samples: Vec::new(), end: true });
            }
        }
        if pending.is_none() && !at_end {
            buf.clear();
            let mut first = None;
            let oc = usize::from(dec.info().out_channels);
            let mut end = false;
            while buf.len() < CHUNK_FRAMES * oc {
                match dec.read(&mut buf) {
                    Ok(Some((f, _))) => {
                        first.get_or_insert(f);
                    }
                    Ok(None) => {
                        end = true;
                        break;
                    }
                    Err(_) => {
                        if let Some(msg) = dec.error() {
                            shared.set_error(msg.to_string());
                        }
                        end = true;
                        break;
                    }
                }
            }
            at_end = end;
            pending = Some(Chunk {
                generation,
                first: first.unwrap_or_else(|| dec.position()),
                samples: std::mem::take(&mut buf),
                end,
            });
            buf = Vec::with_capacity(CHUNK_FRAMES * 2 + 8192);
        }
        if let Some(chunk) = pending.take() {
            match chunks.try_send(chunk) {
                Ok(()) => {}
                Err(TrySendError::Full(c)) => {
                    pending = Some(c);
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
    }
}

/// The rodio source: pulls decoded chunks, stretches them when the speed is not 1.0, applies the
/// volume, and publishes the media position of what it hands out. Infinite: it plays silence
/// while paused, starved or at the end, and ends only when the [`Player`] is dropped.
pub struct PlayerSource {
    shared: Arc<Shared>,
    chunks: Receiver<Chunk>,
    channels: u16,
    rate: u32,
    generation: u64,
    /// Decoded, not yet consumed frames (interleaved) and the media frame of the first.
    pending: Vec<f32>,
    pending_read: usize,
    pending_frame: u64,
    decoder_done: bool,
    stretch: Option<Wsola>,
    stretch_base: u64,
    stretch_out: u64,
    speed: f32,
    out: Vec<f32>,
    out_pos: usize,
    /// Offline use (clips, tests): wait for the decoder instead of playing silence.
    blocking: bool,
}

impl PlayerSource {
    fn new(shared: Arc<Shared>, chunks: Receiver<Chunk>, channels: u16, rate: u32) -> Self {
        PlayerSource {
            shared,
            chunks,
            channels: channels.max(1),
            rate: rate.max(1),
            generation: 0,
            pending: Vec::new(),
            pending_read: 0,
            pending_frame: 0,
            decoder_done: false,
            stretch: None,
            stretch_base: 0,
            stretch_out: 0,
            speed: 1.0,
            out: Vec::with_capacity(BLOCK_FRAMES * 4),
            out_pos: 0,
            blocking: false,
        }
    }

    /// Offline rendering (clips, tests): when the decoder is behind, wait for it (up to 5 s)
    /// instead of playing silence. Never set this on a source a device pulls.
    pub fn set_blocking(&mut self, blocking: bool) {
        self.blocking = blocking;
    }

    /// Channels of the samples this source yields.
    pub fn channel_count(&self) -> u16 {
        self.channels
    }

    /// Sample rate of the samples this source yields.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    fn pending_frames(&self) -> usize {
        (self.pending.len() - self.pending_read) / usize::from(self.channels)
    }

    /// Takes queued chunks of the current generation without blocking.
    fn receive(&mut self) {
        let c = usize::from(self.channels);
        while self.pending_frames() < BLOCK_FRAMES * 4 && !self.decoder_done {
            let got = if self.blocking && self.pending_frames() < BLOCK_FRAMES {
                self.chunks.recv_timeout(Duration::from_secs(5)).map_err(|e| match e {
                    RecvTimeoutError::Timeout => TryRecvError::Empty,
                    RecvTimeoutError::Disconnected => TryRecvError::Disconnected,
                })
            } else {
                self.chunks.try_recv()
            };
            match got {
                Ok(chunk) if chunk.generation == self.generation => {
                    if self.pending_frames() == 0 {
                        self.pending.clear();
                        self.pending_read = 0;
                        self.pending_frame = chunk.first;
                    }
                    if self.pending_read > 0 && self.pending_read * 2 > self.pending.len() {
                        self.pending.drain(..self.pending_read);
                        self.pending_read = 0;
                    }
                    let usable = chunk.samples.len() / c * c;
                    self.pending.extend_from_slice(chunk.samples.get(..usable).unwrap_or(&[]));
                    self.decoder_done = chunk.end;
                }
                Ok(_) => {} // stale, from before a seek
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.decoder_done = true;
                    break;
                }
            }
        }
    }

    /// Restarts after a seek: drop everything buffered.
    fn restart(&mut self, generation: u64) {
        self.generation = generation;
        self.pending.clear();
        self.pending_read = 0;
        self.pending_frame = self.shared.position.load(Ordering::Acquire);
        self.decoder_done = false;
        // The next refill sees the speed differ and builds a fresh stretcher here.
        self.stretch = None;
        self.speed = 1.0;
    }

    /// Media frame at the read point of the stretcher (or of `pending` when not stretching).
    fn media_frame(&self) -> u64 {
        match &self.stretch {
            Some(_) => {
                self.stretch_base + (self.stretch_out as f64 * f64::from(self.speed)).round() as u64
            }
            None => self.pending_frame,
        }
    }

    fn silence(&mut self) {
        self.out.clear();
        self.out.resize(BLOCK_FRAMES * usize::from(self.channels), 0.0);
        self.out_pos = 0;
    }

    fn refill(&mut self) {
        let g = self.shared.generation.load(Ordering::Acquire);
        if g != self.generation {
            self.restart(g);
        }
        if !self.shared.playing.load(Ordering::Acquire) {
            self.silence();
            return;
        }
        let speed = self.shared.speed();
        if (speed - self.speed).abs() > f32::EPSILON {
            self.change_speed(speed);
        }
        let c = usize::from(self.channels);
        self.out.clear();
        self.out_pos = 0;
        match self.stretch.take() {
            None => {
                self.receive();
                let take = self.pending_frames().min(BLOCK_FRAMES);
                let end = self.pending_read + take * c;
                self.out.extend_from_slice(&self.pending[self.pending_read..end]);
                self.pending_read = end;
                self.pending_frame += take as u64;
            }
            Some(mut w) => {
                // Feed the stretcher until it has output (it needs a window's worth first).
                while w.available() < BLOCK_FRAMES * c {
                    self.receive();
                    let take = self.pending_frames().min(BLOCK_FRAMES);
                    if take == 0 {
                        if self.decoder_done {
                            w.finish();
                        }
                        break;
                    }
                    let end = self.pending_read + take * c;
                    w.push(&self.pending[self.pending_read..end]);
                    self.pending_read = end;
                    self.pending_frame += take as u64;
                }
                self.out.resize(w.available(), 0.0);
                let n = w.pop(&mut self.out);
                self.out.truncate(n);
                self.stretch_out += (n / c) as u64;
                self.stretch = Some(w);
            }
        }
        let produced = self.out.len() / c;
        if produced == 0 {
            if !self.decoder_done {
                self.shared.underruns.fetch_add(1, Ordering::AcqRel);
            }
            if self.decoder_done && self.pending_frames() == 0 {
                let at = self.media_frame().min(self.pending_frame);
                self.shared.position.store(at, Ordering::Release);
                self.shared.ended.store(true, Ordering::Release);
                self.shared.playing.store(false, Ordering::Release);
            }
            // Starved (decoder behind) or ended: silence, position unchanged.
            self.silence();
            return;
        }
        let vol = self.shared.volume();
        if vol < 1.0 {
            for s in &mut self.out {
                *s *= vol;
            }
        }
        self.shared.position.store(self.media_frame(), Ordering::Release);
    }

    /// Switches stretching on, off or to another speed at the current media frame, keeping the
    /// input the old stretcher had not yet used.
    fn change_speed(&mut self, speed: f32) {
        let here = self.media_frame();
        if let Some(w) = self.stretch.take() {
            let mut rest = w.take_unconsumed();
            rest.extend_from_slice(&self.pending[self.pending_read..]);
            self.pending = rest;
            self.pending_read = 0;
            self.pending_frame = here;
        }
        self.speed = speed;
        if (speed - 1.0).abs() > f32::EPSILON {
            self.stretch =
                Some(Wsola::new(usize::from(self.channels), self.rate, f64::from(speed)));
            self.stretch_base = self.pending_frame;
            self.stretch_out = 0;
        }
    }
}

impl Iterator for PlayerSource {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        if self.shared.stopped.load(Ordering::Relaxed) {
            return None;
        }
        // A seek takes effect at once, not after the block already prepared.
        if self.out_pos >= self.out.len()
            || self.shared.generation.load(Ordering::Relaxed) != self.generation
        {
            self.refill();
        }
        let s = self.out.get(self.out_pos).copied().unwrap_or(0.0);
        self.out_pos += 1;
        Some(s)
    }
}

impl rodio::Source for PlayerSource {
    fn current_span_len(&self) -> Option<usize> {
        None
    }

    fn channels(&self) -> rodio::ChannelCount {
        std::num::NonZero::new(self.channels).unwrap_or(std::num::NonZero::<u16>::MIN)
    }

    fn sample_rate(&self) -> rodio::SampleRate {
        std::num::NonZero::new(self.rate).unwrap_or(std::num::NonZero::<u32>::MIN)
    }

    fn total_duration(&self) -> Option<Duration> {
        None
    }
}
