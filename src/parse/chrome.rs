//! Page chrome: lines a scraper carried over from the page around the
//! article. A table of data, so a new site's quirk is one line here plus a
//! fixture. Every pattern matches a *whole* line: a removed line must never
//! be article prose, so when a pattern is unsure it does not match.

use regex::RegexSet;
use std::sync::LazyLock;

pub struct ChromeRule {
    pub name: &'static str,
    pub pattern: &'static str,
    pub reason: &'static str,
}

pub const RULES: &[ChromeRule] = &[
    ChromeRule {
        name: "template-residue",
        pattern: r"^(?:\{\{[^{}]*\}\}\s*)+$",
        reason: "Mustache/Handlebars placeholders from the page template, e.g. `{{^userSubscribed}} {{/userSubscribed}}`",
    },
    ChromeRule {
        name: "share-prompt",
        pattern: r"^(?i:share\s+(?:this\s+)?(?:article|story|post|page)(?:\s+(?:on|via|with))?)\s*:?$",
        reason: "social sharing widget label, e.g. `SHARE THIS ARTICLE ON`",
    },
    ChromeRule {
        name: "image-credit",
        pattern: r"^\(?(?i:image|images|photo|photos|picture|pic|photograph|credit)\s*:\s*[^.!?:()]{1,60}\)?$",
        reason: "image credit line left where a picture was, e.g. `Image: AP`, `(Image: AP)`",
    },
    ChromeRule {
        name: "story-code",
        pattern: r"^(?i:story\s+code)\s*:\s*\d+$",
        reason: "content-management story number, e.g. `Story Code : 973712`",
    },
    ChromeRule {
        name: "timestamp-stub",
        pattern: r"^(?i:last\s+updated|first\s+published|updated|published|posted)(?:\s+on)?\s*:?$",
        reason: "a timestamp label whose value the page filled in by script, e.g. `Last Updated:`",
    },
];

static SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(RULES.iter().map(|r| r.pattern)).expect("chrome patterns are valid regexes")
});

/// The first rule matching the (cleaned) line, if any.
pub fn match_line(line: &str) -> Option<&'static ChromeRule> {
    SET.matches(line).iter().next().map(|i| &RULES[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(line: &str) -> Option<&'static str> {
        match_line(line).map(|r| r.name)
    }

    #[test]
    fn seed_chrome_is_recognised() {
        assert_eq!(
            name("{{^userSubscribed}} {{/userSubscribed}}"),
            Some("template-residue")
        );
        assert_eq!(name("SHARE THIS ARTICLE ON"), Some("share-prompt"));
        assert_eq!(name("Image: AP"), Some("image-credit"));
        assert_eq!(name("(Image: AP)"), Some("image-credit"));
        assert_eq!(name("Story Code : 973712"), Some("story-code"));
        assert_eq!(name("Last Updated:"), Some("timestamp-stub"));
        assert_eq!(name("First Published:"), Some("timestamp-stub"));
    }

    #[test]
    fn prose_is_never_chrome() {
        for line in [
            "(With agency inputs)",
            "Share prices fell on Monday as the Kremlin denied the reports.",
            "Image: the Kremlin wants to be seen as calm. Nobody believes it.",
            "Published reports said the troops had moved.",
            "What is happening on the Russia-Ukraine border?",
            "He said {{x}} was not a word, and left.",
        ] {
            assert_eq!(name(line), None, "{line}");
        }
    }

    #[test]
    fn every_rule_has_a_name_and_reason() {
        for r in RULES {
            assert!(!r.name.is_empty() && !r.reason.is_empty());
        }
    }
}
