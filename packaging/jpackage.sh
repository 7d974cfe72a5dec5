#!/usr/bin/env bash
# Builds a self-contained app image (its own trimmed Java runtime, no JDK needed to run it) from the shaded jar:
#
#   ./mvnw -q package -DskipTests && packaging/jpackage.sh          # app image
#   ./mvnw -q package -DskipTests && packaging/jpackage.sh deb      # Debian package (needs dpkg-deb, fakeroot)
#
# Output: target/dist/Loupe (Linux: run target/dist/Loupe/bin/Loupe [FOLDER | COMMAND ...]), or
# target/dist/loupe_VERSION_amd64.deb (installs /opt/loupe/bin/Loupe and a desktop menu entry).
# Needs a JDK 17+ with jpackage on the PATH (or JAVA_HOME). Set LOUPE_MODULES to override the runtime's modules.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=target/loupe.jar
DEST=target/dist
STAGE=target/jpackage-input
NAME=Loupe
TYPE="${1:-app-image}"
case "$TYPE" in
  app-image | deb) ;;
  *) echo "usage: packaging/jpackage.sh [app-image|deb]" >&2; exit 2 ;;
esac

jpackage_bin=jpackage
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/jpackage" ]]; then
  jpackage_bin="$JAVA_HOME/bin/jpackage"
fi
command -v "$jpackage_bin" >/dev/null || { echo "jpackage not found: use a JDK 17 or newer" >&2; exit 1; }
[[ -f "$JAR" ]] || { echo "$JAR is missing: run ./mvnw package -DskipTests first" >&2; exit 1; }

# Modules from `jdeps --ignore-missing-deps --print-module-deps --multi-release 17 target/loupe.jar`
# (java.base, java.desktop, java.sql, jdk.jfr, jdk.management, jdk.unsupported), plus what jdeps cannot see:
# java.management (JMX lookups by libraries at runtime) and jdk.charsets (file names in non-UTF-8 locales).
MODULES="${LOUPE_MODULES:-java.base,java.desktop,java.management,java.sql,jdk.charsets,jdk.jfr,jdk.management,jdk.unsupported}"

# The version must be numeric for jpackage: 0.1.0-SNAPSHOT -> 0.1.0.
VERSION=$(sed -n 's:.*<version>\([0-9][0-9.]*\).*</version>.*:\1:p' pom.xml | head -1)

rm -rf "$STAGE" "$DEST/$NAME"
mkdir -p "$STAGE" "$DEST"
cp "$JAR" "$STAGE/"

# The shaded jar carries DuckDB's native library for four platforms (~250 MB unpacked); an app image runs on
# one, so drop the others from the staged copy. The one it needs goes beside the jar instead of inside it: the
# driver unpacks a library it finds inside the jar into /tmp on every start (60 MB, 0.4-0.7 s), while one beside
# the jar it loads as it is (its fallback when the jar has none).
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) keep=linux_amd64 ;;
  Linux-aarch64 | Linux-arm64) keep=linux_arm64 ;;
  Darwin-*) keep=osx_universal ;;
  MINGW* | MSYS* | CYGWIN*) keep=windows_amd64 ;;
  *) keep= ;;
esac
if [[ -n "$keep" ]] && command -v zip >/dev/null && command -v unzip >/dev/null; then
  unzip -p "$JAR" "libduckdb_java.so_$keep" > "$STAGE/libduckdb_java.so_$keep"
  drop=()
  for platform in linux_amd64 linux_arm64 osx_universal windows_amd64; do
    drop+=("libduckdb_java.so_$platform")
  done
  zip -q -d "$STAGE/loupe.jar" "${drop[@]}" || true
else
  echo "note: keeping DuckDB natives for every platform (no zip, or unknown platform)" >&2
fi

extra=()
if [[ "$TYPE" == deb ]]; then
  extra=(--linux-package-name loupe --linux-shortcut --linux-menu-group Graphics --linux-app-category graphics)
fi

"$jpackage_bin" \
  --type "$TYPE" \
  --name "$NAME" \
  --app-version "$VERSION" \
  --vendor "Loupe" \
  --description "Audit and reshape computer-vision datasets" \
  --input "$STAGE" \
  --main-jar loupe.jar \
  --main-class loupe.Main \
  --add-modules "$MODULES" \
  --dest "$DEST" \
  "${extra[@]}"

rm -rf "$STAGE"
if [[ "$TYPE" == deb ]]; then
  deb=$(ls -t "$DEST"/loupe_*.deb | head -1)
  echo "Built $deb ($(du -sh "$deb" | cut -f1))"
else
  echo "Built $DEST/$NAME ($(du -sh "$DEST/$NAME" | cut -f1))"
fi
