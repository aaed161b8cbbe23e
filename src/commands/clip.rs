//! `tapecoder clip`: decode a stretch of a recording to a WAV file. It seeks to the start (never
//! decodes from the beginning of the file), so it is also a check of seek accuracy; with
//! `--speed` the stretch goes through the player's pitch-preserving stretcher.
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::cli::{ClipArgs, GlobalArgs};
use crate::timefmt::parse_time;

pub fn run(_g: &GlobalArgs, a: &ClipArgs) -> anyhow::Result<ExitCode> {
    let from = parse_time(&a.from).context("--from")?;
    let to = parse_time(&a.to).context("--to")?;
    if to <= from {
        bail!("--to ({}) must be after --from ({})", a.to, a.from);
    }
    if !a.speed.is_finite() || !(0.5..=2.0).contains(&a.speed) {
        bail!("--speed {} is out of range: use 0.5 to 2.0", a.speed);
    }
    // Never write the clip over the recording it comes from.
    if same_file(&a.file, &a.out) {
        bail!(
            "--out {} is the input recording itself; write the clip to another file",
            crate::ids::sanitize_for_terminal(&a.out.display().to_string())
        );
    }
    let info = crate::audio::probe(&a.file)?;
    if from >= info.duration_s {
        bail!(
            "--from {} is past the end of {} ({:.3} s long)",
            a.from,
            a.file.display(),
            info.duration_s
        );
    }
    let to = to.min(info.duration_s);
    let frames = crate::audio::clip::write_clip(&a.file, from, to, a.speed, &a.out)?;
    eprintln!(
        "wrote {} ({:.3} s of audio from {:.3} s to {:.3} s{})",
        crate::ids::sanitize_for_terminal(&a.out.display().to_string()),
        frames as f64 / f64::from(info.sample_rate),
        from,
        to,
        if (a.speed - 1.0).abs() > f32::EPSILON {
            format!(" at {}×", a.speed)
        } else {
            String::new()
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// Whether `a` and `b` are one file (same path after links, or the same inode: a hard link).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else { return false };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (ma.dev(), ma.ino()) == (mb.dev(), mb.ino()) {
            return true;
        }
    }
    let _ = (ma, mb);
    matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}
