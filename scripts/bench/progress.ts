// A one-line progress bar on stderr while topics are created; plain lines when stderr is not a
// terminal (CI logs), at most one per 10 %.

export interface Progress {
  update(done: number): void;
  finish(): void;
}

const WIDTH = 30;

/** `[#########.....................]  6,000/20,000 us-east  12 s` */
export function progressLine(label: string, done: number, total: number, elapsedMs: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * WIDTH);
  const bar = '#'.repeat(filled) + '.'.repeat(WIDTH - filled);
  return `[${bar}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${label} ${Math.round(elapsedMs / 1000)} s`;
}

export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  let lastDecile = -1;
  let last = 0;
  let printed = -1;
  const write = (done: number, final: boolean): void => {
    last = done;
    const line = progressLine(label, done, total, Date.now() - started);
    if (stream.isTTY) {
      stream.write(`\r${line}${final ? '\n' : ''}`);
      return;
    }
    const decile = total > 0 ? Math.floor((10 * done) / total) : 10;
    if (decile !== lastDecile || (final && printed !== done)) {
      lastDecile = decile;
      printed = done;
      stream.write(`${line}\n`);
    }
  };
  return {
    update: (done) => write(done, false),
    finish: () => write(last, true),
  };
}
