//! Body lines -> paragraphs. Scraped text usually has one paragraph per
//! line; text hard-wrapped at a fixed width is re-joined, while list items
//! and quoted lines keep their breaks.

use regex::Regex;
use std::sync::LazyLock;

pub struct Line {
    /// Line on disk.
    pub line: usize,
    /// Lines of one block stand together, with no blank or dropped line between.
    pub block: usize,
    pub text: String,
}

static KEEPS_BREAK: LazyLock<Regex> =
    LazyLock::new(|| super::patterns::regex(r"^(?:[-*•–—>]\s|\d{1,3}[.)]\s|\(\d{1,3}\)\s)"));

/// Narrowest width treated as a wrap column: scraped one-paragraph lines are
/// far longer, and shorter lines are headings or verse.
const MIN_WRAP: usize = 40;
const MAX_WRAP: usize = 100;

/// Joins wrapped runs; returns (line on disk of the first line, text).
/// The lines are taken, not copied: their text is the body's.
pub fn build(lines: Vec<Line>) -> Vec<(usize, String)> {
    let mut out = Vec::with_capacity(lines.len());
    let mut block: Vec<Line> = Vec::new();
    for line in lines {
        if block.last().is_some_and(|l| l.block != line.block) {
            emit_block(std::mem::take(&mut block), &mut out);
        }
        block.push(line);
    }
    emit_block(block, &mut out);
    out
}

fn emit_block(block: Vec<Line>, out: &mut Vec<(usize, String)>) {
    // One line (a scraped paragraph, most often) wraps nothing.
    if block.len() < 2 {
        out.extend(block.into_iter().map(|l| (l.line, l.text)));
        return;
    }
    let widths: Vec<usize> = block.iter().map(|l| l.text.chars().count()).collect();
    let width = widths.iter().copied().max().unwrap_or(0);
    let breaks: Vec<bool> = block
        .iter()
        .map(|l| KEEPS_BREAK.is_match(&l.text))
        .collect();
    // Hard-wrapped: several lines, a plausible wrap column, and every line
    // that runs on into the next filled to near it (a wrapped line breaks at
    // the last space that fits, so it is rarely shorter than 60% of the
    // column). List items and quotes are exempt: they keep their breaks.
    let runs_on = |i: usize| i + 1 < block.len() && !breaks[i] && !breaks[i + 1];
    let wrapped = block.len() >= 2
        && (MIN_WRAP..=MAX_WRAP).contains(&width)
        && (0..block.len())
            .filter(|&i| runs_on(i))
            .all(|i| widths[i] * 10 >= width * 6)
        && (0..block.len()).any(runs_on);
    let joins: Vec<bool> = (0..block.len())
        .map(|i| wrapped && i > 0 && runs_on(i - 1))
        .collect();
    let mut current: Option<(usize, String)> = None;
    for (l, join) in block.into_iter().zip(joins) {
        match current.as_mut() {
            Some((_, text)) if join => {
                text.push(' ');
                text.push_str(&l.text);
            }
            _ => {
                out.extend(current.take());
                current = Some((l.line, l.text));
            }
        }
    }
    out.extend(current);
}

/// Compiles this module's pattern now (see [`crate::parse::warm_up`]).
pub fn warm_up() {
    LazyLock::force(&KEEPS_BREAK);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line> {
        text.lines()
            .enumerate()
            .map(|(i, t)| Line {
                line: i + 1,
                block: 0,
                text: t.to_string(),
            })
            .collect()
    }

    #[test]
    fn wrapped_text_is_rejoined() {
        let text = "Moscow is not drawing up plans for aggression against Ukraine,\n\
                    Russian presidential spokesman Dmitri Peskov said at a press\n\
                    conference on Tuesday.";
        let out = build(lines(text));
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].1,
            "Moscow is not drawing up plans for aggression against Ukraine, Russian presidential \
             spokesman Dmitri Peskov said at a press conference on Tuesday."
        );
    }

    #[test]
    fn list_items_and_quotes_keep_their_breaks() {
        let text = "The Kremlin listed three demands in its draft treaty with the\n\
                    - no further NATO expansion to the east of Europe at all\n\
                    - no strike weapons near Russia's borders, now or later on\n\
                    > A quoted line from the statement stays on its own line";
        let out = build(lines(text));
        assert_eq!(out.len(), 4, "{:?}", out);
    }

    #[test]
    fn one_paragraph_per_line_stays_so() {
        let long = "x ".repeat(80);
        let text = format!("{long}\n{long}\nShort closing line.");
        assert_eq!(build(lines(&text)).len(), 3);
    }
}
