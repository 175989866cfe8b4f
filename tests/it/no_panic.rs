//! No input, however malformed, makes the pipeline panic.

use newscorpus::check_file as process_bytes;
use newscorpus::Limits;
use proptest::prelude::*;

/// Pieces scraped text is made of, including the ones parsers trip on.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("+++\n".to_string()),
        Just("title = \"x\"\n".to_string()),
        Just("published = 2021-02-31\n".to_string()),
        Just("date 2021-12-11 ".to_string()),
        Just(" date 9999-99-99 ".to_string()),
        Just("Posted: 23 Nov 2021 15:27 GMT".to_string()),
        Just("Saturday 31 June 2022 - 25:61 p.m.".to_string()),
        Just("{{^userSubscribed}}".to_string()),
        Just("SHARE THIS ARTICLE ON".to_string()),
        Just("Image: AP".to_string()),
        Just("\u{feff}\u{200b}\u{202e}\u{a0}\u{0}\u{7}é\u{301}".to_string()),
        "[a-zA-Z ,.'\"]{0,40}",
        "\\PC{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let p = process_bytes("x.txt", &bytes, &Limits::default());
        prop_assert!(p.article.is_some() || !p.diagnostics.is_empty(), "a failed file always says why");
    }

    #[test]
    fn scraped_looking_text(pieces in proptest::collection::vec(piece(), 0..30)) {
        let text = pieces.concat();
        let p = process_bytes("x.txt", text.as_bytes(), &Limits::default());
        if let Some(a) = &p.article {
            // Whatever the parser makes of it, the id follows the canonical text rule.
            prop_assert_eq!(a.id.to_string(), format!("art_{}", &a.source_sha256[..16]));
            let clean = !a.body.contains(['\u{feff}', '\u{200b}']);
            prop_assert!(clean, "invisible characters are cleaned from the body");
        } else {
            prop_assert!(!p.diagnostics.is_empty());
        }
    }
}
