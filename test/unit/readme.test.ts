import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricIds } from '../../shared/contract/metricIds';
import { actionTypeRules, actionTypes } from '../../shared/domain/lifecycle';
import { metricDefinitions } from '../../shared/domain/metrics';
import { marginFormula } from '../../electron/backend/supervision/requiredMargin';

/** The README states what the code does: its tables are checked against the definitions they describe. */
const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
/** Table cells as Prettier leaves them: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

describe('README', () => {
  it('states every exposure metric with its formula and its treatment of what is not known', () => {
    for (const id of metricIds) {
      const d = metricDefinitions[id];
      const row = readme.split('\n').find((l) => l.startsWith(`| ${d.label} `));
      expect(row, d.label).toBeDefined();
      expect(row).toContain(cell(d.formula));
      expect(row).toContain(cell(d.unknowns));
    }
  });

  it('states the effect of every action type', () => {
    for (const a of actionTypes) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${a}\` `));
      expect(row, a).toBeDefined();
      expect(row).toContain(actionTypeRules[a].meaning);
      expect(row).toContain(actionTypeRules[a].effect === 'outstanding' ? 'outstanding' : 'not outstanding');
    }
  });

  it('states the required-margin formula the code uses', () => {
    expect(readme).toContain(marginFormula);
  });
});
