import type { Protocol } from '../contract/protocols';
import { isWalletChain, validateWalletAddress, walletChains } from './wallets';

export interface ProtocolIssue {
  path: Array<string | number>;
  message: string;
}

/**
 * What the register's schema cannot say alone (issue 14 §3 "contract addresses (validated)"): every chain is one the
 * wallet validator knows, every contract is on a chain the protocol lists and has a valid address. Returns the
 * protocol with its addresses in their normal form (EIP-55 on EVM chains), or the issues, each with its path.
 */
export function checkProtocol(p: Protocol): { ok: true; protocol: Protocol } | { ok: false; issues: ProtocolIssue[] } {
  const issues: ProtocolIssue[] = [];
  p.chains.forEach((chain, i) => {
    if (!isWalletChain(chain)) issues.push({ path: ['chains', i], message: `a chain: ${walletChains.join(', ')}` });
  });
  const contracts = p.contracts.map((c, i) => {
    if (!p.chains.includes(c.chain)) {
      issues.push({ path: ['contracts', i, 'chain'], message: `a chain the protocol lists (${p.chains.join(', ')})` });
      return c;
    }
    const checked = validateWalletAddress(c.chain, c.address);
    if (!checked.ok) {
      issues.push({ path: ['contracts', i, 'address'], message: checked.message });
      return c;
    }
    return { ...c, address: checked.normalized };
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, protocol: { ...p, contracts } };
}
