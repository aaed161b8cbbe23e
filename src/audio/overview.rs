//! The waveform overview: min / max / RMS per time bucket, computed by a background worker that
//! streams chunks to the UI (so the timeline draws progressively), can be cancelled, and caches
//! the result per user so that a second open is instant.
//!
//! Cheaper than a full decode where the picture stays true: for long lossy recordings (MP3, AAC,
//! Vorbis) each bucket decodes one contiguous run of packets (about a quarter of the bucket,
//! after a few warm-up packets) and skips the rest by reading packet headers only. Speech loudness changes
//! slowly next to a bucket of several seconds, so the shape is the same; peaks may read a little
//! low. PCM and FLAC, and short recordings, are decoded in full.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::AudioError;
use super::decode::AudioDecoder;

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
/// Lossy recordings longer than this are sampled rather than decoded in full.
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
    let mut all = Vec::with_capacity(buckets);
    let result = compute(path, buckets, cancel, &mut |first, peaks: &[Peak]| {
        all.extend_from_slice(peaks);
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

    fn peak(&self) -> Peak {
        let rms = if self.n == 0 { 0.0 } else { (self.sum_sq / self.n as f64).sqrt() as f32 };
        Peak { min: self.min, max: self.max, rms }
    }
}

/// How much of the audio the overview decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Sample long lossy recordings, decode the rest in full.
    Auto,
    /// Decode everything.
    Full,
}

/// Computes the overview, calling `sink(first_bucket, peaks)` as buckets complete. Returns
/// `Ok(false)` when cancelled or when `sink` returns false.
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

fn compute_inner(
    path: &Path,
    buckets: usize,
    mode: Mode,
    cancel: &AtomicBool,
    sink: &mut dyn FnMut(usize, &[Peak]) -> bool,
) -> Result<bool, AudioError> {
    let buckets = buckets.max(1);
    let info = super::probe(path)?;
    let total = info.frames.max(1);
    let mut dec = AudioDecoder::open(path, 1)?;
    let lossy = !(info.codec.starts_with("pcm") || info.codec == "flac");
    let sample = mode == Mode::Auto && lossy && info.duration_s > SAMPLE_ABOVE_S;
    // Bucket b covers frames [b*total/buckets, (b+1)*total/buckets).
    let bucket_start = |b: usize| -> u64 { (b as u128 * total as u128 / buckets as u128) as u64 };
    let mut accs = vec![Acc::EMPTY; CHUNK_BUCKETS];
    let mut chunk_first = 0usize;
    let mut buf = Vec::with_capacity(8192);
    let mut b = 0usize;
    // In sampling mode: the frame where decoding of the current bucket stops.
    let mut decode_until = 0u64;
    let mut flush = |upto: usize, accs: &mut Vec<Acc>, chunk_first: &mut usize| -> bool {
        // Send buckets chunk_first..upto.
        let n = upto - *chunk_first;
        let peaks: Vec<Peak> = accs.iter().take(n).map(Acc::peak).collect();
        let ok = sink(*chunk_first, &peaks);
        *chunk_first = upto;
        accs.iter_mut().for_each(|a| *a = Acc::EMPTY);
        ok
    };
    if sample {
        decode_until = sample_end(bucket_start(0), bucket_start(1));
    }
    let mut next_boundary = bucket_start(1);
    while b < buckets {
        if cancel.load(Ordering::Acquire) {
            return Ok(false);
        }
        buf.clear();
        let Some((first, n)) = dec.read(&mut buf)? else { break };
        let mut i = 0usize;
        while i < n && b < buckets {
            let frame = first + i as u64;
            if frame >= next_boundary {
                b += 1;
                next_boundary = bucket_start(b + 1);
                if b - chunk_first == CHUNK_BUCKETS && !flush(b, &mut accs, &mut chunk_first) {
                    return Ok(false);
                }
                continue;
            }
            // The samples of this packet that fall in bucket b.
            let upto = (next_boundary - first).min(n as u64) as usize;
            if let Some(a) = accs.get_mut(b - chunk_first) {
                for s in buf.get(i..upto).unwrap_or(&[]) {
                    a.add(*s);
                }
            }
            i = upto;
        }
        if sample && first + n as u64 >= decode_until && b + 1 < buckets {
            // Skip to the next bucket without decoding (a forward seek reads packet headers
            // only; it decodes a few warm-up packets before the target and drops them), then
            // decode a run there.
            let next = bucket_start(b + 1);
            // (Only when the jump is long: a seek target behind the current packet would make
            // the MP3 reader rescan from the start.)
            if next > first + n as u64 + 2 * super::decode::lossy_preroll(info.sample_rate) {
                dec.seek(next)?;
            }
            decode_until = sample_end(next, bucket_start(b + 2));
        }
    }
    let upto = buckets.min(b + 1).max(chunk_first);
    if upto > chunk_first && !flush(upto, &mut accs, &mut chunk_first) {
        return Ok(false);
    }
    // Buckets past the last decoded frame (a stream shorter than its header) stay silent.
    while chunk_first < buckets {
        let n = (buckets - chunk_first).min(CHUNK_BUCKETS);
        let peaks = vec![Peak::default(); n];
        if !sink(chunk_first, &peaks) {
            return Ok(false);
        }
        chunk_first += n;
    }
    Ok(true)
}

/// Where decoding of a sampled bucket `[start, end)` stops: a quarter of it, at least 0.3 s
/// worth of frames at 44.1 kHz.
fn sample_end(start: u64, end: u64) -> u64 {
    let len = end.saturating_sub(start);
    start + (len / 4).max(13_230).min(len)
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
