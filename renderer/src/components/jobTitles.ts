import type { JobKind } from '../../../shared/contract';

/**
 * What each kind of long work is called in the app, and what to do when it fails: people read "The import did not
 * finish", not the contract's method name. A Record over every kind, so a new kind cannot ship without its words.
 */
export const jobTitles: Record<JobKind, { title: string; next: string }> = {
  'demo.load': { title: 'Loading the demo data', next: 'Restart the app to try again, or import your own files.' },
  'snapshots.import': {
    title: 'The import',
    next: 'Open Snapshots to read what was found in the files, correct them and import again; the data loaded earlier is unchanged.',
  },
  'feeds.sync': { title: 'The feed sync', next: 'Check the feed’s address and keys under Feeds, then sync again; nothing was changed.' },
  'bundles.export': { title: 'The bundle export', next: 'Check the destination and the recipients’ keys, then export again.' },
  'bundles.verify': { title: 'The bundle check', next: 'Ask the sender for the bundle again: this one could not be verified.' },
  'bundles.import': { title: 'Receiving the bundle', next: 'Nothing was added; check the bundle and try again.' },
  'bundles.inbox': { title: 'Reading the bundle inbox', next: 'Check the inbox folder under Settings, then try again.' },
  'alerts.run': { title: 'The alert run', next: 'Run the alerts again from Supervision.' },
  'drill.rebuild': {
    title: 'Rebuilding the drill data after an update',
    next: 'Restart the app to take it up again; snapshots not yet rebuilt keep their earlier data and open once rebuilt.',
  },
};
