//! No import cycle among the `src/tui` modules: every `crate::tui::…` path and every `super::…`
//! path in a module (in `use` lines and inline) is an edge to the deepest module it names; the
//! graph must have no cycle. (A `mod` declaration is containment, not an import: a parent may
//! declare its children and re-export from them as long as they do not import it back.)
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// `tui::coder::coding::update` for `src/tui/coder/coding/update.rs` (and `…/coding/mod.rs` is
/// `tui::coder::coding`).
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Vec<String> =
        rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The source without comments (line comments and doc comments), so prose naming a path is not
/// an edge.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path after `prefix` (`crate::tui::` or `super::`), with one level of `{…}` groups
/// expanded: `a::{b, c::d}` gives `a::b` and `a::c::d`.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = vec![];
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let head: Vec<String> =
            rest[..end].split("::").filter(|s| !s.is_empty()).map(String::from).collect();
        if rest[end..].starts_with('{') {
            let close = rest[end..].find('}').map_or(rest.len(), |j| end + j);
            for item in rest[end + 1..close].split(',') {
                let item = item.trim().split(" as ").next().unwrap_or("").trim();
                let mut p = head.clone();
                p.extend(
                    item.split("::").filter(|s| !s.is_empty() && *s != "self").map(String::from),
                );
                out.push(p);
            }
        } else {
            out.push(head);
        }
    }
    out
}

#[test]
fn no_import_cycle_among_tui_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = vec![];
    files(&src.join("tui"), &mut all);
    let modules: BTreeSet<Vec<String>> = all.iter().map(|f| module_of(&src, f)).collect();
    let resolve = |path: &[String]| -> Option<Vec<String>> {
        (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| modules.contains(p))
    };
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for f in &all {
        let me = module_of(&src, f);
        let code = code_of(&std::fs::read_to_string(f).unwrap());
        let mut targets = vec![];
        for p in paths_after(&code, "crate::tui::") {
            let mut full = vec!["tui".to_string()];
            full.extend(p);
            targets.push(full);
        }
        for p in paths_after(&code, "super::") {
            let mut full = me[..me.len() - 1].to_vec();
            full.extend(p);
            targets.push(full);
        }
        // `use child::…` in a module that declares `child` (a re-export from a submodule).
        for line in code.lines() {
            let l = line.trim_start().trim_start_matches("pub ");
            if let Some(rest) = l.strip_prefix("use ") {
                for p in paths_after(&format!("\u{1}{rest}"), "\u{1}") {
                    let mut full = me.clone();
                    full.extend(p);
                    if full.len() > me.len() + 1 || modules.contains(&full) {
                        targets.push(full);
                    }
                }
            }
        }
        let set = edges.entry(me.clone()).or_default();
        for t in targets {
            if let Some(m) = resolve(&t).filter(|m| *m != me) {
                set.insert(m);
            }
        }
    }
    assert!(edges.len() > 30, "the walk found the tui modules: {:?}", edges.keys());
    // Depth-first search for a back edge; report the cycle it closes.
    fn visit(
        m: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<String>> {
        state.insert(m.clone(), 1);
        stack.push(m.clone());
        for n in edges.get(m).into_iter().flatten() {
            match state.get(n).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|s| s == n).unwrap_or(0);
                    let mut cycle: Vec<String> = stack[at..].iter().map(|s| s.join("::")).collect();
                    cycle.push(n.join("::"));
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(n, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(m.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in edges.keys() {
        if state.get(m).copied().unwrap_or(0) == 0
            && let Some(cycle) = visit(m, &edges, &mut state, &mut vec![])
        {
            panic!("import cycle among src/tui modules: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_edge_finder_sees_grouped_and_super_paths() {
    let code = "use crate::tui::{event, coder::model::App};\nuse super::{Pane, view};\nlet x = crate::tui::layout::coding(a);";
    let tui = paths_after(code, "crate::tui::");
    assert!(tui.contains(&vec!["event".to_string()]));
    assert!(tui.contains(&vec!["coder".into(), "model".into(), "App".into()]));
    assert!(tui.contains(&vec!["layout".into(), "coding".into()]));
    let sup = paths_after(code, "super::");
    assert!(sup.contains(&vec!["Pane".to_string()]) && sup.contains(&vec!["view".to_string()]));
    assert_eq!(code_of("a // crate::tui::x\nb"), "a \nb");
}
