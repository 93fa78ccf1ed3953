import type { HandlersOf, ServiceContext } from '../context';
import { auditState, getProtocol, importRegister, listProtocols, protocolHistory, saveProtocol } from './protocolRegister';
import { protocolRisk } from './protocolRisk';

/** The protocol audit register through the contract (issue 14 §3). */
export function createProtocolHandlers(ctx: ServiceContext): HandlersOf<'protocols'> {
  const { db } = ctx;
  return {
    'protocols.list': () => listProtocols(db).map((p) => ({ ...p, audit: auditState(p) })),
    'protocols.get': ({ id }) => {
      const p = getProtocol(db, id);
      return { ...p, audit: auditState(p), history: protocolHistory(db, id) };
    },
    'protocols.save': ({ protocol }) => saveProtocol(db, protocol, ctx.actor().name),
    'protocols.import': ({ register }) => importRegister(db, register, ctx.actor().name),
    'protocols.risk': ({ snapshotId, shocks, volShock }) =>
      protocolRisk(db, snapshotId, shocks ? { shocks, ...(volShock !== undefined ? { volShock } : {}) } : undefined),
  };
}
