//! Terminal input: a thread reading it, and the [`Input`] both apps turn into their own message
//! type. The runtime (`tui::runtime`) waits on the receiving end.
use std::sync::mpsc::Sender;
use std::thread;

use crossterm::event::{Event, KeyEvent, MouseEvent};

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

/// `impl From<Input>` for an app's message type, which has `Key`, `Mouse`, `Resize` and `Paste`
/// variants (both apps' `Msg`).
#[macro_export]
macro_rules! msg_from_input {
    ($msg:ident) => {
        impl From<$crate::tui::event::Input> for $msg {
            fn from(i: $crate::tui::event::Input) -> Self {
                use $crate::tui::event::Input;
                match i {
                    Input::Key(k) => $msg::Key(k),
                    Input::Mouse(m) => $msg::Mouse(m),
                    Input::Resize(w, h) => $msg::Resize(w, h),
                    Input::Paste(s) => $msg::Paste(s),
                }
            }
        }
    };
}

/// Declares an app's message type: the messages both apps get from the terminal and the runtime
/// (`Key`, `Mouse`, `Tick`, `Resize`, `Paste`, `Playback`, `Overview`, `Zoom`), then the app's own variants
/// as written, and `From<Input>` for it.
#[macro_export]
macro_rules! app_msg {
    ($(#[$attr:meta])* $vis:vis enum $name:ident { $($own:tt)* }) => {
        $(#[$attr])*
        #[derive(Debug, Clone)]
        $vis enum $name {
            Key(::crossterm::event::KeyEvent),
            Mouse(::crossterm::event::MouseEvent),
            /// Time since the UI started, in milliseconds (drives debounced saving and notices).
            Tick(u64),
            Resize(u16, u16),
            /// Pasted text: goes into an open prompt, never read as keys.
            Paste(String),
            /// The player's latest state.
            Playback($crate::audio::Snapshot),
            /// Waveform peaks `start..start + peaks.len()` of `total` buckets (0.0–1.0).
            Overview {
                total: usize,
                start: usize,
                peaks: Vec<f32>,
            },
            /// Zoom-strip peaks: tile `index` (see `audio::zoom`), 0.0–1.0 per bucket.
            Zoom {
                index: u64,
                peaks: Vec<f32>,
            },
            $($own)*
        }

        $crate::msg_from_input!($name);
    };
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
pub fn spawn_input(tx: Sender<Input>) -> std::io::Result<thread::JoinHandle<()>> {
    thread::Builder::new().name("tui-input".into()).spawn(move || {
        loop {
            match crossterm::event::read() {
                Ok(ev) => {
                    if let Some(i) = to_input(ev)
                        && tx.send(i).is_err()
                    {
                        return;
                    }
                }
                Err(_) => return,
            }
        }
    })
}
