#!/bin/sh
# Installs the source-kafka executable for this machine, checked against the release's SHA256SUMS.
#
#   curl -fsSL https://github.com/source-kafka/source-kafka/releases/latest/download/install.sh | sh
#   ... | sh -s -- --dir ~/bin --base-url https://example.com/source-kafka/0.1.0
#
# Options (each also read from the environment):
#   --base-url URL  SOURCE_KAFKA_BASE_URL     where the executables and SHA256SUMS are
#                                             (default: the latest release)
#   --dir DIR       SOURCE_KAFKA_INSTALL_DIR  where to install (default: the first writable of
#                                             /usr/local/bin, ~/.local/bin and ~/bin on PATH,
#                                             else ~/.local/bin)
#
# POSIX sh on purpose: it runs under whatever /bin/sh is (dash, busybox ash, bash, zsh).
set -eu

default_base_url="https://github.com/source-kafka/source-kafka/releases/latest/download"
base_url="${SOURCE_KAFKA_BASE_URL:-$default_base_url}"
dir="${SOURCE_KAFKA_INSTALL_DIR:-}"

fail() {
  echo "install.sh: $*" >&2
  exit 1
}

usage() {
  cat <<EOF
Installs the source-kafka executable for this machine, checked against the release's SHA256SUMS.
  --base-url URL  where the executables and SHA256SUMS are (or SOURCE_KAFKA_BASE_URL;
                  default: $default_base_url)
  --dir DIR       where to install (or SOURCE_KAFKA_INSTALL_DIR; default: the first writable
                  of /usr/local/bin, ~/.local/bin and ~/bin on PATH, else ~/.local/bin)
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --base-url) [ $# -ge 2 ] || fail "--base-url needs a URL"; base_url="$2"; shift 2 ;;
    --base-url=*) base_url="${1#*=}"; shift ;;
    --dir) [ $# -ge 2 ] || fail "--dir needs a directory"; dir="$2"; shift 2 ;;
    --dir=*) dir="${1#*=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) fail "unknown option $1 (use --base-url URL or --dir DIR)" ;;
  esac
done
base_url="${base_url%/}"

# The file name is the platform: source-kafka-<os>-<arch>[-musl][.exe], as build.ts names them.
detect_target() {
  os=$(uname -s)
  arch=$(uname -m)
  case "$arch" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) fail "no executable for the $arch architecture; build one from source (bun build.ts)" ;;
  esac
  case "$os" in
    Linux)
      echo "linux-$arch$(libc_suffix)" ;;
    Darwin)
      # A shell under Rosetta reports x86_64 on Apple silicon: the native executable is faster.
      if [ "$arch" = x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then arch=arm64; fi
      echo "darwin-$arch" ;;
    MINGW* | MSYS* | CYGWIN*)
      [ "$arch" = x64 ] || fail "no executable for Windows on $arch"
      echo "windows-x64.exe" ;;
    *) fail "no executable for $os; build one from source (bun build.ts)" ;;
  esac
}

# musl (Alpine) or glibc: the executables link one or the other. ldd says which C library it
# belongs to; without ldd, musl's loader on disk gives it away.
libc_suffix() {
  if command -v ldd >/dev/null 2>&1; then
    if ldd --version 2>&1 | grep -qi musl; then echo "-musl"; fi
  elif ls /lib/ld-musl-* >/dev/null 2>&1; then
    echo "-musl"
  fi
}

download() { # URL FILE
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 -o "$2" "$1" || fail "cannot download $1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" || fail "cannot download $1"
  else
    fail "needs curl or wget to download"
  fi
}

sha256() { # FILE
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 -r "$1" | cut -d' ' -f1
  else
    fail "needs sha256sum, shasum or openssl to check the download"
  fi
}

# The first writable directory of the usual ones that is on PATH, else ~/.local/bin.
choose_dir() {
  for candidate in /usr/local/bin "$HOME/.local/bin" "$HOME/bin"; do
    case ":$PATH:" in
      *":$candidate:"*) if [ -d "$candidate" ] && [ -w "$candidate" ]; then echo "$candidate"; return; fi ;;
    esac
  done
  echo "$HOME/.local/bin"
}

target=$(detect_target)
file="source-kafka-$target"
name=source-kafka
case "$target" in *.exe) name=source-kafka.exe ;; esac
[ -n "$dir" ] || dir=$(choose_dir)

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t source-kafka)
# A trapped INT would let the script go on after the interrupted command: exit, which cleans up.
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

echo "downloading $file from $base_url" >&2
download "$base_url/SHA256SUMS" "$tmp/SHA256SUMS"
expected=$(awk -v f="$file" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || fail "$file is not listed in $base_url/SHA256SUMS; nothing installed"
download "$base_url/$file" "$tmp/$file"
actual=$(sha256 "$tmp/$file")
[ "$actual" = "$expected" ] ||
  fail "checksum mismatch for $file: SHA256SUMS says $expected, the download is $actual; it was corrupted or tampered with, so nothing was installed"

mkdir -p "$dir" || fail "cannot create $dir"
chmod 755 "$tmp/$file"
# Moved into place whole, so that a running copy or a concurrent install never sees half a file.
cp "$tmp/$file" "$dir/.$name.tmp" 2>/dev/null || fail "cannot write to $dir (choose another with --dir)"
mv -f "$dir/.$name.tmp" "$dir/$name"

echo "installed $dir/$name" >&2
case ":$PATH:" in
  *":$dir:"*) ;;
  *) echo "note: $dir is not on your PATH; add it, or run $dir/$name" >&2 ;;
esac
"$dir/$name" --version
