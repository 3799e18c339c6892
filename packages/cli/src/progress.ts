import cliProgress from 'cli-progress';

/**
 * Progress of a long command: on a terminal a bar with rate and ETA
 * (cli-progress, redrawn in place on stderr); piped or redirected, plain
 * lines at most once a second and at the end, so logs stay readable.
 */

export type Progress = Readonly<{
  /** Set the amount done (and the total, when it became known or changed). */
  update: (done: number, total?: number) => void;
  stop: () => void;
}>;

export type ProgressOptions = Readonly<{
  label: string;
  total: number;
  /** Where to draw (default stderr, so stdout stays data). */
  stream?: NodeJS.WriteStream;
  /** Force the plain-lines mode even on a terminal. */
  plain?: boolean;
  now?: () => number;
}>;

const rateOf = (done: number, startedMs: number, nowMs: number): number =>
  nowMs > startedMs ? (done * 1000) / (nowMs - startedMs) : 0;

export const startProgress = (options: ProgressOptions): Progress => {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const started = now();
  let total = options.total;
  if (stream.isTTY === true && options.plain !== true) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${options.label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
        barCompleteChar: '#',
        barIncompleteChar: '-',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
        fps: 20,
        noTTYOutput: false,
      },
      cliProgress.Presets.legacy,
    );
    bar.start(total, 0, { rate: '0' });
    return {
      update: (done, newTotal) => {
        if (newTotal !== undefined && newTotal !== total) {
          total = newTotal;
          bar.setTotal(total);
        }
        bar.update(done, { rate: rateOf(done, started, now()).toFixed(0) });
      },
      stop: () => bar.stop(),
    };
  }
  let lastLine = -Infinity;
  let done = 0;
  const line = (): void => {
    const rate = rateOf(done, started, now());
    const eta = rate > 0 && total > done ? `, ETA ${Math.ceil((total - done) / rate)} s` : '';
    stream.write(`${options.label}: ${done}/${total} (${rate.toFixed(0)}/s${eta})\n`);
    lastLine = now();
  };
  return {
    update: (value, newTotal) => {
      done = value;
      if (newTotal !== undefined) total = newTotal;
      if (now() - lastLine >= 1000) line();
    },
    stop: () => line(),
  };
};
