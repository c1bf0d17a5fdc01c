/**
 * The documentation registry (suites/docs.ts) is the one place a case takes its `doc` from: every
 * case's doc IS one of its entries (the same object, not a copy of the text), every entry is used,
 * and no sentence is quoted twice under two names.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCatalog } from '../harness/parent/plan.ts';
import { DOCS } from '../suites/docs.ts';

test('every case takes its doc from the registry', async () => {
  const entries = new Set<object>(Object.values(DOCS));
  const strays = (await loadCatalog()).filter((c) => !entries.has(c.doc)).map((c) => c.id);
  assert.deepEqual(strays, [], 'cases whose doc is not an entry of suites/docs.ts');
});

test('every registry entry is used by a case, and each quote is there once', async () => {
  const used = new Set((await loadCatalog()).map((c) => c.doc));
  const unused = Object.entries(DOCS)
    .filter(([, d]) => !used.has(d))
    .map(([name]) => name);
  assert.deepEqual(unused, [], 'entries no case uses');
  const seen = new Map<string, string>();
  for (const [name, d] of Object.entries(DOCS)) {
    const key = `${d.url} ${d.quote}`;
    assert.equal(seen.get(key), undefined, `${name} repeats ${seen.get(key)}`);
    seen.set(key, name);
    assert.match(
      d.url,
      // github-slugger anchors keep underscores: `NO_PROXY` Format → #no_proxy-format. HTTP's own
      // rules come from RFC 9112, by section.
      /^(https:\/\/nodejs\.org\/api\/[a-z_]+\.html#[a-z0-9_-]+|https:\/\/www\.rfc-editor\.org\/rfc\/rfc9112#section-[0-9.]+)$/,
      `${name}: an anchored docs URL`,
    );
  }
});
