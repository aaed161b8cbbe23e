//! The default keymap (SPEC §5, written as a keys.toml in `keys.default.toml` beside this file)
//! and rebinding from `~/.config/tapecoder/keys.toml`:
//!
//! ```toml
//! play_pause = "space"
//! segment_begin = ["b", "ctrl+b"]
//! ```
//!
//! A rebound action loses its default keys. An unknown action or key stops the program at start
//! with a message naming the file and line.
//!
//! The keys of an instrument's counts (each count's `press` in the codebook) are rebound in a
//! `[counts]` table, count key → key:
//!
//! ```toml
//! [counts]
//! question = "w"
//! simple_reflection = "alt+s"
//! ```
//!
//! A count key may not be an action's key nor another count's ([`Keymap::count_keys`] checks the
//! study's counts when the coder app starts). Prompt editing and dialog answers (`y`/`n`/`Enter`/
//! `Esc`) are fixed.
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::instrument::CountItem;

/// Everything a key can do outside prompts and dialogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    PlayPause,
    Back5,
    Forward5,
    Back30,
    Forward30,
    Start,
    End,
    GoTo,
    SpeedDown,
    SpeedUp,
    SpeedReset,
    Replay,
    SegmentBegin,
    SegmentEnd,
    SegmentStartHere,
    SegmentEndHere,
    SegmentNote,
    Note,
    NoteDomains,
    FocusNext,
    FocusPrev,
    Up,
    Down,
    Activate,
    Delete,
    Score(u8),
    ClearScore,
    Submit,
    Undo,
    Redo,
    ZoomIn,
    ZoomOut,
    Help,
    Back,
    /// Scroll the pane that scrolls (the rubric, a rationale) by a page.
    PageUp,
    PageDown,
    /// The supervisor's full rationales of both coders for the selected domain.
    Rationales,
    /// The coder's transcript pane: shown or hidden.
    Transcript,
    /// Search the transcript (a prompt; `n`/`N` then go through the matches).
    Search,
}

/// The default bindings, written as a `keys.toml` is (the file explains the format).
pub const DEFAULT_KEYS: &str = include_str!("keys.default.toml");

/// Every action with its name in `keys.toml` (its default keys are in [`DEFAULT_KEYS`]).
pub const ACTIONS: &[(Action, &str)] = &[
    (Action::PlayPause, "play_pause"),
    (Action::Back5, "back_5s"),
    (Action::Forward5, "forward_5s"),
    (Action::Back30, "back_30s"),
    (Action::Forward30, "forward_30s"),
    (Action::Start, "start"),
    (Action::End, "end"),
    (Action::GoTo, "go_to"),
    (Action::SpeedDown, "speed_down"),
    (Action::SpeedUp, "speed_up"),
    (Action::SpeedReset, "speed_reset"),
    (Action::Replay, "replay"),
    (Action::SegmentBegin, "segment_begin"),
    (Action::SegmentEnd, "segment_end"),
    (Action::SegmentStartHere, "segment_start_here"),
    (Action::SegmentEndHere, "segment_end_here"),
    (Action::SegmentNote, "segment_note"),
    (Action::Note, "note"),
    (Action::NoteDomains, "note_domains"),
    (Action::FocusNext, "focus_next"),
    (Action::FocusPrev, "focus_prev"),
    (Action::Up, "up"),
    (Action::Down, "down"),
    (Action::Activate, "activate"),
    (Action::Delete, "delete"),
    (Action::Score(1), "score_1"),
    (Action::Score(2), "score_2"),
    (Action::Score(3), "score_3"),
    (Action::Score(4), "score_4"),
    (Action::Score(5), "score_5"),
    (Action::ClearScore, "score_clear"),
    (Action::Submit, "submit"),
    (Action::Undo, "undo"),
    (Action::Redo, "redo"),
    (Action::ZoomIn, "zoom_in"),
    (Action::ZoomOut, "zoom_out"),
    (Action::Help, "help"),
    (Action::Back, "back"),
    (Action::PageUp, "page_up"),
    (Action::PageDown, "page_down"),
    (Action::Rationales, "rationales"),
    (Action::Transcript, "transcript"),
    (Action::Search, "search"),
];

/// A key as the keymap compares it: code plus the modifiers that matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    /// Normalises a terminal key event: Shift is part of a character (`S`, `?`) and of BackTab, so
    /// it is dropped there; only Shift, Ctrl and Alt are kept.
    pub fn from_event(ev: &KeyEvent) -> Self {
        let mut mods =
            ev.modifiers & (KeyModifiers::SHIFT | KeyModifiers::CONTROL | KeyModifiers::ALT);
        if matches!(ev.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        Key { code: ev.code, mods }
    }
}

/// Parses `space`, `shift+left`, `ctrl+w`, `S`, `f5`, `?` … (case matters only for one character).
pub fn parse_key(spec: &str) -> Option<Key> {
    let mut mods = KeyModifiers::NONE;
    let parts: Vec<&str> = if spec == "+" { vec!["+"] } else { spec.split('+').collect() };
    let (last, prefixes) = parts.split_last()?;
    for p in prefixes {
        match p.to_ascii_lowercase().as_str() {
            "shift" => mods |= KeyModifiers::SHIFT,
            "ctrl" | "control" => mods |= KeyModifiers::CONTROL,
            "alt" => mods |= KeyModifiers::ALT,
            _ => return None,
        }
    }
    let mut chars = last.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => KeyCode::Char(c),
        _ => match last.to_ascii_lowercase().as_str() {
            "space" => KeyCode::Char(' '),
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "tab" if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "delete" | "del" => KeyCode::Delete,
            "backspace" => KeyCode::Backspace,
            "insert" => KeyCode::Insert,
            f if f.starts_with('f') => {
                let n: u8 = f[1..].parse().ok()?;
                if !(1..=12).contains(&n) {
                    return None;
                }
                KeyCode::F(n)
            }
            _ => return None,
        },
    };
    if let KeyCode::Char(c) = code {
        // `shift+s` means `S`; Shift is never kept on characters.
        if mods.contains(KeyModifiers::SHIFT) {
            mods.remove(KeyModifiers::SHIFT);
            return Some(Key { code: KeyCode::Char(c.to_ascii_uppercase()), mods });
        }
    }
    Some(Key { code, mods })
}

/// Key → action, and the count keys rebound in `[counts]`.
#[derive(Debug, Clone)]
pub struct Keymap {
    map: HashMap<Key, Action>,
    /// count key (from the codebook) → the key that logs it instead of its `press`.
    counts: HashMap<String, Key>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut map = HashMap::new();
        for (action, keys) in defaults() {
            for key in keys.iter().filter_map(|k| parse_key(k)) {
                map.insert(key, *action);
            }
        }
        Keymap { map, counts: HashMap::new() }
    }
}

/// The default keys of each action, read once from [`DEFAULT_KEYS`] (a test checks that it
/// reads without a problem and binds every action).
fn defaults() -> &'static [(Action, Vec<String>)] {
    static DEFAULTS: std::sync::OnceLock<Vec<(Action, Vec<String>)>> = std::sync::OnceLock::new();
    DEFAULTS.get_or_init(|| {
        Bindings::read(DEFAULT_KEYS, "keys.default.toml").map_or_else(|_| Vec::new(), |b| b.actions)
    })
}

/// The default keys of `action` as `keys.toml` writes them (`"space"`, `"shift+left"`).
pub fn default_keys(action: Action) -> &'static [String] {
    defaults().iter().find(|(a, _)| *a == action).map_or(&[], |(_, keys)| keys.as_slice())
}

/// The name of `action` in `keys.toml`.
pub fn action_name(action: Action) -> &'static str {
    ACTIONS.iter().find(|(a, _)| *a == action).map_or("?", |(_, n)| n)
}

/// A problem in `keys.toml`, with file and line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeysError {
    #[error("cannot read key bindings {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message} (fix or remove that line; see `?` in the app for actions)")]
    Invalid { path: String, line: usize, message: String },
}

impl Keymap {
    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        self.map.get(&Key::from_event(ev)).copied()
    }

    /// The key that logs `count`: its `[counts]` binding, else its `press` from the codebook.
    pub fn count_key(&self, count: &CountItem) -> Key {
        self.counts
            .get(&count.key)
            .copied()
            .unwrap_or(Key { code: KeyCode::Char(count.press), mods: KeyModifiers::NONE })
    }

    /// The count `ev` logs, if any. A key an action has is that action's (a clash is refused
    /// when the app starts, [`Keymap::count_keys`]).
    pub fn count_for<'c>(&self, counts: &'c [CountItem], ev: &KeyEvent) -> Option<&'c CountItem> {
        let k = Key::from_event(ev);
        if self.map.contains_key(&k) {
            return None;
        }
        counts.iter().find(|c| self.count_key(c) == k)
    }

    /// Every count's key, checked: none may be an action's key (as bound now) or another
    /// count's. The error says which and how to rebind it.
    pub fn count_keys(&self, counts: &[CountItem]) -> Result<Vec<(Key, String)>, String> {
        let mut out: Vec<(Key, String)> = Vec::new();
        for c in counts {
            let k = self.count_key(c);
            let how = format!(
                "rebind it in the [counts] table of keys.toml (e.g. {} = \"w\") or rebind the other",
                c.key
            );
            if let Some(a) = self.map.get(&k) {
                let name = action_name(*a);
                return Err(format!(
                    "count `{}` is logged with {}, which is also the key of `{name}`: {how}",
                    c.key,
                    key_name(&k)
                ));
            }
            if let Some((_, other)) = out.iter().find(|(x, _)| *x == k) {
                return Err(format!(
                    "counts `{other}` and `{}` are both logged with {}: {how}",
                    c.key,
                    key_name(&k)
                ));
            }
            out.push((k, c.key.clone()));
        }
        Ok(out)
    }

    /// The keys bound to `action`, as shown in help (sorted, readable).
    pub fn keys_for(&self, action: Action) -> Vec<String> {
        let mut v: Vec<String> =
            self.map.iter().filter(|(_, a)| **a == action).map(|(k, _)| key_name(k)).collect();
        v.sort();
        v
    }

    /// The one key shown for `action` in a footer: its shortest default key still bound to it,
    /// else the shortest of its keys now; `None` when nothing is bound.
    pub fn shown_key(&self, action: Action) -> Option<String> {
        let bound = default_keys(action)
            .iter()
            .filter_map(|k| parse_key(k))
            .filter(|k| self.map.get(k) == Some(&action))
            .map(|k| key_name(&k))
            .min_by_key(|n| n.chars().count());
        bound.or_else(|| self.keys_for(action).into_iter().min_by_key(|n| n.chars().count()))
    }

    /// The default keymap with the bindings of `path` applied; a missing file is the defaults.
    pub fn load(path: &Path) -> Result<Self, KeysError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(KeysError::Read { path: path.display().to_string(), source }),
        }
    }

    /// The defaults with the bindings in `text` applied; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, KeysError> {
        let invalid = |line: usize, message: String| KeysError::Invalid {
            path: origin.to_string(),
            line,
            message,
        };
        let read = Bindings::read(text, origin)?;
        let mut keymap = Keymap { counts: read.counts, ..Self::default() };
        for (action, specs) in read.actions {
            keymap.map.retain(|_, a| *a != action);
            for key in specs.iter().filter_map(|s| parse_key(s)) {
                keymap.map.insert(key, action);
            }
        }
        // A count rebound onto an action's key, or two counts onto one key.
        let mut counts: Vec<(&String, &Key)> = keymap.counts.iter().collect();
        counts.sort_by(|a, b| a.0.cmp(b.0));
        for (i, (count, key)) in counts.iter().enumerate() {
            let line = line_of_key(text, count);
            if let Some(a) = keymap.map.get(key) {
                let name = action_name(*a);
                return Err(invalid(
                    line,
                    format!(
                        "count `{count}`: {} is the key of `{name}`; choose a free key",
                        key_name(key)
                    ),
                ));
            }
            if let Some((other, _)) = counts[..i].iter().find(|(_, k)| k == key) {
                return Err(invalid(
                    line,
                    format!("count `{count}`: {} is already count `{other}`'s key", key_name(key)),
                ));
            }
        }
        Ok(keymap)
    }
}

/// What one `keys.toml` says, checked: each action named with its keys, and the count keys.
struct Bindings {
    actions: Vec<(Action, Vec<String>)>,
    counts: HashMap<String, Key>,
}

impl Bindings {
    /// Reads `text`; `origin` names the file in errors, with the line.
    fn read(text: &str, origin: &str) -> Result<Bindings, KeysError> {
        let invalid = |line: usize, message: String| KeysError::Invalid {
            path: origin.to_string(),
            line,
            message,
        };
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let message = crate::toml_hint::with_hint(e.message().trim(), text, offset);
            invalid(line_of(text, offset), message)
        })?;
        let mut read = Bindings { actions: Vec::new(), counts: HashMap::new() };
        for (name, value) in &table {
            let line = line_of_key(text, name);
            if name == "counts" {
                let Some(t) = value.as_table() else {
                    return Err(invalid(
                        line,
                        "`counts` is a table: [counts] then one line a count, e.g. question = \"w\"".into(),
                    ));
                };
                for (count, spec) in t {
                    let line = line_of_key(text, count);
                    let key = spec.as_str().and_then(parse_key).ok_or_else(|| {
                        invalid(line, format!("unknown key {spec} for count `{count}` (e.g. \"w\", \"alt+q\", \"f5\")"))
                    })?;
                    read.counts.insert(count.clone(), key);
                }
                continue;
            }
            let Some((action, _)) = ACTIONS.iter().find(|(_, n)| n == name) else {
                let known: Vec<&str> = ACTIONS.iter().map(|(_, n)| *n).collect();
                return Err(invalid(
                    line,
                    format!("unknown action `{name}`; known actions: {}", known.join(", ")),
                ));
            };
            let specs: Vec<&str> = match value {
                toml::Value::String(s) => vec![s.as_str()],
                toml::Value::Array(a) => {
                    let mut v = Vec::new();
                    for item in a {
                        let Some(s) = item.as_str() else {
                            return Err(invalid(line, format!("`{name}`: keys must be strings")));
                        };
                        v.push(s);
                    }
                    v
                }
                _ => return Err(invalid(line, format!("`{name}`: give a key or a list of keys"))),
            };
            if let Some(s) = specs.iter().find(|s| parse_key(s).is_none()) {
                return Err(invalid(
                    line,
                    format!(
                        "unknown key `{s}` for `{name}` (e.g. \"x\", \"space\", \"shift+left\", \"ctrl+w\", \"f5\")"
                    ),
                ));
            }
            read.actions.push((*action, specs.into_iter().map(String::from).collect()));
        }
        Ok(read)
    }
}

/// `~/.config/tapecoder/keys.toml` (the platform's config dir), or `TAPECODER_KEYS` if set.
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TAPECODER_KEYS") {
        return Some(PathBuf::from(p));
    }
    directories::BaseDirs::new().map(|b| b.config_dir().join("tapecoder").join("keys.toml"))
}

fn line_of(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(1, |t| t.matches('\n').count() + 1)
}

fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            let rest = l
                .strip_prefix(key)
                .or_else(|| l.strip_prefix(&format!("\"{key}\"")))
                .or_else(|| l.strip_prefix(&format!("'{key}'")));
            rest.is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}

/// A short readable name: `Space`, `←`, `Shift+→`, `S`, `Ctrl+W`.
pub fn key_name(k: &Key) -> String {
    let base = match k.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift+Tab".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Delete => "Delete".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    let mut s = String::new();
    if k.mods.contains(KeyModifiers::CONTROL) {
        s.push_str("Ctrl+");
    }
    if k.mods.contains(KeyModifiers::ALT) {
        s.push_str("Alt+");
    }
    if k.mods.contains(KeyModifiers::SHIFT) {
        s.push_str("Shift+");
    }
    s + &base
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn defaults_cover_spec_keys() {
        let k = Keymap::default();
        assert_eq!(k.action(&ev(KeyCode::Char(' '), KeyModifiers::NONE)), Some(Action::PlayPause));
        assert_eq!(k.action(&ev(KeyCode::Left, KeyModifiers::SHIFT)), Some(Action::Back30));
        assert_eq!(k.action(&ev(KeyCode::Left, KeyModifiers::NONE)), Some(Action::Back5));
        assert_eq!(k.action(&ev(KeyCode::Char('S'), KeyModifiers::SHIFT)), Some(Action::Submit));
        assert_eq!(k.action(&ev(KeyCode::Char('s'), KeyModifiers::NONE)), None);
        assert_eq!(k.action(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)), Some(Action::FocusPrev));
        assert_eq!(k.action(&ev(KeyCode::Char('?'), KeyModifiers::SHIFT)), Some(Action::Help));
        assert_eq!(k.action(&ev(KeyCode::Char('j'), KeyModifiers::NONE)), Some(Action::Down));
    }

    #[test]
    fn the_default_file_reads_and_binds_every_action_once() {
        let read = Bindings::read(DEFAULT_KEYS, "keys.default.toml").unwrap();
        assert!(read.counts.is_empty());
        let named: Vec<Action> = read.actions.iter().map(|(a, _)| *a).collect();
        let all: Vec<Action> = ACTIONS.iter().map(|(a, _)| *a).collect();
        assert_eq!(named.len(), all.len(), "one line an action");
        for a in &all {
            assert!(!default_keys(*a).is_empty(), "{} has no default key", action_name(*a));
        }
        // No key does two things by default.
        let keys: usize = all.iter().map(|a| default_keys(*a).len()).sum();
        assert_eq!(Keymap::default().map.len(), keys);
        assert_eq!(default_keys(Action::Back), ["q", "esc"]);
        assert_eq!(action_name(Action::Score(3)), "score_3");
    }

    #[test]
    fn rebinding_replaces_defaults() {
        let k =
            Keymap::parse("play_pause = [\"p\", \"ctrl+space\"]\nsubmit = \"shift+s\"\n", "k.toml")
                .unwrap();
        assert_eq!(k.action(&ev(KeyCode::Char('p'), KeyModifiers::NONE)), Some(Action::PlayPause));
        assert_eq!(
            k.action(&ev(KeyCode::Char(' '), KeyModifiers::CONTROL)),
            Some(Action::PlayPause)
        );
        assert_eq!(k.action(&ev(KeyCode::Char(' '), KeyModifiers::NONE)), None);
        assert_eq!(k.action(&ev(KeyCode::Char('S'), KeyModifiers::SHIFT)), Some(Action::Submit));
    }

    #[test]
    fn unknown_action_names_file_and_line() {
        let e =
            Keymap::parse("# mine\nplay_pause = \"p\"\nfly = \"f\"\n", "/h/keys.toml").unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("/h/keys.toml:3: unknown action `fly`"), "{msg}");
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let e = Keymap::parse("\n\nhelp = \"hyper+q\"\n", "keys.toml").unwrap_err();
        assert!(e.to_string().starts_with("keys.toml:3: unknown key `hyper+q`"), "{e}");
    }

    #[test]
    fn syntax_error_has_a_line() {
        let e = Keymap::parse("help = \"h\"\nplay_pause = \n", "keys.toml").unwrap_err();
        assert!(e.to_string().starts_with("keys.toml:2:"), "{e}");
    }

    #[test]
    fn missing_file_is_defaults() {
        let k = Keymap::load(Path::new("/nonexistent/tapecoder/keys.toml")).unwrap();
        assert_eq!(k.keys_for(Action::Back), vec!["Esc".to_string(), "q".to_string()]);
    }
}
