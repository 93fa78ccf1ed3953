import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dirBagSource } from '../../../../electron/backend/bundles/bagit/dirBagSource';
import { verifyBag, type BagReport } from '../../../../electron/backend/bundles/bagit/verifyBag';

/**
 * The Library of Congress BagIt conformance suite, run as its HOW-TO-RUN.md says: one test per
 * bag, named version/category/bag; valid bags accepted without errors, invalid ones refused,
 * warning bags refused or accepted with a warning, windows-only and linux-only bags refused on
 * every OS (their paths point outside the bag). The generic verifier runs here; the Concordat
 * profile, which refuses most of these bags for being older than 1.0, is tested in verifyBag.test.ts.
 * The suite is only read: bags are opened read-only, and the last test checks nothing changed.
 */

/** The shared suite, beside the project: /work/shared/conformance/bagit. */
const SHARED_SUITE = path.resolve(__dirname, '../../../../../shared/conformance/bagit');
/** The byte-exact copy kept in the repository so that CI on a fresh clone runs the suite too. */
const COPIED_SUITE = path.resolve(__dirname, '../../../fixtures/bagit-conformance');
const SUITE = [SHARED_SUITE, COPIED_SUITE].find((dir) => fs.existsSync(dir));
const BAG_COUNT = 60;

type Category = 'valid' | 'invalid' | 'warning' | 'windows-only' | 'linux-only';
const CATEGORIES: Category[] = ['valid', 'invalid', 'warning', 'windows-only', 'linux-only'];
const isCategory = (name: string): name is Category => (CATEGORIES as string[]).includes(name);

/**
 * Bags whose expected result this verifier does not give, by full name, with the reason. Empty:
 * the ISO-8859-1 and UTF-16 tag-file bags are supported, and so are 0.93–0.95. An entry whose bag
 * starts to give the expected result fails its test, so the table cannot go stale.
 */
const EXCEPTIONS: Record<string, string> = {};

/**
 * What each bag that must not simply pass is about: one of its errors (or, for a warning bag, one
 * of its errors or warnings) must match, so that a bag refused for an incidental reason is caught.
 */
const BECAUSE: Record<string, RegExp> = {
  'v0.97/invalid/baginfo-missing-encoding': /bagit\.txt line 2: expected "Tag-File-Character-Encoding/,
  'v0.97/invalid/bom-in-bagit.txt': /bagit\.txt starts with a byte-order mark/,
  'v0.97/invalid/corrupt-data-file': /manifest-md5\.txt line 1: "data\/bare-filename" does not match its md5 checksum/,
  'v0.97/invalid/corrupt-tag-file': /tagmanifest-md5\.txt line 1: "bag-info\.txt" does not match its md5 checksum/,
  'v0.97/invalid/extra-file-in-bag': /"data\/bar" is in the payload folder but not in manifest-md5\.txt/,
  'v0.97/invalid/invalid-version-number': /bagit\.txt line 1: "\.97" is not a BagIt version/,
  'v0.97/invalid/missing-baginfo': /tagmanifest-md5\.txt line 1: "bag-info\.txt" is not in the bag/,
  'v0.97/invalid/missing-bagit.txt': /has no bagit\.txt/,
  'v0.97/invalid/out-of-scope-file-paths-using-dot-notation':
    /manifest-md5\.txt line 3: "\.\.\/\.\.\/\.\.\/README\.md" is a path with a "\.\." step/,
  'v0.97/invalid/out-of-scope-file-paths-using-dot-notation-for-fetch': /fetch\.txt line 1: .* is a path with a "\.\." step/,
  'v0.97/invalid/same-filename-listed-twice-with-different-hashes': /manifest-sha256\.txt line 2: "data\/README" is listed again/,
  'v0.97/linux-only/out-of-scope-file-paths-using-absolute-path': /manifest-md5\.txt line 3: "\/tmp\/foo" is an absolute path/,
  'v0.97/linux-only/out-of-scope-file-paths-using-absolute-path-for-fetch': /fetch\.txt line 1: "\/tmp\/test\.txt" is an absolute path/,
  'v0.97/linux-only/out-of-scope-file-paths-using-shortcut': /manifest-md5\.txt line 3: "~\/foo" is a home-folder shortcut/,
  'v0.97/linux-only/out-of-scope-file-paths-using-shortcut-for-fetch': /fetch\.txt line 1: "~\/test\.txt" is a home-folder shortcut/,
  'v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username': /manifest-md5\.txt line 3: "~root\/foo" is a home-folder shortcut/,
  'v0.97/linux-only/out-of-scope-file-paths-using-shortcut-username-for-fetch': /fetch\.txt line 1: "~root\/foo" is a home-folder shortcut/,
  'v0.97/warning/duplicate-file-with-different-case': /"data\/hello\.txt" and "data\/HELLO\.txt" differ only by case/,
  'v0.97/warning/made-with-md5sum-tools': /manifest-md5\.txt line 1: .* md5sum's binary-mode "\*" marker/,
  'v0.97/warning/relative-path': /manifest-sha512\.txt line 1: "\.\/data\/hello\.txt" starts with "\.\/"/,
  'v0.97/warning/same-filename-listed-twice-with-different-normalization': /differ only by Unicode normalisation/,
  'v0.97/warning/same-filename-listed-twice-with-the-same-hash': /manifest-sha256\.txt line 2: "data\/README" is listed again/,
  'v0.97/warning/special-system-files': /"data\/Thumbs\.db" is a Windows thumbnail cache/,
  'v0.97/windows-only/out-of-scope-file-paths-using-absolute-path': /manifest-md5\.txt line 3: .* is a path with a drive letter/,
  'v0.97/windows-only/out-of-scope-file-paths-using-absolute-path-for-fetch': /fetch\.txt line 1: .* is a path with a drive letter/,
  'v0.97/windows-only/out-of-scope-file-paths-using-shortcut': /manifest-md5\.txt line 3: "%HomeDrive%.* is a path with a backslash/,
  'v0.97/windows-only/out-of-scope-file-paths-using-shortcut-for-fetch': /fetch\.txt line 1: "%HomeDrive%.* is a path with a backslash/,
  'v0.97/windows-only/out-of-scope-file-paths-using-unc': /manifest-md5\.txt line 3: .*UNC.* is a path with a backslash/,
  'v0.97/windows-only/out-of-scope-file-paths-using-unc-for-fetch': /fetch\.txt line 1: .*UNC.* is a path with a backslash/,
  'v1.0/invalid/bagit-with-invalid-whitespace': /bagit\.txt line 1: BagIt 1\.0 requires exactly "BagIt-Version: 1\.0"/,
  'v1.0/invalid/notAllManifestsListAllFiles': /"data\/missingFromManifest\.txt" is in the payload folder but not in manifest-sha512\.txt/,
  'v1.0/invalid/same-filename-listed-twice-with-different-hashes': /manifest-sha256\.txt line 2: "data\/README" is listed again/,
  'v1.0/invalid/same-filename-listed-twice-with-the-same-hash': /manifest-sha256\.txt line 2: "data\/README" is listed again/,
};

interface SuiteBag {
  name: string;
  dir: string;
  category: string;
}

const subfolders = (dir: string) =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

/** Version folders (v0.93 … v1.0), their category folders, then the bag folders; plain files (README, Makefile) are not bags. */
function suiteBags(suite: string): SuiteBag[] {
  return subfolders(suite)
    .filter((version) => /^v\d/.test(version))
    .flatMap((version) =>
      subfolders(path.join(suite, version)).flatMap((category) =>
        subfolders(path.join(suite, version, category)).map((bag) => ({
          name: `${version}/${category}/${bag}`,
          dir: path.join(suite, version, category, bag),
          category,
        })),
      ),
    );
}

/** Whether a report is what HOW-TO-RUN.md expects of the bag's category. */
function meetsExpectation(category: Category, report: BagReport): boolean {
  switch (category) {
    case 'valid':
      return report.ok && report.errors.length === 0;
    case 'warning':
      return !report.ok || report.warnings.length > 0;
    case 'invalid':
    case 'windows-only':
    case 'linux-only':
      return !report.ok;
  }
}

/** Every file under a folder with its size and modification time (or content hash), to compare two states or two copies. */
function fingerprint(dir: string, by: 'mtime' | 'content'): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => {
      const full = path.join(d.parentPath, d.name);
      const mark =
        by === 'mtime' ? String(fs.statSync(full).mtimeMs) : crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
      return `${path.relative(dir, full)} ${fs.statSync(full).size} ${mark}`;
    })
    .sort();
}

const bags = SUITE ? suiteBags(SUITE) : [];
const before = SUITE ? fingerprint(SUITE, 'mtime') : [];
const shown = (r: BagReport) => `errors: ${r.errors.join(' | ') || '(none)'}; warnings: ${r.warnings.join(' | ') || '(none)'}`;

describe('BagIt conformance suite (generic profile)', () => {
  it(`is present, with its ${BAG_COUNT} bags`, () => {
    expect(
      SUITE,
      `the BagIt conformance suite is missing: expected it at ${SHARED_SUITE} (or its copy at ${COPIED_SUITE}); see its HOW-TO-RUN.md`,
    ).toBeDefined();
    expect(bags.map((b) => b.name)).toHaveLength(BAG_COUNT);
  });

  it.runIf(fs.existsSync(SHARED_SUITE) && fs.existsSync(COPIED_SUITE))('has a repository copy byte for byte like the shared suite', () => {
    // A checkout that turned CRLF into LF would break the tag manifests' checksums without a word.
    expect(fingerprint(COPIED_SUITE, 'content')).toEqual(fingerprint(SHARED_SUITE, 'content'));
  });

  it('names only bags that exist in the exceptions and reasons tables', () => {
    const names = new Set(bags.map((b) => b.name));
    expect(Object.keys(EXCEPTIONS).filter((n) => !names.has(n))).toEqual([]);
    expect(Object.keys(BECAUSE).filter((n) => !names.has(n))).toEqual([]);
    // Every bag that must not simply pass says why, so a bag new to the suite gets looked at.
    expect(bags.filter((b) => b.category !== 'valid' && !BECAUSE[b.name]).map((b) => b.name)).toEqual([]);
  });

  for (const bag of bags)
    it(bag.name, async () => {
      if (!isCategory(bag.category))
        throw new Error(`${bag.name}: unknown category "${bag.category}" (expected ${CATEGORIES.join(', ')}).`);
      const exception = EXCEPTIONS[bag.name];
      const report = await verifyBag(dirBagSource(bag.dir)).catch((error: unknown) => {
        // A throw is a verifier bug, except for a bag already listed as one this verifier does not handle.
        if (!exception) throw error;
        return null;
      });
      const met = report !== null && meetsExpectation(bag.category, report);
      if (exception) {
        expect(met, `${bag.name} now gives the expected result; remove it from EXCEPTIONS ("${exception}")`).toBe(false);
        return;
      }
      if (!report) throw new Error(`${bag.name}: no report`);
      expect(met, `${bag.name} (${bag.category}): ${shown(report)}`).toBe(true);
      const because = BECAUSE[bag.name];
      if (because) {
        const findings = bag.category === 'warning' ? [...report.errors, ...report.warnings] : report.errors;
        expect(
          findings.some((f) => because.test(f)),
          `${bag.name} gave the expected result, but not for the reason it tests (${because}): ${shown(report)}`,
        ).toBe(true);
      }
    });

  it('left the suite folder untouched', () => {
    expect(SUITE && fingerprint(SUITE, 'mtime')).toEqual(before);
  });
});
