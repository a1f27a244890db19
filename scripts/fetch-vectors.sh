#!/usr/bin/env bash
# Downloads the official test vectors from their pinned upstream sources into DIR
# (default ../shared/vectors) and checks what it can. See docs/vectors.md.
#
# Only upstream-published files can be fetched: the MLS, X-Wing and HPKE-PQ vectors and the
# transparency-dev Merkle data, and the PDQ images. The PDQ pixel vectors and expected values,
# the RFC 9381 VRF table and the KEYTRANS helper values were produced for this project from the
# reference code and specs; they come with the shared folder, not from a public URL.
set -euo pipefail
dest=${1:-../shared/vectors}
raw=https://raw.githubusercontent.com
mkdir -p "$dest"/{mls,xwing,hpke-pq}

fetch() { # url path
    mkdir -p "$(dirname "$dest/$2")"
    curl -fsSL --retry 2 -o "$dest/$2" "$1" || { echo "error: could not fetch $1" >&2; return 1; }
}

mls=$raw/mlswg/mls-implementations/cfd450286d1bfd9cd2519b95c80f9771f94a5b1a/test-vectors
for f in crypto-basics deserialization key-schedule message-protection messages passive-client-handling-commit \
    passive-client-welcome psk_secret secret-tree transcript-hashes tree-math tree-operations tree-validation treekem welcome; do
    fetch "$mls/$f.json" "mls/$f.json"
done
fetch "$raw/mlswg/mls-implementations/cfd450286d1bfd9cd2519b95c80f9771f94a5b1a/test-vectors.md" mls/FORMAT.md
fetch "$raw/dconnolly/draft-connolly-cfrg-xwing-kem/9b6ce9e614811dba8d46841052f3883cbc4c1a65/spec/test-vectors.json" xwing/test-vectors.json
fetch "$raw/hpkewg/hpke-pq/74dafaa65f79a5eaa210af7ba967e5425a21d05b/test-vectors.json" hpke-pq/test-vectors.json

if [ -f "$(dirname "$0")/../docs/vectors.sha256" ]; then
    (cd "$dest" && sha256sum --check --ignore-missing --quiet "$OLDPWD/$(dirname "$0")/../docs/vectors.sha256")
fi
echo "Fetched the upstream vectors into $dest. The PDQ, VRF and KEYTRANS sets are not fetchable; see docs/vectors.md."
