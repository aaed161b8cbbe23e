//! Command-line definitions (clap derive) and nothing else: each subcommand's work lives in
//! [`crate::commands`].
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Code audio recordings of home visits: tag behaviour-change talk, score seven practice domains,
/// check inter-rater reliability and adjudicate.
#[derive(Debug, Parser)]
#[command(name = "tapecoder", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Options of the default command (`tapecoder` alone opens the coder TUI).
    #[command(flatten)]
    pub code: CodeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// The study folder (default: $TAPECODER_STUDY, else the nearest folder upwards holding
    /// study.toml, else the bundled sample study).
    #[arg(long, global = true, env = "TAPECODER_STUDY", value_name = "DIR")]
    pub study: Option<PathBuf>,
    /// Who you are: a coder id from coders.toml (default: $TAPECODER_CODER; `demo` in the sample study).
    #[arg(long = "as", global = true, env = "TAPECODER_CODER", value_name = "ID")]
    pub as_coder: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The coder's terminal interface: queue, then the coding screen (the default command).
    Code(CodeArgs),
    /// Create a new study folder.
    Init(InitArgs),
    /// Your signing key: create it once, show its public half to register it.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Ask to be registered in this study: writes a join request signed with your key.
    Join(JoinArgs),
    /// Manage the study's coders.
    #[command(subcommand)]
    Coders(CodersCommand),
    /// Register recordings: opaque id, sha256 and exact duration.
    Import(ImportArgs),
    /// Build the coders' queues (re-running keeps existing assignments and work).
    Assign(AssignArgs),
    /// Progress per coder and, for supervisors, per study.
    Status(StatusArgs),
    /// Codec, container, sample rate, channels and exact duration of an audio file.
    Probe(ProbeArgs),
    /// Decode a stretch of a recording to a WAV file (seeks, never decodes from the start).
    Clip(ClipArgs),
    /// The inter-rater reliability report from submitted blind codings.
    Reliability(ReliabilityArgs),
    /// The supervisor's adjudication interface.
    Adjudicate(AdjudicateArgs),
    /// Export codings, final scores, segments or logged counts (events) as CSV or JSON.
    Export(ExportArgs),
    /// Check every file parses, every submitted coding matches its journal hash, journals chain.
    Verify,
    /// Each coder's drift from gold on their drift probes, with the rule's flags (supervisors).
    Drift(DriftArgs),
    /// Move a schema-1 study to one folder per coder, once, with a backup (supervisors).
    Migrate,
    /// The folder permissions that keep each coder's work from the other coders (supervisors).
    Permissions(PermissionsArgs),
    /// A recording's transcript: attach one (WebVTT, SRT, TextGrid, ELAN, timed turns), show it,
    /// detach it.
    #[command(subcommand)]
    Transcript(TranscriptCommand),
    /// Gold (reference) codings, from a coder's submitted coding or an adjudication
    /// (supervisors).
    #[command(subcommand)]
    Gold(GoldCommand),
    /// Calibration sets of gold recordings, and putting one in a coder's queue as training
    /// (supervisors).
    #[command(subcommand)]
    Calibration(CalibrationCommand),
    /// A coder's feedback: calibration results, drift, and agreement with the final scores of
    /// adjudicated recordings (a coder: their own; a supervisor: anyone's).
    Feedback(FeedbackArgs),
    /// Codebook tools.
    #[command(subcommand)]
    Codebook(CodebookCommand),
    /// Open (or restore with --reset) the working copy of the bundled sample study.
    Demo(DemoArgs),
    /// Measure the audio engine and the screens against the performance targets (built with
    /// `--features bench`: `cargo run --release --features bench -- bench`).
    #[cfg(feature = "bench")]
    Bench(BenchArgs),
}

#[derive(Debug, Clone, Default, Args)]
pub struct CodeArgs {
    /// Play silently on a real-time clock even when an audio device is present.
    #[arg(long)]
    pub no_audio: bool,
    /// Your reaction time in seconds (0–5, e.g. 0.5): a count key logs its event this long
    /// before the playhead. Yours alone, never stored in the study.
    #[arg(long, env = "TAPECODER_REACTION_OFFSET", value_name = "S", value_parser = reaction_offset)]
    pub reaction_offset: Option<f64>,
}

/// A reaction-time offset: a number of seconds from 0 to 5.
fn reaction_offset(s: &str) -> Result<f64, String> {
    let v: f64 =
        s.trim().parse().map_err(|_| format!("`{s}` is not a number of seconds (e.g. 0.5)"))?;
    if v.is_finite() && (0.0..=5.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{s} s is out of range: give 0 to 5 seconds (e.g. 0.5)"))
    }
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (it must not exist or be empty).
    pub dir: PathBuf,
    /// The study's name.
    #[arg(long)]
    pub name: Option<String>,
    /// The codebook to use (default: the bundled handbook, copied into the study).
    #[arg(long, value_name = "FILE")]
    pub codebook: Option<PathBuf>,
    /// The founding supervisor's public key, pinned in study.toml (default: your own key, as
    /// `tapecoder keys show` prints it).
    #[arg(long, value_name = "PUBLIC_KEY")]
    pub key: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create your private key in the key folder ($TAPECODER_KEY_DIR, else your configuration
    /// folder); never overwrites one.
    Init,
    /// Print your public key on one line (give it to a supervisor to be registered).
    Show,
}

#[derive(Debug, Subcommand)]
pub enum TranscriptCommand {
    /// Attach FILE as REC's transcript (supervisors; replaces one attached before).
    Attach {
        /// The recording id (R001…).
        recording: String,
        /// A WebVTT (.vtt), SRT (.srt), Praat TextGrid (.TextGrid), ELAN (.eaf) file, or
        /// `[mm:ss.s–mm:ss.s] W: text` lines.
        file: PathBuf,
        /// The file's format, when its name or first line does not say.
        #[arg(long, value_enum)]
        format: Option<TranscriptFormatArg>,
    },
    /// Print REC's transcript.
    Show {
        recording: String,
        #[arg(long, value_enum, default_value_t = TranscriptOutArg::Vtt)]
        format: TranscriptOutArg,
    },
    /// Remove REC's transcript (supervisors).
    Detach { recording: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TranscriptFormatArg {
    Vtt,
    Srt,
    Textgrid,
    Eaf,
    /// `[mm:ss.s–mm:ss.s] W: text` lines.
    Turns,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TranscriptOutArg {
    Vtt,
    Srt,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum CodersCommand {
    /// Register a coder.
    Add {
        /// Short id: letters, digits, `-` and `_`.
        id: String,
        /// Display name.
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value_t = RoleArg::Coder)]
        role: RoleArg,
        /// Their public key, the line `tapecoder keys show` prints for them (for the founding
        /// supervisor registering themself: default their own key).
        #[arg(long, value_name = "PUBLIC_KEY")]
        key: Option<String>,
    },
    /// List the coders (supervisors only).
    List,
    /// The join requests waiting in join/ (supervisors only).
    Requests,
    /// Register a person from their join request, once they told you their key's fingerprint.
    Approve {
        /// The id they asked for.
        id: String,
        /// The fingerprint `tapecoder join` showed them (16 hex digits or more), as they read it
        /// to you in person or on the phone: never from the request file itself.
        #[arg(long)]
        fingerprint: String,
        #[arg(long, value_enum, default_value_t = RoleArg::Coder)]
        role: RoleArg,
    },
}

#[derive(Debug, Args)]
pub struct JoinArgs {
    /// The id you ask for: letters, digits, `-` and `_`.
    pub id: String,
    /// Your name as the supervisor knows it.
    #[arg(long)]
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Coder,
    Supervisor,
}

#[derive(Debug, Args)]
pub struct PermissionsArgs {
    /// Report every path that people who should not read it can read (exit 1 if any), instead
    /// of printing the recipe.
    #[arg(long)]
    pub check: bool,
    /// The OS user of a coder or supervisor (repeatable; default: the same name as the id).
    #[arg(long = "user", value_name = "ID=OSUSER")]
    pub users: Vec<String>,
    /// The OS group of the study's supervisors (the recipe creates it).
    #[arg(long, value_name = "GROUP", default_value = "tapecoder-sup")]
    pub supervisors_group: String,
    /// The OS group of everyone in the study (the recipe creates it).
    #[arg(long, value_name = "GROUP", default_value = "tapecoder-study")]
    pub study_group: String,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Audio files to register.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The coder who observed these visits (they will never be assigned them).
    #[arg(long, value_name = "ID")]
    pub observer: Option<String>,
    /// A study variable, kept only in supervisor/metadata.toml (repeatable): `--meta arm=A`.
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,
    /// Leave the files where they are (stored relative to the study) instead of copying them into
    /// the study's audio/ folder.
    #[arg(long)]
    pub in_place: bool,
    /// The instrument these recordings are coded with, by id (default: the study's first, its
    /// `codebook`); study.toml lists the others under `instruments`.
    #[arg(long, value_name = "ID")]
    pub instrument: Option<String>,
}

#[derive(Debug, Args)]
pub struct AssignArgs {
    /// Share of recordings coded by two coders (default: study.toml).
    #[arg(long)]
    pub fraction: Option<f64>,
    /// Random seed (default: study.toml).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Drift probes per live recording in each coder's queue (e.g. 0.05): gold recordings slipped
    /// in blind, under fresh ids.
    #[arg(long, value_name = "F")]
    pub probes: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TableOrJson {
    #[default]
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(long, value_enum, default_value_t = TableOrJson::Table)]
    pub format: TableOrJson,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = TableOrJson::Table)]
    pub format: TableOrJson,
}

#[derive(Debug, Args)]
pub struct ClipArgs {
    pub file: PathBuf,
    /// Start: seconds (754.2), mm:ss or h:mm:ss.
    #[arg(long)]
    pub from: String,
    /// End: seconds, mm:ss or h:mm:ss.
    #[arg(long)]
    pub to: String,
    /// The WAV file to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Playback speed 0.5–2.0, pitch preserved.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f32,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    #[arg(long, value_enum, default_value_t = DriftFormat::Table)]
    pub format: DriftFormat,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DriftFormat {
    #[default]
    Table,
    Json,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    #[default]
    Table,
    Json,
    Csv,
    Html,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReliabilityArgs {
    #[command(subcommand)]
    pub plan: Option<ReliabilityCmd>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Ratings made elsewhere: CSV `recording,coder,domain,score` (empty or NA = missing).
    #[arg(long, value_name = "FILE")]
    pub from_csv: Option<PathBuf>,
    /// The rating scale of --from-csv, as MIN..MAX.
    #[arg(long, default_value = "1..5")]
    pub scale: String,
    /// With --from-csv: a schema-2 instrument whose items the CSV rates
    /// (`recording,coder,item,value`); each item gets the statistics of its kind.
    #[arg(long, value_name = "FILE", requires = "from_csv")]
    pub codebook: Option<PathBuf>,
    /// The instrument to report on, by id (default: the study's first); a report never mixes
    /// instruments.
    #[arg(long, value_name = "ID", conflicts_with = "from_csv")]
    pub instrument: Option<String>,
    /// Also report the average-measures ICC forms.
    #[arg(long)]
    pub average_measures: bool,
    /// Bootstrap resamples for Krippendorff's alpha (at least 1000).
    #[arg(long, default_value_t = crate::reliability::build::RESAMPLES as u64, value_parser = clap::value_parser!(u64).range(1000..=1_000_000))]
    pub resamples: u64,
    /// Seed of the alpha bootstrap: the same seed gives the same intervals.
    #[arg(long, default_value_t = crate::reliability::build::SEED)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum ReliabilityCmd {
    /// How many double-coded recordings give a 95% CI of a given width around an expected ICC.
    Plan(PlanArgs),
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The ICC you expect (between 0 and 1), e.g. 0.75.
    #[arg(long)]
    pub icc: f64,
    /// The full width of the 95% CI you want, e.g. 0.2 for ±0.1.
    #[arg(long)]
    pub width: f64,
    /// Coders per double-coded recording.
    #[arg(long, default_value_t = 2)]
    pub coders: usize,
}

#[derive(Debug, Clone, Default, Args)]
pub struct AdjudicateArgs {
    /// Play silently on a real-time clock even when an audio device is present.
    #[arg(long)]
    pub no_audio: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportKind {
    Codings,
    Final,
    Segments,
    /// Every logged behaviour count of the submitted codings: recording,coder,code,at_s.
    Events,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ExportFormat {
    #[default]
    Csv,
    Json,
    /// One Audacity label file per coding (segments only; --out names a folder).
    Audacity,
    /// One ELAN `.eaf` per recording: segments and notes, a tier each per coder, and the
    /// transcript (segments only; --out names a folder).
    Eaf,
    /// One Praat `.TextGrid` per recording, the same tiers (segments only; --out names a folder).
    Textgrid,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(value_enum)]
    pub kind: ExportKind,
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// Write to this file (or folder, for audacity, eaf and textgrid) instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The instrument whose codings to export, by id (default: the study's first): the columns
    /// are its items, so an export never mixes instruments.
    #[arg(long, value_name = "ID")]
    pub instrument: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CodebookCommand {
    /// Validate a codebook (default: the study's codebook) and report problems with file:line:col.
    Check { file: Option<PathBuf> },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Restore the working copy of the sample study to its bundled state (asks first).
    #[arg(long)]
    pub reset: bool,
    /// With --reset: do not ask (needed when stdin is not a terminal).
    #[arg(long, short = 'y', requires = "reset")]
    pub yes: bool,
}

#[cfg(feature = "bench")]
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// What to measure: `audio` (player, overview, seeks), `ui` (one coding-screen frame at
    /// 200×60), `study` (queue screen and reliability report on a generated study), `zoom` (the
    /// zoom strip's decode around the playhead at ten positions of `--file`).
    #[arg(value_enum, default_value_t = BenchWhat::Audio)]
    pub what: BenchWhat,
    /// The audio file to measure (default: a generated 2-hour recording in a temp folder).
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// `study`: recordings in the generated study (the SPEC target is stated for 1,000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(10..=20_000))]
    pub recordings: u32,
    /// `study`: generate one study with this many codings (one to three per recording) instead of
    /// the two shapes (2.4 and 1.2 codings per recording), e.g. `--recordings 5000 --codings 12000`.
    #[arg(long, value_parser = clap::value_parser!(u32).range(10..=60_000))]
    pub codings: Option<u32>,
    /// `ui` and `study`: how many times each measure is repeated (median and max are reported).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub runs: u32,
    /// `study`: generate the studies in DIR and keep them (default: a temp folder, removed), e.g.
    /// to time `tapecoder reliability --study DIR/spec --as sup` as a whole process.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = TableOrJson::Table)]
    pub format: TableOrJson,
}

#[cfg(feature = "bench")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum BenchWhat {
    #[default]
    Audio,
    Ui,
    Study,
    Zoom,
}

#[derive(Debug, Subcommand)]
pub enum GoldCommand {
    /// Make REC's gold coding from a coder's submitted coding or from its adjudication
    /// (replaces an earlier gold of REC).
    Set {
        /// The recording id (R001…).
        recording: String,
        /// A coder id (their submitted coding, with rationales, segments and notes), or
        /// `adjudicated` (the primary coder's coding with the adjudicated scores and reasons).
        #[arg(long, value_name = "CODER|adjudicated")]
        from: String,
    },
    /// Write gold codings in the coder's screen: the study's recordings with their gold; a
    /// recording opens as your draft (autosaved, from its gold if it has one), and submitting it
    /// sets its gold, signed (replaces an earlier gold).
    Edit {
        /// The recording to select first (R001…).
        recording: Option<String>,
        #[command(flatten)]
        code: CodeArgs,
    },
    /// Print REC's gold coding.
    Show {
        recording: String,
        #[arg(long, value_enum, default_value_t = TableOrJson::Table)]
        format: TableOrJson,
    },
    /// List the gold codings.
    List {
        #[arg(long, value_enum, default_value_t = TableOrJson::Table)]
        format: TableOrJson,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalibrationCommand {
    /// Define calibration set NAME of recordings that have gold, and its pass rule.
    Create {
        /// The set's name: letters, digits, `-` and `_`.
        name: String,
        /// The recordings (each needs a gold coding).
        #[arg(required = true)]
        recordings: Vec<String>,
        /// Largest difference from gold that counts as agreeing.
        #[arg(long, default_value_t = 1)]
        within: u8,
        /// Smallest share of compared scores within tolerance (0–1).
        #[arg(long, default_value_t = 0.8)]
        share: f64,
        /// Largest mean signed deviation from gold allowed on any one domain.
        #[arg(long, default_value_t = 0.5)]
        max_bias: f64,
    },
    /// Put set NAME in CODER's queue as training recordings.
    Assign { coder: String, name: String },
    /// List the calibration sets.
    List,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FeedbackFormat {
    #[default]
    Table,
    Json,
    Html,
}

#[derive(Debug, Args)]
pub struct FeedbackArgs {
    /// Whose feedback (default: yours; only a supervisor may name another coder).
    #[arg(long, value_name = "ID")]
    pub coder: Option<String>,
    #[arg(long, value_enum, default_value_t = FeedbackFormat::Table)]
    pub format: FeedbackFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}
