#!/usr/bin/env bash
# Build a Java CDK app against the Maven repository that `package-all` just wrote to dist/java, with the
# newest aws-cdk-lib that Maven Central offers within our peer range, and test it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
min_cdk="$(node -p "require('$root/package.json').peerDependencies['aws-cdk-lib'].replace(/^\\^/, '')")"
lib_version="$(node -p "require('$root/package.json').version")"

# The artifact's version does not change between builds, so drop any copy Maven cached from an earlier one.
local_repo="${MAVEN_LOCAL_REPO:-$HOME/.m2/repository}"
rm -rf "$local_repo/io/github/cdksgstrategy"

cd "$here"
mvn -B -ntp -Dmaven.repo.local="$local_repo" \
  -Dcdk.version="[$min_cdk,3.0.0)" -Dsgstrategy.version="$lib_version" -Ddist.repo="file://$root/dist/java" \
  test
