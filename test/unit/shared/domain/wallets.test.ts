// Wallet address validation (issue 12). Vectors come from the primary specifications and reference test data:
//   [EIP-55]  ethereum/EIPs, EIPS/eip-55.md @ 0b0d1ca375ccf0e3fdb6caf451d9a1d5adf9df44, "Test Cases" and the test(...) calls
//             (same list in ethereum/ERCs ERCS/erc-55.md).
//   [BIP-173] bitcoin/bips, bip-0173.mediawiki @ 7fe0b034ec967b52a5a28276419117326df93263, "Examples" and "Test vectors".
//   [BIP-350] bitcoin/bips, bip-0350.mediawiki @ 7fe0b034…, "Test vectors for v0-v16 native segregated witness addresses"
//             (these supersede BIP-173's segwit vectors: v1+ now use Bech32m).
//   [BIP-32]  bitcoin/bips, bip-0032.mediawiki @ 7fe0b034…, "Test vector 1", chain m.
//   [key_io]  bitcoin/bitcoin, src/test/data/key_io_valid.json @ 1010c48a89a8316298edeee28ffb5aef89bdf667 and
//             key_io_invalid.json @ 03d816b7cf161cc84914e07ee4c3fc8041a68a88 (address → scriptPubKey; private keys).
//   [wiki]    1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 / 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy: the example addresses of the
//             Bitcoin Wiki page "Address" (en.bitcoin.it/wiki/Address), widely quoted; their checksums verify below.
// All are public test vectors; the private keys among them ([key_io], [BIP-32]) are published test keys.
import { describe, expect, it } from 'vitest';
import {
  evmWalletChains,
  isEvmWalletChain,
  isWalletChain,
  toEip55,
  validateWalletAddress,
  walletAddressIssues,
  walletChainLabels,
  walletChains,
} from '../../../../shared/domain/wallets';
import type { WalletAddressResult } from '../../../../shared/domain/wallets';

const ruleOf = (r: WalletAddressResult) => (r.ok ? 'OK' : r.rule);
const messageOf = (r: WalletAddressResult) => (r.ok ? '' : r.message);

/** Flip the case of the first letter a-f/A-F after `from` (an EIP-55 address then no longer matches its checksum). */
function flipFirstLetter(s: string, from = 2): string {
  for (let i = from; i < s.length; i++) {
    const c = s.charAt(i);
    if (/[a-fA-F]/.test(c)) return s.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + s.slice(i + 1);
  }
  throw new Error('no letter to flip');
}

describe('chains', () => {
  it('lists bitcoin and the EVM chains, each with a label', () => {
    expect(walletChains).toEqual(['bitcoin', 'ethereum', 'polygon', 'bsc', 'arbitrum', 'optimism', 'base', 'avalanche-c']);
    for (const c of walletChains) expect(walletChainLabels[c]).toBeTruthy();
    expect(isWalletChain('bitcoin')).toBe(true);
    expect(isWalletChain('litecoin')).toBe(false);
    expect(isWalletChain(42)).toBe(false);
    expect(isEvmWalletChain('polygon')).toBe(true);
    expect(isEvmWalletChain('bitcoin')).toBe(false);
  });

  it('refuses an unknown chain, listing the supported ones', () => {
    const r = validateWalletAddress('dogecoin', 'D8vFz4p1L37jdg47HXKtSHA5uYLYxbGgPD');
    expect(ruleOf(r)).toBe('WALLET_CHAIN_UNKNOWN');
    expect(messageOf(r)).toContain('bitcoin, ethereum, polygon');
  });
});

describe('EVM addresses (EIP-55)', () => {
  // [EIP-55] "Normal" test cases (also the four test(...) calls of the specification's code).
  const mixed = [
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ];
  // [EIP-55] "All caps" and "All Lower": addresses whose EIP-55 form happens to be in one case.
  const oneCaseChecksums = [
    '0x52908400098527886E0F7030069857D2E4169EE7',
    '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
    '0xde709f2102306220921060314715629080e2fb77',
    '0x27b1fdb04752bbc536007a920d24acb045561c26',
  ];

  it.each([...mixed, ...oneCaseChecksums])('%s is its own EIP-55 form', (a) => {
    expect(toEip55(a)).toBe(a);
    expect(toEip55(a.toLowerCase())).toBe(a);
    expect(validateWalletAddress('ethereum', a)).toEqual({ ok: true, chain: 'ethereum', normalized: a, kind: 'eip55' });
    expect(walletAddressIssues('ethereum', a)).toEqual([]);
  });

  it('toEip55 of the EIP example 0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359', () => {
    expect(toEip55('0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359')).toBe('0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359');
    expect(() => toEip55('0xfb69')).toThrow(RangeError);
  });

  it.each(mixed)('%s with one letter flipped fails its checksum, and the message gives the expected form', (a) => {
    const r = validateWalletAddress('ethereum', flipFirstLetter(a));
    expect(ruleOf(r)).toBe('EVM_CHECKSUM');
    expect(messageOf(r)).toContain('Ethereum address fails its EIP-55 checksum');
    expect(messageOf(r)).toContain(`(expected ${a})`);
    expect(walletAddressIssues('ethereum', flipFirstLetter(a)).map((i) => i.level)).toEqual(['ERROR']);
  });

  it('flips further in the address are caught too', () => {
    const a = '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB';
    for (let from = 2; from < 40; from += 7)
      expect(ruleOf(validateWalletAddress('ethereum', flipFirstLetter(a, from)))).toBe('EVM_CHECKSUM');
  });

  it.each(mixed)('%s in one case only is accepted as hex-no-checksum, stored in its EIP-55 form, with a WARN', (a) => {
    for (const oneCase of ['0x' + a.slice(2).toLowerCase(), '0x' + a.slice(2).toUpperCase()]) {
      const r = validateWalletAddress('ethereum', oneCase);
      expect(r).toMatchObject({ ok: true, kind: 'hex-no-checksum', normalized: a, warning: { rule: 'EVM_NO_CHECKSUM' } });
      expect(walletAddressIssues('ethereum', oneCase).map((i) => [i.level, i.rule])).toEqual([['WARN', 'EVM_NO_CHECKSUM']]);
    }
  });

  it.each(evmWalletChains)('%s uses the same validator and names the chain in its messages', (chain) => {
    expect(validateWalletAddress(chain, mixed[0])).toMatchObject({ ok: true, chain, kind: 'eip55' });
    expect(messageOf(validateWalletAddress(chain, flipFirstLetter(mixed[0] ?? '')))).toContain(`${walletChainLabels[chain]} address fails`);
  });

  it.each([
    ['0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'EVM_PREFIX', 'lower-case "0x"'],
    ['5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'EVM_PREFIX', 'missing its 0x prefix'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe', 'EVM_LENGTH', 'has 39 hexadecimal digits after 0x'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00', 'EVM_LENGTH', 'has 42 hexadecimal digits after 0x'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg', 'EVM_CHARSET', '"g" at position 42'],
    ['0x', 'EVM_LENGTH', 'has 0 hexadecimal digits'],
    ['vitalik.eth', 'EVM_FORMAT', '0x followed by 40 hexadecimal digits'],
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 'EVM_FORMAT', 'choose the chain "bitcoin"'],
  ])('refuses %j (%s)', (a, rule, text) => {
    const r = validateWalletAddress('ethereum', a);
    expect(ruleOf(r)).toBe(rule);
    expect(messageOf(r)).toContain(text);
  });

  it('says 64 hex digits are a key or a transaction hash, without echoing them', () => {
    const k = 'ab'.repeat(32);
    for (const a of [k, `0x${k}`]) {
      const r = validateWalletAddress('ethereum', a);
      expect(ruleOf(r)).toBe('EVM_LENGTH');
      expect(messageOf(r)).toContain('private key or a transaction hash');
      expect(messageOf(r)).not.toContain(k);
    }
  });
});

describe('Bitcoin Base58Check (P2PKH, P2SH)', () => {
  it.each([
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 'p2pkh', undefined], // [wiki]
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'p2sh', undefined], // [wiki]
    ['1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo', 'p2pkh', '76a914a31c06bd463e3923bc1aadbde48b16976c08071788ac'], // [key_io]
    ['36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm', 'p2sh', 'a914373b819a068f32b7a6b38b6b38729647cfde01c287'], // [key_io]
    ['1FjL87pn8ky6Vbavd1ZHeChRXtoxwRGCRd', 'p2pkh', '76a914a19331b7b2627e663e25a7b001e4c0dcc5e21bc788ac'], // [key_io]
    ['3BZECeAH8gSKkjrTx8PwMrNQBLG18yHpvf', 'p2sh', 'a9146c382dcdf5b284760c8e3fead91f7422cd76aa8787'], // [key_io]
    ['33GA3ZXbw5o5HeUrBEaqkWXFYYZmdxGRRP', 'p2sh', 'a914113ca1afeb49ff3abf176ffa19c2a2b4df19712a87'], // [key_io]
  ])('%s is a valid %s', (a, kind, script) => {
    const r = validateWalletAddress('bitcoin', a);
    expect(r).toMatchObject({ ok: true, chain: 'bitcoin', kind, normalized: a });
    if (script && r.ok) expect(r.scriptPubKey).toBe(script);
    expect(walletAddressIssues('bitcoin', a)).toEqual([]);
  });

  it.each(['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz', '1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mp'])(
    '%s (last character changed) fails its checksum',
    (a) => {
      const r = validateWalletAddress('bitcoin', a);
      expect(ruleOf(r)).toBe('BTC_BASE58_CHECKSUM');
      expect(messageOf(r)).toContain('Bitcoin address fails its Base58Check checksum');
    },
  );

  it('refuses characters Base58 does not use (0, O, I, l)', () => {
    const r = validateWalletAddress('bitcoin', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0');
    expect(ruleOf(r)).toBe('BTC_BASE58_CHARSET');
    expect(messageOf(r)).toContain('"0" at position 34');
    expect(messageOf(r)).toContain('Base58Check starting with 1 or 3, or Bech32/Bech32m starting with bc1');
  });

  it.each([
    'mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ', // [key_io] testnet4 P2PKH (0x6f)
    '2NC2hEhe28ULKAJkW5MjZ3jtTMJdvXmByvK', // [key_io] testnet4 P2SH (0xc4)
    'n4fajahJrAuKbN7uNsKjLjQkz9Qn5ewJXQ', // [key_io] regtest P2PKH
    '2MxFajLApXpYk4VodBSZSt7rw8y4ryABkfA', // [key_io] regtest P2SH
  ])('refuses the test-network address %s as testnet', (a) => {
    const r = validateWalletAddress('bitcoin', a);
    expect(ruleOf(r)).toBe('BTC_TESTNET');
    expect(messageOf(r)).toContain('not mainnet');
  });

  it.each([
    '5JuW2AMDYu4xVwRG9DZW18VbzQrGcd5RCgb99sS6ehJsNQXu5b9', // [key_io] mainnet, uncompressed
    'L5nJeqKmpHp4P7F8ZYyjwc5a7P4d8EabuGAzfGJk7yC1BJyzNaEd', // [key_io] mainnet, compressed
    'KwuVvu6hsuEMHrfFWJQV64tRrWX3QzqHH18JuAHYqYV6dqBvNKxd', // [key_io] mainnet, compressed
    'cV83kKisF3RQSvXbUCm9ox3kaz5JjEUBWcx8tNydfGJcyeUxuH47', // [key_io] testnet4, compressed
    // [BIP-32] test vector 1, chain m, ext prv
    'xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi',
  ])('refuses the private key %s without echoing it', (k) => {
    const r = validateWalletAddress('bitcoin', k);
    expect(ruleOf(r)).toBe('WALLET_PRIVATE_KEY');
    expect(messageOf(r)).toContain('do not record it');
    expect(messageOf(r)).not.toContain(k.slice(4, 20));
  });

  it('refuses an extended public key as not a single address', () => {
    // [BIP-32] test vector 1, chain m, ext pub
    const xpub = 'xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8';
    expect(ruleOf(validateWalletAddress('bitcoin', xpub))).toBe('WALLET_EXTENDED_KEY');
  });

  it('refuses other Base58Check versions and lengths', () => {
    expect(ruleOf(validateWalletAddress('bitcoin', 'AZEah8d1EK362okRBS66e8SvdtYkrE8tsX'))).not.toBe('OK'); // [key_io] invalid
    expect(ruleOf(validateWalletAddress('bitcoin', 'x'))).toBe('BTC_FORMAT'); // [key_io] invalid
    const long = '1GAdfviErV2Ew95FPtZyikz2qGP3gyCB6Hyu94sedAkPpA523m3fQwps9YKUZkKgQckGPKhRsFR'; // [key_io] invalid
    expect(ruleOf(validateWalletAddress('bitcoin', long))).toBe('BTC_BASE58_LENGTH');
  });
});

describe('Bitcoin segwit (Bech32 BIP-173, Bech32m BIP-350)', () => {
  it.each([
    // [BIP-350] valid, mainnet
    ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'p2wpkh', '0014751e76e8199196d454941c45d1b3a323f1433bd6'],
    [
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
      'p2tr',
      '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
    ],
    [
      'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y',
      'segwit-unassigned',
      '5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6',
    ],
    ['BC1SW50QGDZ25J', 'segwit-unassigned', '6002751e'],
    ['bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', 'segwit-unassigned', '5210751e76e8199196d454941c45d1b3a323'],
    // [BIP-173] "Examples": mainnet P2WSH for key 0279BE66… with `key OP_CHECKSIG`
    [
      'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3',
      'p2wsh',
      '00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262',
    ],
    // [key_io] valid, chain main
    ['bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv', 'p2wpkh', '00146100fc6343edc8c874496cb2f5bbfec88ea9b77c'],
    [
      'bc1qyucykdlhp62tezs0hagqury402qwhk589q80tqs5myh3rxq34nwqhkdhv7',
      'p2wsh',
      '002027304b37f70e94bc8a0fbf500e0c957a80ebda87280ef58214d92f119811acdc',
    ],
    [
      'bc1p83n3au0rjylefxq2nc2xh2y4jzz4pm6zxj4mw5pagdjjr2a9f36s6jjnnu',
      'p2tr',
      '51203c671ef1e3913f94980a9e146ba895908550ef4234abb7503d436521aba54c75',
    ],
    ['bc1z2rksukkjr8', 'segwit-unassigned', '520250ed'],
    ['bc1qhxt04s5xnpy0kxw4x99n5hpdf5pmtzpqs52es2', 'p2wpkh', '0014b996fac2869848fb19d5314b3a5c2d4d03b58820'],
    [
      'bc1pve739yap4uxjvfk0jrey69078u0gasm2nwvv483ec6zkzulgw9xqu4w9fd',
      'p2tr',
      '5120667d1293a1af0d2626cf90f24d15fe3f1e8ec36a9b98ca9e39c6856173e8714c',
    ],
  ])('%s is a valid %s paying to %s, in either case', (a, kind, script) => {
    for (const form of [a, a.toLowerCase(), a.toUpperCase()]) {
      const r = validateWalletAddress('bitcoin', form);
      expect(r).toMatchObject({ ok: true, chain: 'bitcoin', kind, normalized: a.toLowerCase(), scriptPubKey: script });
    }
    const issues = walletAddressIssues('bitcoin', a);
    expect(issues.map((i) => [i.level, i.rule])).toEqual(kind === 'segwit-unassigned' ? [['WARN', 'BTC_SEGWIT_UNASSIGNED']] : []);
  });

  it.each([
    // [BIP-350] invalid, with the reason the BIP gives
    ['tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut', 'BTC_BECH32_HRP'], // invalid human-readable part
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', 'BTC_BECH32_ENCODING'], // v1 with Bech32
    ['BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL', 'BTC_BECH32_ENCODING'], // v16 with Bech32
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', 'BTC_BECH32_ENCODING'], // v0 with Bech32m
    ['bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4', 'BTC_BECH32_CHARSET'], // invalid character in checksum
    ['BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R', 'BTC_WITNESS_VERSION'], // invalid witness version
    ['bc1pw5dgrnzv', 'BTC_WITNESS_PROGRAM'], // program length 1 byte
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav', 'BTC_WITNESS_PROGRAM'], // 41 bytes
    ['BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', 'BTC_WITNESS_PROGRAM'], // v0 program of 16 bytes (BIP-141)
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf', 'BTC_WITNESS_PROGRAM'], // zero padding > 4 bits
    ['bc1gmk9yu', 'BTC_WITNESS_PROGRAM'], // empty data section
    // BIP-350's test-network invalid vectors: refused already for being testnet (mixed case is checked first)
    ['tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf', 'BTC_TESTNET'],
    ['tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47', 'BTC_TESTNET'],
    ['tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j', 'BTC_TESTNET'],
    ['tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq', 'BTC_BECH32_CASE'], // mixed case
    // [BIP-173] invalid, mainnet
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'BTC_BECH32_CHECKSUM'], // invalid checksum
    ['BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2', 'BTC_WITNESS_VERSION'],
    ['bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90', 'BTC_WITNESS_PROGRAM'],
    ['bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du', 'BTC_WITNESS_PROGRAM'], // zero padding > 4 bits
    // [BIP-173] pre-BIP-350 v1 vector, now invalid: v1 must be Bech32m
    ['bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx', 'BTC_BECH32_ENCODING'],
  ])('refuses %s (%s)', (a, rule) => {
    const r = validateWalletAddress('bitcoin', a);
    expect(ruleOf(r)).toBe(rule);
    expect(walletAddressIssues('bitcoin', a).map((i) => i.level)).toEqual(['ERROR']);
  });

  it('explains the encoding rule in both directions', () => {
    expect(messageOf(validateWalletAddress('bitcoin', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh'))).toContain(
      'v0 address (bc1q…) must use the Bech32 checksum',
    );
    expect(messageOf(validateWalletAddress('bitcoin', 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd'))).toContain(
      'v1 address must use the Bech32m checksum (BIP-350)',
    );
  });

  it('flipping the case of one character of a valid address is refused as mixed case', () => {
    const r = validateWalletAddress('bitcoin', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8F3t4');
    expect(ruleOf(r)).toBe('BTC_BECH32_CASE');
    expect(messageOf(r)).toContain('mixes upper and lower case');
  });

  it.each([
    'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', // [BIP-350] valid on testnet
    'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c', // [BIP-350] valid on testnet
    'tb1qcrh3yqn4nlleplcez2yndq2ry8h9ncg3qh7n54', // [key_io] testnet4
    'bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9', // [key_io] regtest
  ])('refuses the test-network address %s as testnet', (a) => {
    const r = validateWalletAddress('bitcoin', a);
    expect(ruleOf(r)).toBe('BTC_TESTNET');
    expect(messageOf(r)).toContain('testnet');
  });
});

describe('Bitcoin Core key_io_invalid.json: every entry is refused', () => {
  // [key_io] key_io_invalid.json, complete list (invalid on every network, so certainly not a mainnet address).
  const invalid = [
    '',
    'x',
    '1GAdfviErV2Ew95FPtZyikz2qGP3gyCB6Hyu94sedAkPpA523m3fQwps9YKUZkKgQckGPKhRsFR',
    '37G2kMDLpmWVhimxRdzwNfE8JFvWXnJYnVcXeeGrek2qumdJuK7XArcVVpRtLLjRra3t64BEPF2',
    'giymtio7u7oqWtmC9YnvAEKkLF3JQpAdkEFkVJKYrVDfaLbhaDpX1ihfF2vZmya1i61fwLPC3YQ',
    '8iVk9nLM3nYwRuwypjy9NK5rsuZH7BbrQRZ1pgcQmvMnjAgRXD',
    'cPTVQ1hbo4qdoysf6Jx5GthqucNmdfqt6J2pZRFeXv8Ep7Kmjqud',
    'cQbR2Ny85XFBzUMx3Ed6HsTLw2pVruSgPvt5AofnBUnhiv86gYeW',
    '2UB3iG3VJbX2TRrMwm6ssWskgvU9VjFBYSqCzwqkrihCwo7mg4mtS4WuGZgxTKuxf5A3EcotYEymz',
    'cQe12pqwPR6ExtZKfrKf1q4b3CTh1Qi7MwuvMvzs79nWXDvESfBJ',
    'tc1qeul5g2xfkvdkrhcfmdursv73ad64jnkjl9c40f',
    'bt1pq65rzej5glw3ra79gav6fqnx4haa0z257qr3mc8cggkefahmgvyseufhc0',
    'tb13hty4qmumlwpp6chxjvcyzza4duqgtmxw3xhm3u9ahj4nyhtwz8eq7ynrj4',
    'bcrt1r2qxpwuge',
    'bc10uexgzna2dpfk0vjt35srz6a27ps6m0l89jweznt83n2sqn2fx4hvn9ym5af8wut34sfrqhk3',
    'tb1qum6uh0pt4q253qaf520929737v63w5gf',
    'bcrt1q888ryfgxpvl0k7vum8zpyar2u2sexvdhkf38ue37yknmqq0ycrwpl3w48y',
    'bc1qdsuzmn04k2z8vryw8l4dj8m5ygqgnne5n',
    'tb1qlj8es50nc8j8r8xshrjgzmw5azx89efghmw8ju6zcqla0g6xcnrstsjz7k',
    'bcrt1qzwmyj0z924g7fzs5yvnrkc43y76RVyr2lh5t4r',
    'bc1qpu6d26mrulzetu4jqhd7rsunv9aqru26f5c4j8',
    'tb1qun6d26ufh77ghny6u5u8cwz9da7qwc6k4wkuceae9tth06eqlw0syupl4w',
    'bcrt1qj7g2jps453kj9htk9cxyyc2nxe69x4kzzmth7v',
    'bc1p702xksx4z3uqf0u2phllxkfe5cgu0adxptqs0uelx0tqt8e885sqryes2l',
    'tb1z7gmh0v6pc30z4xum76lmw8w86yswrlmw',
    'bcrt1sjsrw6nun4h502cr97xmnyyuhkr22q0s6efrgtu',
    '2UVPFpGYnLHJezFzjUo42our6PMEoozzRdM',
    '2MygHQjE1U33q3LSC53p69YqFjP8PihumJAF',
    'KzNbAQ4mexfAxa6RKBzHQqfoTycaeWpv2p',
    '2jDPrDfAKihCGPbPD9ztY8TswAia4V8Bc6vx',
    '4VQUNG1hG64QFtaNyQZQWDdwpxB275Pwb3tvyPt2HDxB8Mi2MgH8Tz3AC83YYiz9LydsLNXEZJLHY',
    '39TKsUQ5QpEL1wowc6GMUqak94ijirPuP69ooV3xsFmiKQX2dau',
    '2UEJjT3dSdwc8dAo7oedPzznXceXCEsBbDfAvSymqpqDrkZMv7JBEUpLyhkghioYAWC9W4sKysry',
    '7VmMEkphxCFSV1y659Th4dkk6x6bJS5eQvbt8rzUYKQyd6ACgwQ4vXHtXKFUwP2kW3XULipnHJdZ7',
    'tc1qdlapns4zkn03juf2k9xwwpct209suj6mgcd9gh',
    'bt1psa5eptk29c4jc9yumeseat3a0l5e2fpmw635za2p4gpwdnthueysxga9je',
    'tb13w8c43lykfj3lvm9sgp6dsnfjla3d57cm83seykunf0ltxjc9lt2q4efm4d',
    'bcrt1rjqr2tdkm',
    'bc10lyxwnxa70l270e6fcmxr4x7dtgu2yvy7gzkurwxy4zhdvgaqrrn6pfg2flyhqzy5t5se8yu3',
    'TB1QFDFM763VXVSUNZHQLPWC0Q8FG5LJX6ZN',
    'bcrt1q60chha7wfwlau4kdr4mlvyeyc8mnnh9dhxk05e0hmrxcuhghefj36uwyha',
    'bc1gmk9yu',
    'tb1ly0q7p',
    'bcrt1qdwttaw38uf42wxw40kwk3u8nguyTQH3hx6jmqp',
    'bc1qtsvlht6730n04f2mpaj5vv8hrledn5n5ug8c79',
    'tb1dclvmr',
    'bcrt1q3fqvctqu48wsvggrt09vj0yk2gzzcscdp4h98u',
    'bc1prklpq7tjcawg89cmwwqr3u5apwav36xa4zz56ady7crsllm6mpnqts7p86',
    'tb1zkm58zyhxz3ffkfgsyprflg543slsl4c4',
    'bcrt1snzr5kaypnfhpnjanrhd20fhqcjxm3hfh7dw9fu',
    '2GgnYKqBGuA2Mm5GnrPsMTZR81xPhNtgMYoFUZngZGiobhCuUpCaTriUHRcgFreEekNdPAR17q8d',
    'AZEah8d1EK362okRBS66e8SvdtYkrE8tsX',
    'gep8xr77FyPW6zYP15RiV9W8nL6w2HyHB16cUDakfyDceMA6ZzUdhJjk2LPuLYHnLkBqkRTTi6z',
    '2NDNP7GY59tTJPZTpbkprhM9SR99Nn5rUs7',
    '2Csgzy2T287YAjeU5tFtt1nPshBZAUFQi4WtgaWyZGKSBNnKXHy2Tmxo8QK4Mfdds977ShcDWC5o',
    'Kwjk3Vy6sdXMQDGWJzaWmqFxUNtWZCX1q4F4Kpt8jNNUoWJUUaTY',
    'Svj8kk98bAS9V4L2crmxakbhmnPm3cJ1tJ4Je4yVzDreU8eSTFURS1SPYv5oWEQD8Q9VBDvx5uF',
    'KNYsv6v9GtkGeD4WdQnBEJCrPKQm91PTxAbCfXr66LEd4JDmhPWC',
    '2UJ2H2xvAeXmFKfQwMyDoSdQTTPFMNCT3SsoUafBWKzoGP3NsUK1buEgQZG38viyD53jgMdpqfT7',
    '6aLMfayKF4TW4ecn5SEc8FExpyJA2peKxYRGZhes6tQ4NTTzuGy',
    '7VP4FmcebU2thJns9MnXde7LWfuqR5vMizrAuUoq2GcJjzTyA4RHFcPVdZL8PLg1SbpSFdJrvLXoY5',
    'tc1q5qdvt99uc92jyz663dtdpfpv6nr67ahmgwcpq2',
    'bt1peu3ppd7x796sjjenp09r8cs22rhylqm9lhggk72qp8q22vzft0wq2a0x6j',
    'tb1323z3lnz7dl3kd0nsuh6xy4he9almzl67anxgg3xdzkaxc9rwntlqdhdzd7',
    'bcrt1r2gc42sky',
    'bc10fd889x4hd54tqu2ewg9t4hhft2wl7m6x50av4uswzw46xe6as0xmltfg7vrjfkvm459vld7w',
    'TB1QZY7V0F2AT3308YGGNGN66ULJTCN3RY6F',
    'bcrt1qjg3cwht92znyw0l4r5rtctmls337nrc7g0ry9drjxmlecjd3atl3fake7c',
    'bc1qmgf8xt8xkecl79k04mma3lz34gqep7hg4',
    'TB1Q3F9WGNXE9ZMTTMDN5VKVKHYZ8Y0LCV72YV7V5LSXTJXEYHNHEHASLYL0TZ',
    'spx1qq22l5s6l9460ww6t4tkzsy2a7zejurcmzz35pt0ffrzk5erlaykdcqugecjjnjqf7ggq39vl6wexjlm00n66z94v675n7wcux6d2krr68g37pn04',
    'sp1qq22l5s6l9460ww6t4tkzsy2a7zejurcmzz35pt0ffrzk5erlaykdcqugecjjnjqf7ggq39vl6wexjlm00n66z94v675n7wcux6d2krr68gcwu9kg',
    'sp1qqgqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq2qugecjjnjqf7ggq39vl6wexjlm00n66z94v675n7wcux6d2krr68g25havg',
    'sp1qq22l5s6l9460ww6t4tkzsy2a7zejurcmzz35pt0ffrzk5erlaykdcqsqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq57qc9nf',
    'sp1lq22l5s6l9460ww6t4tkzsy2a7zejurcmzz35pt0ffrzk5erlaykdcqugecjjnjqf7ggq39vl6wexjlm00n66z94v675n7wcux6d2krr68gaafydt',
    'sp1qq22l5s6l9460ww6t4tkzsy2a7zejurcmzz35pt0ffrzk5erlaykdcznsxsn',
    'tsp1qqthpye3hdcnydp9temp7yduy6uw5h2nw8u9fz677ccrna280qwj3uq60zeqs3zfpj3age62h4ljq2lyawwdecmk8a545yysk4x3tu3skjqm2thum',
    'sp1qqgqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqsqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqf26rn7',
    'sprt1qqgqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq2qu4kvg0nm62d5jtmqp54lkc7tul0dzt25ejtn4f80505z3u0h5jagf9zkp5',
  ];
  it.each(invalid)('%j', (a) => {
    const r = validateWalletAddress('bitcoin', a);
    expect(r.ok).toBe(false);
    expect(messageOf(r)).not.toBe('');
  });
});

describe('absurd input', () => {
  const p2pkh = '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2';
  const eth = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';

  it.each([
    ['bitcoin', ` ${p2pkh}`, 'WALLET_WHITESPACE', 'leading or trailing whitespace at position 1 (U+0020)'],
    ['bitcoin', `${p2pkh}\n`, 'WALLET_WHITESPACE', 'leading or trailing whitespace at position 35 (U+000A)'],
    ['ethereum', `0x5aAeb6053F3E94C9b9A0 9f33669435E7Ef1BeAed`, 'WALLET_WHITESPACE', 'whitespace at position 23'],
    ['ethereum', `${eth}\u00a0`, 'WALLET_WHITESPACE', 'U+00A0'],
    ['bitcoin', `${p2pkh}\u0000`, 'WALLET_CONTROL_CHAR', 'control character at position 35 (U+0000)'],
    [
      'ethereum',
      `0x5aAeb6053F3E94C9b9A0\u202e9f33669435E7Ef1BeAed`,
      'WALLET_BIDI_CHAR',
      'text-direction control character at position 23 (U+202E)',
    ],
    ['bitcoin', `\u2066${p2pkh}\u2069`, 'WALLET_BIDI_CHAR', 'U+2066'],
    [
      'ethereum',
      `0x5aAeb6053F3E94C9b9A0\u200b9f33669435E7Ef1BeAed`,
      'WALLET_INVISIBLE_CHAR',
      'invisible character at position 23 (U+200B)',
    ],
    ['bitcoin', `\ufeff${p2pkh}`, 'WALLET_INVISIBLE_CHAR', 'U+FEFF'],
    ['bitcoin', 'bc1qw508d6qejxtdg4y5r3z\u0430rvary0c5xw7kv8f3t4', 'WALLET_NON_ASCII', 'non-ASCII character at position 24 (U+0430)'], // Cyrillic а
    ['ethereum', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe\u{1d41d}', 'WALLET_NON_ASCII', 'U+1D41D'],
    ['bitcoin', '', 'WALLET_MISSING', 'Bitcoin address is empty'],
    ['ethereum', 'a'.repeat(121), 'WALLET_LENGTH', 'has 121 characters'],
    ['bitcoin', '1'.repeat(1_000_000), 'WALLET_LENGTH', 'has 1000000 characters'],
  ])('%s, case %#: %s', (chain, a, rule, text) => {
    const r = validateWalletAddress(chain, a);
    expect(ruleOf(r)).toBe(rule);
    expect(messageOf(r)).toContain(text);
  });

  it('refuses non-strings from untyped callers', () => {
    expect(ruleOf(validateWalletAddress('bitcoin', undefined))).toBe('WALLET_MISSING');
    expect(ruleOf(validateWalletAddress('ethereum', 42))).toBe('WALLET_MISSING');
  });

  it('refuses an EVM address on bitcoin and garbage with the expected shape', () => {
    expect(messageOf(validateWalletAddress('bitcoin', eth))).toContain('Ethereum-style (EVM) address');
    const r = validateWalletAddress('bitcoin', 'hello-world');
    expect(ruleOf(r)).toBe('BTC_FORMAT');
    expect(messageOf(r)).toBe('not a Bitcoin mainnet address: Base58Check starting with 1 or 3, or Bech32/Bech32m starting with bc1');
  });

  it('does not echo the input in any refusal', () => {
    const inputs = [flipFirstLetter(eth), '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', `${p2pkh} `];
    for (const a of inputs) {
      expect(messageOf(validateWalletAddress('bitcoin', a))).not.toContain(a.trim());
      expect(messageOf(validateWalletAddress('ethereum', a))).not.toContain(a.trim());
    }
  });
});
