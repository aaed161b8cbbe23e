//! Praat TextGrid, in the long (`xmin = 0`) and the short text form, read as Praat reads them: a
//! stream of numbers, quoted strings (`""` for a quote) and `<exists>` flags, with the labels
//! (`xmin =`, `item [1]:`, `intervals: size =`) and `!` comments in between skipped. Every
//! non-empty interval of an `IntervalTier` becomes a cue; `TextTier`s (points) are skipped. With
//! more than one interval tier, the tier's name is the cue's speaker.
use super::timecode::seconds_ms;
use super::{Cue, ParseError, Transcript};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(String),
    Str(String),
    Flag(String),
}

fn tokens(text: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    let mut s = String::new();
                    let mut closed = false;
                    while let Some((_, d)) = chars.next() {
                        if d == '"' {
                            if chars.peek().is_some_and(|&(_, e)| e == '"') {
                                chars.next();
                                s.push('"');
                            } else {
                                closed = true;
                                break;
                            }
                        } else {
                            s.push(d);
                        }
                    }
                    if !closed {
                        // Praat strings may run over lines; keep it simple and strict here.
                        return Err(ParseError::new(
                            line_no,
                            "a string is not closed on its line (a `\"` is missing)",
                        ));
                    }
                    out.push((line_no, Tok::Str(s)));
                }
                '!' => break,
                '[' => {
                    // `item [1]:`, `intervals [3]:`: an index, not data.
                    while chars.next().is_some_and(|(_, d)| d != ']') {}
                }
                '<' => {
                    let rest = &line[i..];
                    let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                    out.push((line_no, Tok::Flag(rest[..end].to_string())));
                    while chars.peek().is_some_and(|&(j, _)| j < i + end) {
                        chars.next();
                    }
                }
                c if c.is_ascii_digit() || c == '-' || c == '.' => {
                    let rest = &line[i..];
                    let end = rest
                        .find(|d: char| {
                            !(d.is_ascii_digit() || matches!(d, '.' | '-' | 'e' | 'E' | '+'))
                        })
                        .unwrap_or(rest.len());
                    out.push((line_no, Tok::Num(rest[..end].to_string())));
                    while chars.peek().is_some_and(|&(j, _)| j < i + end) {
                        chars.next();
                    }
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

struct Reader {
    toks: Vec<(usize, Tok)>,
    at: usize,
}

impl Reader {
    fn line(&self) -> usize {
        self.toks.get(self.at).or(self.toks.last()).map_or(1, |t| t.0)
    }

    fn next(&mut self, what: &str) -> Result<Tok, ParseError> {
        let t = self.toks.get(self.at).cloned().ok_or_else(|| {
            ParseError::new(self.line(), format!("the file ends where {what} was expected"))
        })?;
        self.at += 1;
        Ok(t.1)
    }

    fn string(&mut self, what: &str) -> Result<String, ParseError> {
        match self.next(what)? {
            Tok::Str(s) => Ok(s),
            other => Err(self.wrong(what, &other)),
        }
    }

    fn seconds(&mut self, what: &str) -> Result<f64, ParseError> {
        match self.next(what)? {
            Tok::Num(s) => s.parse::<f64>().map_err(|_| self.wrong(what, &Tok::Num(s))),
            other => Err(self.wrong(what, &other)),
        }
    }

    fn ms(&mut self, what: &str) -> Result<u64, ParseError> {
        match self.next(what)? {
            Tok::Num(s) => seconds_ms(&s).ok_or_else(|| self.wrong(what, &Tok::Num(s))),
            other => Err(self.wrong(what, &other)),
        }
    }

    fn count(&mut self, what: &str) -> Result<usize, ParseError> {
        match self.next(what)? {
            Tok::Num(s) => s.parse::<usize>().map_err(|_| self.wrong(what, &Tok::Num(s))),
            other => Err(self.wrong(what, &other)),
        }
    }

    fn wrong(&self, what: &str, got: &Tok) -> ParseError {
        let got = match got {
            Tok::Num(s) => format!("the number {s}"),
            Tok::Str(s) => format!("the text \"{}\"", s.chars().take(40).collect::<String>()),
            Tok::Flag(s) => s.clone(),
        };
        ParseError::new(
            self.toks[self.at.saturating_sub(1)].0,
            format!("expected {what}, found {got}"),
        )
    }
}

pub fn parse(text: &str) -> Result<Transcript, ParseError> {
    let mut r = Reader { toks: tokens(text)?, at: 0 };
    if r.string("`File type = \"ooTextFile\"`")? != "ooTextFile" {
        return Err(ParseError::new(1, "a TextGrid starts with `File type = \"ooTextFile\"`"));
    }
    if r.string("`Object class = \"TextGrid\"`")? != "TextGrid" {
        return Err(ParseError::new(r.line(), "the object class must be \"TextGrid\""));
    }
    r.seconds("the grid's xmin")?;
    r.seconds("the grid's xmax")?;
    match r.next("`<exists>`")? {
        Tok::Flag(f) if f == "<exists>" => {}
        Tok::Flag(_) => return Ok(Transcript::default()),
        other => return Err(r.wrong("`<exists>`", &other)),
    }
    let tiers = r.count("the number of tiers")?;
    let mut by_tier: Vec<(String, Vec<Cue>)> = Vec::new();
    for _ in 0..tiers {
        let class = r.string("a tier class (\"IntervalTier\" or \"TextTier\")")?;
        let name = r.string("the tier's name")?;
        r.seconds("the tier's xmin")?;
        r.seconds("the tier's xmax")?;
        let n = r.count("the number of intervals or points")?;
        match class.as_str() {
            "IntervalTier" => {
                let mut cues = Vec::new();
                for _ in 0..n {
                    let line = r.line();
                    let start_ms = r.ms("an interval's xmin")?;
                    let end_ms = r.ms("an interval's xmax")?;
                    let text = r.string("an interval's text")?;
                    if end_ms < start_ms {
                        return Err(ParseError::new(line, "this interval ends before it starts"));
                    }
                    if !text.trim().is_empty() {
                        cues.push(Cue {
                            start_ms,
                            end_ms,
                            speaker: None,
                            text: text.trim().to_string(),
                        });
                    }
                }
                by_tier.push((name, cues));
            }
            "TextTier" => {
                for _ in 0..n {
                    r.seconds("a point's time")?;
                    r.string("a point's mark")?;
                }
            }
            other => {
                return Err(ParseError::new(
                    r.line(),
                    format!("`{other}` is not a tier class (\"IntervalTier\" or \"TextTier\")"),
                ));
            }
        }
    }
    let named = by_tier.len() > 1;
    let cues = by_tier
        .into_iter()
        .flat_map(|(name, cues)| {
            cues.into_iter().map(move |mut c| {
                if named {
                    c.speaker = Some(name.clone());
                }
                c
            })
        })
        .collect();
    Ok(Transcript { cues })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &str = r#"File type = "ooTextFile"
Object class = "TextGrid"

xmin = 0 
xmax = 20.5 
tiers? <exists> 
size = 2 
item []: 
    item [1]:
        class = "IntervalTier" 
        name = "W" 
        xmin = 0 
        xmax = 20.5 
        intervals: size = 3 
        intervals [1]:
            xmin = 0 
            xmax = 1.2 
            text = "" 
        intervals [2]:
            xmin = 1.2 
            xmax = 7.9 
            text = "Hiya ""Danielle""" 
        intervals [3]:
            xmin = 7.9 
            xmax = 20.5 
            text = "" 
    item [2]:
        class = "TextTier" 
        name = "events" 
        xmin = 0 
        xmax = 20.5 
        points: size = 1 
        points [1]:
            number = 3.5 
            mark = "door" 
"#;

    const SHORT: &str = "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\n0\n20.5\n<exists>\n2\n\
\"IntervalTier\"\n\"W\"\n0\n20.5\n2\n0\n1.2\n\"\"\n1.2\n7.9\n\"Hiya\"\n\
\"IntervalTier\"\n\"P\"\n0\n20.5\n1\n8.3\n13\n\"Yeah\"\n";

    #[test]
    fn reads_the_long_form() {
        let t = parse(LONG).unwrap();
        assert_eq!(
            t.cues,
            vec![Cue {
                start_ms: 1200,
                end_ms: 7900,
                speaker: None,
                text: "Hiya \"Danielle\"".into()
            }]
        );
    }

    #[test]
    fn reads_the_short_form_with_tiers_as_speakers() {
        let t = parse(SHORT).unwrap();
        assert_eq!(t.cues.len(), 2);
        assert_eq!(t.cues[0].speaker.as_deref(), Some("W"));
        assert_eq!(
            (t.cues[1].start_ms, t.cues[1].end_ms, t.cues[1].speaker.as_deref()),
            (8300, 13000, Some("P"))
        );
    }

    #[test]
    fn a_missing_text_names_its_line() {
        let bad = LONG.replace("text = \"Hiya \"\"Danielle\"\"\" ", "text = 4");
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.line, 22, "{e}");
        assert!(e.what.contains("expected an interval's text"), "{e}");
    }
}
