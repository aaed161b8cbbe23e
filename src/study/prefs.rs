//! A coder's own preferences, `coders/<coder>/prefs.toml`: the playback speed, kept across
//! reopening a recording and across recordings. Only that coder writes it (atomically, like every
//! study file; the coder app does it on its disk thread). It is a convenience, never work: a
//! missing, unreadable or damaged file is the defaults (1.0×), with no error.
use serde::{Deserialize, Serialize};

use crate::study::{Study, StudyError, files};

/// The file's name in the coder's folder.
pub const PREFS_FILE: &str = "prefs.toml";

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Playback speed, 0.5–2.0.
    pub speed: f32,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs { speed: 1.0 }
    }
}

impl Prefs {
    /// The preferences in `text`; `None` when it is not a prefs file or a value is out of range.
    pub fn parse(text: &str) -> Option<Prefs> {
        toml::from_str::<Prefs>(text)
            .ok()
            .filter(|p| p.speed.is_finite() && (0.5..=2.0).contains(&p.speed))
    }
}

impl Study {
    /// `coder`'s preferences; the defaults when the file is missing or damaged.
    pub fn prefs(&self, coder: &str) -> Prefs {
        self.layout
            .coder_dir(coder)
            .ok()
            .and_then(|d| std::fs::read_to_string(d.join(PREFS_FILE)).ok())
            .and_then(|t| Prefs::parse(&t))
            .unwrap_or_default()
    }

    /// Writes `coder`'s preferences (atomically).
    pub fn save_prefs(&self, coder: &str, prefs: &Prefs) -> Result<(), StudyError> {
        self.require_coder(coder)?;
        let dir = self.layout.coder_dir(coder)?;
        files::create_dir_all(&dir)?;
        let path = dir.join(PREFS_FILE);
        let bytes = files::to_toml_bytes(&path, prefs)?;
        files::atomic_write(&path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_or_out_of_range_is_the_default() {
        assert_eq!(Prefs::parse("speed = 1.3\n"), Some(Prefs { speed: 1.3 }));
        assert_eq!(Prefs::parse("# nothing yet\n"), Some(Prefs::default()));
        assert_eq!(Prefs::parse("speed = 1.3\nlater = true\n"), Some(Prefs { speed: 1.3 }));
        for bad in ["speed = 9.0", "speed = \"fast\"", "speed = nan", "\u{0}garbage ="] {
            assert_eq!(Prefs::parse(bad), None, "{bad}");
        }
    }
}
