//! The output device, or the silent clock when there is none.
//!
//! Open it once, before the TUI takes the terminal: any error (no device, ALSA misconfigured, a
//! panic inside the audio stack) falls back to silent playback with a reason to show. Nothing the
//! audio libraries print may reach the terminal: ALSA's error handler is replaced by a silent one,
//! stderr is pointed at /dev/null while the device opens, stream errors go to a no-op callback,
//! and rodio's drop message is switched off.
use std::path::Path;

use super::Playback;
use super::clock::SilentClock;
use super::player::Player;

/// The opened output: a device mixer, or the reason playback will be silent.
pub struct Output {
    sink: Option<rodio::MixerDeviceSink>,
    silent_reason: Option<String>,
    /// Why the device did not open, in the audio library's words (for help, not the header).
    detail: Option<String>,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("device", &self.sink.is_some())
            .field("silent_reason", &self.silent_reason)
            .field("detail", &self.detail)
            .finish()
    }
}

impl Output {
    /// Opens the default output device, or falls back to silence (always when `no_audio`).
    /// Keep the returned value alive (on the thread that opened it) while playing.
    pub fn open(no_audio: bool) -> Output {
        if no_audio {
            return Output::silent("silent playback (--no-audio)");
        }
        match open_device() {
            Ok(sink) => Output { sink: Some(sink), silent_reason: None, detail: None },
            // The header says it plainly; the library's own words go to help.
            Err(reason) => Output { detail: Some(reason), ..Output::silent(NO_DEVICE) },
        }
    }

    /// Silent playback with `reason` shown to the user.
    pub fn silent(reason: impl Into<String>) -> Output {
        Output { sink: None, silent_reason: Some(reason.into()), detail: None }
    }

    /// Why playback is silent, if it is (short, for the header).
    pub fn silent_reason(&self) -> Option<&str> {
        self.silent_reason.as_deref()
    }

    /// Why no device opened, in the audio library's words (shown in help), if none did.
    pub fn silent_detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// Playback of `path`, `duration_s` long (from the study). With no device, or when the file
    /// cannot be opened for playing, a silent clock with the reason.
    pub fn playback(&self, path: &Path, duration_s: f64) -> Box<dyn Playback> {
        match (&self.sink, &self.silent_reason) {
            (Some(sink), _) => match Player::open(path, Some(duration_s)) {
                Ok((player, source)) => {
                    sink.mixer().add(source);
                    Box::new(player)
                }
                Err(e) => Box::new(SilentClock::new(duration_s, format!("cannot play audio: {e}"))),
            },
            (None, reason) => Box::new(SilentClock::new(
                duration_s,
                reason.clone().unwrap_or_else(|| "playing silently".into()),
            )),
        }
    }
}

/// What the header says when no output device opened.
pub const NO_DEVICE: &str = "no audio device: playing silently";

// The TUI may keep the output in state that moves between threads.
const _: () = {
    fn is_send<T: Send>() {}
    let _ = is_send::<Output>;
};

fn open_device() -> Result<rodio::MixerDeviceSink, String> {
    silence_alsa();
    let opened = with_stderr_silenced(|| {
        std::panic::catch_unwind(|| {
            rodio::DeviceSinkBuilder::from_default_device()
                .map(|b| b.with_error_callback(ignore_stream_error))
                .and_then(|b| b.open_sink_or_fallback())
        })
    });
    match opened {
        Ok(Ok(mut sink)) => {
            sink.log_on_drop(false);
            Ok(sink)
        }
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the audio library failed while opening the device".into()),
    }
}

fn ignore_stream_error(_e: rodio::cpal::Error) {}

/// Runs `f` with file descriptor 2 pointed at /dev/null (restored afterwards).
#[cfg(unix)]
fn with_stderr_silenced<T>(f: impl FnOnce() -> T) -> T {
    use std::os::fd::AsRawFd;
    let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else {
        return f();
    };
    // SAFETY: dup/dup2/close on valid descriptors; the saved descriptor is restored and closed.
    let saved = unsafe { libc::dup(2) };
    if saved < 0 {
        return f();
    }
    unsafe { libc::dup2(null.as_raw_fd(), 2) };
    let out = f();
    unsafe {
        libc::dup2(saved, 2);
        libc::close(saved);
    }
    out
}

#[cfg(not(unix))]
fn with_stderr_silenced<T>(f: impl FnOnce() -> T) -> T {
    f()
}

/// Replaces ALSA's error handler (which prints to stderr) with one that prints nothing.
#[cfg(target_os = "linux")]
fn silence_alsa() {
    use std::ffi::{c_char, c_int};
    // The C type is variadic; a handler that ignores every argument may take the fixed ones only
    // (the caller cleans up the stack on every Linux ABI Rust supports).
    type Handler = unsafe extern "C" fn(*const c_char, c_int, *const c_char, c_int, *const c_char);
    unsafe extern "C" fn quiet(
        _file: *const c_char,
        _line: c_int,
        _function: *const c_char,
        _err: c_int,
        _fmt: *const c_char,
    ) {
    }
    #[link(name = "asound")]
    unsafe extern "C" {
        fn snd_lib_error_set_handler(handler: Option<Handler>) -> c_int;
    }
    // SAFETY: installs a handler that never touches its arguments.
    unsafe {
        snd_lib_error_set_handler(Some(quiet));
    }
}

#[cfg(not(target_os = "linux"))]
fn silence_alsa() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_audio_is_silent_with_a_reason() {
        let out = Output::open(true);
        assert!(out.silent_reason().is_some_and(|r| r.contains("--no-audio")));
        let p = out.playback(Path::new("/nonexistent.wav"), 12.0);
        let s = p.snapshot();
        assert_eq!(s.duration_s, 12.0);
        assert!(s.silent_reason.is_some());
    }

    #[test]
    fn device_open_never_panics_and_falls_back() {
        // This machine has no sound card: the fallback path must give a reason.
        let out = Output::open(false);
        if out.sink.is_none() {
            assert_eq!(out.silent_reason(), Some(NO_DEVICE));
            assert!(out.silent_detail().is_some_and(|d| !d.is_empty()));
        }
    }
}
