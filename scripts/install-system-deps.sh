#!/usr/bin/env bash
# Installs the Debian packages Warden's tests use, only those missing:
#   bubblewrap, socat, ripgrep  - the command sandbox
#   curl                        - the sandbox network tests
#   strace                      - the differential test of what bash really runs
#   chromium, libkrb5-dev       - the end-to-end tests in a real VS Code (code-server)
#   rsyslog                     - the syslog receiver of the audit export tests (started by the tests, never as a service)
set -euo pipefail
want=(bubblewrap socat ripgrep curl strace chromium libkrb5-dev rsyslog)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${want[*]})"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: done"
