use clap::Parser;
use newscorpus::cmd::{self, Cli, Exit};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are successes; anything else is usage trouble.
            return ExitCode::from(if e.use_stderr() {
                Exit::Trouble as u8
            } else {
                Exit::Ok as u8
            });
        }
    };
    match cmd::run(cli) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            // Library errors already name their cause; print a cause from
            // the chain only when the message does not say it yet.
            let mut message = String::new();
            for cause in e.chain() {
                let text = cause.to_string();
                if !message.contains(&text) {
                    if !message.is_empty() {
                        message.push_str(": ");
                    }
                    message.push_str(&text);
                }
            }
            eprintln!("error: {message}");
            ExitCode::from(Exit::Trouble as u8)
        }
    }
}
