import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8, Utf8Guard } from '../../../../electron/backend/snapshots/fileSniffer';

/** Where the WHATWG decoder (TextDecoder, fatal) first fails: the index of the byte it fails on, or -1. */
function decoderFailsAt(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i < bytes.length; i++) {
    try {
      decoder.decode(bytes.subarray(i, i + 1), { stream: true });
    } catch {
      return i;
    }
  }
  return -1;
}

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const interesting = [
  0x00, 0x0a, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
];

describe('firstInvalidUtf8', () => {
  it('finds the same first error as the WHATWG decoder (overlongs, surrogates, past U+10FFFF, truncations)', () => {
    const next = random(11);
    for (let n = 0; n < 20_000; n++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(next() * 8) }, () =>
        next() < 0.7 ? interesting[Math.floor(next() * interesting.length)]! : Math.floor(next() * 256),
      );
      const found = firstInvalidUtf8(bytes);
      const failsAt = decoderFailsAt(bytes);
      expect(found === undefined ? -1 : found.index + found.length - 1, Buffer.from(bytes).toString('hex')).toBe(failsAt);
    }
  });
});

describe('Utf8Guard', () => {
  const errorOf = (chunks: number[][]) => {
    const guard = new Utf8Guard('trades.csv');
    try {
      for (const chunk of chunks) guard.check(Uint8Array.from(chunk));
      guard.end();
    } catch (error) {
      return (error as Error).message;
    }
    return undefined;
  };

  it('accepts a character split across chunks of any size', () => {
    expect(errorOf([[0x41, 0xf0], [0x9f], [0x98], [0x80, 0x0a]])).toBeUndefined();
  });

  it('names the first byte of a sequence that started in an earlier chunk, with its line', () => {
    expect(errorOf([[0x61, 0x0a, 0x62, 0x0a, 0xf0], [0x9f], [0x41]])).toBe(
      'trades.csv is not UTF-8 text: invalid byte sequence 0xF0 0x9F 0x41 at line 3, byte offset 4; expected UTF-8.',
    );
  });

  it('names where a file cut inside a character has that character start', () => {
    expect(errorOf([[0x61, 0x0a, 0x62, 0xe2], [0x82]])).toBe(
      'trades.csv ends inside a UTF-8 character: it starts at line 2, byte offset 3; expected UTF-8.',
    );
  });
});
