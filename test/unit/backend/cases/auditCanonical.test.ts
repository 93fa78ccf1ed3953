import { describe, expect, it } from 'vitest';
import { canonicalEntryText } from '../../../../electron/backend/cases/audit';
import { canonicalJson } from '../../../../electron/backend/cases/canonicalJson';

/** The quick text verify() hashes must be byte for byte the RFC 8785 form of the entry. */
describe('the audit entry’s canonical text', () => {
  const awkward = [
    {
      action: 'add',
      actor: 'Ann Example',
      at: '2026-12-05T10:00:00.000Z',
      objectId: '12',
      objectType: 'item:note',
      workstationKeyId: 'ab12',
    },
    {
      action: 'edit',
      actor: 'Zoë “Quote” \\ back\nslash\t\u0001\u001f',
      at: '2026-12-05T10:00:00.000Z',
      objectId: null,
      objectType: 'case',
      workstationKeyId: null,
    },
    {
      action: 'grade',
      actor: '名前 😀 \u2028\u2029',
      at: '2026-12-05T10:00:00.000Z',
      objectId: '9007199254740993',
      objectType: 'item:trades',
      workstationKeyId: 'k',
    },
  ];
  const changes: unknown[] = [
    null,
    { b: 1, a: [1.5, 'x', null, true], é: { z: 1e21, y: -0 } },
    'text',
    42,
    [],
    { '\u20ac': 1, '\ud83d\ude00': 2, a: 3 },
  ];

  it('equals canonicalJson of the whole entry for awkward strings, nulls and any change', () => {
    let n = 0;
    for (const [i, fields] of awkward.entries())
      for (const change of changes) {
        const entry = { seq: 100 * i + n++, prevHash: 'f'.repeat(64), ...fields };
        expect(canonicalEntryText(entry, canonicalJson(change))).toBe(canonicalJson({ ...entry, change }));
      }
  });
});
