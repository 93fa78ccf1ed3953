import { UsageError } from './args';

/** --shock BTC=-0.30,ETH=-0.40 as { BTC: -0.3, ETH: -0.4 }. */
export function parseShocks(text: string | undefined): Record<string, number> {
  if (!text) throw new UsageError('Give at least one --shock, such as --shock BTC=-0.30.');
  const shocks: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [u, x] = part.split('=');
    const value = Number(x);
    if (!u || x === undefined || x.trim() === '' || !Number.isFinite(value))
      throw new UsageError(`--shock takes UNDERLIER=MOVE pairs such as BTC=-0.30, not "${part}".`);
    shocks[u.trim()] = value;
  }
  return shocks;
}

/** A numeric option's value, or undefined when it was not given. */
export function parseNumberOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} takes a number, not "${text}".`);
  return value;
}
