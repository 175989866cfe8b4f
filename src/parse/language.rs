//! The language of a body that front matter does not name: whatlang's
//! trigram model (deterministic: no random state, ties settled by a fixed
//! order), read over the body's first few thousand bytes, kept only when the
//! model calls its answer reliable. Tags are BCP 47: the ISO 639-1 code
//! where the language has one, else ISO 639-3.

/// Enough text for a stable answer (the measured accuracy on whole bodies
/// and on this prefix is the same; see BENCHMARKS.md), a bound on the cost.
const SAMPLE_BYTES: usize = 2048;

/// The body's language, when the model is sure of it.
pub fn detect(body: &str) -> Option<&'static str> {
    let mut end = body.len().min(SAMPLE_BYTES);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&body[..end])?;
    if !info.is_reliable() {
        return None;
    }
    Some(bcp47(info.lang().code()))
}

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
            // Two-letter wherever ISO 639-1 has one: only these lack one here.
            assert!(tag.len() == 2, "{} has no two-letter code", lang.code());
        }
    }

    #[test]
    fn short_or_unsure_text_gets_no_language() {
        assert_eq!(detect(""), None);
        assert_eq!(detect("OK"), None);
        assert_eq!(
            detect("The Kremlin said on Tuesday that Moscow was not planning an attack and that the reports were false."),
            Some("en")
        );
    }
}
