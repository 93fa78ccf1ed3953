// Generates the desktop icons from resources/icon.svg at build time (npm run dist): PNG sizes for Linux, .ico for
// Windows and .icns for macOS. icon-gen (akabekobeko/npm-icon-gen) writes the ICO and ICNS containers; sharp
// (libvips, which icon-gen itself uses) renders the SVG to the Linux PNG sizes. No icon encoder of our own.
// Usage: node electron/scripts/icons.mjs [--out DIR]   (default out/icons)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import generateIcon from 'icon-gen';
import sharp from 'sharp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outAt = process.argv.indexOf('--out');
const outDir = path.resolve(outAt > 0 ? process.argv[outAt + 1] : path.join(root, 'out', 'icons'));
const source = path.join(root, 'resources', 'icon.svg');

/** Sizes each platform asks for: Windows shell sizes up to 256, macOS up to 1024 (512@2x), Linux hicolor sizes. */
export const icoSizes = [16, 24, 32, 48, 64, 128, 256];
export const icnsSizes = [16, 32, 64, 128, 256, 512, 1024];
export const linuxSizes = [16, 24, 32, 48, 64, 128, 256, 512];

fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(path.join(outDir, 'png'), { recursive: true });
await generateIcon(source, outDir, {
  report: false,
  ico: { name: 'icon', sizes: icoSizes },
  icns: { name: 'icon', sizes: icnsSizes },
});
const svg = fs.readFileSync(source);
for (const size of linuxSizes) {
  // Rendered at the target size from the vector (not downscaled from one bitmap), so small sizes stay sharp.
  await sharp(svg, { density: Math.max(72, Math.ceil((72 * size) / 64)) })
    .resize(size, size)
    .png()
    .toFile(path.join(outDir, 'png', `${size}x${size}.png`));
}
fs.copyFileSync(path.join(outDir, 'png', '512x512.png'), path.join(outDir, 'icon.png'));
console.log(`Icons written to ${path.relative(process.cwd(), outDir) || outDir}: icon.ico, icon.icns, icon.png, png/<size>.png`);
