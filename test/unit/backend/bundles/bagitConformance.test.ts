import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dirBagSource } from '../../../../electron/backend/bundles/bagit/dirBagSource';
import { verifyBag } from '../../../../electron/backend/bundles/bagit/verifyBag';

/**
 * The Library of Congress BagIt conformance suite (test/fixtures/bagit-conformance, copied
 * byte for byte from ../shared/conformance/bagit; see its HOW-TO-RUN.md): every valid bag accepted, every invalid one refused, every warning case refused
 * or accepted with a warning; windows-only and linux-only bags refused on every OS (their paths
 * point outside the bag). The generic verifier runs here; the Concordat profile is tested apart.
 */
/** A byte-exact copy of the suite is kept with the tests (public domain, see its LICENSE.md), so CI on any clone runs it. */
const suite = path.resolve(__dirname, '..', '..', '..', 'fixtures', 'bagit-conformance');

/** Bags whose expected result this verifier does not give, and why. An exception that starts to pass fails the test. */
const exceptions: Record<string, string> = {};

const cases: Array<{ name: string; dir: string; category: string }> = [];
if (fs.existsSync(suite))
  for (const version of fs
    .readdirSync(suite)
    .filter((v) => /^v\d/.test(v))
    .sort())
    for (const category of fs.readdirSync(path.join(suite, version)).filter((c) => fs.statSync(path.join(suite, version, c)).isDirectory()))
      for (const bag of fs.readdirSync(path.join(suite, version, category)).sort()) {
        const dir = path.join(suite, version, category, bag);
        if (fs.statSync(dir).isDirectory()) cases.push({ name: `${version}/${category}/${bag}`, dir, category });
      }

describe('BagIt conformance suite', () => {
  it('is present, with its 60 bags', () => {
    expect(fs.existsSync(suite), `the suite should be at ${suite}`).toBe(true);
    expect(cases).toHaveLength(60);
  });

  for (const c of cases)
    it(c.name, async () => {
      const report = await verifyBag(dirBagSource(c.dir)).catch((error: unknown) => ({
        ok: false,
        errors: [error instanceof Error ? error.message : String(error)],
        warnings: [] as string[],
      }));
      const met =
        c.category === 'valid'
          ? report.ok && report.errors.length === 0
          : c.category === 'warning'
            ? !report.ok || report.warnings.length > 0
            : !report.ok;
      const detail = `errors: ${report.errors.join(' | ')}; warnings: ${report.warnings.join(' | ')}`;
      if (exceptions[c.name]) expect(met, `${c.name} now gives the expected result: remove it from the exceptions (${detail})`).toBe(false);
      else expect(met, `${c.name} (${c.category}): ${detail}`).toBe(true);
    });
});
