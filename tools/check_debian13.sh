#!/usr/bin/env bash
# Builds the working tree and runs every test in a Debian 13 chroot: GCC 14,
# LibTorch 2.6 (the 2.x code paths: fused attention, the new autocast calls),
# Google Benchmark 1.9, SentencePiece 0.2, and Python's PyTorch 2.6, so the GPU
# benchmark's PyTorch reference runs in the dry-run test. On a machine without
# a GPU this is the nearest check of what the GPU machine (LibTorch 2.11,
# GCC 13) will compile. Needs root and Debian's archive; nothing else.
#
# Usage: tools/check_debian13.sh [--clean] [ROOT]
#   ROOT     where the chroot lives (default /var/tmp/ner-debian13); it is
#            kept, with its build, so a second call only rebuilds what changed
#   --clean  start from a fresh chroot
# Extra arguments for ctest go in CTEST_ARGS (e.g. CTEST_ARGS="-R Encoder").
set -euo pipefail
cd "$(dirname "$0")/.."

clean=0
root=/var/tmp/ner-debian13
while [ $# -gt 0 ]; do
  case "$1" in
    --clean) clean=1 ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "check_debian13: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) root="$1" ;;
  esac
  shift
done
if [ "$(id -u)" -ne 0 ]; then
  echo "check_debian13: needs root (debootstrap, chroot and mounts)" >&2
  exit 2
fi
# shellcheck source=tools/setup.sh
source tools/setup.sh --deps-only
ensure_packages debootstrap git rsync

if [ "$clean" -eq 1 ]; then
  rm -rf --one-file-system "$root"
fi
if [ ! -f "$root/etc/debian_version" ]; then
  ner_log "bootstrapping Debian 13 (trixie) into $root"
  debootstrap --variant=minbase trixie "$root" http://deb.debian.org/debian
fi

mounted=()
unmount_all() {
  local index
  for ((index = ${#mounted[@]} - 1; index >= 0; index--)); do
    umount -R "${mounted[index]}" 2> /dev/null || umount -lR "${mounted[index]}" || true
  done
}
trap unmount_all EXIT
mount -t proc proc "$root/proc"
mounted+=("$root/proc")
for system_dir in sys dev; do
  mount --rbind "/$system_dir" "$root/$system_dir"
  mounted+=("$root/$system_dir")
  mount --make-rslave "$root/$system_dir"
done
cp /etc/resolv.conf "$root/etc/resolv.conf"

# The working tree as it is (tracked and untracked, not ignored), over the
# previous copy; the chroot's own build/ is kept. Files are compared by
# content and only changed ones are written, stamped now: the chroot's build
# then recompiles exactly those, even when their own times are older than
# its objects (an edit made while the previous call was compiling).
ner_log "copying the working tree to $root/work/main"
mkdir -p "$root/work/main"
staging="$(mktemp -d)"
trap 'unmount_all; rm -rf "$staging"' EXIT
git ls-files -z --cached --others --exclude-standard |
  tar --null --files-from=- -cf - | tar -xf - -C "$staging"
rsync -rlc --delete --exclude=/build "$staging/" "$root/work/main/"
rm -rf "$staging"
if [ -d ../shared ]; then
  rm -rf "$root/work/shared"
  cp -r ../shared "$root/work/shared"
fi

ner_log "building and testing in Debian $(cat "$root/etc/debian_version")"
# shellcheck disable=SC2016 # the script runs in the chroot's shell
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  DEBIAN_FRONTEND=noninteractive CTEST_ARGS="${CTEST_ARGS:-}" bash -c '
  set -euo pipefail
  cd /work/main
  source tools/setup.sh --deps-only
  # PyTorch for Python (torch.compile on the CPU wants setuptools and Python.h).
  ensure_packages python3-torch python3-setuptools python3-dev
  python3 -c "import torch; print(\"==> PyTorch for Python\", torch.__version__)"
  tools/test.sh $CTEST_ARGS'
