//! SIGTERM, SIGHUP (the terminal or SSH session went away) and SIGINT become a request to save
//! and quit, seen by [`termination_requested`], instead of killing the program with unsaved work.
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

fn flag() -> &'static Arc<AtomicBool> {
    static TERMINATE: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    TERMINATE.get_or_init(|| Arc::new(AtomicBool::new(false)))
}

/// Installs the handlers (the first call; later calls do nothing). A handler that cannot be
/// installed leaves that signal's default behaviour.
pub fn watch_termination() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(register);
}

fn register() {
    #[cfg(unix)]
    for sig in
        [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP, signal_hook::consts::SIGINT]
    {
        let _ = signal_hook::flag::register(sig, Arc::clone(flag()));
    }
}

/// True once a termination signal arrived.
pub fn termination_requested() -> bool {
    flag().load(Ordering::SeqCst)
}
