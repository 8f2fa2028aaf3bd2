"""Exports: every --what and filter, comparison columns, spreadsheet-safe CSV, exact JSON.

The fixture catalog is small enough to check by hand: two crawl runs of nine offerings of
five models, with one price change, one removed offering, a EUR offering, a free one,
per-image, per-request and unpriced ones, and one whose text tries CSV injection.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import simplejson
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from catalog.cli import cli
from catalog.normalise.records import Finding, Offering, Price
from catalog.render import exports
from catalog.render.exports import Filters, csv_cell, csv_text
from catalog.store import Store

A = "https://a.example/chat"      # acme/chat at Alpha: 1.00 then 0.90 in, 3.00 out, cache read
B = "https://b.example/chat"      # acme/chat at Beta: 0.80 in, 4.00 out
C = "https://c.example/chat"      # acme/chat at Gamma, in EUR
D = "https://d.example/chat"      # acme/chat at Delta: tokens and a per-request price
E = "https://e.example/free"      # acme/free at Alpha: every price 0
F = "https://f.example/draw"      # pix/draw at Beta: per image only
G = "https://g.example/draw"      # pix/draw at Gamma: no price
H = "https://h.example/sonar"     # search/sonar at Delta: per request only
X = "https://x.example/evil"      # evil/model: formula-like text, input price only
OLD = "https://old.example/chat"  # acme/chat, listed in run 1 only
EVIL_NAME = '=HYPERLINK("http://x.example/","click")'
RUN_STARTS = ("2025-01-10T06:00:00Z", "2025-02-20T06:00:00Z")
RUN_ENDS = ("2025-01-10T06:30:00Z", "2025-02-20T06:30:00Z")


def price(component: str, amount: str, currency: str = "USD") -> Price:
    unit = {"request": "per_request", "image": "per_image"}.get(component, "per_1m_tokens")
    return Price(component=component, unit=unit, amount=Decimal(amount), currency=currency)


def offerings(run: int) -> list[Offering]:
    def off(url: str, model_id: str, provider: str, *prices: Price, **extra: Any) -> Offering:
        return Offering(url=url, catalog="test.example", provider=provider,
                        source_model_id=extra.pop("source_model_id", model_id.split("/")[1]),
                        model_id=model_id, name=extra.pop("name", model_id.split("/")[1]),
                        prices=prices, **extra)

    listed = [
        off(A, "acme/chat", "Alpha", price("input", "1.00" if run == 1 else "0.90"),
            price("output", "3.00"), price("cache_read", "0.10"), author="Acme",
            context_length=128000, modalities=("text", "image"), date_added="2025-01-02",
            related_urls=("https://b.example/chat", "https://e.example/free")),
        off(B, "acme/chat", "Beta", price("input", "0.80"), price("output", "4.00"),
            author="Acme", context_length=32000, modalities=("text",), date_added="2024-12-01"),
        off(C, "acme/chat", "Gamma", price("input", "0.5", "EUR"), price("output", "1", "EUR"),
            author="Acme", context_length=128000, modalities=("text",)),
        off(D, "acme/chat", "Delta", price("input", "0.9"), price("output", "2.9"),
            price("request", "0.001"), author="Acme", context_length=64000,
            modalities=("text",)),
        off(E, "acme/free", "Alpha", price("input", "0"), price("output", "0"),
            context_length=8000, modalities=("text",)),
        off(F, "pix/draw", "Beta", price("image", "0.04"), author="Pix",
            modalities=("text", "image")),
        off(G, "pix/draw", "Gamma", author="Pix"),
        off(H, "search/sonar", "Delta", price("request", "0.005"), author="Search",
            context_length=127000, modalities=("text",)),
        Offering(
            url=X, catalog="\tcatalog", provider="+Provider", source_model_id="-1",
            model_id="evil/model", name=EVIL_NAME, author="@author",
            description="line one\r\nline two, \"quoted\"", prices=(price("input", "2"),),
            modalities=("text",)),
    ]
    if run == 1:
        listed.append(off(OLD, "acme/chat", "Old", price("input", "5"), price("output", "5"),
                          author="Acme"))
    return listed


MODELS = [
    {"id": "acme/chat", "name": "Acme Chat", "author": "Acme", "family": "acme",
     "context_length": 128000, "modalities": ["text", "image"]},
    {"id": "acme/free", "name": "Acme Free", "author": "Acme", "family": None,
     "context_length": 8000, "modalities": ["text"]},
    {"id": "pix/draw", "name": "Pix Draw", "author": "Pix", "modalities": ["text", "image"]},
    {"id": "search/sonar", "name": "Sonar", "author": "Search", "modalities": ["text"]},
    {"id": "evil/model", "name": EVIL_NAME, "author": "@author", "modalities": ["text"]},
]
FINDINGS = [
    Finding(url=A, field="price", kind="headline_is_mean", detail="$2.00 / call is the mean",
            offering_url=A),
    Finding(url=G, field="prices", kind="missing", detail="no price on the page",
            offering_url=G),
    Finding(url="https://test.example/llms.txt", field="links", kind="broken",
            detail="=cmd|' /C calc'!A0"),
]


def make_catalog(path: Path) -> Path:
    """Writes the fixture catalog (two complete runs) to `path`."""
    store = Store(path)
    for n in (1, 2):
        run = store.start_run(["https://test.example/"], {})
        store.save_catalog(run, offerings(n), FINDINGS, MODELS, complete=True)
        store.finish_run(run, {}, True)
        store.db.conn.execute("UPDATE runs SET started_at = ?, finished_at = ? WHERE id = ?",
                              (RUN_STARTS[n - 1], RUN_ENDS[n - 1], run))
    store.close()
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_catalog(tmp_path_factory.mktemp("exports") / "catalog.db")


@pytest.fixture
def store(db: Path) -> Any:
    s = Store(db)
    yield s
    s.close()


def export(store: Store, what: str = "offerings", **filters: Any) -> exports.Export:
    return exports.build_export(store, what, Filters(**filters))


def by_url(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["url"]: r for r in rows}


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def validate(doc: Any, schema: dict[str, Any]) -> None:
    jsonschema.validate(doc, schema,
                        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


# -- every --what ----------------------------------------------------------------------


def test_offerings_rows_have_the_contract_and_comparison_columns(store: Store) -> None:
    ex = export(store)
    assert ex.columns == [*exports.COLUMNS, *exports.COMPARISON_COLUMNS]
    assert [r["url"] for r in ex.rows] == [A, B, C, D, E, X, F, G, H]  # model_id, then url
    rows = by_url(ex.rows)
    a = rows[A]
    assert a["input_usd_per_mtok"] == Decimal("0.90")
    assert a["cache_read_usd_per_mtok"] == Decimal("0.1")
    assert a["related_urls"] == [B, E] and a["date_added"] == "2025-01-02"
    # blended 3:1 = (3 * input + output) / 4: D (0.9, 2.9) 1.4 < A (0.9, 3) 1.425 < B 1.6
    assert [(rows[u]["blended_3to1_usd_per_mtok"], rows[u]["rank_within_model"],
             rows[u]["pct_above_cheapest"]) for u in (D, A, B)] == [
        (Decimal("1.4"), 1, Decimal("0.00")), (Decimal("1.425"), 2, Decimal("1.79")),
        (Decimal("1.6"), 3, Decimal("14.29"))]
    assert {rows[u]["cheapest_offering_url"] for u in (A, B, C, D)} == {D}
    # like with like: the EUR offering gets its own blended price but no rank
    assert rows[C]["currency"] == "EUR" and rows[C]["blended_3to1_usd_per_mtok"] == Decimal("0.625")
    assert rows[C]["rank_within_model"] is None and rows[C]["pct_above_cheapest"] is None
    # free: rank 1, 0 % above itself; per image / per request / unpriced: not ranked
    assert (rows[E]["rank_within_model"], rows[E]["pct_above_cheapest"]) == (1, 0)
    for url in (F, G, H, X):
        assert rows[url]["rank_within_model"] is None
        assert rows[url]["cheapest_offering_url"] is None
    assert rows[F]["per_image_usd"] == Decimal("0.04")
    assert rows[H]["per_call_usd"] == Decimal("0.005")
    assert OLD not in rows, "removed offerings are not exported"


@pytest.mark.parametrize(("blend", "cheapest"), [("3:1", D), ("1:1", D), ("1:0", B),
                                                 ("0:1", D)])
def test_blend_weights_are_configurable(store: Store, blend: str, cheapest: str) -> None:
    weights = exports.parse_weights(blend)
    ex = exports.build_export(store, "offerings", weights=weights)
    column = f"blended_{blend.replace(':', 'to')}_usd_per_mtok"
    assert ex.columns[len(exports.COLUMNS)] == column
    rows = by_url(ex.rows)
    wi, wo = (Decimal(w) for w in weights)
    a = rows[A]
    assert a[column] == (Decimal("0.90") * wi + Decimal("3.00") * wo) / (wi + wo)
    assert a["cheapest_offering_url"] == cheapest
    assert rows[cheapest]["rank_within_model"] == 1


def test_pct_above_a_free_cheapest_is_null() -> None:
    assert exports.pct_above(Decimal("1"), Decimal("0")) is None
    assert exports.pct_above(Decimal("0"), Decimal("0")) == 0
    assert exports.pct_above(Decimal("0.15"), Decimal("0.12")) == Decimal("25.00")


def test_models_rows_carry_the_cheapest_offering(store: Store) -> None:
    ex = export(store, "models")
    assert ex.columns == exports.MODEL_COLUMNS
    assert [r["model_id"] for r in ex.rows] == [
        "acme/chat", "acme/free", "evil/model", "pix/draw", "search/sonar"]
    chat = ex.rows[0]
    assert chat == {
        "model_id": "acme/chat", "name": "Acme Chat", "author": "Acme", "family": "acme",
        "context_length": 128000, "modalities": ["text", "image"], "offering_count": 4,
        "providers": ["Alpha", "Beta", "Delta", "Gamma"], "date_added": "2024-12-01",
        "cheapest_offering_url": D, "cheapest_provider": "Delta",
        "input_usd_per_mtok": Decimal("0.9"), "output_usd_per_mtok": Decimal("2.9"),
        "cache_read_usd_per_mtok": None, "blended_3to1_usd_per_mtok": Decimal("1.4")}
    draw = ex.rows[3]
    assert draw["cheapest_offering_url"] is None and draw["offering_count"] == 2


def test_prices_rows_are_the_current_components(store: Store) -> None:
    ex = export(store, "prices")
    assert ex.columns == exports.PRICE_COLUMNS
    a = [(r["component"], r["amount"], r["valid_from_run"], r["valid_from"])
         for r in ex.rows if r["url"] == A]
    assert a == [("cache_read", Decimal("0.10"), 1, RUN_STARTS[0]),
                 ("input", Decimal("0.90"), 2, RUN_STARTS[1]),
                 ("output", Decimal("3.00"), 1, RUN_STARTS[0])]
    assert len(ex.rows) == 3 + 2 + 2 + 3 + 2 + 1 + 0 + 1 + 1
    keys = [(r["model_id"], r["url"], r["component"]) for r in ex.rows]
    assert keys == sorted(keys)


def test_history_rows_are_every_price_version(store: Store) -> None:
    ex = export(store, "history")
    assert ex.columns == exports.HISTORY_COLUMNS
    a_input = [r for r in ex.rows if r["url"] == A and r["component"] == "input"]
    assert [(r["amount"], r["valid_from_run"], r["valid_to_run"], r["valid_to"])
            for r in a_input] == [(Decimal("1.00"), 1, 2, RUN_STARTS[1]),
                                  (Decimal("0.90"), 2, None, None)]
    old = [r for r in ex.rows if r["url"] == OLD]
    assert {(r["status"], r["valid_to_run"]) for r in old} == {("removed", 2)}
    assert len(ex.rows) == len(export(store, "prices").rows) + 1 + 2


def test_findings_rows(store: Store) -> None:
    ex = export(store, "findings")
    assert ex.columns == exports.FINDING_COLUMNS
    assert [(r["url"], r["offering_url"], r["model_id"], r["kind"]) for r in ex.rows] == [
        (A, A, "acme/chat", "headline_is_mean"), (G, G, "pix/draw", "missing"),
        ("https://test.example/llms.txt", None, None, "broken")]
    assert {r["run_id"] for r in ex.rows} == {2}


# -- filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(("filters", "urls"), [
    ({}, {A, B, C, D, E, F, G, H, X}),
    ({"providers": ("alpha",)}, {A, E}),
    ({"providers": ("ALPHA", "delta")}, {A, D, E, H}),
    ({"authors": ("acme",)}, {A, B, C, D, E}),  # E states no author: its model's counts
    ({"authors": ("pix", "@author")}, {F, G, X}),
    ({"modalities": ("image",)}, {A, F}),
    ({"modalities": ("text", "IMAGE")}, {A, F}),
    ({"free": True}, {E}),
    ({"free": False}, {A, B, C, D, F, H, X}),
    ({"min_context": 100_000}, {A, C, H}),
    ({"max_input_price": Decimal("0.85")}, {B, E}),  # C's 0.5 is EUR, not USD
    ({"max_input_price": Decimal("0.9")}, {A, B, D, E}),
    ({"providers": ("beta",), "free": False, "min_context": 1000}, {B}),
])
def test_filters_choose_offerings(store: Store, filters: dict[str, Any], urls: set[str]
                                  ) -> None:
    assert {r["url"] for r in export(store, **filters).rows} == urls


def test_comparison_is_among_the_filtered_offerings(store: Store) -> None:
    rows = by_url(export(store, providers=("alpha", "beta")).rows)
    assert rows[A]["rank_within_model"] == 1 and rows[A]["cheapest_offering_url"] == A
    assert rows[B]["pct_above_cheapest"] == Decimal("12.28")  # (1.6 - 1.425) / 1.425


@pytest.mark.parametrize("filters", [{}, {"providers": ("alpha", "beta")}, {"free": False},
                                     {"authors": ("acme",)}])
def test_streamed_offerings_match_the_full_read(store: Store, filters: dict[str, Any]
                                                ) -> None:
    """The lean, streamed read of a `Store` gives what the full offering read gives."""
    streamed = export(store, **filters)
    full = exports.build_export(exports.ReadOnce(store), "offerings", Filters(**filters))
    for fmt in exports.FORMATS:
        assert (exports.export_text(streamed, fmt, "2026-01-01T00:00:00Z")
                == exports.export_text(full, fmt, "2026-01-01T00:00:00Z"))
    assert streamed.rows == full.rows == exports.offering_rows(store, Filters(**filters))


def test_a_streamed_export_can_be_written_again(store: Store) -> None:
    ex = export(store)
    assert exports.export_text(ex, "csv", None) == exports.export_text(ex, "csv", None)
    assert [r["url"] for r in ex.iter_rows()] == [A, B, C, D, E, X, F, G, H]
    with pytest.raises(ValueError):
        exports.Export("offerings", exports.COLUMNS)


def test_long_text_exports_join_their_parts_in_order(store: Store) -> None:
    rows = [{"url": f"https://x.example/{i}", "name": "\u2013" if i == 3000 else "n" * 50}
            for i in range(6000)]
    ex = exports.Export("offerings", ["url", "name"], rows)
    buf = io.StringIO(newline="")
    exports.write_export(ex, "csv", buf, None)
    assert exports.export_text(ex, "csv", None) == buf.getvalue()


@pytest.mark.parametrize("what", ["models", "prices", "history", "findings"])
def test_filters_apply_to_every_what(store: Store, what: str) -> None:
    rows = export(store, what, providers=("alpha",)).rows
    assert rows
    if what == "models":
        assert [(r["model_id"], r["offering_count"]) for r in rows] == [
            ("acme/chat", 1), ("acme/free", 1)]
    elif what == "findings":
        assert [r["offering_url"] for r in rows] == [A]
    else:
        assert {r["url"] for r in rows} == {A, E}
    assert export(store, what, providers=("nobody",)).rows == []


def test_cli_filters_and_options(db: Path) -> None:
    result = run_cli("export", "--db", str(db), "--format", "jsonl", "--provider", "Delta",
                     "--paid", "--min-context", "100k", "--max-input-price", "$1")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["url"] for line in result.output.splitlines()] == []
    result = run_cli("export", "--db", str(db), "--format", "jsonl", "--author", "acme",
                     "--modality", "text", "--min-context", "64k", "--max-input-price",
                     "0.9", "--blend", "1:1")
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [r["url"] for r in lines] == [A, D]
    assert lines[0]["blended_1to1_usd_per_mtok"] == 1.95
    result = run_cli("export", "--db", str(db), "--free", "--what", "models", "--format",
                     "csv")
    assert [r["model_id"] for r in csv.DictReader(io.StringIO(result.output))] == ["acme/free"]


@pytest.mark.parametrize(("args", "message"), [
    (["--blend", "3"], "not input:output weights"),
    (["--blend", "0:0"], "not both 0"),
    (["--min-context", "big"], "is not a number"),
    (["--max-input-price", "-1"], "is not a number"),
    (["--what", "everything"], "Invalid value for '--what'"),
    (["--format", "xml"], "Invalid value for '--format'"),
    (["--format", "json", "--excel"], "--excel applies to --format csv only"),
])
def test_bad_export_options_exit_2(db: Path, args: list[str], message: str) -> None:
    result = run_cli("export", "--db", str(db), *args)
    assert result.exit_code == 2
    assert message in result.output


# -- formats and schemas ----------------------------------------------------------------


@pytest.mark.parametrize("what", exports.WHATS)
def test_every_what_in_every_format_through_the_cli(db: Path, tmp_path: Path, what: str
                                                    ) -> None:
    texts = {}
    for fmt in exports.FORMATS:
        out = tmp_path / f"{what}.{fmt}"
        result = run_cli("export", "--db", str(db), "--what", what, "--format", fmt,
                         "--out", str(out))
        assert result.exit_code == 0, result.output
        texts[fmt] = out.read_bytes().decode("utf-8")
    doc = simplejson.loads(texts["json"], use_decimal=True)
    validate(json.loads(texts["json"]), exports.SCHEMAS[what])
    assert doc["schema_version"] == 1 and doc["generated_at"] == RUN_ENDS[1]
    lines = [simplejson.loads(line, use_decimal=True) for line in texts["jsonl"].splitlines()]
    row_schema = exports.SCHEMAS[what]["properties"][what]["items"]
    for line in lines:
        validate(json.loads(simplejson.dumps(line, use_decimal=True)), row_schema)
    assert lines == doc[what]
    table = list(csv.reader(io.StringIO(texts["csv"], newline="")))
    assert texts["csv"].endswith("\r\n")
    assert len(table) == len(lines) + 1
    assert table[0] == list(doc[what][0]) if lines else True
    # stdout gives the same bytes as --out
    stdout = run_cli("export", "--db", str(db), "--what", what).stdout_bytes
    assert stdout.decode("utf-8") == texts["csv"]


@pytest.mark.parametrize("what", exports.WHATS)
def test_schema_option_prints_the_published_schema(db: Path, what: str) -> None:
    result = run_cli("export", "--what", what, "--schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema == json.loads(json.dumps(exports.SCHEMAS[what]))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == ("api/schema.json" if what == "offerings"
                             else f"exports/{what}.schema.json")


def test_schema_rejects_what_breaks_the_contract(store: Store) -> None:
    buf = io.StringIO()
    exports.write_json(exports.offering_rows(store), buf, RUN_ENDS[1])
    doc = json.loads(buf.getvalue())
    validate(doc, exports.EXPORT_SCHEMA)
    for column in exports.COLUMNS:
        assert column in doc["offerings"][0]
    bad = json.loads(buf.getvalue())
    bad["offerings"][0]["input_usd_per_mtok"] = "0.9"
    with pytest.raises(jsonschema.ValidationError):
        validate(bad, exports.EXPORT_SCHEMA)
    bad = json.loads(buf.getvalue())
    del bad["offerings"][0]["blended_3to1_usd_per_mtok"]
    with pytest.raises(jsonschema.ValidationError):
        validate(bad, exports.EXPORT_SCHEMA)


def test_json_numbers_are_exact_decimals(store: Store) -> None:
    ex = export(store, "prices")
    text = exports.export_text(ex, "json", None)
    assert '"amount": 0.1,' in text and '"amount": 0.005,' in text  # decimal text, no float
    doc = simplejson.loads(text, use_decimal=True)
    amounts = {(r["url"], r["component"]): r["amount"] for r in doc["prices"]}
    assert amounts[(A, "cache_read")] == Decimal("0.10")
    assert amounts[(H, "request")] == Decimal("0.005")
    assert "e-" not in text.lower().replace("free", "")


def test_exports_are_deterministic(db: Path) -> None:
    first = [run_cli("export", "--db", str(db), "--what", w, "--format", f).stdout_bytes
             for w in exports.WHATS for f in exports.FORMATS]
    second = [run_cli("export", "--db", str(db), "--what", w, "--format", f).stdout_bytes
              for w in exports.WHATS for f in exports.FORMATS]
    assert first == second


# -- spreadsheet-safe CSV -------------------------------------------------------------


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("http://x")', "'=HYPERLINK(\"http://x\")"),
    ("+cmd", "'+cmd"),
    ("-1", "'-1"),                  # text that looks like a negative number is still text
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTAB", "'\tTAB"),
    ("\rCR", "'\rCR"),
    ("\nLF", "'\nLF"),
    ("  =padded", "'  =padded"),
    ("\uff1dFULLWIDTH", "'\uff1dFULLWIDTH"),
    ("'quoted", "''quoted"),
    ("plain text", "plain text"),
    ("a=b", "a=b"),
    ("", ""),
    (None, ""),
    (Decimal("-1"), "-1"),          # a number stays a number, even negative
    (Decimal("0.0750"), "0.075"),
    (Decimal("1E+3"), "1000"),
    (Decimal("0.0000001"), "0.0000001"),
    (128000, "128000"),
    (True, "true"),
    (["text", "image"], "text; image"),
    (["=a", "b"], "'=a; b"),
])
def test_csv_cells_are_neutralised_text_or_numbers(value: Any, cell: str) -> None:
    assert csv_cell(value) == cell


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError, match="must be Decimal"):
        csv_cell(0.1)


def test_csv_of_the_hostile_offering(store: Store) -> None:
    text = exports.export_text(export(store), "csv", None)
    [row] = [r for r in csv.DictReader(io.StringIO(text, newline="")) if r["url"] == X]
    assert row["name"] == "'" + EVIL_NAME
    assert (row["provider"], row["author"], row["source_model_id"], row["catalog"]) == (
        "'+Provider", "'@author", "'-1", "'\tcatalog")
    assert row["input_usd_per_mtok"] == "2"
    for line in text.split("\r\n"):
        for cell in next(csv.reader([line])) if line else []:
            assert not cell.lstrip(" ").startswith(("=", "+", "@", "\t", "\r")), cell
    findings = exports.export_text(export(store, "findings"), "csv", None)
    assert "'=cmd|' /C calc'!A0" in findings


def test_csv_round_trips_through_the_csv_module(store: Store) -> None:
    for what in exports.WHATS:
        ex = export(store, what)
        text = exports.export_text(ex, "csv", None)
        read = list(csv.DictReader(io.StringIO(text, newline="")))
        assert len(read) == len(ex.rows)
        for row, got in zip(ex.rows, read, strict=True):
            assert list(got) == ex.columns
            for column in ex.columns:
                assert _from_cell(got[column], row[column]) == row[column], (what, column)


def _from_cell(cell: str, like: Any) -> Any:
    """Reads a CSV cell back as the type of the exported value, as an analyst would."""
    if cell == "":
        return None if like is None else ([] if isinstance(like, list) else "")
    if isinstance(like, Decimal):
        return Decimal(cell)
    if isinstance(like, bool):
        return cell == "true"
    if isinstance(like, int):
        return int(cell)
    if isinstance(like, list):
        return csv_text(cell).split(exports.LIST_SEPARATOR)
    return csv_text(cell)


@given(st.text())
def test_any_text_round_trips_and_never_starts_a_formula(text: str) -> None:
    buf = io.StringIO(newline="")
    exports.write_table_csv(["name"], [{"name": text}], buf)
    [[header], [cell]] = list(csv.reader(io.StringIO(buf.getvalue(), newline="")))
    assert header == "name"
    assert csv_text(cell) == text
    assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "\n"))


def test_excel_flag_adds_a_bom(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "excel.csv"
    assert run_cli("export", "--db", str(db), "--excel", "--out", str(out)).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfurl,source_model_id,")
    plain = run_cli("export", "--db", str(db)).stdout_bytes.decode("utf-8")
    assert data.decode("utf-8-sig") == plain
    assert not plain.startswith("\ufeff")


def test_exact_prices_from_page_to_export(tmp_path: Path) -> None:
    """0.075 stays 0.075: through the store, the rows, CSV and JSON."""
    store = Store(tmp_path / "exact.db")
    run = store.start_run(["https://t.example/"], {})
    store.save_catalog(run, [Offering(
        url="https://t.example/m", catalog="t", provider="P", source_model_id="m",
        model_id="x/m", name="M", prices=(price("input", "0.075"), price("output", "0.20")))],
        [], [], complete=True)
    store.finish_run(run, {}, True)
    [row] = exports.offering_rows(store)
    assert row["input_usd_per_mtok"] == Decimal("0.075")
    assert row["blended_3to1_usd_per_mtok"] == Decimal("0.10625")
    csv_row = next(csv.DictReader(io.StringIO(exports.export_text(
        export(store), "csv", None), newline="")))
    assert (csv_row["input_usd_per_mtok"], csv_row["blended_3to1_usd_per_mtok"]) == (
        "0.075", "0.10625")
    text = exports.export_text(export(store), "json", None)
    assert '"input_usd_per_mtok": 0.075,' in text and '"output_usd_per_mtok": 0.2,' in text
    store.close()


def test_site_files_are_every_export_and_its_schema(store: Store) -> None:
    files = exports.site_files(store, RUN_ENDS[1])
    assert sorted(files) == sorted(
        ["api/schema.json"] + [f"exports/{n}.{ext}" for n in exports.SITE_NAMES.values()
                               for ext in ("csv", "json")]
        + [f"exports/{n}.schema.json" for n in ("models", "prices", "history", "findings")])
    for what, name in exports.SITE_NAMES.items():
        validate(json.loads(files[f"exports/{name}.json"]), exports.SCHEMAS[what])
        schema_path = "api/schema.json" if what == "offerings" else f"exports/{name}.schema.json"
        assert json.loads(files[schema_path]) == json.loads(json.dumps(exports.SCHEMAS[what]))
        assert files[f"exports/{name}.csv"] == exports.export_text(
            export(store, what), "csv", None)
    assert files == exports.site_files(store, RUN_ENDS[1])


def test_the_site_publishes_and_links_every_export(db: Path, tmp_path: Path) -> None:
    from catalog.render import build_site

    store = Store(db)
    try:
        build_site(store, tmp_path / "site", "https://catalog.example/")
        files = exports.site_files(store, RUN_ENDS[1])
    finally:
        store.close()
    site = tmp_path / "site"
    for rel, text in files.items():
        assert (site / rel).read_bytes().decode("utf-8") == text, rel
    html = (site / "index.html").read_text(encoding="utf-8")
    md = (site / "index.md").read_text(encoding="utf-8")
    for rel in files:
        if not rel.endswith(".schema.json") and rel != "api/schema.json":
            assert f'href="{rel}"' in html and f"]({rel})" in md, rel
