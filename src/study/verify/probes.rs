//! Drift probes: `supervisor/probes.toml` is what a supervisor's signed `probes` line saved, and
//! every probe is a registered recording, unassigned, of a registered coder, standing for another
//! registered recording.
use std::collections::BTreeSet;

use super::journals::Claims;
use super::{Common, Report, parse_bytes, read};
use crate::study::files::sha256_hex;
use crate::study::locate::Layout;
use crate::study::model::AssignmentsFile;
use crate::study::probes::{Probe, ProbesFile};

/// Checks probes.toml and returns its probes (none when it is missing or unreadable).
pub(super) fn check(
    r: &mut Report,
    l: &Layout,
    common: &Common,
    claims: &Claims,
    assignments: Option<&AssignmentsFile>,
) -> Vec<Probe> {
    let path = l.probes_file();
    let rel = l.relative(&path);
    if !path.exists() {
        if let Some((_, by, _)) = &claims.probes {
            r.problem(format!(
                "{rel}: missing, but {by}'s journal records saving it; restore it from a backup"
            ));
        }
        return vec![];
    }
    let Some(bytes) = read(r, &path) else { return vec![] };
    match &claims.probes {
        None => r.problem(format!(
            "{rel}: no supervisor's signed journal saved it; remove it, or restore the journal"
        )),
        Some((at, by, sha)) if *sha != sha256_hex(&bytes) => r.problem(format!(
            "{rel}: changed since {by} saved it on {at} (sha256 {sha} then); restore it from a backup"
        )),
        Some(_) => {}
    }
    let Some(file) = parse_bytes::<ProbesFile>(r, &path, &bytes) else { return vec![] };
    let known: BTreeSet<&str> = common.recordings.iter().map(|x| x.id.as_str()).collect();
    let assigned: BTreeSet<&str> = assignments
        .map(|a| a.recordings.iter().map(|x| x.id.as_str()).collect())
        .unwrap_or_default();
    let mut seen = BTreeSet::new();
    for p in &file.probes {
        let problem = if !seen.insert(p.id.as_str()) {
            Some("is listed twice".to_string())
        } else if !known.contains(p.id.as_str()) {
            Some("is not in recordings.toml".to_string())
        } else if assigned.contains(p.id.as_str()) {
            Some("is also assigned as live work in supervisor/assignments.toml".to_string())
        } else if !known.contains(p.gold.as_str()) || p.gold == p.id {
            Some(format!("stands for {:?}, which is not another registered recording", p.gold))
        } else if !common.coders.iter().any(|c| c.id == p.coder) {
            Some(format!("is for {:?}, who is not in coders.toml", p.coder))
        } else {
            None
        };
        if let Some(why) = problem {
            r.problem(format!("{rel}: probe {} {why}; restore the file from a backup", p.id));
        }
    }
    file.probes
}
