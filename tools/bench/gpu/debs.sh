#!/usr/bin/env bash
# Carries the project's libraries to the GPU machine, which has PyTorch, CUDA
# and a compiler but no package archive: `fetch` (here, on Debian 12) downloads
# the Debian packages tools/setup.sh installs, with everything they need,
# except the compiler, C library and LibTorch; `install` (there) unpacks them
# and adds to / only the files that are not there yet, so nothing of the
# machine's own is replaced.
# Usage: tools/bench/gpu/debs.sh fetch DIR     (DIR: where the .deb files go)
#        tools/bench/gpu/debs.sh install DIR [ROOT]   (ROOT: / unless named; then tools/build_cuda.sh)
set -euo pipefail
cd "$(dirname "$0")/../../.."

usage() { sed -n "/^# Usage/,/^#  *tools/p" "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -eq 2 ] || [ $# -eq 3 ] || usage
verb="$1"
dir="$2"
root="${3:-/}"

# The machine brings these (or their own versions of them); copies from
# Debian 12 would only be skipped, or shadow the machine's compiler.
provided_there='^(libc6|libc6-dev|libc-dev-bin|libcrypt1|libcrypt-dev|libgcc-s1|libstdc\+\+6|gcc-12-base|linux-libc-dev|libnsl-dev|libnsl2|libtirpc-dev|libtirpc3|libtirpc-common|rpcsvc-proto)$'
# Alternatives that apt's resolver lists beside the ones a package really gets.
not_chosen='^(catch2|libcurl3-gnutls|libcurl3-nss|libcurl4-gnutls-dev|libcurl4-nss-dev|libnss3|libnspr4|nss-plugin-pem)$'

case "$verb" in
  fetch)
    # shellcheck source=tools/setup.sh
    source tools/setup.sh --deps-only
    wanted=(pkg-config)
    for package in "${NER_PACKAGES[@]}"; do
      case "$package" in
        build-essential | cmake | ninja-build | pkg-config | libtorch-dev | libopenblas* | libblas-dev) ;;
        # Test PDFs only, and X11's headers with it: the PDF tests skip without it.
        libcairo2-dev) ;;
        *) wanted+=("$package") ;;
      esac
    done
    mapfile -t closure < <(apt-cache depends --recurse --no-recommends --no-suggests \
      --no-conflicts --no-breaks --no-replaces --no-enhances --no-pre-depends "${wanted[@]}" |
      grep -v '^[ <]' | sort -u | grep -Ev "$provided_there" | grep -Ev "$not_chosen")
    mkdir -p "$dir"
    ner_log "downloading ${#closure[@]} packages into $dir"
    (cd "$dir" && apt-get download "${closure[@]}") 2>&1 |
      { grep -v '^W: Download is performed unsandboxed' || true; }
    count="$(find "$dir" -maxdepth 1 -name '*.deb' | wc -l)"
    if [ "$count" -lt "${#closure[@]}" ]; then
      echo "debs: only $count of ${#closure[@]} packages arrived in $dir" >&2
      exit 1
    fi
    ner_log "$count packages, $(du -sh "$dir" | cut -f1), in $dir"
    ;;
  install)
    [ -d "$dir" ] || { echo "debs: no folder $dir (run 'debs.sh fetch $dir' first, and carry it)" >&2; exit 1; }
    staging="$(mktemp -d)"
    trap 'rm -rf "$staging"' EXIT
    count=0
    for deb in "$dir"/*.deb; do
      if command -v dpkg-deb > /dev/null; then
        dpkg-deb -x "$deb" "$staging"
      else
        python3 - "$deb" "$staging" << 'EOF'
# A .deb is an ar archive whose data.tar.* member holds the files.
import io, sys, tarfile
deb, target = sys.argv[1], sys.argv[2]
blob = open(deb, "rb").read()
offset = 8
while offset < len(blob):
    name = blob[offset:offset + 16].decode().strip().rstrip("/")
    size = int(blob[offset + 48:offset + 58].decode().strip())
    if name.startswith("data.tar"):
        tarfile.open(fileobj=io.BytesIO(blob[offset + 60:offset + 60 + size])).extractall(target)
    offset += 60 + size + (size % 2)
EOF
      fi
      count=$((count + 1))
    done
    # --keep-directory-symlink keeps a merged /usr's /lib -> usr/lib link.
    tar -C "$staging" -cf - . | tar -C "$root" -xf - --skip-old-files --keep-directory-symlink
    if [ "$root" = / ] && command -v ldconfig > /dev/null; then ldconfig; fi
    echo "debs: unpacked $count packages into $root; files already there were kept"
    ;;
  *) usage ;;
esac
