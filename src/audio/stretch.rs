//! Pitch-preserving time-stretch (WSOLA: waveform-similarity overlap-add), streaming.
//!
//! Speech at 0.5–2.0× must keep its pitch, and the media position must stay exact, so the
//! stretcher consumes input at `speed` frames per output frame on average and never resamples.
//! Each output hop overlap-adds a Hann-windowed input segment taken near its nominal position
//! `k · hop · speed`, shifted by up to ±`tolerance` to the offset whose waveform best continues the
//! previous segment (cross-correlation), which avoids the phasing of plain OLA.
//!
//! Why our own: the maintained crates that wrap Signalsmith Stretch need a C++ toolchain and, for
//! `signalsmith-stretch`, libclang at build time (bindgen), which this machine and many users'
//! machines lack; see `src/audio/README.md` for the measured comparison.
use std::collections::VecDeque;

/// A streaming WSOLA time-stretcher over interleaved frames of `channels` channels.
#[derive(Debug, Clone)]
pub struct Wsola {
    channels: usize,
    /// Window length in frames.
    n: usize,
    /// Output hop (n / 2).
    hs: usize,
    /// Search tolerance in frames.
    tolerance: usize,
    speed: f64,
    window: Vec<f32>,
    /// Interleaved input; frame 0 of this buffer is input frame `consumed_base`.
    input: Vec<f32>,
    /// Nominal position (in buffer frames) of the next analysis segment.
    nominal: f64,
    /// Buffer position of the natural continuation of the last chosen segment.
    continuation: Option<usize>,
    /// Overlap-add accumulator, `n` frames.
    acc: Vec<f32>,
    ready: VecDeque<f32>,
    finished: bool,
}

impl Wsola {
    /// A stretcher for `channels` channels at `sample_rate`, playing at `speed` (> 0).
    pub fn new(channels: usize, sample_rate: u32, speed: f64) -> Self {
        let channels = channels.max(1);
        let sr = f64::from(sample_rate.max(1000));
        // ~30 ms windows, ~10 ms search: tuned for speech.
        let mut n = (sr * 0.030) as usize;
        n += n % 2;
        let hs = n / 2;
        let tolerance = (sr * 0.010) as usize;
        let window = (0..n)
            .map(|i| {
                let x = std::f64::consts::PI * 2.0 * i as f64 / n as f64;
                (0.5 - 0.5 * x.cos()) as f32
            })
            .collect();
        Wsola {
            channels,
            n,
            hs,
            tolerance,
            speed: speed.clamp(0.25, 4.0),
            window,
            // Silence before the first frame, so the first segment can be searched around it
            // and buffer index `tolerance` is the first input frame.
            input: vec![0.0; tolerance * channels],
            nominal: tolerance as f64,
            continuation: None,
            acc: vec![0.0; n * channels],
            ready: VecDeque::new(),
            finished: false,
        }
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Feeds interleaved input frames.
    pub fn push(&mut self, samples: &[f32]) {
        self.input.extend_from_slice(samples);
        self.process();
    }

    /// No more input will come: pads with silence so the tail is emitted.
    pub fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            let pad = (self.n + 2 * self.tolerance) * self.channels;
            self.input.extend(std::iter::repeat_n(0.0, pad));
            self.process();
        }
    }

    /// Takes up to `out.len()` ready samples (whole frames); returns how many were written.
    pub fn pop(&mut self, out: &mut [f32]) -> usize {
        let frames = (out.len() / self.channels).min(self.ready.len() / self.channels);
        let n = frames * self.channels;
        for (o, s) in out.iter_mut().zip(self.ready.drain(..n)) {
            *o = s;
        }
        n
    }

    /// Ends stretching: returns the input not yet used, starting at the media frame the output
    /// has reached (`frames pushed so far` ≈ `frames output × speed`).
    pub fn take_unconsumed(mut self) -> Vec<f32> {
        let start = (self.nominal.round() as usize).min(self.frames_in()) * self.channels;
        self.input.split_off(start)
    }

    /// Ready output samples (interleaved).
    pub fn available(&self) -> usize {
        self.ready.len()
    }

    fn frames_in(&self) -> usize {
        self.input.len() / self.channels
    }

    /// Mono view of frame `i` (sum of channels), for correlation.
    fn mono(&self, i: usize) -> f32 {
        let c = self.channels;
        self.input[i * c..i * c + c].iter().sum()
    }

    fn best_offset(&self, nominal: usize, template: usize) -> usize {
        let lo = nominal.saturating_sub(self.tolerance);
        let hi = nominal + self.tolerance;
        let len = self.hs;
        let mut best = nominal;
        let mut best_score = f32::NEG_INFINITY;
        // Coarse search every 2nd offset on every 2nd sample, then refine around the best.
        let score = |s: usize| -> f32 {
            let mut acc = 0.0f32;
            let mut energy = 1e-9f32;
            let mut k = 0;
            while k < len {
                let a = self.mono(s + k);
                acc += a * self.mono(template + k);
                energy += a * a;
                k += 2;
            }
            acc / energy.sqrt()
        };
        let mut s = lo;
        while s <= hi {
            let v = score(s);
            if v > best_score {
                best_score = v;
                best = s;
            }
            s += 2;
        }
        let coarse = best;
        for s in [coarse.saturating_sub(1), coarse + 1] {
            if (lo..=hi).contains(&s) {
                let v = score(s);
                if v > best_score {
                    best_score = v;
                    best = s;
                }
            }
        }
        best
    }

    fn process(&mut self) {
        let c = self.channels;
        loop {
            let nominal = self.nominal.round() as usize;
            // Need the whole search range plus a window, and the template.
            let need = (nominal + self.tolerance + self.n)
                .max(self.continuation.map(|t| t + self.n).unwrap_or(0));
            if self.frames_in() < need + 1 {
                break;
            }
            let start = match self.continuation {
                Some(t) => self.best_offset(nominal, t),
                None => nominal,
            };
            // Overlap-add the windowed segment.
            for i in 0..self.n {
                let w = self.window[i];
                for ch in 0..c {
                    self.acc[i * c + ch] += self.input[(start + i) * c + ch] * w;
                }
            }
            // The first half is complete: emit it and shift the accumulator.
            self.ready.extend(self.acc.drain(..self.hs * c));
            self.acc.extend(std::iter::repeat_n(0.0, self.hs * c));
            self.continuation = Some(start + self.hs);
            self.nominal += self.hs as f64 * self.speed;
            // Drop input no longer needed.
            let keep_from = (self.nominal as usize)
                .saturating_sub(self.tolerance + 1)
                .min(self.continuation.unwrap_or(0));
            if keep_from > 4096 {
                self.input.drain(..keep_from * c);
                self.nominal -= keep_from as f64;
                self.continuation = self.continuation.map(|t| t - keep_from);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frequency from zero crossings (rising) of a mono signal.
    pub(crate) fn zero_cross_freq(x: &[f32], sr: f64) -> f64 {
        let mut crossings = Vec::new();
        for i in 1..x.len() {
            if x[i - 1] < 0.0 && x[i] >= 0.0 {
                // Linear interpolation of the crossing.
                let frac = -x[i - 1] / (x[i] - x[i - 1]);
                crossings.push((i - 1) as f64 + f64::from(frac));
            }
        }
        if crossings.len() < 2 {
            return 0.0;
        }
        (crossings.len() - 1) as f64 / ((crossings[crossings.len() - 1] - crossings[0]) / sr)
    }

    fn run(speed: f64, channels: usize) -> (Vec<f32>, usize) {
        let sr = 44_100u32;
        let secs = 4.0;
        let frames = (f64::from(sr) * secs) as usize;
        let tone: Vec<f32> = (0..frames)
            .flat_map(|i| {
                let v = (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / f64::from(sr)).sin()
                    as f32
                    * 0.5;
                std::iter::repeat_n(v, channels)
            })
            .collect();
        let mut w = Wsola::new(channels, sr, speed);
        let mut out = Vec::new();
        let mut buf = vec![0.0; 1024];
        for chunk in tone.chunks(1000 * channels) {
            w.push(chunk);
            loop {
                let n = w.pop(&mut buf);
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&buf[..n]);
            }
        }
        w.finish();
        loop {
            let n = w.pop(&mut buf);
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        (out, frames)
    }

    #[test]
    fn keeps_pitch_and_scales_length() {
        for speed in [0.5, 0.75, 1.5, 2.0] {
            let (out, in_frames) = run(speed, 1);
            let expected = in_frames as f64 / speed;
            let got = out.len() as f64;
            assert!(
                (got - expected).abs() / expected < 0.02,
                "speed {speed}: {got} frames, expected {expected}"
            );
            // Skip the fade-in and the padded tail.
            let body = &out[4410..out.len() - 8820];
            let f = zero_cross_freq(body, 44_100.0);
            assert!((f - 1000.0).abs() < 20.0, "speed {speed}: {f} Hz");
        }
    }

    #[test]
    fn stereo_keeps_channels_apart() {
        let (out, in_frames) = run(1.5, 2);
        assert_eq!(out.len() % 2, 0);
        let expected = in_frames as f64 / 1.5;
        assert!(((out.len() / 2) as f64 - expected).abs() / expected < 0.02);
        let left: Vec<f32> = out.chunks(2).map(|f| f[0]).collect();
        let f = zero_cross_freq(&left[4410..left.len() - 8820], 44_100.0);
        assert!((f - 1000.0).abs() < 20.0, "{f} Hz");
    }
}
