// Crypto wallet addresses for case subjects (issue 12): a chain plus an address, validated before it is stored.
// EVM chains (Ethereum and the chains that share its 0x + 20-byte address): EIP-55 mixed-case checksum
//   (https://eips.ethereum.org/EIPS/eip-55, keccak-256 of the lower-case hex digits as ASCII).
// Bitcoin mainnet: Base58Check P2PKH (version 0x00, "1…") and P2SH (0x05, "3…"), BIP-13 / Bitcoin Core key_io;
//   native segwit with hrp "bc": witness v0 in Bech32 (BIP-173), v1..16 in Bech32m (BIP-350).
// Choices:
//   - An EVM address in one case only (all lower or all upper after 0x) carries no checksum: accepted with kind
//     'hex-no-checksum', a WARN, and the EIP-55 form as `normalized`, so what is stored is checksummed from then on.
//   - Bitcoin testnet, signet and regtest addresses ("tb1", "bcrt1", "m"/"n"/"2" = versions 0x6f/0xc4) are refused:
//     supervisors record mainnet wallets, and a testnet address holds nothing of value.
//   - Segwit versions that BIP-350 says to accept but no soft fork defines yet (v1 with a program other than 32 bytes,
//     v2..v16) are accepted as 'segwit-unassigned' with a WARN: they are valid encodings but can hold no secured funds.
//   - Private keys (WIF, xprv) pasted by mistake are refused, and never echoed back in a message.
// No message repeats the input: the caller has it, and it may be a secret or contain characters that mislead.
// Pure functions, no I/O, no Node built-ins: used by the renderer, the backend and the CLI.

import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { base58, bech32, bech32m } from '@scure/base';
import type { IdIssue } from './identifiers';

// ---------------------------------------------------------------------------------------------------------------
// Chains
// ---------------------------------------------------------------------------------------------------------------

/** EVM chains: all use the Ethereum address format (0x + 20 bytes, EIP-55), so one validator serves them all. */
export const evmWalletChains = ['ethereum', 'polygon', 'bsc', 'arbitrum', 'optimism', 'base', 'avalanche-c'] as const;

/** Every chain a case-subject wallet may be on. */
export const walletChains = ['bitcoin', ...evmWalletChains] as const;

export type WalletChain = (typeof walletChains)[number];
export type EvmWalletChain = (typeof evmWalletChains)[number];

/** Display names, used in messages. */
export const walletChainLabels: Readonly<Record<WalletChain, string>> = {
  bitcoin: 'Bitcoin',
  ethereum: 'Ethereum',
  polygon: 'Polygon PoS',
  bsc: 'BNB Smart Chain',
  arbitrum: 'Arbitrum One',
  optimism: 'OP Mainnet',
  base: 'Base',
  'avalanche-c': 'Avalanche C-Chain',
};

export const isWalletChain = (s: unknown): s is WalletChain => typeof s === 'string' && (walletChains as readonly string[]).includes(s);

export const isEvmWalletChain = (s: unknown): s is EvmWalletChain =>
  typeof s === 'string' && (evmWalletChains as readonly string[]).includes(s);

// ---------------------------------------------------------------------------------------------------------------
// Result
// ---------------------------------------------------------------------------------------------------------------

/**
 * What an accepted address is.
 * EVM: 'eip55' (the input is exactly its EIP-55 form), 'hex-no-checksum' (one case only, no checksum to verify).
 * Bitcoin: 'p2pkh', 'p2sh' (Base58Check); 'p2wpkh', 'p2wsh' (segwit v0, Bech32); 'p2tr' (v1, 32 bytes, Bech32m);
 * 'segwit-unassigned' (valid Bech32m for a witness version/length no soft fork defines yet).
 */
export type WalletAddressKind = 'eip55' | 'hex-no-checksum' | 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr' | 'segwit-unassigned';

export type WalletAddressResult =
  | {
      ok: true;
      chain: WalletChain;
      /** The form to store: EIP-55 for EVM; lower case for Bech32 (BIP-173); Base58 as given (it is case-sensitive). */
      normalized: string;
      kind: WalletAddressKind;
      /** Bitcoin only: the output script this address pays to, hex (as in BIP-350 and Bitcoin Core's key_io tests). */
      scriptPubKey?: string;
      /** Set when the address is accepted but deserves a second look (no EVM checksum, unassigned segwit version). */
      warning?: { rule: string; message: string };
    }
  | { ok: false; rule: string; message: string };

type Refusal = Extract<WalletAddressResult, { ok: false }>;
const refuse = (rule: string, message: string): Refusal => ({ ok: false, rule, message });

/** Longest input looked at; matches the request contract's limit (shared/contract/requests.ts). */
export const WALLET_ADDRESS_MAX_LENGTH = 120;

const BTC_EXPECTED = 'a Bitcoin mainnet address: Base58Check starting with 1 or 3, or Bech32/Bech32m starting with bc1';
const evmExpected = (label: string) => `an address on ${label}: 0x followed by 40 hexadecimal digits`;
const bytes = (n: number) => `${n} byte${n === 1 ? '' : 's'}`;

// ---------------------------------------------------------------------------------------------------------------
// Characters: whitespace, control, bidi and invisible characters, look-alikes from other scripts
// ---------------------------------------------------------------------------------------------------------------

const hex4 = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/** Bidirectional formatting characters (Unicode UAX #9): they can make an address display differently from its content. */
const isBidi = (cp: number) =>
  cp === 0x061c || cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
/** Zero-width and other invisible characters. */
const isInvisible = (cp: number) => cp === 0x00ad || (cp >= 0x200b && cp <= 0x200d) || cp === 0x2060 || cp === 0xfeff || cp === 0x180e;

/** The first character no address can contain, as a refusal, or null when all are printable ASCII. */
function characterProblem(s: string, chainLabel: string): Refusal | null {
  // Checked in this order because JavaScript's \s also matches U+FEFF, and \t \n \r are both control and whitespace.
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    const cp = ch.codePointAt(0) ?? 0;
    if (cp > 0x20 && cp < 0x7f) continue;
    const at = `at position ${i + 1} (${hex4(cp)})`;
    if (isBidi(cp)) {
      const why = 'it can make the address display differently from what it is';
      return refuse('WALLET_BIDI_CHAR', `${chainLabel} address contains a text-direction control character ${at}; ${why}`);
    }
    if (isInvisible(cp)) return refuse('WALLET_INVISIBLE_CHAR', `${chainLabel} address contains an invisible character ${at}`);
    if (/\s/.test(ch)) {
      const where = i === 0 || i === chars.length - 1 ? 'leading or trailing ' : '';
      const fix = 'paste the address alone, without spaces or line breaks';
      return refuse('WALLET_WHITESPACE', `${chainLabel} address contains ${where}whitespace ${at}; ${fix}`);
    }
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
      return refuse('WALLET_CONTROL_CHAR', `${chainLabel} address contains a control character ${at}`);
    const why = 'addresses use ASCII letters and digits only (look-alike letters from other scripts are refused)';
    return refuse('WALLET_NON_ASCII', `${chainLabel} address contains a non-ASCII character ${at}; ${why}`);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// EVM: EIP-55
// ---------------------------------------------------------------------------------------------------------------

/**
 * The EIP-55 form of an EVM address ("0x" + 40 hex digits, any case): a letter a-f is upper case when the matching
 * nibble of keccak-256(lower-case hex digits as ASCII) is ≥ 8. Throws RangeError on anything else.
 */
export function toEip55(address: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new RangeError('toEip55: expected 0x followed by 40 hexadecimal digits');
  const lower = address.slice(2).toLowerCase();
  const hash = keccak_256(utf8ToBytes(lower));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const byte = hash[i >> 1] ?? 0;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    const c = lower.charAt(i);
    out += nibble >= 8 ? c.toUpperCase() : c;
  }
  return out;
}

function validateEvm(chain: EvmWalletChain, s: string): WalletAddressResult {
  const label = walletChainLabels[chain];
  if (/^(1|3|bc1)/i.test(s) && validateBitcoin(s).ok) {
    return refuse('EVM_FORMAT', `this is a Bitcoin address, not ${evmExpected(label)}; choose the chain "bitcoin"`);
  }
  if (s.startsWith('0X')) return refuse('EVM_PREFIX', `${label} address must start with a lower-case "0x", not "0X"`);
  if (!s.startsWith('0x')) {
    if (/^[0-9a-fA-F]{40}$/.test(s))
      return refuse('EVM_PREFIX', `${label} address is missing its 0x prefix; expected ${evmExpected(label)}`);
    if (/^[0-9a-fA-F]{64}$/.test(s))
      return refuse(
        'EVM_LENGTH',
        `${label}: 64 hexadecimal digits are a private key or a transaction hash, not an address; expected ${evmExpected(label)}`,
      );
    return refuse('EVM_FORMAT', `${label} address does not start with 0x; expected ${evmExpected(label)}`);
  }
  const digits = s.slice(2);
  const bad = digits.search(/[^0-9a-fA-F]/);
  if (bad >= 0) {
    return refuse(
      'EVM_CHARSET',
      `${label} address has ${JSON.stringify(digits.charAt(bad))} at position ${bad + 3}, which is not a hexadecimal digit; expected ${evmExpected(label)}`,
    );
  }
  if (digits.length !== 40) {
    const why = digits.length === 64 ? ' (64 digits are a private key or a transaction hash, not an address)' : '';
    return refuse('EVM_LENGTH', `${label} address has ${digits.length} hexadecimal digits after 0x${why}; expected 40`);
  }
  const checksummed = toEip55(s);
  if (s === checksummed) return { ok: true, chain, normalized: s, kind: 'eip55' };
  if (digits === digits.toLowerCase() || digits === digits.toUpperCase()) {
    return {
      ok: true,
      chain,
      normalized: checksummed,
      kind: 'hex-no-checksum',
      warning: {
        rule: 'EVM_NO_CHECKSUM',
        message: `${label} address is all ${digits === digits.toLowerCase() ? 'lower' : 'upper'} case, so it has no EIP-55 checksum and a typo cannot be detected; stored as ${checksummed}`,
      },
    };
  }
  return refuse(
    'EVM_CHECKSUM',
    `${label} address fails its EIP-55 checksum (expected ${checksummed}): the upper/lower case does not match. ` +
      'Check it against its source; a mistyped digit also causes this, so do not just copy the expected form',
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Bitcoin: Base58Check (P2PKH, P2SH)
// ---------------------------------------------------------------------------------------------------------------

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** 25 bytes (version + 20-byte hash + 4-byte checksum) with version 0x00 or 0x05 never take more than 34 characters. */
const BASE58_ADDRESS_MAX_LENGTH = 34;
const isBase58 = (s: string) => [...s].every((c) => BASE58_ALPHABET.includes(c));

const doubleSha256 = (b: Uint8Array) => sha256(sha256(b));

/** Decode Base58Check: the payload (version byte(s) + data) or why not. */
function base58CheckDecode(s: string): { payload: Uint8Array } | { error: 'length' | 'checksum' } {
  const raw = base58.decode(s);
  if (raw.length < 5) return { error: 'length' };
  const payload = raw.subarray(0, raw.length - 4);
  const check = doubleSha256(payload);
  for (let i = 0; i < 4; i++) if (raw[raw.length - 4 + i] !== check[i]) return { error: 'checksum' };
  return { payload };
}

function validateBase58(s: string): WalletAddressResult {
  const bad = [...s].findIndex((c) => !BASE58_ALPHABET.includes(c));
  if (bad >= 0) {
    const c = [...s][bad] ?? '';
    return refuse(
      'BTC_BASE58_CHARSET',
      `Bitcoin address has ${JSON.stringify(c)} at position ${bad + 1}, which Base58 does not use (0, O, I and l are excluded); expected ${BTC_EXPECTED}`,
    );
  }
  const decoded = base58CheckDecode(s);
  if ('error' in decoded) {
    if (decoded.error === 'checksum' && s.length > BASE58_ADDRESS_MAX_LENGTH) {
      return refuse(
        'BTC_BASE58_LENGTH',
        `Bitcoin Base58 string has ${s.length} characters and no valid checksum; an address has at most ${BASE58_ADDRESS_MAX_LENGTH}`,
      );
    }
    if (decoded.error === 'checksum')
      return refuse('BTC_BASE58_CHECKSUM', 'Bitcoin address fails its Base58Check checksum: a character is mistyped, missing or extra');
    return refuse('BTC_FORMAT', `Bitcoin address is too short to be Base58Check; expected ${BTC_EXPECTED}`);
  }
  const p = decoded.payload;
  const version = p[0] ?? -1;
  // Private keys pasted by mistake: WIF (0x80 mainnet / 0xef test networks; 32-byte key, +0x01 when compressed).
  if ((version === 0x80 || version === 0xef) && (p.length === 33 || (p.length === 34 && p[33] === 0x01))) {
    return refuse(
      'WALLET_PRIVATE_KEY',
      'this is a Bitcoin private key (WIF), not an address: do not record it; ask for the address instead',
    );
  }
  // BIP-32 extended keys (xpub/xprv and the like): 78 bytes; key data at offset 45 starts with 0x00 for a private key.
  if (p.length === 78) {
    if (p[45] === 0x00)
      return refuse(
        'WALLET_PRIVATE_KEY',
        'this is a Bitcoin extended private key (xprv), not an address: do not record it; ask for the address instead',
      );
    return refuse(
      'WALLET_EXTENDED_KEY',
      `this is a Bitcoin extended public key (xpub, ypub, zpub…), which stands for a whole wallet, not a single address; expected ${BTC_EXPECTED}`,
    );
  }
  if (p.length !== 21) {
    return refuse(
      'BTC_BASE58_LENGTH',
      `Bitcoin Base58Check payload has ${bytes(p.length)}; an address has 21 (a version byte and a 20-byte hash)`,
    );
  }
  const hash = bytesToHex(p.subarray(1));
  if (version === 0x00) return { ok: true, chain: 'bitcoin', normalized: s, kind: 'p2pkh', scriptPubKey: `76a914${hash}88ac` };
  if (version === 0x05) return { ok: true, chain: 'bitcoin', normalized: s, kind: 'p2sh', scriptPubKey: `a914${hash}87` };
  if (version === 0x6f || version === 0xc4) {
    return refuse(
      'BTC_TESTNET',
      `this is a Bitcoin testnet/signet/regtest address (version 0x${version.toString(16)}), not mainnet; expected ${BTC_EXPECTED}`,
    );
  }
  return refuse(
    'BTC_VERSION',
    `Base58Check version byte 0x${version.toString(16).padStart(2, '0')} is not Bitcoin mainnet (0x00 for P2PKH, 0x05 for P2SH): probably an address on another chain; expected ${BTC_EXPECTED}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Bitcoin: segwit, Bech32 (BIP-173) and Bech32m (BIP-350)
// ---------------------------------------------------------------------------------------------------------------

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
/** Human-readable parts of Bitcoin's test networks (BIP-173 "tb"; Bitcoin Core regtest "bcrt"). */
const TEST_HRPS = ['tb', 'bcrt'];

/** A segwit address whose human-readable part (already matched, lower case) is `hrp`. */
function validateSegwit(s: string, hrp: string): WalletAddressResult {
  const lower = s.toLowerCase();
  if (s !== lower && s !== s.toUpperCase()) {
    return refuse(
      'BTC_BECH32_CASE',
      'Bitcoin Bech32 address mixes upper and lower case, which BIP-173 forbids; it must be all lower case or all upper case',
    );
  }
  if (hrp !== 'bc')
    return refuse('BTC_TESTNET', `this is a Bitcoin testnet/signet/regtest address (${hrp}1…), not mainnet; expected ${BTC_EXPECTED}`);
  const sep = hrp.length;
  const data = lower.slice(sep + 1);
  const bad = [...data].findIndex((c) => !BECH32_CHARSET.includes(c));
  if (bad >= 0) {
    return refuse(
      'BTC_BECH32_CHARSET',
      `Bitcoin Bech32 address has ${JSON.stringify(data.charAt(bad))} at position ${sep + 2 + bad}, which Bech32 does not use (1, b, i and o are excluded after bc1)`,
    );
  }
  if (lower.length > 90)
    return refuse(
      'BTC_BECH32_LENGTH',
      `Bitcoin Bech32 address has ${lower.length} characters; at most 90 are allowed (BIP-173), and a segwit address has at most 74`,
    );
  if (data.length < 6) return refuse('BTC_BECH32_LENGTH', 'Bitcoin Bech32 address is too short to hold its 6-character checksum');
  const asBech32 = bech32.decodeUnsafe(lower);
  const decoded = asBech32 || bech32m.decodeUnsafe(lower);
  if (!decoded)
    return refuse('BTC_BECH32_CHECKSUM', 'Bitcoin address fails its Bech32/Bech32m checksum: a character is mistyped, missing or extra');
  const encoding = asBech32 ? 'Bech32' : 'Bech32m';
  const [version, ...words] = decoded.words;
  if (version === undefined)
    return refuse('BTC_WITNESS_PROGRAM', 'Bitcoin segwit address has no witness version or program (empty data part)');
  if (version > 16) return refuse('BTC_WITNESS_VERSION', `Bitcoin segwit address has witness version ${version}; versions are 0 to 16`);
  const program = bech32.fromWordsUnsafe(words);
  if (!program)
    return refuse(
      'BTC_WITNESS_PROGRAM',
      'Bitcoin segwit address has invalid padding in its witness program (BIP-173: at most 4 zero bits)',
    );
  if (program.length < 2 || program.length > 40) {
    return refuse('BTC_WITNESS_PROGRAM', `Bitcoin segwit witness program has ${bytes(program.length)}; it must have 2 to 40 (BIP-141)`);
  }
  if (version === 0 && encoding !== 'Bech32') {
    return refuse(
      'BTC_BECH32_ENCODING',
      'Bitcoin segwit v0 address (bc1q…) must use the Bech32 checksum (BIP-173/BIP-350), but it has a Bech32m checksum',
    );
  }
  if (version !== 0 && encoding !== 'Bech32m') {
    return refuse(
      'BTC_BECH32_ENCODING',
      `Bitcoin segwit v${version} address must use the Bech32m checksum (BIP-350), but it has the older Bech32 checksum`,
    );
  }
  const normalized = lower;
  const scriptPubKey = `${(version === 0 ? 0 : 0x50 + version).toString(16).padStart(2, '0')}${program.length.toString(16).padStart(2, '0')}${bytesToHex(program)}`;
  if (version === 0) {
    if (program.length === 20) return { ok: true, chain: 'bitcoin', normalized, kind: 'p2wpkh', scriptPubKey };
    if (program.length === 32) return { ok: true, chain: 'bitcoin', normalized, kind: 'p2wsh', scriptPubKey };
    return refuse(
      'BTC_WITNESS_PROGRAM',
      `Bitcoin segwit v0 witness program has ${bytes(program.length)}; it must have 20 (P2WPKH) or 32 (P2WSH) (BIP-141)`,
    );
  }
  if (version === 1 && program.length === 32) return { ok: true, chain: 'bitcoin', normalized, kind: 'p2tr', scriptPubKey };
  return {
    ok: true,
    chain: 'bitcoin',
    normalized,
    kind: 'segwit-unassigned',
    scriptPubKey,
    warning: {
      rule: 'BTC_SEGWIT_UNASSIGNED',
      message: `Bitcoin segwit v${version} address with a ${program.length}-byte program is validly encoded (BIP-350) but no soft fork defines it yet (Taproot is v1 with 32 bytes); funds sent to it are not secured`,
    },
  };
}

function validateBitcoin(s: string): WalletAddressResult {
  const lower = s.toLowerCase();
  const hrp = ['bc', ...TEST_HRPS].find((h) => lower.startsWith(`${h}1`));
  if (hrp) return validateSegwit(s, hrp);
  if (/^0x[0-9a-f]{40}$/i.test(s))
    return refuse('BTC_FORMAT', `this is an Ethereum-style (EVM) address, not ${BTC_EXPECTED}; choose an EVM chain`);
  if (isBase58(s) || /^[13]/.test(s)) return validateBase58(s);
  const other = /^([a-z]{1,10})1[a-z0-9]{6,}$/.exec(lower);
  if (other && (s === lower || s === s.toUpperCase())) {
    return refuse(
      'BTC_BECH32_HRP',
      `Bech32 prefix "${other[1]}1" is not Bitcoin mainnet ("bc1"): probably an address on another chain; expected ${BTC_EXPECTED}`,
    );
  }
  return refuse('BTC_FORMAT', `not ${BTC_EXPECTED}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------------------------

/**
 * Validate a wallet address for a chain. Refusals carry a stable rule id and a message naming the chain and what was
 * expected; accepted addresses carry the form to store (`normalized`), their kind and, when worth a look, a warning.
 * Inputs are not trimmed: whitespace, control, bidi, invisible and non-ASCII characters are refused.
 */
export function validateWalletAddress(chain: string, address: unknown): WalletAddressResult {
  if (!isWalletChain(chain)) {
    const shown = typeof chain === 'string' && /^[a-z0-9-]{1,40}$/i.test(chain) ? ` "${chain}"` : '';
    return refuse('WALLET_CHAIN_UNKNOWN', `unknown chain${shown}; supported: ${walletChains.join(', ')}`);
  }
  const label = walletChainLabels[chain];
  if (typeof address !== 'string') return refuse('WALLET_MISSING', `${label} address must be text`);
  if (address === '') return refuse('WALLET_MISSING', `${label} address is empty`);
  if (address.length > WALLET_ADDRESS_MAX_LENGTH) {
    return refuse(
      'WALLET_LENGTH',
      `${label} address has ${address.length} characters; no address has more than ${WALLET_ADDRESS_MAX_LENGTH}`,
    );
  }
  const charProblem = characterProblem(address, label);
  if (charProblem) return charProblem;
  return chain === 'bitcoin' ? validateBitcoin(address) : validateEvm(chain, address);
}

/** The same verdict as identifier findings (identifiers.ts): [] when clean, one WARN when accepted with a warning, one ERROR when refused. */
export function walletAddressIssues(chain: string, address: unknown): IdIssue[] {
  const r = validateWalletAddress(chain, address);
  if (!r.ok) return [{ level: 'ERROR', rule: r.rule, message: r.message }];
  return r.warning ? [{ level: 'WARN', rule: r.warning.rule, message: r.warning.message }] : [];
}
