import fs from 'node:fs';
import os from 'node:os';

/**
 * Who owns a piece of work in the data directory, so that another process can tell a running
 * import from one whose process died (issue 11: a second process must never clear a running
 * import). A process is named by host, pid and start time: the start time tells a live owner
 * from a later process that happens to reuse its pid.
 */
export interface ProcessIdentity {
  host: string;
  pid: number;
  /** When the process started, in ms since the epoch (from the kernel where it tells; else our own clock). */
  startedMs: number;
}

/** Linux reports process start times in clock ticks since boot; 100 per second on every mainstream build. */
const CLOCK_TICKS_PER_SECOND = 100;
/** Start times from two readings of the same process agree within this (clock-tick and rounding slack). */
const SAME_START_MS = 3_000;

let bootMs: number | null | undefined;
function linuxBootMs(): number | null {
  if (bootMs !== undefined) return bootMs;
  try {
    const btime = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1];
    bootMs = btime ? Number(btime) * 1000 : null;
  } catch {
    bootMs = null;
  }
  return bootMs;
}

/** A process's start time from /proc (Linux), or null where the system does not tell. */
function kernelStartMs(pid: number): number | null {
  const boot = linuxBootMs();
  if (boot === null) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counts from after the command name, which may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? boot + (ticks / CLOCK_TICKS_PER_SECOND) * 1000 : null;
  } catch {
    return null;
  }
}

let self: ProcessIdentity | undefined;
export function currentProcess(): ProcessIdentity {
  self ??= {
    host: os.hostname(),
    pid: process.pid,
    startedMs: Math.round(kernelStartMs(process.pid) ?? Date.now() - process.uptime() * 1000),
  };
  return self;
}

/**
 * Whether the process that recorded `owner` still runs: 'gone' only when certain (same host, and
 * the pid is free or now belongs to a process started at another time); 'unknown' for a process
 * on another machine (a data directory on a shared drive), which is treated as alive.
 */
export function processState(owner: ProcessIdentity): 'alive' | 'gone' | 'unknown' {
  const me = currentProcess();
  if (owner.host !== me.host) return 'unknown';
  if (owner.pid === me.pid) return Math.abs(owner.startedMs - me.startedMs) <= SAME_START_MS ? 'alive' : 'gone';
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the pid exists but belongs to another user; it is alive, though maybe not ours.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
  }
  const started = kernelStartMs(owner.pid);
  if (started !== null && Math.abs(started - owner.startedMs) > SAME_START_MS) return 'gone';
  return 'alive';
}
