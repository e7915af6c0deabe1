//! `openecf ecf import COURT FILE.csv [--skip-invalid]`: runs the import use
//! case (`openecf_app::ecf_import`), with a progress bar while plaintext
//! passwords are hashed, on a terminal only.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{anyhow, bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use openecf_app::ecf_import::{self, ImportError, Listed, Options, Progress, Quiet};
use openecf_app::App;
use openecf_domain::CourtId;

/// The progress bar: drawn to standard error, only when both standard
/// output and standard error are terminals.
struct Bar(ProgressBar);

impl Progress for Bar {
    fn hashing(&self, total: u64) {
        self.0.set_length(total);
        self.0.set_position(0);
        self.0.set_message("hashing passwords");
        self.0.reset_eta();
    }

    fn hashed(&self) {
        self.0.inc(1);
    }

    fn writing(&self) {
        self.0.set_message("writing");
    }
}

fn print_listed(listed: &Listed) {
    for line in &listed.lines {
        eprintln!("{line}");
    }
    if listed.more > 0 {
        eprintln!("… and {} more", listed.more);
    }
}

pub async fn import(app: &App, court: &str, file: &Path, skip_invalid: bool) -> anyhow::Result<()> {
    let court = CourtId::parse(court)?;
    crate::admin::require_court(app, &court).await?;
    let input = std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let input = std::io::BufReader::with_capacity(64 * 1024, input);
    let options = Options {
        skip_invalid,
        ..Options::default()
    };
    let terminal = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
    let bar = terminal.then(|| {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} ({per_sec}, {eta} left)") {
            bar.set_style(style);
        }
        Bar(bar)
    });
    let progress: &dyn Progress = match &bar {
        Some(b) => b,
        None => &Quiet,
    };
    let result = ecf_import::import(app, &court, input, &options, progress).await;
    if let Some(b) = &bar {
        b.0.finish_and_clear();
    }
    let report = match result {
        Ok(r) => r,
        Err(ImportError::Invalid { errors, bad, total }) => {
            print_listed(&errors);
            bail!("{bad} of {total} rows have errors; nothing was imported (--skip-invalid imports the others)");
        }
        Err(e) => return Err(anyhow!(e)).with_context(|| format!("{} into {court}", file.display())),
    };
    if !report.changes.is_empty() {
        println!("updated:");
        for line in &report.changes.lines {
            println!("  {line}");
        }
        if report.changes.more > 0 {
            println!("  … and {} more", report.changes.more);
        }
    }
    if !report.skipped.is_empty() {
        eprintln!("skipped (invalid):");
        print_listed(&report.skipped);
    }
    let counts = format!(
        "{} new, {} updated, {} unchanged",
        report.new, report.updated, report.unchanged
    );
    let skipped = if report.skipped.is_empty() {
        String::new()
    } else {
        format!(", {} skipped", report.skipped.len())
    };
    if report.new == 0 && report.updated == 0 {
        println!("nothing changed at {court}: {counts}{skipped}");
    } else {
        println!("imported into {court}: {counts}{skipped}");
    }
    if report.passwords_changed > 0 {
        println!(
            "{} existing accounts got the file's new password",
            report.passwords_changed
        );
    }
    Ok(())
}
