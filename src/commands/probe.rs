//! `tapecoder probe`: codec, container, rate, channels and exact duration of one audio file.
use std::process::ExitCode;

use crate::cli::{GlobalArgs, ProbeArgs, TableOrJson};

pub fn run(_g: &GlobalArgs, a: &ProbeArgs) -> anyhow::Result<ExitCode> {
    let info = crate::audio::probe(&a.file)?;
    match a.format {
        TableOrJson::Json => println!("{}", serde_json::to_string_pretty(&info)?),
        TableOrJson::Table => {
            println!(
                "file         {}",
                crate::ids::sanitize_for_terminal(&a.file.display().to_string())
            );
            println!("container    {}", info.container);
            println!("codec        {}", info.codec);
            println!("sample rate  {} Hz", info.sample_rate);
            println!("channels     {}", info.channels);
            println!("frames       {}", info.frames);
            println!("duration     {:.6} s ({})", info.duration_s, hms(info.duration_s));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// h:mm:ss.mmm for the table.
fn hms(s: f64) -> String {
    let ms = (s * 1000.0).round() as u64;
    let (h, rem) = (ms / 3_600_000, ms % 3_600_000);
    format!("{}:{:02}:{:02}.{:03}", h, rem / 60_000, (rem % 60_000) / 1000, rem % 1000)
}
