import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../helpers/cli';
import { fileTempDir } from '../../helpers/tempDir';

/** The icons `npm run dist` generates from resources/icon.svg, read back as the platforms read them. */
let out: string;

beforeAll(() => {
  out = fileTempDir('concordat-icons-');
  execFileSync(process.execPath, [path.join(projectRoot, 'electron/scripts/icons.mjs'), '--out', out], { stdio: 'ignore' });
}, 120_000);

/** PNG width and height from its IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('desktop icons', () => {
  it('Linux: one PNG per size, each rendered at that size', async () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
      const meta = await sharp(path.join(out, 'png', `${size}x${size}.png`)).metadata();
      expect([meta.width, meta.height, meta.format]).toEqual([size, size, 'png']);
    }
  });

  it('Windows: an ICO whose directory lists 16 to 256 px images that lie inside the file', () => {
    const ico = fs.readFileSync(path.join(out, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]); // reserved, type 1 = icon
    const count = ico.readUInt16LE(4);
    const sizes: number[] = [];
    for (let i = 0; i < count; i++) {
      const entry = 6 + i * 16;
      sizes.push(ico[entry] || 256); // a width byte of 0 means 256
      const length = ico.readUInt32LE(entry + 8);
      const offset = ico.readUInt32LE(entry + 12);
      expect(offset + length).toBeLessThanOrEqual(ico.length);
    }
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });

  it('macOS: an ICNS whose length is the file’s and whose PNG images go up to 1024 px', () => {
    const icns = fs.readFileSync(path.join(out, 'icon.icns'));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const pngSizes: number[] = [];
    for (let at = 8; at < icns.length;) {
      const length = icns.readUInt32BE(at + 4);
      expect(length).toBeGreaterThan(8);
      const body = icns.subarray(at + 8, at + length);
      if (body[0] === 0x89) pngSizes.push(pngSize(body)[0]);
      at += length;
    }
    expect(pngSizes).toEqual(expect.arrayContaining([128, 256, 512, 1024]));
  });

  it('electron-builder takes each platform’s icon from the generated files', () => {
    const config = loadYaml(fs.readFileSync(path.join(projectRoot, 'electron-builder.yml'), 'utf8')) as Record<string, { icon?: string }>;
    expect(config.mac!.icon).toBe('out/icons/icon.icns');
    expect(config.win!.icon).toBe('out/icons/icon.ico');
    expect(config.linux!.icon).toBe('out/icons/png');
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.dist).toMatch(/icons\.mjs && electron-builder/);
  });
});
