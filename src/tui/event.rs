//! Where messages come from: a thread reading terminal input, and a channel other workers (the
//! saver, the overview) send into. The loops in `commands/code.rs` and `commands/adjudicate.rs`
//! each wait on one receiver; both TUIs turn the same [`Input`] into their own message type.
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use crossterm::event::{Event, KeyEvent, MouseEvent};

use crate::audio::{Playback, Snapshot};

/// The terminal input the TUIs act on.
#[derive(Debug, Clone)]
pub enum Input {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Text pasted into the terminal (bracketed paste): one event, so its letters and line breaks
    /// are never taken as commands.
    Paste(String),
}

/// One channel for every source; keep the sender to give to workers.
pub fn channel<M>() -> (Sender<M>, Receiver<M>) {
    mpsc::channel()
}

/// Turns one terminal event into input (focus events are ignored).
pub fn to_input(ev: Event) -> Option<Input> {
    match ev {
        Event::Key(k) => Some(Input::Key(k)),
        Event::Mouse(m) => Some(Input::Mouse(m)),
        Event::Resize(w, h) => Some(Input::Resize(w, h)),
        Event::Paste(s) => Some(Input::Paste(s)),
        _ => None,
    }
}

/// Reads terminal input on its own thread so that nothing else ever waits for a key. Ends when
/// the receiver is gone or input fails.
pub fn spawn_input<M: From<Input> + Send + 'static>(
    tx: Sender<M>,
) -> std::io::Result<thread::JoinHandle<()>> {
    thread::Builder::new().name("tui-input".into()).spawn(move || {
        loop {
            match crossterm::event::read() {
                Ok(ev) => {
                    if let Some(i) = to_input(ev)
                        && tx.send(M::from(i)).is_err()
                    {
                        return;
                    }
                }
                Err(_) => return,
            }
        }
    })
}

/// Waits up to `frame` for a message, then takes what else is already queued (at most 256 more,
/// so a flood of input cannot starve drawing). `false` once every sender is gone.
pub fn gather<M>(rx: &Receiver<M>, frame: Duration, pending: &mut VecDeque<M>) -> bool {
    match rx.recv_timeout(frame) {
        Ok(m) => pending.push_back(m),
        Err(RecvTimeoutError::Timeout) => {}
        Err(RecvTimeoutError::Disconnected) => return false,
    }
    pending.extend(rx.try_iter().take(256));
    true
}

/// The player's state when it changed since `last` (which it then becomes), for a
/// `Playback` message; `None` when nothing moved.
pub fn changed_snapshot(player: &dyn Playback, last: &mut Option<Snapshot>) -> Option<Snapshot> {
    let snap = player.snapshot();
    if last.as_ref() == Some(&snap) {
        return None;
    }
    *last = Some(snap.clone());
    Some(snap)
}

static TERMINATE: AtomicBool = AtomicBool::new(false);

#[cfg(unix)]
extern "C" fn on_terminate(_signal: libc::c_int) {
    // Only an atomic store: async-signal-safe.
    TERMINATE.store(true, Ordering::SeqCst);
}

/// Turns SIGTERM, SIGHUP (the terminal or SSH session went away) and SIGINT into a request to save
/// and quit, seen by [`termination_requested`], instead of dying with unsaved edits.
pub fn watch_termination() {
    #[cfg(unix)]
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe; `signal` is
    // called with valid signal numbers and a valid `extern "C"` handler.
    unsafe {
        let handler = on_terminate as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::signal(libc::SIGTERM, handler);
        libc::signal(libc::SIGHUP, handler);
        libc::signal(libc::SIGINT, handler);
    }
}

/// True once a termination signal arrived.
pub fn termination_requested() -> bool {
    TERMINATE.load(Ordering::SeqCst)
}
