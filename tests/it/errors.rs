//! What a new user sees when the folder is not what the tool expects: every
//! message names its file and says what to do, and `init` takes a folder of
//! scraped text to a first release in two commands.

use crate::common::{self, code, stderr, stdout, Workdir};

fn snapshot(name: &str, text: &str) {
    common::insta_settings().bind(|| insta::assert_snapshot!(name, text));
}

/// A plain article with a date line, long enough to pass every rule.
fn article(day: u32, topic: &str) -> String {
    let words = format!("The committee met again to discuss {topic} and the budget. ").repeat(8);
    format!("{topic} talks resume\n\nPosted: {day} Nov 2021 10:00 GMT\n\n{words}\n")
}

#[test]
fn a_dataset_toml_without_keys_lists_each_missing_key_with_an_example() {
    let wd = Workdir::new();
    wd.write("scraped/001_0123456789abcdef.txt", article(3, "Water"));
    wd.write("scraped/dataset.toml", "name = \"x\"\nlicense = \"MIT\"\n");
    let out = wd.run(&["build", "--seeds", "scraped"]);
    assert_eq!(code(&out), 2);
    snapshot("error-dataset-toml-missing-keys", &stderr(&out));
    assert!(!wd.exists("dist"), "nothing is written");
}

#[test]
fn a_folder_without_dataset_toml_is_told_to_run_init() {
    let wd = Workdir::new();
    wd.write("scraped/a.txt", article(3, "Water"));
    let out = wd.run(&["build", "--seeds", "scraped"]);
    assert_eq!(code(&out), 2);
    snapshot("error-dataset-toml-absent", &stderr(&out));
}

#[test]
fn a_folder_without_articles_is_refused_naming_what_was_ignored() {
    let wd = Workdir::new();
    wd.write(
        "scraped/dataset.toml",
        "name='x'\ntitle='t'\ndescription='d'\nlicense='MIT'\nversion='1.0.0'\n",
    );
    wd.write("scraped/page.html", "<html></html>");
    wd.write("scraped/notes.md", "# notes");
    let out = wd.run(&["build", "--seeds", "scraped"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    snapshot("error-no-articles", &stderr(&out));
    assert!(!wd.exists("dist/1.0.0"), "no empty release is published");
}

#[test]
fn verify_of_a_folder_that_is_no_release_says_so_once() {
    let wd = Workdir::with_seeds();
    let out = wd.run(&["verify", "seeds"]);
    assert_eq!(code(&out), 2);
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    snapshot("error-verify-not-a-release", &stderr(&out));
}

#[test]
fn init_then_build_makes_a_first_release() {
    let wd = Workdir::new();
    wd.write("My Scrape 2021/a.txt", article(3, "Water"));
    wd.write("My Scrape 2021/b.txt", article(19, "Energy"));
    let out = wd.run(&["init", "My Scrape 2021"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let toml = String::from_utf8(wd.read("My Scrape 2021/dataset.toml")).unwrap();
    // Name from the folder, period from the dates the articles give.
    assert!(toml.contains("name = \"my-scrape-2021\"\n"), "{toml}");
    assert!(toml.contains("period_start = 2021-11-03\n"), "{toml}");
    assert!(toml.contains("period_end = 2021-11-19\n"), "{toml}");
    assert!(toml.contains("min_words = 50\n"), "{toml}");
    snapshot("init-dataset-toml", &toml);

    let out = wd.run(&["build", "--seeds", "My Scrape 2021"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let manifest: serde_json::Value =
        serde_json::from_slice(&wd.read("dist/1.0.0/manifest.json")).unwrap();
    assert_eq!(manifest["name"], "my-scrape-2021");
    assert_eq!(manifest["record_count"], 2);

    // init never overwrites.
    let again = wd.run(&["init", "My Scrape 2021"]);
    assert_eq!(code(&again), 2);
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        String::from_utf8(wd.read("My Scrape 2021/dataset.toml")).unwrap(),
        toml
    );
}

#[test]
fn the_library_builds_and_diffs_like_the_command() {
    let wd = Workdir::with_seeds();
    let seeds = wd.path().join("seeds");
    let lib_out = wd.path().join("lib-dist");
    let outcome = newscorpus::build(&seeds, &lib_out, None).unwrap();
    let newscorpus::Outcome::Written(dir) = outcome else {
        panic!("a first build writes");
    };
    let cli = wd.run(&["build", "--out", "cli-dist"]);
    assert_eq!(code(&cli), 0, "{}", stderr(&cli));
    let version = dir.file_name().unwrap().to_str().unwrap().to_string();
    assert_eq!(
        common::tree(&dir),
        common::tree(&wd.path().join("cli-dist").join(&version))
    );
    assert!(newscorpus::verify(&dir).unwrap().is_empty());
    let d = newscorpus::diff(&dir, &dir).unwrap();
    assert_eq!(d.summary.unchanged, 5);
    assert_eq!(d.summary.added + d.summary.removed + d.summary.changed, 0);
}

#[test]
fn parse_of_an_absolute_path_gives_a_record_that_passes_the_schema() {
    let wd = Workdir::with_seeds();
    let abs = wd.path().join("seeds/000_4885012b05b90505.txt");
    let out = wd.run(&["parse", abs.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("schema-violation"),
        "{}",
        stderr(&out)
    );
    let record: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(record["source_file"], "seeds/000_4885012b05b90505.txt");
}
