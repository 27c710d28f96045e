#!/bin/sh
# Install warroom @VERSION@ from this folder, without network, into a virtual environment.
#   ./install.sh DIR          DIR: where the venv goes (made if missing, upgraded if a venv)
#   PYTHON=python3.12 ./install.sh DIR    to choose the interpreter (CPython 3.11 to 3.13)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
version=@VERSION@
arch=@ARCH@

if [ $# -ne 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    echo "usage: $0 DIR   (makes a virtual environment at DIR and installs warroom" \
        "$version in it)" >&2
    exit 2
fi
dest=$1

machine=$(uname -m)
if [ "$machine" != "$arch" ] && [ "$arch/$machine" != "aarch64/arm64" ]; then
    echo "install.sh: this bundle is for linux-$arch but this machine is $machine;" \
        "take warroom-offline-$version-linux-$machine.tar.gz" >&2
    exit 2
fi

if [ -f "$dest/pyvenv.cfg" ]; then
    python="$dest/bin/python"          # an upgrade: the venv keeps its interpreter
    action=upgraded
elif [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
    echo "install.sh: $dest exists and is not a virtual environment; give a new or empty DIR" >&2
    exit 2
else
    python=${PYTHON:-python3}
    action=installed
fi

if ! command -v "$python" >/dev/null 2>&1; then
    echo "install.sh: $python not found; warroom needs CPython 3.11, 3.12 or 3.13" \
        "(set PYTHON=/path/to/python3.12)" >&2
    exit 2
fi
if ! "$python" -c 'import sys
sys.exit(sys.implementation.name != "cpython" or not (3, 11) <= sys.version_info[:2] <= (3, 13))'
then
    echo "install.sh: $("$python" -V 2>&1) ($python) cannot run this bundle: its wheels are for" \
        "CPython 3.11, 3.12 and 3.13 (set PYTHON=/path/to/python3.12)" >&2
    exit 2
fi

# --without-pip: pip comes from the bundle (so Debian's python3-venv is not needed, and
# nothing waits on ensurepip).
if [ "$action" = installed ] && ! "$python" -m venv --without-pip "$dest"; then
    echo "install.sh: '$python -m venv $dest' failed" >&2
    exit 2
fi

# Nothing from outside: no index, no pip configuration of this host, only the wheels here.
set -- "$here"/wheels/pip-*.whl
pip_wheel=$1
if ! PIP_CONFIG_FILE=/dev/null "$dest/bin/python" "$pip_wheel/pip" install --isolated --quiet \
        --disable-pip-version-check --no-index --find-links "$here/wheels" \
        --upgrade "warroom==$version"; then
    echo "install.sh: pip found no wheel that fits this machine; the bundle is for" \
        "glibc 2.17 or newer on $arch with CPython 3.11 to 3.13" >&2
    exit 2
fi
mkdir -p "$dest/share/man/man1"
cp "$here/warroom.1" "$dest/share/man/man1/warroom.1"

bin=$(cd "$dest/bin" && pwd)
echo "warroom $version $action in $(cd "$dest" && pwd) ($("$dest/bin/python" -V 2>&1))."
echo "next: $bin/warroom demo"
echo "      (put $bin on PATH for 'warroom', and 'man warroom' then finds the man page)"
