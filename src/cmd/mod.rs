//! The command line: one file per subcommand, each opening with what it does.
//! `main.rs` only parses arguments and turns the result into an exit code.

mod build;
mod common;
mod diff;
mod eval;
mod init;
mod merge;
mod parse;
mod stats;
mod synth;
mod validate;
mod verify;

use clap::{Parser, Subcommand};
pub use common::Exit;

#[derive(Debug, Parser)]
#[command(
    name = "newscorpus",
    version,
    about = "Raw news-article text files -> reproducible, validated, versioned dataset releases"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::Args),
    Build(build::Args),
    Parse(parse::Args),
    Validate(validate::Args),
    Verify(verify::Args),
    Diff(diff::Args),
    Eval(eval::Args),
    Synth(synth::Args),
    Merge(merge::Args),
    Stats(stats::Args),
}

pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Init(a) => init::run(a),
        Command::Build(a) => build::run(a),
        Command::Parse(a) => parse::run(a),
        Command::Validate(a) => validate::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Synth(a) => synth::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Stats(a) => stats::run(a),
    }
}
