//! Identifiers that become file names (coder ids, recording ids) and text that reaches the terminal.
//! Ids are checked before any path is built from them: letters, digits, `-` and `_` only, 1 to 64
//! characters, so no id can name a parent folder, hide a path separator or smuggle a terminal escape.
//! Text from files (names, notes, rationales) is passed through [`sanitize_for_terminal`] before it
//! is drawn, so a hand-edited file cannot move the cursor or change colours.
use std::borrow::Cow;

/// The longest id accepted.
pub const MAX_ID_LEN: usize = 64;

/// Why an id was refused. The message names the id (made safe to print) and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    #[error("{kind} is empty; use 1 to {MAX_ID_LEN} letters, digits, `-` or `_`")]
    Empty { kind: String },
    #[error(
        "{kind} `{shown}` is too long ({len} characters); use at most {MAX_ID_LEN} letters, digits, `-` or `_`"
    )]
    TooLong { kind: String, shown: String, len: usize },
    #[error(
        "{kind} `{shown}` contains {what}; use only letters, digits, `-` and `_` (no spaces, `/`, `\\`, `..` or control characters)"
    )]
    BadChar { kind: String, shown: String, what: String },
    #[error(
        "{kind} `{shown}` is a reserved device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9, in any case): a file or folder of that name cannot exist on a Windows share; choose another id"
    )]
    Reserved { kind: String, shown: String },
}

/// Checks that `s` is a safe id of the given `kind` (e.g. "coder id", "recording id").
///
/// Allowed: ASCII letters, digits, `-` and `_`; 1 to 64 characters. This rules out path separators,
/// `..`, spaces, control characters and ANSI escapes.
pub fn validate_id(kind: &str, s: &str) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty { kind: kind.to_string() });
    }
    // Control characters shown escaped (`a\u{1b}[2J`), not silently removed: the message then shows
    // what is wrong with the id rather than an id that looks valid.
    let shown = || sanitize_for_terminal(&s.escape_debug().to_string()).into_owned();
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        let what = match c {
            '/' | '\\' => format!("a path separator `{c}`"),
            '.' if s.contains("..") => "`..`".to_string(),
            ' ' => "a space".to_string(),
            '\u{1b}' => "an escape sequence".to_string(),
            c if c.is_control() => format!("a control character (U+{:04X})", c as u32),
            c => format!("the character `{c}`"),
        };
        return Err(IdError::BadChar { kind: kind.to_string(), shown: shown(), what });
    }
    let len = s.chars().count();
    if len > MAX_ID_LEN {
        let mut short: String = shown().chars().take(20).collect();
        short.push('…');
        return Err(IdError::TooLong { kind: kind.to_string(), shown: short, len });
    }
    Ok(())
}

/// As [`validate_id`], for an id that names a file or folder (coder and recording ids): also refuses
/// the Windows device names (`con`, `nul`, `aux`, `prn`, `com1`–`com9`, `lpt1`–`lpt9`, any case),
/// which cannot be files on a Windows share.
pub fn validate_file_id(kind: &str, s: &str) -> Result<(), IdError> {
    validate_id(kind, s)?;
    if is_windows_device_name(s) {
        return Err(IdError::Reserved { kind: kind.to_string(), shown: s.to_string() });
    }
    Ok(())
}

/// Whether `name` (or its part before the first `.`, as Windows reads `nul.txt`) is a Windows
/// device name, in any case. `com0`/`lpt0` and the superscript digits are left out: ids are ASCII.
pub fn is_windows_device_name(name: &str) -> bool {
    // Compared in place (no lowercased copy: every path built from an id asks this).
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ').as_bytes();
    match stem {
        [_, _, _] => [b"con", b"prn", b"aux", b"nul"].iter().any(|d| stem.eq_ignore_ascii_case(*d)),
        [a, b, c, digit] => {
            let head = [*a, *b, *c];
            (head.eq_ignore_ascii_case(b"com") || head.eq_ignore_ascii_case(b"lpt"))
                && (b'1'..=b'9').contains(digit)
        }
        _ => false,
    }
}

/// Text for a terminal that must stay whole (an export printed to the screen): every control
/// character except newline, carriage return and tab is shown escaped (`\u{1b}`), so an escape
/// sequence from a hand-edited note is seen, not obeyed. Borrows when nothing needs changing.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    let bad = |c: char| needs_cleaning(c) && !matches!(c, '\n' | '\r' | '\t');
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Makes text safe to draw on a terminal: removes ANSI/VT escape sequences (CSI, OSC, and
/// two-character escapes) and replaces other control characters with `�` (tabs and newlines become
/// a space). Printable Unicode and spaces are kept. Borrows when nothing needs changing.
pub fn sanitize_for_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_cleaning) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' => skip_osc(&mut chars),
            '\t' | '\n' | '\r' => out.push(' '),
            c if needs_cleaning(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_cleaning(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: CSI (`[`), OSC (`]`), other string controls (`P`, `X`, `^`, `_`), or a single char.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => skip_osc(chars),
        // Two-character escapes with an intermediate byte (e.g. `ESC ( B`).
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            chars.next();
        }
        _ => {}
    }
}

/// CSI: parameter and intermediate bytes, then one final byte in `@`..=`~`.
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            // Malformed: stop at anything that cannot be part of a CSI sequence.
            return;
        }
    }
}

/// OSC and other string controls: up to BEL or ST (`ESC \`).
fn skip_osc(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_ids() {
        for id in ["R001", "coder_1", "a-b", "X", &"a".repeat(64)] {
            assert_eq!(validate_id("coder id", id), Ok(()), "{id}");
        }
    }

    #[test]
    fn rejects_unsafe_ids_with_a_message_naming_the_id() {
        let cases = [
            ("a/b", "path separator"),
            ("a\\b", "path separator"),
            ("..", "`..`"),
            ("../etc", "`..`"),
            ("x/../y", "path separator"),
            ("a b", "a space"),
            ("a\u{1b}[31mb", "escape sequence"),
            ("a\u{7}", "control character"),
            ("é", "character `é`"),
            ("a.b", "character `.`"),
        ];
        for (id, what) in cases {
            let err = validate_id("coder id", id).expect_err(id).to_string();
            assert!(err.contains(what), "{id}: {err}");
            assert!(err.starts_with("coder id `"), "{err}");
            assert!(err.contains("letters, digits"), "{err}");
            assert!(!err.contains('\u{1b}'), "message must be safe to print: {err:?}");
        }
        // The escape is shown, not silently dropped (which showed a valid-looking id).
        let err = validate_id("coder id", "a\u{1b}[2J").expect_err("escape").to_string();
        assert!(err.contains("`a\\u{1b}[2J`"), "{err}");
    }

    #[test]
    fn rejects_empty_and_too_long() {
        assert!(matches!(validate_id("recording id", ""), Err(IdError::Empty { .. })));
        let long = "a".repeat(65);
        let err = validate_id("recording id", &long).expect_err("too long");
        assert!(matches!(err, IdError::TooLong { len: 65, .. }));
        assert!(err.to_string().contains("at most 64"));
    }

    #[test]
    fn windows_device_names_are_refused_as_file_ids() {
        for id in ["con", "CON", "Nul", "aux", "prn", "com1", "COM9", "lpt1", "lpt9", "LpT5"] {
            let err = validate_file_id("coder id", id).expect_err(id);
            assert!(matches!(err, IdError::Reserved { .. }), "{id}: {err}");
            assert!(err.to_string().contains("reserved device name"), "{err}");
            // Not refused where the id names no file (a codebook key).
            assert_eq!(validate_id("key", id), Ok(()));
        }
        for id in ["nul.txt", "CON.toml", "com3.x"] {
            assert!(is_windows_device_name(id), "{id}");
        }
        for id in ["console", "com", "com0", "com10", "lpt", "auxiliary", "nully", "R001", "con_1"]
        {
            assert_eq!(validate_file_id("coder id", id), Ok(()), "{id}");
        }
    }

    #[test]
    fn device_names_are_found_in_place_as_by_the_lowercased_copy() {
        // The check before it compared in place: a lowercased copy's stem.
        fn by_copy(name: &str) -> bool {
            let stem =
                name.split('.').next().unwrap_or(name).trim_end_matches(' ').to_ascii_lowercase();
            match stem.as_str() {
                "con" | "prn" | "aux" | "nul" => true,
                s => {
                    let (head, digit) = s.split_at(s.len().min(3));
                    matches!(head, "com" | "lpt")
                        && digit.len() == 1
                        && digit.chars().all(|c| ('1'..='9').contains(&c))
                }
            }
        }
        let parts = ["", "c", "o", "n", "C", "O", "N", "l", "p", "t", "m", "1", "9", "0", " ", "."];
        let mut names = vec![String::new()];
        for _ in 0..5 {
            names =
                names.iter().flat_map(|n| parts.iter().map(move |p| format!("{n}{p}"))).collect();
            names.sort();
            names.dedup();
        }
        for extra in ["aux", "AuX.x", "prn ", "nul  .y", "lpt9", "LPT0", "com¹", "cøn"] {
            names.push(extra.into());
        }
        for n in &names {
            assert_eq!(is_windows_device_name(n), by_copy(n), "{n:?}");
        }
        // check_id names the kind only when it refuses.
        let err = crate::study::locate::check_id("recording", "nul").unwrap_err().to_string();
        assert!(err.contains("recording id"), "{err}");
        assert!(crate::study::locate::check_id("coder", "c1").is_ok());
    }

    #[test]
    fn escape_controls_shows_escapes_and_keeps_lines() {
        assert_eq!(escape_controls("a,b\r\nc\td\n"), "a,b\r\nc\td\n");
        assert!(matches!(escape_controls("plain, “quoted”"), Cow::Borrowed(_)));
        assert_eq!(escape_controls("x\u{1b}[2Jy"), "x\\u{1b}[2Jy");
        assert_eq!(escape_controls("bell\u{7}\u{9b}"), "bell\\u{7}\\u{9b}");
        assert!(!escape_controls("\u{1b}]0;t\u{7}").contains('\u{1b}'));
    }

    #[test]
    fn sanitize_keeps_clean_text_borrowed() {
        let s = "Évaluation — parent said “no”, 3 kids";
        assert!(matches!(sanitize_for_terminal(s), Cow::Borrowed(_)));
    }

    #[test]
    fn sanitize_strips_escape_sequences_and_controls() {
        assert_eq!(sanitize_for_terminal("a\u{1b}[31;1mred\u{1b}[0m b"), "ared b");
        assert_eq!(sanitize_for_terminal("x\u{1b}]0;title\u{7}y"), "xy");
        assert_eq!(sanitize_for_terminal("x\u{1b}]8;;http://e\u{1b}\\link"), "xlink");
        assert_eq!(sanitize_for_terminal("tab\there"), "tab here");
        assert_eq!(sanitize_for_terminal("line\nbreak"), "line break");
        assert_eq!(sanitize_for_terminal("bell\u{7}"), "bell\u{fffd}");
        assert_eq!(sanitize_for_terminal("c1\u{9b}2Jx"), "c1x");
        assert_eq!(sanitize_for_terminal("rtl\u{202e}x"), "rtl\u{fffd}x");
        assert_eq!(sanitize_for_terminal("esc at end\u{1b}"), "esc at end");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn accepted_ids_are_safe_file_names(s in "\\PC{0,70}|[A-Za-z0-9_./\\\\-]{0,70}") {
                if validate_id("id", &s).is_ok() {
                    prop_assert!(!s.is_empty() && s.chars().count() <= MAX_ID_LEN);
                    prop_assert!(!s.contains('/') && !s.contains('\\') && !s.contains(".."));
                    prop_assert!(s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
                }
            }

            #[test]
            fn sanitized_text_has_no_control_characters(s in any::<String>()) {
                let clean = sanitize_for_terminal(&s);
                prop_assert!(!clean.chars().any(|c| c.is_control()), "{:?}", clean);
                if !s.chars().any(needs_cleaning) {
                    prop_assert_eq!(clean.as_ref(), s.as_str());
                }
            }
        }
    }
}
