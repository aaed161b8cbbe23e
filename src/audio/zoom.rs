//! The zoom strip's waveform: peaks decoded around the playhead at their own resolution
//! ([`BUCKET_S`] per bucket), not the overview stretched. Only the stretch asked for is decoded
//! (a seek, then [`TILE_S`] seconds of packets; the MP3 seek index makes the seek O(1) in a
//! 2-hour file), in tiles that the worker keeps in a small LRU so scrubbing back and forth
//! reuses them.
//!
//! The UI asks with [`ZoomHandle::want`] for the tiles it lacks (nearest to the playhead first);
//! a newer request replaces an older one that is still waiting (only the latest window matters),
//! and each decoded tile comes back as one [`ZoomTile`].
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};

use super::AudioError;
use super::decode::AudioDecoder;

/// Seconds of audio per zoom bucket: 0.025 s, so even a 300-column ±15 s strip (0.1 s per
/// column) has four real buckets under each column.
pub const BUCKET_S: f64 = 0.025;
/// Buckets per second (`1 / BUCKET_S`).
pub const BUCKETS_PER_S: u64 = 40;
/// Seconds per tile.
pub const TILE_S: f64 = 10.0;
/// Buckets per tile.
pub const TILE_BUCKETS: usize = 400;
/// Tiles the worker keeps decoded (an hour of zoom at 10 s a tile is 360; 64 is ten minutes).
const CACHE_TILES: usize = 64;

/// One decoded tile: buckets of `[index * TILE_S, (index + 1) * TILE_S)`, each the loudest
/// absolute sample in it (0.0–1.0). A tile past the end of the audio is shorter.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoomTile {
    pub index: u64,
    pub peaks: Vec<f32>,
}

/// What the worker sends.
#[derive(Debug, Clone, PartialEq)]
pub enum ZoomMsg {
    Tile(ZoomTile),
    /// The audio cannot be decoded here (the message may name the file).
    Failed(String),
}

/// The caller's end of a zoom worker. Dropping it stops the worker.
#[derive(Debug)]
pub struct ZoomHandle {
    tx: Sender<Vec<u64>>,
    rx: Receiver<ZoomMsg>,
}

impl ZoomHandle {
    /// Asks for these tiles, in this order (it replaces any request not yet done).
    pub fn want(&self, tiles: Vec<u64>) {
        let _ = self.tx.send(tiles);
    }

    /// The next message, if one is waiting (never blocks).
    pub fn try_recv(&self) -> Option<ZoomMsg> {
        self.rx.try_recv().ok()
    }

    /// Waits for the next message (tests, benchmarks); `None` once the worker is gone.
    pub fn recv(&self) -> Option<ZoomMsg> {
        self.rx.recv().ok()
    }
}

/// Starts a zoom worker for `path`.
pub fn spawn(path: &Path) -> ZoomHandle {
    let (req_tx, req_rx) = mpsc::channel::<Vec<u64>>();
    let (tx, rx) = mpsc::channel();
    let path = path.to_path_buf();
    let spawned = std::thread::Builder::new().name("tapecoder-zoom".into()).spawn({
        let tx = tx.clone();
        move || worker(path, &req_rx, &tx)
    });
    if let Err(e) = spawned {
        let _ = tx.send(ZoomMsg::Failed(format!("cannot start the zoom worker: {e}")));
    }
    ZoomHandle { tx: req_tx, rx }
}

fn worker(path: PathBuf, requests: &Receiver<Vec<u64>>, tx: &Sender<ZoomMsg>) {
    let mut zoom = match Decoder::open(&path) {
        Ok(z) => z,
        Err(e) => {
            let _ = tx.send(ZoomMsg::Failed(e.to_string()));
            return;
        }
    };
    let mut queue: VecDeque<u64> = VecDeque::new();
    loop {
        // Wait for work when there is none; otherwise take the newest request waiting.
        if queue.is_empty() {
            match requests.recv() {
                Ok(r) => queue = r.into(),
                Err(_) => return,
            }
        }
        loop {
            match requests.try_recv() {
                Ok(r) => queue = r.into(),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return,
            }
        }
        let Some(index) = queue.pop_front() else { continue };
        match zoom.tile(index) {
            Ok(peaks) => {
                if tx.send(ZoomMsg::Tile(ZoomTile { index, peaks })).is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = tx.send(ZoomMsg::Failed(e.to_string()));
                return;
            }
        }
    }
}

/// Decodes zoom tiles of one file, keeping the last [`CACHE_TILES`] (for the worker and the
/// benchmark).
pub struct Decoder {
    path: PathBuf,
    dec: AudioDecoder,
    rate: u64,
    cache: VecDeque<(u64, Vec<f32>)>,
    buf: Vec<f32>,
}

impl Decoder {
    /// Opens `path` (mono) and starts the MP3 seek index in the background.
    pub fn open(path: &Path) -> Result<Self, AudioError> {
        let mut dec = AudioDecoder::open(path, 1)?;
        dec.start_mp3_index();
        let rate = u64::from(dec.info().sample_rate.max(1));
        Ok(Decoder { path: path.to_path_buf(), dec, rate, cache: VecDeque::new(), buf: vec![] })
    }

    /// Waits (at most `timeout`) for the MP3 seek index; for benchmarks and tests.
    pub fn wait_index(&self, timeout: std::time::Duration) -> bool {
        self.dec.wait_mp3_index(timeout)
    }

    /// The peaks of tile `index`, decoded now or from the cache.
    pub fn tile(&mut self, index: u64) -> Result<Vec<f32>, AudioError> {
        if let Some(i) = self.cache.iter().position(|(k, _)| *k == index) {
            // Most recently used goes to the back.
            if let Some(hit) = self.cache.remove(i) {
                let peaks = hit.1.clone();
                self.cache.push_back(hit);
                return Ok(peaks);
            }
        }
        let path = self.path.clone();
        let peaks = super::guard(&path, || self.decode(index))?;
        if self.cache.len() >= CACHE_TILES {
            self.cache.pop_front();
        }
        self.cache.push_back((index, peaks.clone()));
        Ok(peaks)
    }

    /// Frame where bucket `b` (counted from the start of the recording) starts.
    fn bucket_frame(&self, b: u64) -> u64 {
        (u128::from(b) * u128::from(self.rate) / u128::from(BUCKETS_PER_S)) as u64
    }

    fn decode(&mut self, index: u64) -> Result<Vec<f32>, AudioError> {
        let first_bucket = index.saturating_mul(TILE_BUCKETS as u64);
        let start = self.bucket_frame(first_bucket);
        let end = self.bucket_frame(first_bucket + TILE_BUCKETS as u64);
        if self.dec.position() != start {
            self.dec.seek(start)?;
        }
        let mut peaks: Vec<f32> = Vec::with_capacity(TILE_BUCKETS);
        let mut bucket = 0usize;
        let mut next = self.bucket_frame(first_bucket + 1);
        let mut loudest = -1.0f32;
        'packets: loop {
            self.buf.clear();
            let Some((first, n)) = self.dec.read(&mut self.buf)? else { break };
            for (i, s) in self.buf.iter().take(n).enumerate() {
                let frame = first + i as u64;
                if frame < start {
                    continue;
                }
                while frame >= next {
                    peaks.push(loudest.max(0.0));
                    loudest = -1.0;
                    bucket += 1;
                    if bucket >= TILE_BUCKETS || frame >= end {
                        break 'packets;
                    }
                    next = self.bucket_frame(first_bucket + bucket as u64 + 1);
                }
                let a = if s.is_finite() { s.abs().min(1.0) } else { 0.0 };
                loudest = loudest.max(a);
            }
        }
        // The last bucket decoded (a tile cut by the end of the audio).
        if loudest >= 0.0 && peaks.len() < TILE_BUCKETS {
            peaks.push(loudest);
        }
        Ok(peaks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(path: &Path, seconds: f64, click_at: f64, click_s: f64) {
        let rate = 8_000u32;
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).expect("wav");
        let n = (seconds * f64::from(rate)) as u64;
        for i in 0..n {
            let t = i as f64 / f64::from(rate);
            let loud = t >= click_at && t < click_at + click_s;
            let v = if loud { 0.9 } else { 0.05 } * (t * 440.0 * std::f64::consts::TAU).sin();
            w.write_sample((v * f64::from(i16::MAX)) as i16).expect("sample");
        }
        w.finalize().expect("finalize");
    }

    #[test]
    fn a_click_shows_in_exactly_its_buckets() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("click.wav");
        wav(&p, 35.0, 21.0, 0.2);
        let mut z = Decoder::open(&p).expect("open");
        // Out of order, as scrubbing asks: tile 2 holds 20–30 s.
        let t3 = z.tile(3).expect("tile 3");
        assert_eq!(t3.len(), 200, "the last tile stops at the end of the audio");
        let t2 = z.tile(2).expect("tile 2");
        assert_eq!(t2.len(), TILE_BUCKETS);
        let loud: Vec<usize> = (0..t2.len()).filter(|&i| t2[i] > 0.5).collect();
        // 21.0–21.2 s: buckets 40..48 of the tile (0.025 s each).
        assert_eq!(loud, (40..48).collect::<Vec<_>>());
        assert!(t2[39] < 0.1 && t2[48] < 0.1);
        // Cached: the same again.
        assert_eq!(z.tile(2).expect("again"), t2);
    }

    #[test]
    fn the_worker_answers_the_latest_request() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("w.wav");
        wav(&p, 25.0, 5.0, 0.1);
        let h = spawn(&p);
        h.want(vec![0]);
        match h.recv() {
            Some(ZoomMsg::Tile(t)) => {
                assert_eq!(t.index, 0);
                assert!(t.peaks[200] > 0.5 && t.peaks[199] < 0.1 && t.peaks[204] < 0.1);
            }
            other => panic!("{other:?}"),
        }
        let missing = spawn(&dir.path().join("none.wav"));
        assert!(matches!(missing.recv(), Some(ZoomMsg::Failed(_))));
    }
}
