import { mayShareInput, type Purpose } from '../../../../shared/contract/cooperation';
import { knownMics } from '../../../../shared/domain/micCodes';
import { decide } from '../../cooperation/mayShare';
import { readRegistry, type RegistryView } from '../../cooperation/registryView';
import { cellDigestOf } from './cellDigest';
import { coverageOf, nettingSets } from './margin';
import { param, RuleSkipped, type Evaluator, type Finding, type RuleContext } from './types';

/**
 * What "a cooperation basis with the home authority" means here: the MoU engine (cooperation/mayShare.ts `decide`)
 * allows, with or without conditions, the home authority to share transaction records from its files with an
 * authority of the jurisdiction, for supervision or for civil and administrative enforcement, on the snapshot's
 * as-of date. Anything else (no basis, a status nobody verified, a jurisdiction without an authority in the registry,
 * an unknown jurisdiction) counts as no basis: the rule fails closed.
 */
const BASIS_CATEGORY = 'transaction_records';
const BASIS_PURPOSES: readonly Purpose[] = ['supervision', 'civil_admin_enforcement'];

/** Not on a venue (bilateral, XOFF/XXXX/BILT): rollups.ts gives these positions this venue key. */
const OFF_VENUE = 'OFF-VENUE';

interface Cooperation {
  view: RegistryView;
  home: string;
  /** The home authority's country: its registry jurisdiction, or the country that jurisdiction belongs to. */
  homeCountry: string;
  /** Whether an authority of the country (ISO 3166 alpha-2) gives a basis on the date; the home country always does. */
  hasBasis(country: string | null, date: string): boolean;
}

function rootOf(view: RegistryView, code: string): string {
  let current = view.jurisdictions.get(code);
  while (current?.parent) current = view.jurisdictions.get(current.parent);
  return current?.code ?? code;
}

/** The registry as read once per run, and the engine's answer per country and date, asked once each. */
export function cooperation(ctx: RuleContext): Cooperation {
  return ctx.memo('cooperation', () => {
    const view = readRegistry(ctx.db);
    const wanted = ctx.homeAuthority ?? '';
    const home = view.authorities.get(wanted) ?? [...view.authorities.values()].find((a) => a.short.toLowerCase() === wanted.toLowerCase());
    if (!home)
      throw new RuleSkipped(
        `the workstation's authority "${wanted}" is not in the MoU registry, so no cooperation basis can be asked of the engine.`,
      );
    const homeCountry = rootOf(view, home.jurisdiction);
    const answers = new Map<string, boolean>();
    const ask = (country: string, date: string): boolean =>
      // Authorities of exactly that country: a sub-national or free-zone authority (OSC for CA-ON, DFSA for AE-DIFC)
      // does not answer for an entity known only by its country.
      [...view.authorities.values()]
        .filter((a) => a.jurisdiction === country && a.short !== home.short)
        .some((a) =>
          BASIS_PURPOSES.some((purpose) => {
            try {
              const { outcome } = decide(
                view,
                mayShareInput.parse({ home: home.short, recipient: a.short, category: BASIS_CATEGORY, purpose, date }),
              );
              return outcome === 'ALLOW' || outcome === 'ALLOW_WITH_CONDITIONS';
            } catch {
              return false;
            }
          }),
        );
    return {
      view,
      home: home.short,
      homeCountry,
      hasBasis(country, date) {
        if (country === null) return false;
        if (rootOf(view, country) === homeCountry) return true;
        const key = `${country}\u0000${date}`;
        let answer = answers.get(key);
        if (answer === undefined) answers.set(key, (answer = ask(country, date)));
        return answer;
      },
    };
  });
}

interface VenueRef {
  mic: string | null;
  country: string | null;
}

/**
 * A position's venue as the snapshot's venue reference (venues.csv) or Concordat's MIC list (shared/domain/micCodes)
 * knows it; undefined when neither does.
 */
function venueReference(ctx: RuleContext, snapshotId: number): (venue: string) => VenueRef | undefined {
  const rows = ctx.db.prepare(`SELECT venue_id AS id, mic, country FROM venue WHERE snapshot_id = ?`).all(snapshotId) as Array<{
    id: string;
    mic: string | null;
    country: string | null;
  }>;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const byMic = new Map(rows.filter((r) => r.mic !== null).map((r) => [r.mic!, r]));
  return (venue) => {
    const row = byId.get(venue) ?? byMic.get(venue);
    const mic = row ? row.mic : knownMics[venue] ? venue : null;
    if (!row && mic === null) return undefined;
    return { mic, country: row?.country ?? (mic !== null ? (knownMics[mic]?.country ?? null) : null) };
  };
}

/** A venue with a MIC (ISO 10383 registration) that Concordat's list does not mark expired. */
function registered(ref: VenueRef | undefined): boolean {
  return ref !== undefined && ref.mic !== null && knownMics[ref.mic]?.status !== 'EXPIRED';
}

export interface GroupShare {
  group: string;
  gross: number;
  /** Gross notional booked in entities or on venues beyond a cooperation basis, or on unregistered venues. */
  beyond: number;
  share: number;
}

/**
 * Per ultimate-parent group: its gross notional (as the drill's group row has it: each trade once, a trade between two
 * of its entities too) and the part of it beyond reach; a trade between an onshore and an offshore entity of the group
 * is half beyond reach. A position is beyond reach when its holder's jurisdiction has no cooperation basis with
 * the home authority, or it is on a venue that is unregistered (no MIC, or an expired one, or in no reference) or
 * whose country has no basis. Bilateral positions (no venue) are judged by their holder alone.
 */
export function groupShares(ctx: RuleContext, snapshotId: number): Map<string, GroupShare> {
  return ctx.memo(`groupShares:${snapshotId}`, () => {
    const coop = cooperation(ctx);
    const date = snapshotId === ctx.snapshotId ? ctx.asOf : asOfOf(ctx, snapshotId);
    const venueOf = venueReference(ctx, snapshotId);
    const venueBeyond = new Map<string, boolean>();
    const beyondVenue = (venue: string) => {
      let b = venueBeyond.get(venue);
      if (b === undefined) {
        const ref = venueOf(venue);
        venueBeyond.set(venue, (b = venue !== OFF_VENUE && (!registered(ref) || !coop.hasBasis(ref!.country, date))));
      }
      return b;
    };
    const shares = new Map<string, GroupShare>();
    const cells = cellDigestOf(ctx, snapshotId).groupCells;
    for (const [group, jurisdiction, venue, gross] of cells) {
      const g = shares.get(group) ?? { group, gross: 0, beyond: 0, share: 0 };
      g.gross += Math.abs(gross);
      if (!coop.hasBasis(jurisdiction, date) || beyondVenue(venue)) g.beyond += Math.abs(gross);
      shares.set(group, g);
    }
    for (const g of shares.values()) g.share = g.gross > 0 ? g.beyond / g.gross : 0;
    return shares;
  });
}

function asOfOf(ctx: RuleContext, snapshotId: number): string {
  return (ctx.db.prepare(`SELECT as_of_date AS asOf FROM snapshot WHERE snapshot_id = ?`).get(snapshotId) as { asOf: string }).asOf;
}

const groupDrill = (group: string) => ({ path: ['group', 'jurisdiction', 'venue'], at: [group] });

export const arbitrageRules: Record<string, Evaluator> = {
  /** 5(a) A group's share of gross notional beyond reach (see groupShares) above the parameter. */
  ARBITRAGE_SHARE: {
    needs: ['homeAuthority'],
    run: (ctx, p) => {
      const shareAbove = param(p, 'shareAbove');
      return [...groupShares(ctx, ctx.snapshotId).values()]
        .filter((g) => g.gross > 0 && g.share > shareAbove)
        .map((g) => ({ subject: g.group, value: g.share, threshold: shareAbove, rank: g.beyond, drill: groupDrill(g.group) }));
    },
  },

  /** 5(b) That share now minus in the compare snapshot, above the parameter (a move out of reach; groups in both). */
  ARBITRAGE_SHIFT: {
    needs: ['homeAuthority', 'compare'],
    run: (ctx, p) => {
      const shiftAbove = param(p, 'shiftAbove');
      const before = groupShares(ctx, ctx.compareSnapshotId!);
      return [...groupShares(ctx, ctx.snapshotId).values()].flatMap((g): Finding[] => {
        const was = before.get(g.group);
        if (!was || !(was.gross > 0) || !(g.gross > 0) || !(g.share - was.share > shiftAbove)) return [];
        const shift = g.share - was.share;
        return [{ subject: g.group, value: shift, threshold: shiftAbove, rank: shift, drill: groupDrill(g.group) }];
      });
    },
  },

  /**
   * 5(c) Per group with netting sets both onshore (holder in the home authority's country) and offshore (any other
   * or unknown jurisdiction): coverage onshore minus coverage offshore (Σ IM posted ÷ Σ required margin R of each
   * side, as MARGIN_BELOW_THRESHOLD reads netting sets) above the parameter.
   */
  OFFSHORE_LOWER_COVERAGE: {
    needs: ['homeAuthority'],
    run: (ctx, p) => {
      const gapAbove = param(p, 'gapAbove');
      const includeUnreported = param(p, 'includeUnreported') === 1;
      const coop = cooperation(ctx);
      const sets = nettingSets(ctx, ctx.snapshotId);
      const { basis } = sets;
      const groups = new Map<number, { on: number[]; off: number[] }>();
      // Whether a jurisdiction is onshore, asked once per jurisdiction (there are a few dozen, and 343,000 sets).
      const onshoreByName = new Map<number, boolean>();
      for (let s = 0; s < basis.sets; s++) {
        const group = basis.setGroup[s]!;
        if (group < 0) continue;
        const jurisdiction = basis.setJurisdiction[s]!;
        let onshore = onshoreByName.get(jurisdiction);
        if (onshore === undefined)
          onshoreByName.set(
            jurisdiction,
            (onshore = jurisdiction >= 0 && rootOf(coop.view, basis.names[jurisdiction]!) === coop.homeCountry),
          );
        let g = groups.get(group);
        if (!g) groups.set(group, (g = { on: [], off: [] }));
        (onshore ? g.on : g.off).push(s);
      }
      return [...groups].flatMap(([groupIndex, { on, off }]): Finding[] => {
        const group = basis.names[groupIndex]!;
        const onshore = coverageOf(sets, on, includeUnreported);
        const offshore = coverageOf(sets, off, includeUnreported);
        if (onshore === null || offshore === null || !(onshore - offshore > gapAbove)) return [];
        return [
          {
            subject: group,
            value: onshore - offshore,
            threshold: gapAbove,
            rank: onshore - offshore,
            drill: { path: ['group', 'jurisdiction', 'counterparty'], at: [group] },
          },
        ];
      });
    },
  },
};
