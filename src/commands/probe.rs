//! `tapecoder probe`: codec, container, rate, channels and exact duration of one audio file.
use std::process::ExitCode;

use crate::cli::{GlobalArgs, ProbeArgs, TableOrJson};
use crate::timefmt::{Precision, format_time};

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
            println!(
                "duration     {:.6} s ({})",
                info.duration_s,
                format_time(info.duration_s, Precision::Millis, true)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
