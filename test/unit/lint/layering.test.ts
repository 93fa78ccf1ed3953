import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

/** Lints source text as if it were the given project file; returns the layering messages. */
async function layering(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'concordat/layering').map((m) => m.message);
}

describe('lint: layering of architecture.md', () => {
  it('fails a renderer file that imports the backend, Node or Electron', async () => {
    expect(
      await layering('renderer/src/x.ts', "import { Backend } from '../../electron/backend/backend';\nexport const b = Backend;\n"),
    ).toEqual([expect.stringContaining('renderer may not import electron/backend/backend')]);
    expect(await layering('renderer/src/x.ts', "import fs from 'node:fs';\nexport const f = fs;\n")).toEqual([
      expect.stringContaining('package "node:fs"'),
    ]);
    expect(await layering('renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n")).toHaveLength(1);
  });

  it('lets the renderer import shared/ and its own folders', async () => {
    expect(
      await layering('renderer/src/x.ts', "import { formatUsd } from '../../shared/domain/format';\nexport const f = formatUsd;\n"),
    ).toEqual([]);
  });

  it('keeps the backend free of electron, and shared/contract free of everything but zod', async () => {
    expect(await layering('electron/backend/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await layering('shared/contract/x.ts', "import fs from 'node:fs';\nexport const f = fs;\n")).toHaveLength(1);
    expect(await layering('shared/contract/x.ts', "import { z } from 'zod';\nexport const s = z.string();\n")).toEqual([]);
    expect(
      await layering(
        'shared/domain/x.ts',
        "import { openDatabase } from '../../electron/backend/db/openDatabase';\nexport const o = openDatabase;\n",
      ),
    ).toHaveLength(1);
  });

  it('lets main reach the backend only through its host entry, and the preload only types of the contract', async () => {
    expect(await layering('electron/main/x.ts', "import { Backend } from '../backend/backend';\nexport const b = Backend;\n")).toHaveLength(
      1,
    );
    expect(
      await layering('electron/preload/x.ts', "import { contract } from '../../shared/contract';\nexport const c = contract;\n"),
    ).toEqual([expect.stringContaining('may import only types')]);
    expect(
      await layering(
        'electron/preload/x.ts',
        "import type { ConcordatBridge } from '../../shared/contract';\nexport type B = ConcordatBridge;\n",
      ),
    ).toEqual([]);
  });
});
