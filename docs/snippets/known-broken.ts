// Blocks in docs this test's owner does not own that fail today. Each entry is
// run with it.fails: it shows in every run as KNOWN BROKEN, and it turns red
// once the doc is fixed, so the entry cannot outlive the problem. The fix is
// the doc owner's: make the block complete (a visible or a <!-- snippet-setup -->
// preamble), or mark it `ts no-run` / `ts fragment` (docs/snippets/README.md).
// Key: snippetKey() = "<doc> :: <first code line>".
export const knownBroken: Record<string, string> = {};
