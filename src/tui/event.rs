//! Where messages come from: a thread reading terminal input, and a channel other workers (the
//! saver, the overview) send into. The loop in `commands/code.rs` waits on one receiver.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use crossterm::event::Event;

use crate::tui::app::Msg;

/// One channel for every source; keep the sender to give to workers.
pub fn channel() -> (Sender<Msg>, Receiver<Msg>) {
    mpsc::channel()
}

/// Turns one terminal event into a message (focus and paste events are ignored).
pub fn to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Mouse(m) => Some(Msg::Mouse(m)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// Reads terminal input on its own thread so that nothing else ever waits for a key. Ends when
/// the receiver is gone or input fails.
pub fn spawn_input(tx: Sender<Msg>) -> std::io::Result<thread::JoinHandle<()>> {
    thread::Builder::new().name("tui-input".into()).spawn(move || {
        loop {
            match crossterm::event::read() {
                Ok(ev) => {
                    if let Some(m) = to_msg(ev)
                        && tx.send(m).is_err()
                    {
                        return;
                    }
                }
                Err(_) => return,
            }
        }
    })
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
