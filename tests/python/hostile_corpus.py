"""Writes a seeds folder of raw articles whose values are hostile to CSV
readers, spreadsheets and type guessers: quotes, commas, embedded newlines,
leading = + - @, tabs, emoji, right-to-left text, strings that read as
missing values or numbers, and articles without a title.

    python hostile_corpus.py OUT_DIR [COUNT]

Deterministic: the same COUNT gives the same bytes (random.Random(7)).
The interoperability suite builds a release from it and loads that release
with every client (interop.py).
"""

import hashlib
import pathlib
import random
import sys

TITLES = [
    '=HYPERLINK("http://example.invalid","click")',
    "=1+1",
    "+44 20 7946 0000",
    "-5 degrees in Moscow",
    "@kremlin says no",
    "NA",
    "N/A",
    "null",
    "None",
    "NaN",
    "nan",
    "TRUE",
    "0012",
    "1e5",
    "2021-11-23",
    '"Quoted", with commas, and more',
    "Semicolon; pipe | and backslash \\ here",
    "Rocket 🚀 launch and flags 🇺🇦🇷🇺",
    "مرحبا بالعالم: بيان الكرملين",
    "שלום עולם והודעה",
    "Mixed عربي and English",
    "Ünïcödé ëverywhere — dashes – and ‘quotes’",
    "Zero\u200bwidth space inside",
    "ends with a backslash \\",
    "'single quoted'",
    "#hashtag first",
    "tab\tinside the title",
]

LEADS = ["=SUM(A1:A9)", "+1 and rising", "-minus first", "@handle writes", "'apostrophe"]

WORDS = (
    "the kremlin said on monday that russia had no plans to attack ukraine while western "
    "officials warned of troop movements near the border and diplomats met in geneva to "
    "discuss security guarantees sanctions gas prices and the future of the talks"
).split()

HOSTILE_FRAGMENTS = [
    'He said "no, never" and left.',
    "Prices, costs, and fees: all up.",
    "A tab\there and another\tthere.",
    "Emoji 😀🔥 and a family 👨‍👩‍👧.",
    "Arabic نص عربي في المقال and Hebrew טקסט בעברית.",
    "NA null None NaN",
    "Backslash \\ and a slash / and a pipe |.",
    "Quote at the end \"",
    "Commas,,,, many of them,,",
]


def toml_string(s):
    """A TOML basic string that means exactly s."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def article(i, rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(60, 140))]
    # A unique marker keeps every body distinct (exact duplicates are errors).
    words.insert(rng.randint(0, len(words)), "item%06d" % i)
    paragraphs = []
    while words:
        take = rng.randint(15, 40)
        paragraphs.append(" ".join(words[:take]))
        words = words[take:]
    for _ in range(rng.randint(1, 3)):
        paragraphs.insert(rng.randint(0, len(paragraphs)), rng.choice(HOSTILE_FRAGMENTS))
    if i % 3 == 0:
        paragraphs[0] = rng.choice(LEADS) + " " + paragraphs[0]
    front = []
    if i % 11 != 0:  # every eleventh article has no title at all
        title = TITLES[i % len(TITLES)]
        if i % 5 == 0:
            title = title + " " + str(i)
        front.append("title = " + toml_string(title))
    if i % 4 != 0:
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        front.append("published = %04d-%02d-%02d" % (2021 + i % 2, month, day))
    if i % 2 == 0:
        front.append(
            "url = " + toml_string('https://example.invalid/news?id=%d&q="a,b"' % i)
        )
    if i % 3 == 1:
        front.append("outlet = " + toml_string(rng.choice(["The \"Daily\", Ltd", "=Outlet", "Café Press ☕"])))
    if i % 7 == 0:
        front.append('language = "en"')
    text = "+++\n" + "\n".join(front) + "\n+++\n\n" + "\n\n".join(paragraphs) + "\n"
    return text


def main():
    out = pathlib.Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    out.mkdir(parents=True, exist_ok=False)
    (out / "dataset.toml").write_text(
        'name = "hostile"\n'
        'title = "Hostile values, generated"\n'
        'description = "Generated articles whose values are hard on CSV readers and type guessers."\n'
        'license = "CC0-1.0"\n'
        'version = "1.0.0"\n'
        'languages = ["en", "ar", "he"]\n'
        "\n[limits]\nmin_words = 20\n",
        encoding="utf-8",
    )
    rng = random.Random(7)
    for i in range(count):
        name = "%05d_%s.txt" % (i, hashlib.sha256(b"%d" % i).hexdigest()[:16])
        (out / name).write_text(article(i, rng), encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main()
