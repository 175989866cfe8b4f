"""Independent checks of a newscorpus release, with Python's own readers.

Usage: python check_release.py RELEASE_DIR SEEDS_DIR

Nothing here imports newscorpus code: the schema is checked by the
`jsonschema` package (with format checking), the CSV by the standard `csv`
module, and each ID is recomputed from the seed file by DESIGN.md's rule.
"""

import csv
import hashlib
import json
import pathlib
import sys
import unicodedata

import jsonschema

failures = []
passed = 0


def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


# The README's recipe, verbatim.
def article_id(raw: bytes) -> str:
    text = raw.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in unicodedata.normalize("NFC", text).split("\n")]
    return "art_" + hashlib.sha256("\n".join(lines).strip("\n").encode()).hexdigest()[:16]


def main(release: pathlib.Path, seeds: pathlib.Path):
    schema = json.loads((release / "article.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    records = json.loads((release / "articles.json").read_text(encoding="utf-8"))
    check(isinstance(records, list) and records, "articles.json is a non-empty array")

    for r in records:
        errors = [e.message for e in validator.iter_errors(r)]
        check(not errors, f"{r.get('source_file')}: schema: {errors}")
    # format checking is really on: an impossible date must be refused
    check(not validator.is_valid({**records[0], "published": "2021-02-31"}), "format: date is enforced")

    jsonl = [json.loads(line) for line in (release / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    check(jsonl == records, "articles.jsonl equals articles.json")

    fields = schema["required"]
    props = schema["properties"]
    raw_csv = (release / "articles.csv").read_bytes()
    check(b"\r" not in raw_csv.replace(b"\r\n", b""), "CSV has no bare CR")
    with open(release / "articles.csv", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    check(header == fields, f"CSV header is the schema's field order: {header}")
    check(len(rows) == len(records), "CSV has one row per record")
    for row, rec in zip(rows, records):
        typed = {}
        for name, cell in zip(header, row):
            types = props[name].get("type", "string")
            types = types if isinstance(types, list) else [types]
            if cell == "" and "null" in types:
                typed[name] = None
            elif "integer" in types:
                typed[name] = int(cell)
            else:
                typed[name] = cell
        check(typed == rec, f"CSV row equals JSON record for {rec['source_file']}")

    for rec in records:
        raw = (seeds / rec["source_file"]).read_bytes()
        rid = article_id(raw)
        check(rec["id"] == rid, f"{rec['source_file']}: id {rec['id']} recomputes as {rid}")
        check(rec["source_sha256"].startswith(rid[4:]), f"{rec['source_file']}: source_sha256")
        body_digest = hashlib.sha256(rec["body"].encode("utf-8")).hexdigest()
        check(rec["text_sha256"] == body_digest, f"{rec['source_file']}: text_sha256")

    sums = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    for line in sums:
        digest, name = line.split("  ", 1)
        actual = hashlib.sha256((release / name).read_bytes()).hexdigest()
        check(digest == actual, f"SHA256SUMS: {name}")
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    check(manifest["record_count"] == len(records), "manifest record_count")
    check(len({r["id"] for r in records}) == len(records), "ids are unique")

    print(f"python release checks: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])))
