//! A record's language when front matter names none: detected from the
//! body, and never a wrong guess on the texts we hold. The figures here are
//! the ones BENCHMARKS.md and the closing note quote.

use crate::common::repo;
use newscorpus::{check_file, LanguageSourceField, Limits};
use std::path::Path;

/// (file, language, source) of every `.txt` under `dir`.
fn detected(dir: &Path) -> Vec<(String, Option<String>, LanguageSourceField)> {
    let mut files: Vec<_> = walkdir(dir);
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            let name = path.strip_prefix(dir).unwrap().display().to_string();
            let article = check_file(&name, &bytes, &Limits::default()).article?;
            Some((name, article.language, article.language_source))
        })
        .collect()
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
    out
}

#[test]
fn labelled_texts_in_twelve_languages_are_all_detected() {
    let found = detected(&repo().join("tests/fixtures/languages"));
    assert_eq!(found.len(), 12);
    for (file, language, source) in &found {
        let expected = file.trim_end_matches(".txt");
        assert_eq!(language.as_deref(), Some(expected), "{file}");
        assert_eq!(*source, LanguageSourceField::Detected);
    }
}

#[test]
fn english_corpora_are_never_given_another_language() {
    for dir in [
        "seeds",
        "tests/fixtures/realworld",
        "tests/fixtures/layouts-real",
        "tests/fixtures/articles",
    ] {
        let found = detected(&repo().join(dir));
        let wrong: Vec<_> = found
            .iter()
            .filter(|(_, l, _)| l.as_deref().is_some_and(|l| l != "en"))
            .collect();
        assert!(wrong.is_empty(), "{dir}: {wrong:?}");
        // Unsure is allowed (a page dump's head can hold little text), but rare.
        let english = found
            .iter()
            .filter(|(_, l, _)| l.as_deref() == Some("en"))
            .count();
        assert!(
            english * 100 >= found.len() * 98,
            "{dir}: {english}/{}",
            found.len()
        );
    }
}

#[test]
fn front_matter_wins_and_short_text_stays_unknown() {
    let limits = Limits::default();
    let text = "+++\nlanguage = \"de\"\n+++\nThe Kremlin said on Tuesday that Moscow was not planning an attack and that reports of troop movements were false.\n";
    let a = check_file("a.txt", text.as_bytes(), &limits)
        .article
        .unwrap();
    assert_eq!(
        (a.language.as_deref(), a.language_source),
        (Some("de"), LanguageSourceField::FrontMatter)
    );
    // A short body: no guess rather than a wrong one.
    for short in ["Oui.", "Ja, nein.", "OK then."] {
        let mut min = Limits::default();
        min.min_words = 0;
        let a = check_file("b.txt", short.as_bytes(), &min).article.unwrap();
        assert_eq!(
            (a.language, a.language_source),
            (None, LanguageSourceField::None),
            "{short}"
        );
    }
}
