#!/usr/bin/env bash
# Set up what Ward Studio needs on this machine, then return: system packages (apt-get when
# root, otherwise the exact command to run is printed) and a virtual environment in .venv.
# Usage: scripts/setup.sh run|test|bench   (test adds what the tests need: JACK, Xvfb, Mesa;
#                                         bench adds librosa, measured beside the studio)
# Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

purpose=${1:-run}
# libgl1: Kivy draws with OpenGL. libjack-jackd2-0: JACK-Client finds JACK through it.
# ffmpeg: decoding and exporting MP3/AAC.
packages=(libgl1 libjack-jackd2-0 ffmpeg)
if [ "$purpose" != run ]; then
  # jackd2: a real audio server with a dummy driver; xvfb + xauth + Mesa: a screen for touch tests.
  # iproute2 + util-linux: the Link tests make a private network namespace (ip, unshare).
  packages+=(jackd2 xvfb xauth libgl1-mesa-dri iproute2 util-linux)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # jackd2 asks whether to enable realtime priority; preseed "no" so it never stops to ask.
    echo "jackd2 jackd/tweak_rt_limits boolean false" | debconf-set-selections 2>/dev/null || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Ward Studio needs these system packages: ${missing[*]}"
    echo "Install them with:  sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      python=$candidate
      break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "Ward Studio needs Python 3.11 or newer; none was found."
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv"
  "$python" -m venv .venv
fi
# Reinstall only when the project's dependencies change.
stamp=".venv/.installed-$purpose-$(sha1sum pyproject.toml | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  extra=""
  [ "$purpose" = test ] && extra="[test]"
  [ "$purpose" = bench ] && extra="[test,bench]"
  echo "Installing Ward Studio and its Python packages into .venv"
  if ! { .venv/bin/python -m pip install -q --upgrade pip &&
         .venv/bin/python -m pip install -q -e ".$extra"; } >.venv/pip.log 2>&1; then
    cat .venv/pip.log
    echo "Installing the Python packages failed (the log is above and in .venv/pip.log)."
    exit 1
  fi
  rm -f .venv/.installed-"$purpose"-*
  touch "$stamp"
fi
