//! Page chrome: lines a scraper carried over from the page around the
//! article. A table of data, so a new site's quirk is one line here plus a
//! fixture. Every pattern matches a *whole* line: a removed line must never
//! be article prose, so when a pattern is unsure it does not match.

use super::gate::Gate;
use regex::Regex;
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
        pattern: r"^(?i:share(?:\s+(?:this|the))?(?:\s+(?:article|story|post|page))?(?:\s+(?:on|via|with))?(?:\s+or\s+comment\s+on\s+this\s+(?:article|story))?)\s*:?$",
        reason: "social sharing widget label, e.g. `SHARE THIS ARTICLE ON`, `Share this:`, `Share or comment on this article:`",
    },
    ChromeRule {
        name: "social-buttons",
        pattern: r"^(?i:facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|email|e-mail|print|copy\s+link|tweet|messenger|flipboard)(?:\s*[|•·,/]\s*(?i:facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|email|e-mail|print|copy\s+link|tweet|messenger|flipboard))*$",
        reason: "the labels of share buttons, one or several to a line",
    },
    ChromeRule {
        name: "follow-prompt",
        pattern: r"^(?i:follow\s+(?:us|@\w+)(?:\s+on\s+[\w ,&]{1,40})?|like\s+this|like\s+us\s+on\s+facebook)\s*[.:!]?$",
        reason: "a call to follow the site, e.g. `Follow us on Telegram`, `Like this:`",
    },
    ChromeRule {
        name: "subscribe-prompt",
        pattern: r"^(?i:subscribe(?:\s+(?:now|today|here))?|sign\s+up(?:\s+(?:now|here))?|(?:sign\s+up|subscribe)\s+(?:for|to)\s+(?:our|the)\s+[\w '’-]{1,40}newsletters?|get\s+(?:our|the)\s+[\w '’-]{1,40}newsletter|newsletter\s+sign[\s-]?up|already\s+a\s+subscriber\?\s*(?:log|sign)\s+in)\s*[.!:]?$",
        reason: "subscription and newsletter prompts",
    },
    ChromeRule {
        name: "newsletter-pitch",
        pattern: r"^(?i:sign\s+up|subscribe)\s+(?i:to|for)\s.*(?i:delivered|inbox|newsletters?)",
        reason: "a newsletter's pitch, e.g. `Sign up to get the inside scoop on today's biggest stories — delivered daily.`",
    },
    ChromeRule {
        name: "consent-notice",
        pattern: r"^(?i:by\s+(?:clicking|signing\s+up|subscribing|submitting|registering|entering\s+your\s+email))[\s,].*(?i:terms|privacy\s+policy)",
        reason: "the terms under a sign-up form, e.g. `By clicking “Sign Up”, you accept our Terms of Service and Privacy Policy.`",
    },
    ChromeRule {
        name: "app-prompt",
        pattern: r"[.!?]\s+(?:download|get|open)\s+the\s+app$|^(?i:(?:download|get|open)\s+(?:the|our)\s+app|read\s+in\s+(?:the\s+)?app)\s*[.!]?$",
        reason: "a call to use the site's app, its button glued after a sentence, e.g. `... while you're on the go. download the app`, `Read in app`",
    },
    ChromeRule {
        name: "icon-label",
        pattern: r"(?:^|\s)It\s+(?:often\s+)?indicates\s+(?:the\s+ability\s+to|a\s+way\s+to|an?\s+expandable|a\s+user\s+profile)\s|^An\s+icon\s+in\s+the\s+shape\s+of\s+an?\s[^.]+\.$",
        reason: "the text alternatives of a page's icons, e.g. `An envelope. It indicates the ability to send an email.`",
    },
    ChromeRule {
        name: "cookie-notice",
        pattern: r"^(?i:we\s+use\s+cookies|this\s+(?:web)?site\s+uses\s+cookies|by\s+continuing\s+to\s+(?:use|browse)\s+(?:this|our)\s+(?:web)?site|accept\s+(?:all\s+)?cookies|manage\s+cookies)\b.{0,200}$",
        reason: "cookie consent banner text",
    },
    ChromeRule {
        name: "advertisement",
        pattern: r"^(?i:advertisement|advertising|sponsored(?:\s+content)?|ad|promoted|paid\s+content|story\s+continues\s+below(?:\s+advertisement)?|continue\s+reading(?:\s+(?:below|the\s+main\s+story))?|scroll\s+to\s+continue(?:\s+with\s+content)?)(?:\s*[-–—:]\s*(?i:scroll\s+to\s+continue|continue\s+reading(?:\s+below)?))?\s*[.:]?$",
        reason: "advertisement slots and the labels around them",
    },
    ChromeRule {
        name: "image-credit",
        pattern: r"^\(?(?i:image|images|photo|photos|picture|pic|photograph|credit|file\s+photo)\s*:\s*[^.!?:()]{1,60}\)?$",
        reason: "image credit line left where a picture was, e.g. `Image: AP`, `(Image: AP)`",
    },
    ChromeRule {
        name: "image-caption-marker",
        pattern: r"^(?i:image\s+source|image\s+caption|media\s+caption|photo\s+credit|picture\s+credit|caption)\s*[,:].{0,200}$|^\((?i:photo|image|picture)s?\s+(?:by|credit|courtesy(?:\s+of)?)\s[^()]{1,80}\)$|^(?:[\p{L} .'’/-]{1,40}\s)?(?:/|via\s)\s*(?:Getty\s+Images|AFP|AP|Reuters|EPA|Shutterstock)$",
        reason: "caption and picture-source markers, e.g. `IMAGE SOURCE, GETTY IMAGES`, `Image caption, ...`",
    },
    ChromeRule {
        name: "slideshow-counter",
        pattern: r"^(?:\d{1,3}\s*/\s*\d{1,3}|(?i:image|photo|picture|slide)\s+\d{1,3}\s+(?i:of)\s+\d{1,3})$",
        reason: "gallery position, e.g. `1/5`, `Photo 2 of 8`",
    },
    ChromeRule {
        name: "related-links",
        pattern: r"^(?i:also\s+read|read\s+more|read\s+also|more\s+on\s+this\s+story|more\s+on\s+this|related(?:\s+(?:stories|articles|coverage|news|topics|content|links))?|see\s+also|recommended(?:\s+for\s+you)?|you\s+may\s+also\s+like|you\s+might\s+also\s+like|most\s+read|most\s+popular|trending(?:\s+now)?|top\s+stories|explore\s+more\s+on\s+these\s+topics|more\s+from\s+[\w '’-]{1,30}|latest\s+news)\s*(?:$|[:|–—-]\s*\S.{0,150}$)",
        reason: "labels of related-story lists, e.g. `Also read: ...`, `Most Read`, `Related Topics`",
    },
    ChromeRule {
        name: "live-blog-chrome",
        pattern: r"^(?i:live|live\s+updates|live\s+feed|key\s+events|show\s+key\s+events\s+only|pinned\s+post|auto-?update\s+(?:on|off)|refresh|please\s+turn\s+on\s+javascript.{0,80})$",
        reason: "live page controls and labels",
    },
    ChromeRule {
        name: "page-tools",
        pattern: r"^(?i:reuse\s+this\s+content|comments?|\d+\s+comments?|leave\s+a\s+comment|join\s+the\s+conversation|show\s+comments|listen\s+to\s+(?:this\s+)?article(?:\s+\d+\s+min(?:ute)?s?)?|\d+\s*min(?:ute)?s?\s+read|reading\s+time\s*:.{0,20}|print\s+this\s+(?:article|page)|report\s+an\s+error|our\s+standards\s*:.{0,120}|topics\s*:.{0,120})$",
        reason: "page tools and footers, e.g. `Reuse this content`, `3 min read`, `Our Standards: ...`",
    },
    ChromeRule {
        name: "copyright",
        pattern: r"^(?:©|\((?i:c)\)|(?i:copyright)\s*(?:©|\((?i:c)\))?)\s*\d{4}.{0,120}$|^.{0,80}(?i:all\s+rights\s+reserved)\.?$",
        reason: "copyright footers",
    },
    ChromeRule {
        name: "breadcrumb",
        pattern: r"^[\p{L}&' -]{1,25}(?:\s+(?:>|›|»|/)\s+[\p{L}&' -]{1,25}){1,5}$",
        reason: "navigation trail, e.g. `Home » World » Europe`",
    },
    ChromeRule {
        name: "story-code",
        pattern: r"^(?i:story\s+code|story\s+id|article\s+id|news\s+id)\s*:?\s*\d+$",
        reason: "content-management story number, e.g. `Story Code : 973712`",
    },
    ChromeRule {
        name: "relative-time",
        pattern: r"^(?i:(?:this\s+was\s+)?(?:published|posted|updated)\s+)?\d+\s+(?i:years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?)\s+(?i:ago)$",
        reason: "a time relative to the day the page was saved, e.g. `13 years ago`, `This was published 1 year ago`: never a date",
    },
    ChromeRule {
        name: "timestamp-stub",
        pattern: r"^(?i:last\s+updated|first\s+published|updated|published|posted|last\s+modified)(?:\s+on)?\s*:?$",
        reason: "a timestamp label whose value the page filled in by script, e.g. `Last Updated:`",
    },
];

/// No pattern matches a line longer than this (the longest allows a label
/// and 200 characters), so article paragraphs skip the patterns entirely.
const MAX_CHROME_LEN: usize = 300;

/// One compiled regex per rule, tried in table order. A `RegexSet` would
/// test them all at once, but for patterns this size it runs on the slow
/// PikeVM (measured: a third of all build time); single regexes get the
/// lazy DFA.
static COMPILED: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    RULES
        .iter()
        .map(|r| super::patterns::regex(r.pattern))
        .collect()
});

/// A look at each line that most lines fail, far cheaper than the rule's
/// regex (see [`super::gate`]).
static GATES: LazyLock<Vec<Gate>> =
    LazyLock::new(|| RULES.iter().map(|r| Gate::new(r.pattern)).collect());

/// The first rule matching the (cleaned) line, if any.
pub fn match_line(line: &str) -> Option<&'static ChromeRule> {
    if line.len() > MAX_CHROME_LEN {
        return None;
    }
    super::gate::with_line(line, |l| {
        COMPILED
            .iter()
            .zip(GATES.iter())
            .position(|(re, gate)| gate.may_match(l) && re.is_match(line))
    })
    .map(|i| &RULES[i])
}

/// Compiles this module's patterns now (see [`crate::parse::warm_up`]).
pub fn warm_up() {
    LazyLock::force(&COMPILED);
    LazyLock::force(&GATES);
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
    fn sign_up_forms_app_prompts_and_icon_labels_from_real_pages() {
        for (line, rule) in [
            ("Sign up to get the inside scoop on today’s biggest stories in markets, tech, and business — delivered daily. Read preview", "newsletter-pitch"),
            ("Subscribe to our newsletter for the week's top stories in your inbox", "newsletter-pitch"),
            ("By clicking “Sign Up”, you accept our Terms of Service and Privacy Policy. You can opt-out at any time.", "consent-notice"),
            ("By signing up, you agree to our Terms of Use and acknowledge our Privacy Policy", "consent-notice"),
            ("Access your favorite topics in a personalized feed while you're on the go. download the app", "app-prompt"),
            ("Read in app", "app-prompt"),
            ("The letter F. Facebook An envelope. It indicates the ability to send an email. Email", "icon-label"),
            ("Two crossed lines that form an 'X'. It indicates a way to close an interaction, or dismiss a notification.", "icon-label"),
            ("An icon in the shape of an angle pointing down.", "icon-label"),
            ("13 years ago", "relative-time"),
            ("This was published 1 year ago", "relative-time"),
        ] {
            assert_eq!(name(line), Some(rule), "{line}");
        }
        // Refused: the same words in running text.
        for line in [
            "Sign up for the draft opened on Monday, officials said.",
            "By clicking the link, users were taken to a fake bank page.",
            "By signing up for the scheme, farmers agreed to sell at a fixed price.",
            "Officials urged residents to download the app.",
            "It indicates a way forward for the talks, the minister said.",
            "13 years ago the town flooded.",
        ] {
            assert_eq!(name(line), None, "{line}");
        }
    }

    #[test]
    fn prose_is_never_chrome() {
        for line in [
            "Advertisement revenue fell by a third, the company said.",
            "Live music returned to the city on Friday.",
            "Related to this, Peskov said the talks would continue.",
            "Read more carefully, the statement says something else.",
            "Comments by the minister drew criticism.",
            "Follow the money, the prosecutor told the court.",
            "Copyright law was not discussed.",
            "Twitter said it had removed the accounts.",
            "Share prices rose 3% in Moscow.",
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
    fn no_pattern_matches_past_the_length_cut() {
        // Every rule's longest match is below MAX_CHROME_LEN: a long line of
        // chrome-looking text is still checked against the patterns' limits.
        let long = format!("Also read: {}", "x".repeat(MAX_CHROME_LEN));
        assert!(COMPILED.iter().all(|re| !re.is_match(&long)));
    }

    #[test]
    fn every_rule_has_a_name_and_reason() {
        for r in RULES {
            assert!(!r.name.is_empty() && !r.reason.is_empty());
        }
    }

    /// [`match_line`] without its gates.
    fn ungated(line: &str) -> Option<&'static str> {
        if line.len() > MAX_CHROME_LEN {
            return None;
        }
        COMPILED
            .iter()
            .position(|re| re.is_match(line))
            .map(|i| RULES[i].name)
    }

    #[test]
    fn the_gates_never_hide_a_match_in_real_text() {
        let lines = crate::parse::fixture_lines();
        let mut matched = 0;
        for line in &lines {
            assert_eq!(name(line), ungated(line), "{line:?}");
            matched += usize::from(ungated(line).is_some());
        }
        // The fixtures hold chrome of every kind, so the check has teeth.
        assert!(
            lines.len() > 5000 && matched > 200,
            "{} lines, {matched} chrome",
            lines.len()
        );
    }

    proptest::proptest! {
        #[test]
        fn the_gates_never_hide_a_match(
            words in proptest::collection::vec(proptest::sample::select(&[
                "Share", "share this article", "on", "Facebook", "|", "Twitter", "Follow us", "©", "(c)",
                "2021", "Home", ">", "/", "›", "»", "News", "Photo", ":", "AP", "Getty Images", "via",
                "1", "12", "of", "It", "indicates", "the ability to", "An icon in the shape of a", "arrow.",
                "Download", "the app", "Get", "All rights reserved", "ſhare", "Kremlin", "K", "Advertisement",
                "Story Code", "3 hours ago", "Updated", "comments", "min read", "Image caption", ",",
                "Subscribe to our", "daily", "newsletter", "delivered to your inbox", "By clicking", "terms",
                "{{x}}", "Read more", "-", "\u{a0}", "é", "", "Live",
                // Caseless words in other cases, and the long s and the
                // Kelvin sign `(?i)` also matches.
                "ALL RIGHTS RESERVED", "all rightſ reſerved", "COPYRIGHT", "(C)", "IMAGE SOURCE",
                "Media Caption", "APP", "Breaking",
            ][..]), 0..8),
            joiner in proptest::sample::select(&[" ", "", "  ", " | "][..]),
        ) {
            let line = words.join(joiner);
            proptest::prop_assert_eq!(name(&line), ungated(&line), "{:?}", line);
        }
    }
}
