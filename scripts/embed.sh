#!/bin/sh
# embed.sh NAME FILE: writes FILE as the C array NAME (and NAME_len), so the
# server carries web/ files without reading them at run time.
set -eu
name=$1 file=$2
echo "/* Generated from $file by scripts/embed.sh: edit $file instead. */"
echo "#include <stddef.h>"
echo "extern const unsigned char $name[];"
echo "extern const size_t ${name}_len;"
echo "const unsigned char $name[] = {"
od -An -v -tx1 "$file" | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'
echo "};"
echo "const size_t ${name}_len = sizeof $name;"
