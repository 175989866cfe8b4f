//! `newscorpus eval DIR --expected FILE.tsv`: how well the parser finds the
//! date, the headline and the start of the article on an annotated sample,
//! field by field, with every miss explained; exit 1 under a threshold or
//! when a date is invented where the page has none.

use super::common::Exit;
use crate::config::{DatasetConfig, Limits};
use crate::pipeline::eval::{self, Report, Score, Scores};
use anyhow::Context;
use clap::ValueEnum;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(about = "Score the parser on an annotated sample (date, headline, lead)")]
pub struct Args {
    /// Folder the TSV's `file` paths are relative to
    pub dir: PathBuf,
    /// TSV with a header row: file, expected_date, expected_title, and optionally
    /// expected_lead and date_line (NONE = the page has none)
    #[arg(long, value_name = "FILE.tsv")]
    pub expected: PathBuf,
    /// Also score each value of this TSV column apart (e.g. `style`); the
    /// thresholds then hold for each group too
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
    pub format: EvalFormat,
    /// Fail (exit 1) when fewer dates than this share are right: `RATE` for
    /// every group and the whole, or `GROUP=RATE` for one group (repeatable)
    #[arg(long, value_name = "[GROUP=]RATE", value_parser = threshold)]
    pub min_date: Vec<Threshold>,
    /// Fail when fewer headlines than this share are right (as --min-date)
    #[arg(long, value_name = "[GROUP=]RATE", value_parser = threshold)]
    pub min_title: Vec<Threshold>,
    /// Fail when fewer bodies than this share start with the expected lead
    #[arg(long, value_name = "[GROUP=]RATE", value_parser = threshold)]
    pub min_lead: Vec<Threshold>,
    /// Fail when more dates than this are given where the page has none
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_invented: usize,
}

/// A minimum rate, for one group or (without one) for all.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub group: Option<String>,
    pub rate: f64,
}

fn threshold(s: &str) -> Result<Threshold, String> {
    let (group, rate) = match s.split_once('=') {
        Some((g, r)) => (Some(g.to_string()), r),
        None => (None, s),
    };
    let rate: f64 = rate
        .parse()
        .map_err(|_| format!("`{rate}` is not a rate between 0 and 1"))?;
    if !(0.0..=1.0).contains(&rate) {
        return Err(format!("`{rate}` is not a rate between 0 and 1"));
    }
    Ok(Threshold { group, rate })
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    // The folder's own limits (date order) when it is a seeds folder.
    let limits = if args.dir.join(crate::config::FILE_NAME).exists() {
        DatasetConfig::load(&args.dir)?.limits
    } else {
        Limits::default()
    };
    let expected = eval::read_expected(&args.expected, args.by.as_deref())?;
    let report = eval::evaluate(&args.dir, &expected, &limits)
        .with_context(|| format!("scoring the files in {}", args.dir.display()))?;
    let failures = failures(&report, &args);
    match args.format {
        EvalFormat::Text => print!("{}", text(&report, &failures)),
        EvalFormat::Json => {
            let doc = serde_json::json!({ "report": report, "failures": failures });
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
    }
    Ok(if failures.is_empty() {
        Exit::Ok
    } else {
        Exit::Findings
    })
}

/// Each threshold not met, overall and in each group.
fn failures(report: &Report, args: &Args) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |group: Option<&str>, s: &Scores| {
        let scope = group.map_or(String::new(), |g| format!("{g}: "));
        for (field, score, mins) in [
            ("date", s.date, &args.min_date),
            ("title", s.title, &args.min_title),
            ("lead", s.lead, &args.min_lead),
        ] {
            for min in mins {
                let applies = match (&min.group, group) {
                    (None, _) => true,
                    (Some(want), Some(g)) => want == g,
                    (Some(_), None) => false,
                };
                if applies && score.total > 0 && score.rate() < min.rate {
                    out.push(format!(
                        "{scope}{field}: {:.3} is under --min-{field} {}{}",
                        score.rate(),
                        min.group
                            .as_deref()
                            .map_or(String::new(), |g| format!("{g}=")),
                        min.rate
                    ));
                }
            }
        }
        if s.date.invented > args.max_invented {
            out.push(format!(
                "{scope}date: {} invented where the page has none (--max-invented {})",
                s.date.invented, args.max_invented
            ));
        }
    };
    check(None, &report.all);
    for (g, s) in &report.groups {
        check(Some(g), s);
    }
    // A threshold for a group the sample does not have is a typo.
    for min in args
        .min_date
        .iter()
        .chain(&args.min_title)
        .chain(&args.min_lead)
    {
        if let Some(g) = &min.group {
            if !report.groups.contains_key(g) {
                out.push(format!("no group `{g}` (name the column with --by)"));
            }
        }
    }
    out
}

fn line(o: &mut String, label: &str, s: &Scores) {
    let cell = |x: &Score| {
        if x.total == 0 {
            "     -".to_string()
        } else {
            format!("{:3}/{:<3} {:.3}", x.correct, x.total, x.rate())
        }
    };
    let _ = writeln!(
        o,
        "{label:<12} date {}  invented {}   title {}   lead {}",
        cell(&s.date),
        s.date.invented,
        cell(&s.title),
        cell(&s.lead)
    );
}

fn text(report: &Report, failures: &[String]) -> String {
    let mut o = String::new();
    for m in &report.misses {
        let show = |v: &Option<String>| {
            v.as_deref()
                .map_or("none".to_string(), |s| format!("`{s}`"))
        };
        let _ = writeln!(
            o,
            "{}: {}: expected {}, got {}; {}",
            m.file,
            m.field,
            show(&m.expected),
            show(&m.got),
            m.explain
        );
    }
    if !report.misses.is_empty() {
        o.push('\n');
    }
    let _ = writeln!(o, "{} files", report.files);
    line(&mut o, "all", &report.all);
    for (g, s) in &report.groups {
        line(&mut o, g, s);
    }
    for f in failures {
        let _ = writeln!(o, "FAIL {f}");
    }
    o
}
