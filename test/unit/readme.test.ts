import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricIds } from '../../shared/contract/metricIds';
import { actionTypeRules, actionTypes } from '../../shared/domain/lifecycle';
import { metricDefinitions } from '../../shared/domain/metrics';
import { marginFormula } from '../../electron/backend/supervision/requiredMargin';
import { concordat, ensureBuilt } from '../helpers/cli';

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

  it('lists every command `concordat --help` lists in its command table', () => {
    ensureBuilt();
    const help = concordat(['--help']);
    expect(help.code).toBe(0);
    const names = [...help.stdout.split('Commands:')[1]!.matchAll(/^ {2}(\S+) /gm)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(['start', 'release', 'update']));
    const table = readme.slice(readme.indexOf('## Command line'), readme.indexOf('## Install and verify'));
    for (const name of names) expect(table, name).toContain(`\`concordat ${name}`);
  });
});
