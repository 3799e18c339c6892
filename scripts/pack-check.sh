#!/usr/bin/env bash
# Packaging check: build every publishable package, `pnpm pack` it, install the
# tarballs into a throwaway project outside the workspace, and import them
# from plain Node and from TypeScript. Proves the exports maps and the type
# declarations work for a consumer (issue 2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  rm -rf "$root"/packages/*/dist
}
trap cleanup EXIT
pnpm_() { npx -y pnpm@10 "$@"; }

cd "$root"
pnpm_ -r --filter "./packages/**" run build
mkdir -p "$work/tarballs" "$work/consumer"
for pkg in packages/*/; do
  [ "$(node -p "Boolean(require('./$pkg/package.json').private)")" = "true" ] && continue
  (cd "$pkg" && pnpm_ pack --pack-destination "$work/tarballs" >/dev/null)
  echo "packed $(node -p "require('./$pkg/package.json').name")"
done

cd "$work/consumer"
echo '{ "name": "consumer", "private": true, "type": "module" }' > package.json
# Install the tarballs with npm, exactly as a project outside the workspace would.
npm install --no-audit --no-fund --silent "$work"/tarballs/*.tgz typescript@6.0.3 @types/node@20 vitest@4.1 >/dev/null 2>&1
cp "$root/scripts/pack-check/consumer.mjs" "$root/scripts/pack-check/consumer.ts" .
node consumer.mjs
# @ordersource/eventstoredb without either client package: it imports, and connecting names the packages to install.
node --input-type=module -e "import('@ordersource/eventstoredb').then((m) => m.connectEventStoreDb('kurrentdb://127.0.0.1:2113')).then(() => process.exit(1), (e) => { if (e.kind !== 'no-client') throw e; console.log('imported @ordersource/eventstoredb without a client package: ' + e.kind); })"
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "exactOptionalPropertyTypes": true, "module": "NodeNext", "moduleResolution": "NodeNext",
  "target": "ES2022", "noEmit": true, "skipLibCheck": true, "types": ["node"] }, "files": ["consumer.ts"] }
JSON
npx tsc -p tsconfig.json
# The installed `ordersource` command runs its built dist/ (issue 15): help, and seed 003's marked-goods
# scenario from stdin, whose output must be exactly what examples/cli-simulate expects.
./node_modules/.bin/ordersource --help | grep -q 'simulate'
./node_modules/.bin/ordersource simulate - < "$root/examples/cli-simulate/receipts/marked-goods.jsonl" > simulated.jsonl
diff -u "$root/examples/cli-simulate/receipts/marked-goods.expected.jsonl" simulated.jsonl
echo "pack-check: the installed ordersource command ran seed 003's marked-goods scenario from its dist/"
echo "pack-check: the packed packages import and type-check in a project outside the workspace"
