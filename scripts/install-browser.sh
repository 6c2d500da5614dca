#!/usr/bin/env bash
# Installs the browser of the Cockpit browser test (CockpitShowsAWaitingActivationTest): Debian's chromium and
# chromium-driver, as /usr/bin/chromium and /usr/bin/chromedriver, if they are missing. Prints their versions.
#   scripts/install-browser.sh
set -euo pipefail

PACKAGES=(chromium chromium-driver)

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "chromium or chromedriver is not installed: installing Debian's ${PACKAGES[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  # the package lists are refreshed only when the install fails with the ones the machine has
  if ! $SUDO apt-get install -y --no-install-recommends "${PACKAGES[@]}" >/dev/null; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y --no-install-recommends "${PACKAGES[@]}" >/dev/null
  fi
fi

for binary in /usr/bin/chromium /usr/bin/chromedriver; do
  if [ ! -x "$binary" ]; then
    echo "$binary is still missing after the install" >&2
    exit 1
  fi
done
# stderr dropped: Debian's launcher script (/etc/chromium.d/dev-shm) complains where /dev/shm shows up on two mounts
/usr/bin/chromium --version 2>/dev/null
/usr/bin/chromedriver --version
