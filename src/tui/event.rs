//! Where messages come from: a thread reading terminal input, and a channel other workers (the
//! saver, the overview) send into. The loop in `commands/code.rs` waits on one receiver.
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
