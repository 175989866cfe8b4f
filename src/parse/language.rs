//! The language of a body that front matter does not name. Text that is
//! plainly English (five or more of its commonest function words, `the`
//! among them, making a tenth of its first 200 words) is English; anything else goes to
//! whatlang's trigram model (deterministic: no random state, ties settled
//! by a fixed order), read over the body's first 2 KiB and kept only when
//! the model calls its answer reliable. The first test exists for cost:
//! whatlang compares a text with every language of its script, about 250 µs
//! an article, more than the rest of parsing; most corpora here are
//! English, and for them the test answers in a few microseconds
//! (BENCHMARKS.md). Tags are BCP 47: the ISO 639-1 code.

/// Enough text for a stable answer (the measured accuracy on whole bodies
/// and on this prefix is the same; see BENCHMARKS.md), a bound on the cost.
const SAMPLE_BYTES: usize = 2048;

use super::text::ShortWords;

/// The body's language, when the model is sure of it.
pub fn detect(body: &str) -> Option<&'static str> {
    let mut end = body.len().min(SAMPLE_BYTES);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    if plainly_english(&body[..end]) {
        return Some("en");
    }
    let info = whatlang::detect(&body[..end])?;
    if !info.is_reliable() {
        return None;
    }
    Some(bcp47(info.lang().code()))
}

/// English function words other languages do not use as words (or, like
/// Dutch `is` or German `was`, not together with `the`).
const ENGLISH: [&str; 30] = [
    "the", "of", "and", "to", "in", "is", "that", "for", "with", "was", "said", "it", "by", "from",
    "has", "have", "were", "are", "this", "which", "he", "his", "its", "their", "be", "been",
    "will", "would", "not", "but",
];

/// Whether a text is English beyond doubt: at least 30 words, a tenth of
/// them [`ENGLISH`] function words, five different ones, `the` among them.
/// English news prose, measured on the seeds and the real-world pages:
/// a sixth to a third of its words, five to twenty different ones. The
/// other languages of the labelled texts: at most one. A few English titles
/// quoted in another language bring two or three.
fn plainly_english(sample: &str) -> bool {
    let mut tally = Tally::default();
    count_words(sample, &mut tally);
    tally.english()
}

/// Tallies the first [`WORDS`] white-space separated words of `sample`,
/// each trimmed of what is not a letter or digit (a word of punctuation is
/// read, and counts towards the [`WORDS`], but is no word), or fewer once
/// the answer is [settled](Tally::settled).
fn count_words(sample: &str, tally: &mut Tally) {
    if sample.is_ascii() {
        // The same words as below, without decoding characters: on ASCII
        // `split_whitespace` splits at these six bytes, and a letter or
        // digit is an ASCII one (a third of this test's cost, measured; a
        // hand-written byte loop was slower still).
        let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
        for token in sample
            .as_bytes()
            .split(space)
            .filter(|t| !t.is_empty())
            .take(WORDS)
        {
            let Some(first) = token.iter().position(u8::is_ascii_alphanumeric) else {
                continue;
            };
            let last = token
                .iter()
                .rposition(u8::is_ascii_alphanumeric)
                .unwrap_or(first);
            tally.add(&token[first..=last]);
            if tally.settled() {
                return;
            }
        }
    } else {
        count_split_words(sample, tally);
    }
}

/// [`count_words`] by its definition: split at white space, trimmed of
/// what is not a letter or digit (the ASCII path must agree; tested).
fn count_split_words(sample: &str, tally: &mut Tally) {
    for w in sample.split_whitespace().take(WORDS) {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        if !w.is_empty() {
            tally.add(w.as_bytes());
            if tally.settled() {
                return;
            }
        }
    }
}

/// How many of a sample's first words are read.
const WORDS: usize = 200;

#[derive(Default)]
struct Tally {
    words: usize,
    function: usize,
    /// Bit `i`: `ENGLISH[i]` was seen.
    seen: u32,
}

impl Tally {
    fn add(&mut self, word: &[u8]) {
        self.words += 1;
        if let Some(i) = FUNCTION_WORDS.position(word) {
            self.function += 1;
            self.seen |= 1 << i;
        }
    }

    /// English whatever the rest of the [`WORDS`] are: a tenth of them are
    /// function words already. English prose gets here within its first
    /// 60 to 120 words (the test then costs half as much).
    fn settled(&self) -> bool {
        self.function * 10 >= WORDS && self.english()
    }

    fn english(&self) -> bool {
        // `the` is ENGLISH[0].
        self.words >= 30
            && self.function * 10 >= self.words
            && self.seen & 1 == 1
            && self.seen.count_ones() >= 5
    }
}

/// [`ENGLISH`], for look-ups.
const FUNCTION_WORDS: ShortWords<{ ENGLISH.len() }> = ShortWords::new(ENGLISH);

/// The shortest ISO 639 code of a language whatlang names by ISO 639-3.
fn bcp47(iso639_3: &'static str) -> &'static str {
    match iso639_3 {
        "afr" => "af",
        "aka" => "ak",
        "amh" => "am",
        "ara" => "ar",
        "aze" => "az",
        "bel" => "be",
        "ben" => "bn",
        "bul" => "bg",
        "cat" => "ca",
        "ces" => "cs",
        // Mandarin: BCP 47 writes the macrolanguage.
        "cmn" => "zh",
        "dan" => "da",
        "deu" => "de",
        "ell" => "el",
        "eng" => "en",
        "epo" => "eo",
        "est" => "et",
        "fin" => "fi",
        "fra" => "fr",
        "guj" => "gu",
        "heb" => "he",
        "hin" => "hi",
        "hrv" => "hr",
        "hun" => "hu",
        "hye" => "hy",
        "ind" => "id",
        "ita" => "it",
        "jav" => "jv",
        "jpn" => "ja",
        "kan" => "kn",
        "kat" => "ka",
        "khm" => "km",
        "kor" => "ko",
        "lat" => "la",
        "lav" => "lv",
        "lit" => "lt",
        "mal" => "ml",
        "mar" => "mr",
        "mkd" => "mk",
        "mya" => "my",
        "nep" => "ne",
        "nld" => "nl",
        "nob" => "nb",
        "ori" => "or",
        "pan" => "pa",
        // Iranian Persian: BCP 47 writes the macrolanguage.
        "pes" => "fa",
        "pol" => "pl",
        "por" => "pt",
        "ron" => "ro",
        "rus" => "ru",
        "sin" => "si",
        "slk" => "sk",
        "slv" => "sl",
        "sna" => "sn",
        "spa" => "es",
        "srp" => "sr",
        "swe" => "sv",
        "tam" => "ta",
        "tel" => "te",
        "tgl" => "tl",
        "tha" => "th",
        "tuk" => "tk",
        "tur" => "tr",
        "ukr" => "uk",
        "urd" => "ur",
        "uzb" => "uz",
        "vie" => "vi",
        "yid" => "yi",
        "zul" => "zu",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tag_fits_the_schema_pattern() {
        let pattern = regex::Regex::new(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$").unwrap();
        for lang in whatlang::Lang::all() {
            let tag = bcp47(lang.code());
            assert!(pattern.is_match(tag), "{tag}");
            // Every language whatlang knows has an ISO 639-1 code.
            assert!(tag.len() == 2, "{} has no two-letter code", lang.code());
        }
    }

    #[test]
    fn only_plain_english_takes_the_shortcut() {
        let english = "The Kremlin said on Tuesday that Moscow was not planning an attack on Ukraine, \
            and that the reports published by the American press were false. The spokesman added that \
            the movement of troops within the country was a matter for Russia alone.";
        assert!(plainly_english(english));
        // Too short to be sure: left to the model.
        assert!(!plainly_english("The Kremlin said the reports were false."));
        // Dutch shares `is`, `was`, `in` and `de`, but never `the`.
        let dutch = "De regering heeft dinsdag een nieuw steunpakket goedgekeurd voor boeren die last \
            hebben van de droogte. Het is de derde keer dit jaar dat de steun wordt verhoogd, en het was \
            volgens de minister in deze situatie niet anders mogelijk dan snel te handelen voor de boeren.";
        assert!(!plainly_english(dutch));
        assert_eq!(detect(dutch), Some("nl"));
        // Lists of names and English headlines quoted in another language.
        let quoted = "Le journal a titré « The end of the road » et « The State of the Union » mais le \
            reste de l'article parle de la politique française, des élections régionales et du budget \
            de l'État pour l'année prochaine, sans aucun autre mot anglais dans le texte.";
        assert!(!plainly_english(quoted));
    }

    proptest::proptest! {
        #[test]
        fn ascii_words_are_the_split_words(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "the", "The", "(the", "THE,", "of", "--", "-", "and.", "x", "said", "2021",
                    " ", "\t", "\n", "\u{b}", "\u{c}", "\r", "\u{1c}", "It's", "is-",
                ]),
                0..1500,
            ),
        ) {
            let sample = words.concat();
            let (mut fast, mut split) = (Tally::default(), Tally::default());
            count_words(&sample, &mut fast);
            count_split_words(&sample, &mut split);
            proptest::prop_assert_eq!(
                (fast.words, fast.function, fast.seen),
                (split.words, split.function, split.seen)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn stopping_once_settled_gives_the_answer_of_all_the_words(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "the ", "of ", "and ", "said ", "was ", "in ", "to ", "x ", "y ", "It's ",
                    "2021 ", "-- ",
                ]),
                0..120,
            ),
            // Words that are not function words after them, so that a text
            // can start English and fall under a tenth by its 200th word.
            filler in 0usize..300,
        ) {
            let sample = words.concat() + &"w ".repeat(filler);
            // The definition: every one of the first WORDS words.
            let mut all = Tally::default();
            for w in sample.split_whitespace().take(WORDS) {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                if !w.is_empty() {
                    all.add(w.as_bytes());
                }
            }
            proptest::prop_assert_eq!(plainly_english(&sample), all.english());
        }
    }

    #[test]
    fn short_or_unsure_text_gets_no_language() {
        assert_eq!(detect(""), None);
        assert_eq!(detect("OK"), None);
        assert_eq!(
            detect("The Kremlin said on Tuesday that Moscow was not planning an attack and that the reports were false."),
            Some("en"),
            "a short English text is left to the model, which knows it"
        );
    }
}
