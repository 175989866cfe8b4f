"""The interoperability suite: load a release with the clients researchers use
and check that each yields exactly the records of articles.json, with the
schema's types.

    python interop.py RELEASE_DIR [--hostile]
    python interop.py a/1.0.0 b/1.0.0 --same-process

The loads are the release card's own examples (README.md, each python block
headed `# client: ...`), run in the release folder, so the card is proven
true for every release. Then `frictionless validate datapackage.json` must
report valid and `mlcroissant` must load croissant.json and its records.
With --hostile the release must actually hold the hostile values the
generator plants (else the suite would prove nothing). With --same-process,
releases in folders of the same name are loaded one after the other in one
process with one cache, as a researcher comparing two corpora would: a client
that answers from a cache keyed by folder name gives the first release's rows
for the second, and fails.

A failure names the client, the record and the field. Exits 1 on any failure.
"""

import datetime
import json
import math
import os
import pathlib
import re
import subprocess
import sys
import tempfile

# The clients the card must show, by the label after `# client:`.
REQUIRED = [
    "pandas (Parquet)",
    "pandas (CSV)",
    "pandas (JSON Lines)",
    "polars (Parquet)",
    "polars (CSV)",
    "duckdb (Parquet)",
    "duckdb (CSV)",
    "datasets (this folder)",
    "datasets (no cache)",
]

failures = []


def fail(client, message):
    failures.append(f"{client}: {message}")
    print(f"FAIL {client}: {message}", file=sys.stderr)


def load_schema(release):
    schema = json.loads((release / "article.schema.json").read_text(encoding="utf-8"))
    kinds = {}
    for name, prop in schema["properties"].items():
        types = prop.get("type", "string")
        types = types if isinstance(types, list) else [types]
        if "integer" in types:
            kinds[name] = "integer"
        elif prop.get("format") == "date":
            kinds[name] = "date"
        else:
            kinds[name] = "string"
    return list(schema["properties"]), kinds


def is_missing(v):
    if v is None:
        return True
    try:
        import pandas as pd

        if v is pd.NaT or v is pd.NA:
            return True
    except ImportError:
        pass
    return isinstance(v, float) and math.isnan(v)


def normal(client, rid, field, kind, v):
    """The value as articles.json writes it, checking its type on the way."""
    if is_missing(v):
        return None
    if isinstance(v, bytes):  # mlcroissant gives text as bytes
        v = v.decode("utf-8")
    if kind == "date":
        if isinstance(v, datetime.datetime):
            if (v.hour, v.minute, v.second, v.microsecond) != (0, 0, 0, 0):
                fail(client, f"record {rid} field `{field}`: date with a time of day {v!r}")
            return v.date().isoformat()
        if isinstance(v, datetime.date):
            return v.isoformat()
        if hasattr(v, "date") and callable(v.date):  # pandas / numpy timestamps
            return v.date().isoformat()
        fail(client, f"record {rid} field `{field}`: expected a date, got {type(v).__name__} {v!r}")
        return str(v)
    if kind == "integer":
        if isinstance(v, bool) or not hasattr(v, "__index__"):
            fail(client, f"record {rid} field `{field}`: expected an integer, got {type(v).__name__} {v!r}")
            return v
        return int(v)
    if not isinstance(v, str):
        fail(client, f"record {rid} field `{field}`: expected a string, got {type(v).__name__} {v!r}")
        return str(v)
    return v


def rows_of(client, obj, fields):
    """Rows as dicts of plain values, and a description of column types."""
    mod = type(obj).__module__
    if mod.startswith("pandas"):
        types = {c: str(obj[c].dtype) for c in obj.columns}
        cols = list(obj.columns)
        return cols, [dict(zip(cols, r)) for r in obj.itertuples(index=False, name=None)], types
    if mod.startswith("polars"):
        types = {c: str(t) for c, t in obj.schema.items()}
        return list(obj.columns), obj.to_dicts(), types
    if mod.startswith("duckdb"):
        cols = obj.columns
        types = dict(zip(cols, (str(t) for t in obj.types)))
        return cols, [dict(zip(cols, r)) for r in obj.fetchall()], types
    if mod.startswith("datasets"):
        types = {c: str(f) for c, f in obj.features.items()}
        return list(obj.column_names), list(obj), types
    raise TypeError(f"{client}: cannot read a {type(obj)}")


# Column types each client must report: the schema's, not a guess.
EXPECTED_TYPES = {
    "pandas": {"integer": ("int64",), "date": ("object",), "string": ("object", "str", "string")},
    "polars": {"integer": ("Int64",), "date": ("Date",), "string": ("String",)},
    "duckdb": {"integer": ("BIGINT",), "date": ("DATE",), "string": ("VARCHAR",)},
    "datasets": {
        "integer": ("Value('int64')",),
        "date": ("Value('date32')",),
        "string": ("Value('string')",),
    },
}


def compare(client, expected, fields, kinds, obj):
    cols, rows, types = rows_of(client, obj, fields)
    if cols != fields:
        fail(client, f"columns {cols} are not the schema's {fields}")
        return
    family = client.split()[0]
    for f in fields:
        allowed = EXPECTED_TYPES[family][kinds[f]]
        if types[f] not in allowed and not any(types[f].startswith(a) for a in allowed):
            fail(client, f"field `{f}` has type {types[f]}, expected {' or '.join(allowed)} ({kinds[f]})")
    if len(rows) != len(expected):
        fail(client, f"{len(rows)} records, articles.json has {len(expected)}")
        return
    bad = 0
    for got, want in zip(rows, expected):
        for f in fields:
            v = normal(client, want["id"], f, kinds[f], got[f])
            if v != want[f]:
                bad += 1
                if bad <= 5:
                    fail(client, f"record {want['id']} field `{f}`: got {v!r}, articles.json has {want[f]!r}")
    if bad > 5:
        fail(client, f"... and {bad - 5} more differing values")


def card_blocks(release):
    card = (release / "README.md").read_text(encoding="utf-8")
    blocks = {}
    for code in re.findall(r"```python\n(.*?)```", card, flags=re.S):
        first = code.splitlines()[0]
        m = re.match(r"# client: (.+)$", first)
        if m:
            blocks[m.group(1).strip()] = code
    return blocks


def run_card(release, expected, fields, kinds):
    blocks = card_blocks(release)
    for client in REQUIRED:
        if client not in blocks:
            fail(client, "the card (README.md) has no example for this client")
    for client, code in blocks.items():
        namespace = {}
        try:
            exec(compile(code, f"README.md [{client}]", "exec"), namespace)
            obj = namespace["articles"]
        except Exception as e:  # a failing example is a finding, not a crash
            fail(client, f"the card's example raised {type(e).__name__}: {e}")
            continue
        before = len(failures)
        compare(client, expected, fields, kinds, obj)
        if len(failures) == before:
            print(f"ok   {client}: {len(expected)} records")


def run_frictionless(release):
    client = "frictionless"
    try:
        from frictionless import Package, validate
    except ImportError as e:
        fail(client, f"not installed: {e}")
        return
    report = validate("datapackage.json")
    if not report.valid:
        for task in report.tasks:
            for err in task.errors[:10]:
                fail(client, f"{task.name}: {err.type}: {err.message}")
        for err in report.errors[:10]:
            fail(client, f"{err.type}: {err.message}")
        return
    # Valid is not enough: the package must describe both files, with their rows.
    package = Package("datapackage.json")
    names = sorted(r.name for r in package.resources)
    if names != ["articles-csv", "articles-jsonl"]:
        fail(client, f"resources {names}")
    rows = [t.stats.get("rows") for t in report.tasks]
    print(f"ok   {client}: valid, resources {names}, rows {rows}")


def run_croissant(release, expected, fields, kinds):
    client = "mlcroissant"
    try:
        import mlcroissant as mlc
    except ImportError as e:
        fail(client, f"not installed: {e}")
        return
    try:
        dataset = mlc.Dataset(jsonld="croissant.json")
        records = list(dataset.records(record_set="articles"))
    except Exception as e:
        fail(client, f"loading croissant.json raised {type(e).__name__}: {e}")
        return
    if len(records) != len(expected):
        fail(client, f"{len(records)} records, articles.json has {len(expected)}")
        return
    bad = 0
    for got, want in zip(records, expected):
        for f in fields:
            key = f"articles/{f}"
            if key not in got:
                fail(client, f"record {want['id']} has no field `{f}` (keys {sorted(got)})")
                return
            v = normal(client, want["id"], f, kinds[f], got[key])
            if v != want[f]:
                bad += 1
                if bad <= 5:
                    fail(client, f"record {want['id']} field `{f}`: got {v!r}, articles.json has {want[f]!r}")
    print(f"ok   {client}: {len(records)} records")


def check_hostile(expected):
    """The release must carry the values the generator planted."""
    titles = [a["title"] for a in expected]
    bodies = [a["body"] for a in expected]
    wanted = {
        "a null title": any(t is None for t in titles),
        "a title `NA`": "NA" in titles,
        "a title `null`": "null" in titles,
        "a title `0012`": "0012" in titles,
        "titles starting = + - @": all(
            any(t and t.startswith(c) for t in titles) for c in "=+-@"
        ),
        "a title with a tab": any(t and "\t" in t for t in titles),
        "a title with quotes and commas": any(t and '"' in t and "," in t for t in titles),
        "emoji": any(t and "🚀" in t for t in titles),
        "right-to-left text": any(t and "\u0645" in t for t in titles),
        "bodies with embedded newlines": any("\n" in b for b in bodies),
        "bodies starting with =": any(b.startswith("=") for b in bodies),
        "a url with quotes and commas": any(a["url"] and '"' in a["url"] for a in expected),
    }
    for what, present in wanted.items():
        if not present:
            fail("hostile corpus", f"the release holds no {what}; the generator or the parser changed")


def check_release(release, hostile=False):
    """Every client, run in the release folder, agrees with its articles.json."""
    os.chdir(release)
    fields, kinds = load_schema(release)
    expected = json.loads((release / "articles.json").read_text(encoding="utf-8"))
    if hostile:
        check_hostile(expected)
    run_card(release, expected, fields, kinds)
    run_frictionless(release)
    run_croissant(release, expected, fields, kinds)
    return expected


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    hostile = "--hostile" in sys.argv[1:]
    collide = "--same-process" in sys.argv[1:]
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # `datasets` writes an Arrow cache; keep it out of the user's home. With
    # several releases it is one cache for all, as a researcher has.
    os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="interop-hf-"))
    releases = [pathlib.Path(a).resolve() for a in args]
    if collide:
        # Releases in folders of the same name (`a/1.0.0`, `b/1.0.0`), one
        # process, one cache: each client must give each release its own rows,
        # whatever it cached for the one before.
        names = {r.name for r in releases}
        if len(releases) < 2 or len(names) != 1:
            print("--same-process needs two or more releases in folders of one name", file=sys.stderr)
            sys.exit(2)
        ids = []
        for release in releases:
            print(f"-- {release}")
            expected = check_release(release)
            ids.append([a["id"] for a in expected])
        if len({tuple(i) for i in ids}) != len(ids):
            fail("setup", "the releases hold the same records; the test would prove nothing")
        # A release rebuilt in place: the same path, other rows (a client
        # caching by path, as DuckDB's file cache or a download cache may).
        import shutil

        spot = pathlib.Path(tempfile.mkdtemp(prefix="interop-same-path-")) / releases[0].name
        for release in releases:
            if spot.exists():
                shutil.rmtree(spot)
            shutil.copytree(release, spot)
            print(f"-- {release} copied to {spot}")
            check_release(spot)
    else:
        for release in releases:
            expected = check_release(release, hostile)
    if failures:
        print(f"\n{len(failures)} interoperability failure(s) in {', '.join(map(str, releases))}", file=sys.stderr)
        sys.exit(1)
    print(f"interoperability: every client agrees with articles.json ({', '.join(map(str, releases))})")


if __name__ == "__main__":
    main()
