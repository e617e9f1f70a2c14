# shellcheck shell=sh
# Finds a JDK >= 21 and exports JAVA_HOME; sourced by ./mvnw and ./tramontane.
# Order: $JAVA_HOME, the `java` on the PATH, then the usual install folders (newest first;
# TRAMONTANE_JDK_DIRS overrides the folders).
# Prints one line and returns 1 when none is found.

tramontane_jdk_major() {
  # $1 = a JDK home; prints its feature version (e.g. 25) or nothing.
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1
  elif [ -x "$1/bin/java" ]; then
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1
  fi
}

tramontane_find_jdk() {
  _need=21
  _candidates=""
  [ -n "${JAVA_HOME:-}" ] && _candidates="$JAVA_HOME"
  if command -v java >/dev/null 2>&1; then
    _java=$(command -v java)
    _real=$(readlink -f "$_java" 2>/dev/null || echo "$_java")
    _candidates="$_candidates $(dirname "$(dirname "$_real")")"
  fi
  # TRAMONTANE_JDK_DIRS (space-separated patterns) replaces the usual install folders.
  _dirs=${TRAMONTANE_JDK_DIRS:-"/usr/lib/jvm/* /opt/java/* /opt/jdk* $HOME/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home"}
  for _dir in $_dirs; do
    [ -x "$_dir/bin/javac" ] && _candidates="$_candidates $_dir"
  done
  _best=""
  _best_major=0
  for _dir in $_candidates; do
    [ -x "$_dir/bin/java" ] || continue
    _major=$(tramontane_jdk_major "$_dir")
    [ -n "$_major" ] || continue
    if [ "$_major" -ge "$_need" ] && [ -x "$_dir/bin/javac" ]; then
      # Honour an explicit JAVA_HOME that is good enough; otherwise prefer the newest.
      if [ "$_dir" = "${JAVA_HOME:-}" ]; then _best="$_dir"; _best_major=$_major; break; fi
      if [ "$_major" -gt "$_best_major" ]; then _best="$_dir"; _best_major=$_major; fi
    fi
  done
  if [ -z "$_best" ]; then
    echo "tramontane: no JDK $_need or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one, e.g. 'apt-get install openjdk-21-jdk-headless', or point JAVA_HOME at it." >&2
    return 1
  fi
  JAVA_HOME="$_best"
  export JAVA_HOME
  TRAMONTANE_JDK_MAJOR=$_best_major
  export TRAMONTANE_JDK_MAJOR
}
