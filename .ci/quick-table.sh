#!/usr/bin/env bash
# The quick table run: `table --quick` on the embedded default, then checks that every expected
# row is present with its values in range and that every picture is a PNG of the expected size.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

start=$SECONDS
cargo run -p stk-harness --release --locked -- table --quick --out "$out" >"$out/stdout.md"
echo "quick table: $((SECONDS - start)) s (build included)"
cat "$out/stdout.md"

python3 - "$out" <<'PY'
import csv, json, struct, sys
from pathlib import Path

out = Path(sys.argv[1])
datasets = ["rigid-mnist", "non-rigid-mnist", "mnist-5k"]
methods = ["kmeans", "ai", "st"]
names = {"kmeans": "K-means", "ai": "AI K-means", "st": "ST K-means"}
errors = []

# summary.csv: one row per data set and method; scores in percent.
rows = {(r["dataset"], r["method"]): r for r in csv.DictReader(open(out / "summary.csv"))}
for d in datasets:
    for m in methods:
        r = rows.get((d, m))
        if r is None:
            errors.append(f"summary.csv: no row for {d} {m}")
            continue
        for key in ["best_accuracy_pct", "best_nmi_pct", "mean_accuracy_pct",
                    "lowest_objective_accuracy_pct"]:
            v = float(r[key])
            if not 0.0 <= v <= 100.0:
                errors.append(f"summary.csv: {d} {m} {key} = {v} outside [0, 100]")
        # ARI is at most 100 and may dip below 0 for a chance-level clustering.
        v = float(r["best_ari_pct"])
        if not -100.0 <= v <= 100.0:
            errors.append(f"summary.csv: {d} {m} best_ari_pct = {v} outside [-100, 100]")
        if int(r["n_runs"]) != 2:
            errors.append(f"summary.csv: {d} {m} has {r['n_runs']} runs, expected 2")

# runs.csv: every run with its seed and configuration.
runs = list(csv.DictReader(open(out / "runs.csv")))
if len(runs) != len(datasets) * len(methods) * 2:
    errors.append(f"runs.csv: {len(runs)} runs, expected {len(datasets) * len(methods) * 2}")
for r in runs:
    if not 0.0 <= float(r["test_accuracy_pct"]) <= 100.0:
        errors.append(f"runs.csv: accuracy {r['test_accuracy_pct']} outside [0, 100]")

# results.json parses and holds the seed.
report = json.load(open(out / "results.json"))
if "base_seed" not in report or len(report["datasets"]) != len(datasets):
    errors.append("results.json: missing base_seed or data sets")

# The markdown on stdout: every method row, the deep baselines, each cell `ours (published)`.
table = (out / "stdout.md").read_text()
if table != (out / "table.md").read_text():
    errors.append("stdout differs from table.md")
acc = table.split("## Accuracy")[1].split("## NMI")[0]
for label in [names[m] for m in methods] + [
        "AE + K-means (published only)", "DEC (MLP) (published only)",
        "DEC (Conv) (published only)", "VaDE (MLP) (published only)",
        "VaDE (Conv) (published only)"]:
    line = next((l for l in acc.splitlines() if l.startswith(f"| {label} |")), None)
    if line is None:
        errors.append(f"markdown: no accuracy row {label!r}")
        continue
    cells = [c.strip() for c in line.strip("|").split("|")[1:]]
    if len(cells) != len(datasets):
        errors.append(f"markdown: row {label!r} has {len(cells)} cells")
    for cell in cells:
        ours, published = cell.split(" (")
        for v in [ours, published.rstrip(")")]:
            if v != "—" and not 0.0 <= float(v) <= 100.0:
                errors.append(f"markdown: {label!r} value {v} outside [0, 100]")
        if "published only" not in label and ours == "—":
            errors.append(f"markdown: {label!r} lacks our value")

# Pictures: PNG signature and IHDR size, by the layout documented in figures.rs.
def png_size(path):
    data = path.read_bytes()[:24]
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])

def grid(rows, cols, h=28, w=28, gap=2):
    s = max(1, 128 // max(h, w))
    return (gap + cols * (s * w + gap), gap + rows * (s * h + gap))

expected = {"centroids": grid(4, 10), "scatter": (3 * (240 + 2 * 20), 200 + 2 * 20),
            "warps": grid(6, 4)}
for d in datasets:
    for kind, size in expected.items():
        path = out / f"{d}-{kind}.png"
        got = png_size(path) if path.is_file() else None
        if got != size:
            errors.append(f"{path.name}: size {got}, expected {size}")

if errors:
    print("quick table check FAILED:", *errors, sep="\n  ")
    sys.exit(1)
print(f"quick table check passed: {len(rows)} rows, {len(runs)} runs, "
      f"{len(datasets) * len(expected)} pictures")
PY
