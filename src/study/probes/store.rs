//! Drift probes on disk: `supervisor/probes.toml` (supervisors only), each probe's audio copy in
//! `audio/` and its entry in `recordings.toml` (which everyone reads, so it looks like any other
//! recording), woven into the coders' queues by [`Study::save_assignments`].
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::{Probe, ProbesFile};
use crate::study::model::{Assignment, Event, Recording, RecordingsFile, SCHEMA};
use crate::study::{Plan, Study, StudyError, check_schema, files, media};

impl Study {
    /// Every drift probe (`supervisor/probes.toml`; empty when there is none). Supervisors only.
    pub fn probes(&self) -> Result<Vec<Probe>, StudyError> {
        let path = self.layout().probes_file();
        let Some(f) = files::read_toml_opt::<ProbesFile>(&path)? else { return Ok(vec![]) };
        check_schema(&path, f.schema)?;
        Ok(f.probes)
    }

    /// The study's recordings without the probes: what every supervisor's list, report, export
    /// and plan is about. (A coder's view has no such filter: a probe is just a recording there.)
    pub fn live_recordings(&self) -> Result<Vec<&Recording>, StudyError> {
        let probes: BTreeSet<String> = self.probes()?.into_iter().map(|p| p.id).collect();
        Ok(self.recordings().iter().filter(|r| !probes.contains(&r.id)).collect())
    }

    /// Adds `new` probes: copies each gold recording's audio to `audio/<probe id>.<ext>`, then
    /// writes probes.toml, recordings.toml, the assignments and every queue in one batch, and
    /// journals a signed `probes` line. On any failure the study is as it was (the copies too).
    pub fn add_probes(
        &mut self,
        new: &[Probe],
        assignments: &[Assignment],
        actor: &str,
    ) -> Result<(), StudyError> {
        if new.is_empty() {
            return Ok(());
        }
        let mut copies: Vec<PathBuf> = Vec::new();
        let result = self.add_probes_in(new, assignments, actor, &mut copies);
        if result.is_err() {
            for c in &copies {
                let _ = fs::remove_file(c);
            }
        }
        result
    }

    fn add_probes_in(
        &mut self,
        new: &[Probe],
        assignments: &[Assignment],
        actor: &str,
        copies: &mut Vec<PathBuf>,
    ) -> Result<(), StudyError> {
        let mut recordings = self.recordings().to_vec();
        for p in new {
            let gold = self.require_recording(&p.gold)?.clone();
            let from = self.checked_audio_path(&gold)?;
            let name = media::copy_name(&p.id, Path::new(&gold.file));
            let audio_dir = self.dir().join(media::AUDIO_DIR);
            files::create_dir_all(&audio_dir)?;
            // Copied under a temp name and renamed, as `import` does: a killed assign leaves no
            // half copy under a probe's name.
            let tmp = audio_dir.join(format!(".{name}.tmp-probe-{}", std::process::id()));
            let to = audio_dir.join(&name);
            let _ = fs::remove_file(&tmp);
            media::copy_verified(&from, &tmp, &gold.sha256, |_| {})?;
            if let Err(e) = fs::hard_link(&tmp, &to).and_then(|()| fs::remove_file(&tmp)) {
                let _ = fs::remove_file(&tmp);
                return Err(StudyError::io(
                    &to,
                    "placing a probe's audio copy",
                    "check you may write to the study's audio/ folder",
                    e,
                ));
            }
            copies.push(to);
            recordings.push(Recording {
                id: p.id.clone(),
                file: format!("{}/{name}", media::AUDIO_DIR),
                sha256: gold.sha256.clone(),
                duration_s: gold.duration_s,
                instrument: None,
            });
        }
        let mut probes = self.probes()?;
        probes.extend(new.iter().cloned());
        let probes_path = self.layout().probes_file();
        let probes_bytes = files::to_toml_bytes(
            &probes_path,
            &ProbesFile { schema: SCHEMA, probes: probes.clone() },
        )?;
        let rec_path = self.layout().recordings_file();
        let rec_bytes = files::to_toml_bytes(
            &rec_path,
            &RecordingsFile { schema: SCHEMA, recordings: recordings.clone() },
        )?;
        let event = Event::Probes { file: self.file_hash(&probes_path, &probes_bytes) };
        self.save_plan(
            &Plan {
                assignments,
                probes: &probes,
                extra: vec![(probes_path, probes_bytes), (rec_path, rec_bytes)],
                events: vec![event],
            },
            actor,
        )?;
        self.recordings = recordings;
        Ok(())
    }
}
