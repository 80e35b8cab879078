#!/usr/bin/env bash
# Install the npm package that `package:js` just packed into a scratch project, beside the oldest aws-cdk-lib
# that its peerDependencies accept (the repository itself develops against the newest), compile smoke.ts
# against that aws-cdk-lib's types, and run it: every construct, the Aspect, the plugin and cdk-nag.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
floor="${FLOOR:-$(node -p "require('$root/package.json').peerDependencies['aws-cdk-lib'].replace(/^\\^/, '')")}"
constructs="$(node -p "require('$root/package.json').peerDependencies.constructs")"
nag="$(node -p "require('$root/package.json').devDependencies['cdk-nag']")"
tarball="$(ls "$root"/dist/js/*.tgz)"

work="$here/.work"
rm -rf "$work"
mkdir -p "$work"
cp "$here/smoke.ts" "$work/"
cd "$work"
cat > package.json <<JSON
{ "name": "floor-smoke", "version": "0.0.0", "private": true }
JSON
echo "floor: aws-cdk-lib@$floor with $(basename "$tarball"), constructs@$constructs, cdk-nag@$nag"
# A download that stalls on an open connection (seen once from the registry) is given up after 5 minutes and tried
# again, so one stall does not hold the whole CI run.
for attempt in 1 2 3; do
  if timeout 300 npm install --no-audit --no-fund --no-package-lock --loglevel=error \
    "$tarball" "aws-cdk-lib@$floor" "constructs@$constructs" "cdk-nag@$nag"; then
    break
  fi
  if [ "$attempt" = 3 ]; then
    echo "floor: npm install failed 3 times" >&2
    exit 1
  fi
  echo "floor: npm install did not finish (attempt $attempt of 3); trying again" >&2
  rm -rf node_modules
done

# Type-check against the floor's declarations (the library's own .d.ts included), then run.
cat > tsconfig.json <<JSON
{
  "compilerOptions": {
    "strict": true, "target": "ES2022", "module": "commonjs", "moduleResolution": "node10", "ignoreDeprecations": "6.0",
    "types": ["node"], "typeRoots": ["$root/node_modules/@types"]
  },
  "files": ["smoke.ts"]
}
JSON
"$root/node_modules/.bin/tsc" -p tsconfig.json
# CDK's own validation warnings and the apps' annotations go to stderr; shown only when something fails.
if ! FLOOR="$floor" node smoke.js 2> smoke.stderr; then
  cat smoke.stderr
  exit 1
fi

# The installed package's command, as a project that installed it runs it.
npx --no-install sg-strategy check out/every-construct > check.txt
tail -1 check.txt
