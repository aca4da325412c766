#!/usr/bin/env bash
# Installs the real components some tests use: a real ZooKeeper 3.8 (Debian `zookeeper`) for the
# conformance suite, a headless Chromium for the timeline tests and the Python client kazoo (Debian
# `python3-kazoo`, for /usr/bin/python3) for the served-ensemble client test. Needs root (apt-get).
# Without root it says what is missing and exits 0: those tests then say so and skip (unless CI=true).
set -euo pipefail
need=()
[ -f /usr/share/java/zookeeper.jar ] || need+=(zookeeper)
[ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c 'import kazoo' 2>/dev/null || need+=(python3-kazoo)
if [ ${#need[@]} -eq 0 ]; then echo "system deps: present"; exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "system deps: missing ${need[*]} (run this script as root to install them; their tests will skip)"
  exit 0
fi
echo "system deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "system deps: installed ${need[*]}"
