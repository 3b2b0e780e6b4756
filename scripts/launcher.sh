#!/bin/sh
# trackfix's launcher, installed as build/trackfix.exe (and under
# PREFIX/lib/trackfix by make install) in place of the one winegcc writes:
# it starts trackfix.exe.so beside it with Wine, as that one does, and
# first says why when the arguments would not fit a Windows command line
# (32,767 characters), which Wine otherwise refuses with status 1 and no
# word at all.
# the folder of this script, without a dirname process (tests start
# hundreds of these)
case $0 in */*) appdir=${0%/*} ;; *) appdir=. ;; esac
WINEDLLPATH="$appdir${WINEDLLPATH:+:$WINEDLLPATH}"
export WINEDLLPATH
length=0
for arg in "$@"; do length=$((length + ${#arg} + 3)); done
if [ "$length" -gt 32000 ]; then
    echo "trackfix: the command line holds about $length characters, more than the 32,767 a Windows program can be given; name the folder instead of its files (convert, msg, queue submit and scan take a folder)" >&2
    exit 2
fi
exec "${WINELOADER:-wine}" "$appdir/trackfix.exe.so" "$@"
