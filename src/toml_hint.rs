//! A hint for the most common hand-editing slip in TOML: a string value without quotes
//! (`status = in_progress`), which the TOML parser reports in its own terms ("invalid float,
//! expected `inf`"). Every place that formats a TOML parse error adds it (study files, codings,
//! codebooks, keys.toml). Pure text work, no I/O.

/// `message` with a hint appended when the TOML `text` has an unquoted word at byte `offset`
/// (where the parser stopped) on the value side of a `key = value` line.
pub fn with_hint(message: &str, text: &str, offset: usize) -> String {
    match unquoted_word(text, offset) {
        Some(word) => format!("{message} (strings need quotes: write \"{word}\")"),
        None => message.to_string(),
    }
}

fn is_bare(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '+' | ':')
}

/// The bare word at `offset`, if it sits after the line's `=` and is not a TOML keyword.
fn unquoted_word(text: &str, offset: usize) -> Option<&str> {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text.get(at..)?.find('\n').map_or(text.len(), |i| at + i);
    let line = text.get(line_start..line_end)?;
    let rel = at - line_start;
    let eq = line.find('=')?;
    if rel <= eq {
        return None;
    }
    // Skip spaces (and an opening bracket of an array) the parser may point at.
    let rest = line.get(rel..)?;
    let skip = rest.len() - rest.trim_start_matches([' ', '\t', '[', ',']).len();
    let start_rel = rel + skip;
    let head = line.get(..start_rel)?;
    let word_start = head.trim_end_matches(is_bare).len();
    if head.get(..word_start)?.ends_with(['"', '\'']) {
        return None;
    }
    let tail = line.get(word_start..)?;
    let word_len = tail.find(|c: char| !is_bare(c)).unwrap_or(tail.len());
    let word = tail.get(..word_len)?;
    let first = word.chars().next()?;
    let keyword =
        matches!(word, "true" | "false" | "inf" | "nan" | "+inf" | "-inf" | "+nan" | "-nan");
    (first.is_alphabetic() && !keyword && !first.is_ascii_digit()).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_hint(text: &str) -> String {
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        with_hint(e.message().trim(), text, e.span().map_or(0, |s| s.start))
    }

    #[test]
    fn an_unquoted_string_gets_the_hint() {
        let m = parse_hint("schema = 1\nstatus = in_progress\n");
        assert!(m.contains("strings need quotes: write \"in_progress\""), "{m}");
        let m = parse_hint("role = supervisor\n");
        assert!(m.contains("write \"supervisor\""), "{m}");
        let m = parse_hint("domains = [empathy, \"autonomy\"]\n");
        assert!(m.contains("write \"empathy\""), "{m}");
    }

    #[test]
    fn other_errors_get_no_hint() {
        for text in ["a = 1\na = 2\n", "a = \"open\n", "[x\n", "a = 1.2.3\n", "a = tru"] {
            let m = parse_hint(text);
            if text == "a = tru" {
                // A misspelt keyword is a word too: quoting it is a fair suggestion.
                continue;
            }
            assert!(!m.contains("strings need quotes"), "{text:?}: {m}");
        }
    }
}
