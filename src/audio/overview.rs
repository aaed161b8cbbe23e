//! The waveform overview: min / max / RMS per time bucket, computed by a background worker that
//! streams chunks to the UI (so the timeline draws progressively), can be cancelled, and caches
//! the result per user so that a second open is instant.
//!
//! Cheaper than a full decode where the picture stays true: recordings longer than ten minutes
//! are sampled ([`Sampling`]): every 0.4 s of each bucket a short window is decoded (two MP3
//! frames after a few that refill the bit reservoir, two AAC/Vorbis packets after one, one FLAC
//! or PCM frame), and the packets between are only demuxed (PCM: seeked over; native FLAC:
//! read from the frame index, `flacindex`, so the frames between are not read at all). Buckets go
//! in chunks of 64 to a pool of workers, one per core, shared by every overview of the process;
//! each chunk starts with a seek and a fresh codec, so the result does not depend on which
//! worker took it (the cache stores it; a re-open reads the same peaks). Short recordings are
//! decoded in full. `tests/audio_overview.rs` holds the sampled overview to a full decode.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Condvar, Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::AudioError;
use super::decode::{AudioDecoder, Step};

/// Loudness of one bucket (samples in −1.0..=1.0, mono downmix).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Peak {
    pub min: f32,
    pub max: f32,
    pub rms: f32,
}

/// What the worker sends.
#[derive(Debug, Clone, PartialEq)]
pub enum OverviewMsg {
    /// Buckets `first_bucket..first_bucket + peaks.len()` are ready.
    Chunk { first_bucket: usize, peaks: Vec<Peak> },
    /// Every bucket has been sent.
    Done,
    /// The overview could not be computed (the message names the file).
    Failed(String),
}

/// The caller's end of an overview worker.
#[derive(Debug)]
pub struct OverviewHandle {
    rx: Receiver<OverviewMsg>,
    cancel: Arc<AtomicBool>,
}

impl OverviewHandle {
    /// The next message, if one is waiting (never blocks).
    pub fn try_recv(&self) -> Option<OverviewMsg> {
        match self.rx.try_recv() {
            Ok(m) => Some(m),
            Err(TryRecvError::Empty) | Err(TryRecvError::Disconnected) => None,
        }
    }

    /// Waits for the next message (for commands and tests); `None` once the worker is gone.
    pub fn recv(&self) -> Option<OverviewMsg> {
        self.rx.recv().ok()
    }

    /// Asks the worker to stop; it sends nothing more.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Release);
    }
}

impl Drop for OverviewHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Buckets per chunk message.
const CHUNK_BUCKETS: usize = 64;
/// Recordings longer than this are sampled rather than decoded in full.
const SAMPLE_ABOVE_S: f64 = 600.0;

/// A cache key for a file from its path, size and modification time (use the audio sha256 when
/// the study knows it: it survives moves).
pub fn file_cache_key(path: &Path) -> String {
    let meta = std::fs::metadata(path).ok();
    let size = meta.as_ref().map(|m| m.len()).unwrap_or(0);
    let mtime = meta
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    format!("{}|{size}|{mtime}", abs.display())
}

/// The per-user cache folder (`TAPECODER_CACHE_DIR` overrides it).
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("TAPECODER_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    directories::ProjectDirs::from("", "", "tapecoder").map(|p| p.cache_dir().join("overview"))
}

/// Starts a worker computing `buckets` buckets of `path`, using the per-user cache.
pub fn spawn(path: &Path, cache_key: &str, buckets: usize) -> OverviewHandle {
    spawn_with_cache(path, cache_key, buckets, cache_dir())
}

/// As [`spawn`], with an explicit cache folder (`None`: no cache).
pub fn spawn_with_cache(
    path: &Path,
    cache_key: &str,
    buckets: usize,
    cache: Option<PathBuf>,
) -> OverviewHandle {
    let (tx, rx) = mpsc::channel();
    let cancel = Arc::new(AtomicBool::new(false));
    let handle = OverviewHandle { rx, cancel: Arc::clone(&cancel) };
    let path = path.to_path_buf();
    let cache_file = cache.map(|d| d.join(cache_name(cache_key, buckets)));
    let buckets = buckets.clamp(1, 1 << 20);
    let spawned = std::thread::Builder::new().name("tapecoder-overview".into()).spawn({
        let tx = tx.clone();
        move || worker(&path, buckets, cache_file, &cancel, &tx)
    });
    if let Err(e) = spawned {
        let _ = tx.send(OverviewMsg::Failed(format!("cannot start the overview worker: {e}")));
    }
    handle
}

fn cache_name(key: &str, buckets: usize) -> String {
    let digest = Sha256::digest(key.as_bytes());
    format!("{}-{buckets}.peaks", hex::encode(&digest[..16]))
}

fn worker(
    path: &Path,
    buckets: usize,
    cache_file: Option<PathBuf>,
    cancel: &AtomicBool,
    tx: &Sender<OverviewMsg>,
) {
    if let Some(peaks) = cache_file.as_deref().and_then(|f| read_cache(f, buckets)) {
        for (i, chunk) in peaks.chunks(CHUNK_BUCKETS * 16).enumerate() {
            let msg =
                OverviewMsg::Chunk { first_bucket: i * CHUNK_BUCKETS * 16, peaks: chunk.to_vec() };
            if tx.send(msg).is_err() {
                return;
            }
        }
        let _ = tx.send(OverviewMsg::Done);
        return;
    }
    let mut all = vec![Peak::default(); buckets];
    let result = compute(path, buckets, cancel, &mut |first, peaks: &[Peak]| {
        if let Some(slot) = all.get_mut(first..first + peaks.len()) {
            slot.copy_from_slice(peaks);
        }
        tx.send(OverviewMsg::Chunk { first_bucket: first, peaks: peaks.to_vec() }).is_ok()
    });
    match result {
        Ok(true) => {
            if let Some(f) = cache_file {
                // A cache that cannot be written only costs time next open.
                let _ = write_cache(&f, &all);
            }
            let _ = tx.send(OverviewMsg::Done);
        }
        Ok(false) => {} // cancelled
        Err(e) => {
            let _ = tx.send(OverviewMsg::Failed(e.to_string()));
        }
    }
}

/// Accumulates one bucket.
#[derive(Debug, Clone, Copy)]
struct Acc {
    min: f32,
    max: f32,
    sum_sq: f64,
    n: u64,
}

impl Acc {
    const EMPTY: Acc = Acc { min: 0.0, max: 0.0, sum_sq: 0.0, n: 0 };

    fn add(&mut self, s: f32) {
        self.min = self.min.min(s);
        self.max = self.max.max(s);
        self.sum_sq += f64::from(s) * f64::from(s);
        self.n += 1;
    }

    /// [`add`](Self::add) for each of `s`, eight lanes at a time (squares summed in `f32` over
    /// at most 32 samples a lane, then in `f64`): the same peaks, and the RMS to within `f32`
    /// rounding of the one-by-one sum.
    fn add_all(&mut self, s: &[f32]) {
        let mut lo = [self.min; 8];
        let mut hi = [self.max; 8];
        let mut sum = 0f64;
        for block in s.chunks(256) {
            let mut sq = [0f32; 8];
            let mut lanes = block.chunks_exact(8);
            for c in lanes.by_ref() {
                for k in 0..8 {
                    let x = c[k];
                    lo[k] = if x < lo[k] { x } else { lo[k] };
                    hi[k] = if x > hi[k] { x } else { hi[k] };
                    sq[k] += x * x;
                }
            }
            for (k, &x) in lanes.remainder().iter().enumerate() {
                lo[k] = if x < lo[k] { x } else { lo[k] };
                hi[k] = if x > hi[k] { x } else { hi[k] };
                sq[k] += x * x;
            }
            sum += sq.iter().map(|&v| f64::from(v)).sum::<f64>();
        }
        self.min = lo.iter().fold(self.min, |a, &b| a.min(b));
        self.max = hi.iter().fold(self.max, |a, &b| a.max(b));
        self.sum_sq += sum;
        self.n += s.len() as u64;
    }

    fn peak(&self) -> Peak {
        let rms = if self.n == 0 { 0.0 } else { (self.sum_sq / self.n as f64).sqrt() as f32 };
        Peak { min: self.min, max: self.max, rms }
    }
}

/// How much of the audio the overview decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Sample long recordings (see [`Sampling`]) on the worker pool, decode short ones in full.
    Auto,
    /// Decode everything, on one thread: the reference the sampled overview is tested against.
    Full,
}

/// Computes the overview, calling `sink(first_bucket, peaks)` as chunks of buckets complete (not
/// necessarily in order: the pool's workers each take the next chunk). Returns `Ok(false)` when
/// cancelled or when `sink` returns false.
pub fn compute(
    path: &Path,
    buckets: usize,
    cancel: &AtomicBool,
    sink: &mut dyn FnMut(usize, &[Peak]) -> bool,
) -> Result<bool, AudioError> {
    compute_mode(path, buckets, Mode::Auto, cancel, sink)
}

/// [`compute`] with an explicit [`Mode`].
pub fn compute_mode(
    path: &Path,
    buckets: usize,
    mode: Mode,
    cancel: &AtomicBool,
    sink: &mut dyn FnMut(usize, &[Peak]) -> bool,
) -> Result<bool, AudioError> {
    super::guard(path, || compute_inner(path, buckets, mode, cancel, sink))
}

/// How a long recording is sampled: every `stride` frames (and at least once per bucket) a
/// window of `window` frames is measured, after `preroll` frames decoded and thrown away (a
/// lossy codec's output right after a reset is not yet right: the MDCT overlap, MP3's bit
/// reservoir). Packets outside windows and prerolls are demuxed only, which is what makes it
/// cheap; windows are placed evenly inside each bucket, so each bucket sees its whole span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sampling {
    pub stride: u64,
    pub window: u64,
    pub preroll: u64,
    /// Jump to the next window with a seek when it is this far ahead, rather than demuxing
    /// the packets between (FLAC: finding a frame's end means reading and checking all of it).
    pub seek_gap: Option<u64>,
}

impl Sampling {
    /// The sampling used for a codec (symphonia's short name) at `rate` Hz.
    pub fn for_codec(codec: &str, rate: u32) -> Sampling {
        let rate = u64::from(rate.max(1));
        let ms = |m: u64| (rate * m).div_ceil(1000);
        match codec {
            // Two frames of 1152, after at least three more, and after enough to refill the bit
            // reservoir (see `Plan::chunk`: a quiet VBR frame is ~100 bytes; with only two
            // frames before, the measured RMS read 5–8% low on speech, 4× on 32 kbit/s music).
            "mp3" => {
                Sampling { stride: ms(STRIDE_MS), window: 2304, preroll: 3456, seek_gap: None }
            }
            // AAC frames are 1024 and Vorbis blocks up to 2048 (1024 frames a packet): the
            // first packet after a reset lacks its overlap, the next is exact.
            "aac" | "vorbis" => {
                Sampling { stride: ms(STRIDE_MS), window: 2048, preroll: 1024, seek_gap: None }
            }
            // FLAC and PCM frames stand alone; FLAC's reader finds a frame's end only by
            // reading and checking all of it, so the gaps are seeked over.
            // Every sample of a decoded frame counts, so the window is a point: one frame.
            _ => Sampling { stride: ms(STRIDE_MS), window: 1, preroll: 0, seek_gap: Some(ms(200)) },
        }
    }
}

/// Milliseconds between sampled windows.
const STRIDE_MS: u64 = 400;

/// One measured stretch `[start, end)` of bucket `bucket`.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: u64,
    end: u64,
    bucket: usize,
}

/// What the workers share.
struct Plan {
    total: u64,
    buckets: usize,
    /// `None`: every frame is measured.
    sampling: Option<Sampling>,
    /// Frames decoded and dropped before the first window of a chunk (and each sampled one).
    preroll: u64,
    seek_gap: Option<u64>,
    /// MP3: decoding starts early enough to refill the bit reservoir.
    reservoir: bool,
    sample_rate: u32,
}

impl Plan {
    fn bucket_start(&self, b: usize) -> u64 {
        (b as u128 * self.total as u128 / self.buckets as u128) as u64
    }

    /// The windows of buckets `b0..b1`, in order.
    fn windows(&self, b0: usize, b1: usize) -> Vec<Window> {
        let mut out = Vec::new();
        for b in b0..b1 {
            let (start, end) = (self.bucket_start(b), self.bucket_start(b + 1));
            let len = end.saturating_sub(start);
            if len == 0 {
                continue;
            }
            let k = self.sampling.map_or(1, |s| ((len + s.stride / 2) / s.stride.max(1)).max(1));
            match self.sampling {
                Some(s) if s.window.saturating_mul(k) < len => {
                    for j in 0..k {
                        let centre =
                            start + ((2 * j + 1) as u128 * len as u128 / (2 * k) as u128) as u64;
                        let ws = centre.saturating_sub(s.window / 2).max(start);
                        let we = (ws + s.window).min(end);
                        out.push(Window { start: ws, end: we, bucket: b });
                    }
                }
                _ => out.push(Window { start, end, bucket: b }),
            }
        }
        out
    }

    /// The peaks of chunk `c` (buckets `c * CHUNK_BUCKETS..`), or `None` when stopped.
    fn chunk(
        &self,
        dec: &mut AudioDecoder,
        c: usize,
        stop: &dyn Fn() -> bool,
        buf: &mut Vec<f32>,
    ) -> Result<Option<Vec<Peak>>, AudioError> {
        let b0 = c * CHUNK_BUCKETS;
        let b1 = (b0 + CHUNK_BUCKETS).min(self.buckets);
        let mut accs = vec![Acc::EMPTY; b1.saturating_sub(b0)];
        let windows = self.windows(b0, b1);
        let pre = self.preroll;
        if let Some(first) = windows.first() {
            dec.seek_near(first.start.saturating_sub(pre))?;
        }
        // `wi`: the first window not yet passed by the packets read; `ai`: the same for the
        // frames accumulated.
        let (mut wi, mut ai) = (0usize, 0usize);
        // Recent bytes of MP3 main data per frame, and the reservoir's size.
        let mut per_frame = 0.1f64;
        let reservoir = match (self.reservoir, self.sample_rate) {
            (false, _) => 0,
            (true, r) if r < 32_000 => 255,
            (true, _) => 511,
        };
        while wi < windows.len() {
            if stop() {
                return Ok(None);
            }
            if let (Some(gap), Some(w)) = (self.seek_gap, windows.get(wi)) {
                let want = w.start.saturating_sub(pre);
                if want > dec.position().saturating_add(gap) {
                    dec.seek_near(want)?;
                }
            }
            buf.clear();
            // MP3: a frame's data may start up to 511 bytes back in earlier frames (the bit
            // reservoir; 255 below 32 kHz), so decoding starts early enough for that many bytes
            // at the recent bitrate (pauses are coded in small frames). A margin of 1.5× that
            // decoded a third more frames for the same fidelity (per-bucket p50 and p95 of the
            // 2-hour speech file the same to five digits: BENCHMARKS.md), so there is none.
            let lead = if reservoir > 0 {
                ((reservoir as f64 / per_frame.max(1e-3)) as u64).min(12 * 1152)
            } else {
                0
            };
            let step = dec.read_or_skip(buf, &mut |start, dur, bytes| {
                if dur > 0 {
                    let b = bytes.saturating_sub(36) as f64 / dur as f64;
                    per_frame = 0.7 * per_frame + 0.3 * b;
                }
                while windows.get(wi).is_some_and(|w| w.end <= start) {
                    wi += 1;
                }
                windows.get(wi).is_some_and(|w| start + dur > w.start.saturating_sub(pre.max(lead)))
            })?;
            let Some(Step::Decoded { first, frames }) = step else {
                if step.is_none() {
                    break;
                }
                continue;
            };
            let end = first + frames as u64;
            if pre == 0 {
                // Frames that stand alone (FLAC, PCM) are exact wherever they fall: every
                // decoded sample counts, in its own bucket (a frame's samples before this
                // chunk's first bucket are the chunk before's).
                let mut b = windows.get(wi.min(windows.len() - 1)).map_or(b0, |w| w.bucket);
                while b > b0 && self.bucket_start(b) > first {
                    b -= 1;
                }
                let mut f = first.max(self.bucket_start(b0));
                while f < end && b < b1 {
                    let next = self.bucket_start(b + 1);
                    if f >= next {
                        b += 1;
                        continue;
                    }
                    let upto = next.min(end);
                    if let (Some(acc), Some(samples)) = (
                        accs.get_mut(b - b0),
                        buf.get((f - first) as usize..(upto - first) as usize),
                    ) {
                        acc.add_all(samples);
                    }
                    f = upto;
                }
                continue;
            }
            while windows.get(ai).is_some_and(|w| w.end <= first) {
                ai += 1;
            }
            for w in windows.get(ai..).unwrap_or(&[]).iter().take_while(|w| w.start < end) {
                let (lo, hi) = (w.start.max(first), w.end.min(end));
                if lo >= hi {
                    continue;
                }
                if let (Some(acc), Some(samples)) = (
                    accs.get_mut(w.bucket - b0),
                    buf.get((lo - first) as usize..(hi - first) as usize),
                ) {
                    for s in samples {
                        acc.add(*s);
                    }
                }
            }
        }
        // Buckets past the last decoded frame (a stream shorter than its header) stay silent.
        Ok(Some(accs.iter().map(Acc::peak).collect()))
    }
}

/// Worker threads decoding overviews, over all overviews of the process: one per core (at most
/// four), so that several recordings opened at once share the cores instead of multiplying
/// threads. A worker holds a permit for one chunk at a time.
struct Pool {
    free: Mutex<usize>,
    freed: Condvar,
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| Pool { free: Mutex::new(pool_size()), freed: Condvar::new() })
}

/// Workers per overview and permits in the pool: the cores, at most four.
pub fn pool_size() -> usize {
    crate::par::cores().clamp(1, 4)
}

struct Permit;

impl Pool {
    /// Waits for a permit; `None` once `stop` says so.
    fn acquire(&self, stop: &dyn Fn() -> bool) -> Option<Permit> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if stop() {
                return None;
            }
            if *free > 0 {
                *free -= 1;
                return Some(Permit);
            }
            free = self
                .freed
                .wait_timeout(free, std::time::Duration::from_millis(20))
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let p = pool();
        let mut free = p.free.lock().unwrap_or_else(|e| e.into_inner());
        *free += 1;
        p.freed.notify_one();
    }
}

type ChunkResult = Result<(usize, Vec<Peak>), AudioError>;

fn compute_inner(
    path: &Path,
    buckets: usize,
    mode: Mode,
    cancel: &AtomicBool,
    sink: &mut dyn FnMut(usize, &[Peak]) -> bool,
) -> Result<bool, AudioError> {
    let buckets = buckets.max(1);
    let info = super::probe(path)?;
    let sampled = mode == Mode::Auto && info.duration_s > SAMPLE_ABOVE_S;
    let s = Sampling::for_codec(&info.codec, info.sample_rate);
    let plan = Plan {
        total: info.frames.max(1),
        buckets,
        sampling: sampled.then_some(s),
        preroll: s.preroll,
        seek_gap: if sampled { s.seek_gap } else { None },
        reservoir: info.codec == "mp3",
        sample_rate: info.sample_rate,
    };
    // Native FLAC: one scan of the frame headers, so that each window's frame is read from its
    // offset and the frames between are not read at all (see `flacindex`). Without it (an
    // index that cannot be built: damage), symphonia's reader seeks as before.
    let flac = (sampled && info.codec == "flac" && info.container == "flac")
        .then(|| super::flacindex::build(path))
        .flatten()
        .map(Arc::new);
    let chunks = buckets.div_ceil(CHUNK_BUCKETS);
    let workers = if mode == Mode::Full { 1 } else { pool_size().min(chunks) };
    let next = AtomicUsize::new(0);
    let halt = AtomicBool::new(false);
    let stop = || cancel.load(Ordering::Acquire) || halt.load(Ordering::Acquire);
    let (tx, rx) = mpsc::channel::<ChunkResult>();
    std::thread::scope(|scope| {
        let mut started = 0;
        for w in 0..workers {
            let tx = tx.clone();
            let (plan, next, stop, flac) = (&plan, &next, &stop, &flac);
            let spawned = std::thread::Builder::new()
                .name(format!("tapecoder-overview-{w}"))
                .spawn_scoped(scope, move || {
                    let run = || -> Result<(), AudioError> {
                        let mut dec = AudioDecoder::open(path, 1)?;
                        if let Some(idx) = flac {
                            dec.use_flac_index(Arc::clone(idx))?;
                        }
                        let mut buf = Vec::with_capacity(8192);
                        loop {
                            let c = next.fetch_add(1, Ordering::AcqRel);
                            if c >= chunks {
                                return Ok(());
                            }
                            let Some(permit) = pool().acquire(stop) else { return Ok(()) };
                            let peaks = plan.chunk(&mut dec, c, stop, &mut buf)?;
                            drop(permit);
                            let Some(peaks) = peaks else { return Ok(()) };
                            if tx.send(Ok((c * CHUNK_BUCKETS, peaks))).is_err() {
                                return Ok(());
                            }
                        }
                    };
                    if let Err(e) = super::guard(path, run) {
                        let _ = tx.send(Err(e));
                    }
                });
            if spawned.is_ok() {
                started += 1;
            }
        }
        drop(tx);
        if started == 0 {
            return Err(AudioError::Unreadable {
                path: path.display().to_string(),
                reason: "cannot start the overview workers".into(),
            });
        }
        let mut result = Ok(true);
        let mut received = 0;
        for msg in &rx {
            match msg {
                Ok((first, peaks)) => {
                    received += 1;
                    if !sink(first, &peaks) {
                        result = Ok(false);
                        break;
                    }
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        halt.store(true, Ordering::Release);
        if cancel.load(Ordering::Acquire) || (result.is_ok() && received < chunks) {
            // Cancelled (the workers stopped early).
            if matches!(result, Ok(true)) {
                result = Ok(false);
            }
        }
        result
    })
}

const MAGIC: &[u8; 8] = b"TCPEAKS1";

fn read_cache(path: &Path, buckets: usize) -> Option<Vec<Peak>> {
    let bytes = std::fs::read(path).ok()?;
    let body = bytes.strip_prefix(MAGIC.as_slice())?;
    let n = u64::from_le_bytes(body.get(..8)?.try_into().ok()?) as usize;
    if n != buckets || body.len() != 8 + n * 12 {
        return None;
    }
    let peaks = body[8..]
        .chunks_exact(12)
        .map(|c| {
            let f = |i: usize| f32::from_le_bytes([c[i], c[i + 1], c[i + 2], c[i + 3]]);
            Peak { min: f(0), max: f(4), rms: f(8) }
        })
        .collect::<Vec<_>>();
    // A damaged cache file is ignored (and rewritten), never drawn.
    let sane = |v: f32| v.is_finite() && (-2.0..=2.0).contains(&v);
    peaks.iter().all(|p| sane(p.min) && sane(p.max) && sane(p.rms)).then_some(peaks)
}

fn write_cache(path: &Path, peaks: &[Peak]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut bytes = Vec::with_capacity(16 + peaks.len() * 12);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&(peaks.len() as u64).to_le_bytes());
    for p in peaks {
        for v in [p.min, p.max, p.rms] {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
    }
    let mut tmp = crate::study::files::AtomicFile::create(path)?;
    tmp.file()?.write_all(&bytes)?;
    tmp.commit()
}
