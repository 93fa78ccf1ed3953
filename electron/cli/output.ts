/** Where a command writes: results on stdout (JSON with --json), progress and notices on stderr. */
export interface Output {
  json: boolean;
  result(value: unknown, text: () => string): void;
  notice(line: string): void;
  progress(message: string, done: number, total?: number): void;
  endProgress(): void;
}

export function createOutput(json: boolean): Output {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  let open = false;
  return {
    json,
    result(value, text) {
      process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
    },
    notice(line) {
      if (open) process.stderr.write('\n');
      open = false;
      process.stderr.write(`${line}\n`);
    },
    progress(message, done, total) {
      const pct = total ? ` ${Math.min(100, Math.floor((done / total) * 100))}%` : '';
      if (tty) {
        process.stderr.write(`\r\x1b[2K${message}${pct}`);
        open = true;
      } else if (Date.now() - lastLine > 2000) {
        // Without a terminal, a line every two seconds at most keeps logs readable.
        lastLine = Date.now();
        process.stderr.write(`${message}${pct}\n`);
      }
    },
    endProgress() {
      if (open) process.stderr.write('\n');
      open = false;
    },
  };
}
