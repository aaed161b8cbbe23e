//! Drift probes (issue #13): gold recordings slipped blind into coders' live queues. Pure: ids in,
//! probes out.
//!
//! A probe is one coder's copy of one gold recording under a fresh id that looks like any other
//! recording id of the study (`R583` among `R001`…), registered in `recordings.toml` with its own
//! audio copy, and placed at a random point of the coder's queue among the recordings not yet
//! coded. Only `supervisor/probes.toml` says which gold recording a probe id stands for, so nothing
//! a coder reads (queue, recordings.toml, screens, exports) names it. A probe never enters
//! reliability, adjudication or final scores: it has no assignment, and the supervisor's view of
//! the study leaves probe ids out of its recordings (see [`crate::study::Study::live_recordings`]).
mod store;

use std::collections::{BTreeMap, BTreeSet};

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// `supervisor/probes.toml`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbesFile {
    pub schema: u32,
    #[serde(default, rename = "probe")]
    pub probes: Vec<Probe>,
}

/// One probe: `coder` codes gold recording `gold` as recording `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    pub id: String,
    pub coder: String,
    pub gold: String,
    /// The live recording it follows in the coder's queue (`None`: first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// One coder as the planner sees them.
#[derive(Debug, Clone, Default)]
pub struct CoderQueue {
    /// The coder's live queue, in order (no probes).
    pub live: Vec<String>,
    /// How many of `live`, from the start, the coder has already opened or submitted: a probe
    /// goes after them, among the work still to come.
    pub started: usize,
    /// Recordings this coder must not get as a probe: those they code live or in training.
    pub known: BTreeSet<String>,
}

/// What the planner needs.
#[derive(Debug, Clone, Copy)]
pub struct ProbePlan<'a> {
    pub coders: &'a BTreeMap<String, CoderQueue>,
    /// Recordings with a gold coding.
    pub gold: &'a [String],
    pub existing: &'a [Probe],
    /// Every recording id in use (live, probes, anything registered): a new id avoids them.
    pub taken: &'a BTreeSet<String>,
    /// Probes per live recording in a coder's queue, e.g. 0.05.
    pub fraction: f64,
    pub seed: u64,
}

/// A coder who got fewer probes than the fraction asks for, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    pub coder: String,
    pub wanted: usize,
    pub given: usize,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    #[error("--probes {0} must be between 0 and 1 (e.g. 0.05 for one probe per 20 recordings)")]
    BadFraction(f64),
    #[error(
        "there is no gold coding to make probes from; set one with `tapecoder gold set REC --from CODER|adjudicated`"
    )]
    NoGold,
}

/// The new probes (existing ones are kept as they are) and the coders left short of gold.
pub fn plan(input: &ProbePlan) -> Result<(Vec<Probe>, Vec<Shortfall>), ProbeError> {
    if !(0.0..=1.0).contains(&input.fraction) {
        return Err(ProbeError::BadFraction(input.fraction));
    }
    if input.gold.is_empty() {
        return Err(ProbeError::NoGold);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(input.seed);
    let mut taken = input.taken.clone();
    taken.extend(input.existing.iter().map(|p| p.id.clone()));
    let pattern = IdPattern::of(input.taken.iter().map(String::as_str));
    let mut new = Vec::new();
    let mut short = Vec::new();
    for (coder, q) in input.coders {
        let had: Vec<&Probe> = input.existing.iter().filter(|p| &p.coder == coder).collect();
        let wanted = (input.fraction * q.live.len() as f64).round() as usize;
        let need = wanted.saturating_sub(had.len());
        if need == 0 {
            continue;
        }
        let probed: BTreeSet<&str> = had.iter().map(|p| p.gold.as_str()).collect();
        let mut pool: Vec<&String> = input
            .gold
            .iter()
            .filter(|g| !q.known.contains(*g) && !probed.contains(g.as_str()))
            .collect();
        pool.sort();
        let mut given = 0;
        for _ in 0..need {
            if pool.is_empty() {
                break;
            }
            let gold = pool.swap_remove(rng.random_range(0..pool.len())).clone();
            let id = pattern.fresh(&taken, &mut rng);
            taken.insert(id.clone());
            // Any point from after the last started recording to the end of the queue.
            let open = q.started.min(q.live.len());
            let slots: Vec<Option<&String>> =
                std::iter::once(None).chain(q.live.iter().map(Some)).skip(open).collect();
            let after = slots.choose(&mut rng).copied().flatten().cloned();
            new.push(Probe { id, coder: coder.clone(), gold, after });
            given += 1;
        }
        if given < need {
            short.push(Shortfall { coder: coder.clone(), wanted, given: had.len() + given });
        }
    }
    Ok((new, short))
}

/// `live` with `coder`'s probes woven in after their anchors (in the order they were made, so a
/// queue is the same however often it is rebuilt). A probe whose anchor left the queue goes last.
pub fn weave(live: &[String], coder: &str, probes: &[Probe]) -> Vec<String> {
    let mine: Vec<&Probe> = probes.iter().filter(|p| p.coder == coder).collect();
    let mut out = Vec::with_capacity(live.len() + mine.len());
    let place = |out: &mut Vec<String>, anchor: Option<&str>| {
        for p in mine.iter().filter(|p| p.after.as_deref() == anchor) {
            out.push(p.id.clone());
        }
    };
    place(&mut out, None);
    for id in live {
        out.push(id.clone());
        place(&mut out, Some(id));
    }
    let live_set: BTreeSet<&str> = live.iter().map(String::as_str).collect();
    for p in &mine {
        if p.after.as_deref().is_some_and(|a| !live_set.contains(a)) {
            out.push(p.id.clone());
        }
    }
    out
}

/// How the study's ids look: a common prefix and a digit count (`R` and 3 for `R001`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct IdPattern {
    prefix: String,
    digits: usize,
}

impl IdPattern {
    /// The most common prefix-and-width among `ids` (`R` and 3 when there are none).
    fn of<'a>(ids: impl Iterator<Item = &'a str>) -> IdPattern {
        let mut counts: BTreeMap<(String, usize), usize> = BTreeMap::new();
        for id in ids {
            let digits = id.chars().rev().take_while(char::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                continue;
            }
            let prefix = &id[..id.len() - digits];
            *counts.entry((prefix.to_string(), digits)).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map(|((prefix, digits), _)| IdPattern { prefix, digits })
            .unwrap_or(IdPattern { prefix: "R".into(), digits: 3 })
    }

    /// A random unused id of this pattern; one digit more whenever the width is half full.
    fn fresh(&self, taken: &BTreeSet<String>, rng: &mut ChaCha8Rng) -> String {
        let mut digits = self.digits;
        loop {
            let top = 10u64.pow(digits as u32);
            let used = taken.iter().filter(|t| self.matches(t, digits)).count() as u64;
            if used * 2 < top {
                loop {
                    let n = rng.random_range(1..top);
                    let id = format!("{}{n:0digits$}", self.prefix);
                    if !taken.contains(&id) {
                        return id;
                    }
                }
            }
            digits += 1;
        }
    }

    fn matches(&self, id: &str, digits: usize) -> bool {
        id.strip_prefix(self.prefix.as_str())
            .is_some_and(|rest| rest.len() == digits && rest.chars().all(|c| c.is_ascii_digit()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("R{i:03}")).collect()
    }

    fn queue(live: &[String], started: usize) -> CoderQueue {
        CoderQueue { live: live.to_vec(), started, known: live.iter().cloned().collect() }
    }

    #[test]
    fn a_fraction_of_each_queue_becomes_probes_of_gold_the_coder_does_not_know() {
        let all = ids(100);
        let mut coders = BTreeMap::new();
        coders.insert("ana".to_string(), queue(&all[..40], 5));
        coders.insert("ben".to_string(), queue(&all[40..80], 0));
        let gold: Vec<String> = vec!["R001".into(), "R050".into(), "R090".into(), "R095".into()];
        let taken: BTreeSet<String> = all.iter().cloned().collect();
        let input = ProbePlan {
            coders: &coders,
            gold: &gold,
            existing: &[],
            taken: &taken,
            fraction: 0.05,
            seed: 7,
        };
        let (probes, short) = plan(&input).expect("a plan");
        assert!(short.is_empty(), "{short:?}");
        let ana: Vec<&Probe> = probes.iter().filter(|p| p.coder == "ana").collect();
        let ben: Vec<&Probe> = probes.iter().filter(|p| p.coder == "ben").collect();
        assert_eq!((ana.len(), ben.len()), (2, 2));
        for p in &probes {
            assert!(!coders[&p.coder].known.contains(&p.gold), "{p:?} is a recording they code");
            assert!(!taken.contains(&p.id), "{p:?} reuses an id");
            assert!(p.id.starts_with('R') && p.id.len() == 4, "{} does not look like R001", p.id);
        }
        // ana has started five recordings: her probes come after them.
        for p in &ana {
            let at = p.after.as_ref().and_then(|a| all.iter().position(|x| x == a));
            assert!(at.is_some_and(|i| i >= 4), "{p:?} sits among work already done");
        }
        // The same inputs give the same probes; running again with them adds none.
        assert_eq!(plan(&input).expect("again").0, probes);
        let again = ProbePlan { existing: &probes, ..input };
        assert_eq!(plan(&again).expect("kept").0, vec![]);
    }

    #[test]
    fn too_little_gold_is_a_shortfall_and_no_gold_an_error() {
        let all = ids(40);
        let mut coders = BTreeMap::new();
        coders.insert("ana".to_string(), queue(&all, 0));
        let taken: BTreeSet<String> = all.iter().cloned().collect();
        let gold = vec!["R900".to_string()];
        let input = ProbePlan {
            coders: &coders,
            gold: &gold,
            existing: &[],
            taken: &taken,
            fraction: 0.1,
            seed: 1,
        };
        let (probes, short) = plan(&input).expect("a plan");
        assert_eq!(probes.len(), 1);
        assert_eq!(short, vec![Shortfall { coder: "ana".into(), wanted: 4, given: 1 }]);
        assert_eq!(plan(&ProbePlan { gold: &[], ..input }), Err(ProbeError::NoGold));
        assert_eq!(plan(&ProbePlan { fraction: 1.5, ..input }), Err(ProbeError::BadFraction(1.5)));
    }

    #[test]
    fn weave_places_probes_after_their_anchor_and_orphans_last() {
        let live = ids(3);
        let p = |id: &str, after: Option<&str>| Probe {
            id: id.into(),
            coder: "ana".into(),
            gold: "G".into(),
            after: after.map(str::to_string),
        };
        let probes = vec![
            p("R500", Some("R002")),
            p("R600", None),
            p("R700", Some("R999")),
            Probe { coder: "ben".into(), ..p("R800", None) },
        ];
        assert_eq!(
            weave(&live, "ana", &probes),
            vec!["R600", "R001", "R002", "R500", "R003", "R700"]
        );
        assert_eq!(weave(&live, "ben", &probes), vec!["R800", "R001", "R002", "R003"]);
    }

    #[test]
    fn ids_follow_the_study_pattern_and_widen_when_crowded() {
        let taken: BTreeSet<String> = (1..=60).map(|i| format!("V{i:02}")).collect();
        let pattern = IdPattern::of(taken.iter().map(String::as_str));
        assert_eq!(pattern, IdPattern { prefix: "V".into(), digits: 2 });
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let id = pattern.fresh(&taken, &mut rng);
        assert!(id.starts_with('V') && id.len() == 4 && !taken.contains(&id), "{id}");
        assert_eq!(IdPattern::of(std::iter::empty()), IdPattern { prefix: "R".into(), digits: 3 });
    }

    proptest! {
        #[test]
        fn probe_ids_are_fresh_and_every_probe_is_woven_once(seed in 0u64..500, n in 1usize..60) {
            let all = ids(n);
            let mut coders = BTreeMap::new();
            coders.insert("ana".to_string(), queue(&all, n / 2));
            let gold: Vec<String> = (900..920).map(|i| format!("R{i}")).collect();
            let taken: BTreeSet<String> = all.iter().chain(&gold).cloned().collect();
            let input = ProbePlan { coders: &coders, gold: &gold, existing: &[], taken: &taken, fraction: 0.3, seed };
            let (probes, _) = plan(&input).expect("a plan");
            let woven = weave(&all, "ana", &probes);
            prop_assert_eq!(woven.len(), all.len() + probes.len());
            let unique: BTreeSet<&String> = woven.iter().collect();
            prop_assert_eq!(unique.len(), woven.len());
            // The live order is kept.
            let live_only: Vec<&String> = woven.iter().filter(|i| all.contains(i)).collect();
            prop_assert_eq!(live_only, all.iter().collect::<Vec<_>>());
        }
    }
}
