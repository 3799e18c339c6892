import type { Actor } from '@ordersource/core';

/**
 * One line of `ordersource simulate` input (docs/wire-format.md): a command
 * for a stream, a clock line, or nothing (blank, `//` comment). A line that
 * is not one of these is a problem naming the field, like a refused command.
 */

export type CommandLine = Readonly<{
  kind: 'command';
  line: number;
  stream: string;
  type: unknown;
  data: unknown;
  /** A full metadata object, when the line gives one (then at/actor/commandId are not allowed). */
  metadata: unknown;
  actor: unknown;
  commandId: unknown;
  /** When the command says it happened, if it says; the clock moves there first. */
  at: string | undefined;
}>;

/** The raw command a stream's decoder gets. */
export type RawCommand = Readonly<{ type: unknown; data: unknown; metadata: unknown }>;

export type ClockLine =
  Readonly<{ kind: 'advance'; line: number; ms: number }> | Readonly<{ kind: 'clock'; line: number; to: string }>;

export type Issue = Readonly<{ path: string; rule: string; message: string }>;

export type BadLine = Readonly<{ kind: 'bad'; line: number; code: string; message: string; issues: readonly Issue[] }>;

export type InputLine = CommandLine | ClockLine | BadLine | Readonly<{ kind: 'skip'; line: number }>;

export const DEFAULT_ACTOR: Actor = { kind: 'admin', id: 'cli' };

const UNITS: Record<string, number> = { W: 604_800_000, D: 86_400_000, H: 3_600_000, M: 60_000, S: 1_000 };

/** "PT24H", "P1DT2H30M", "P2W", or shorthand "25h", "90m", "2d", "30s". Undefined when it is neither. */
export const parseDuration = (text: string): number | undefined => {
  const short = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  if (short !== null) {
    const n = Number(short[1]);
    const unit = short[2]!;
    return unit === 'ms' ? n : n * UNITS[unit.toUpperCase()]!;
  }
  const iso = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (iso === null || text === 'P' || text.endsWith('T')) return undefined;
  const [, w, d, h, m, s] = iso;
  return (
    Number(w ?? 0) * UNITS['W']! +
    Number(d ?? 0) * UNITS['D']! +
    Number(h ?? 0) * UNITS['H']! +
    Number(m ?? 0) * UNITS['M']! +
    Number(s ?? 0) * UNITS['S']!
  );
};

const isInstant = (u: unknown): u is string =>
  typeof u === 'string' &&
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(u) &&
  Number.isFinite(Date.parse(u));

const bad = (line: number, code: string, issues: readonly Issue[]): BadLine => ({
  kind: 'bad',
  line,
  code,
  message: `line ${line}: ${issues.map((i) => i.message).join('; ')}`,
  issues,
});

const COMMAND_KEYS = new Set(['stream', 'type', 'data', 'at', 'actor', 'commandId', 'metadata']);

/** Parse one line; `line` is 1-based. Never throws. */
export const parseLine = (text: string, line: number): InputLine => {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('//')) return { kind: 'skip', line };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return bad(line, 'invalid-json', [
      { path: '', rule: 'JSON', message: `not JSON (${error instanceof Error ? error.message : String(error)})` },
    ]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return bad(line, 'invalid-line', [{ path: '', rule: 'object', message: 'must be a JSON object' }]);
  const record = value as Record<string, unknown>;
  if ('advance' in record || 'clock' in record) {
    const keys = Object.keys(record);
    if (keys.length !== 1)
      return bad(line, 'invalid-line', [
        { path: '', rule: 'ClockLine', message: 'a clock line has exactly one key, "advance" or "clock"' },
      ]);
    if ('advance' in record) {
      const raw = record['advance'];
      const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseDuration(raw) : undefined;
      if (ms === undefined || !Number.isFinite(ms) || ms < 0)
        return bad(line, 'invalid-line', [
          {
            path: 'advance',
            rule: 'Duration',
            message: `advance: must be an ISO-8601 duration ("PT24H"), "25h"/"90m"/"2d", or milliseconds >= 0 (got ${JSON.stringify(raw)})`,
          },
        ]);
      return { kind: 'advance', line, ms };
    }
    const to = record['clock'];
    if (!isInstant(to))
      return bad(line, 'invalid-line', [
        {
          path: 'clock',
          rule: 'IsoInstant',
          message: `clock: must be an ISO-8601 instant (got ${JSON.stringify(to)})`,
        },
      ]);
    return { kind: 'clock', line, to };
  }
  const issues: Issue[] = [];
  for (const key of Object.keys(record))
    if (!COMMAND_KEYS.has(key))
      issues.push({
        path: key,
        rule: 'unknown field',
        message: `${key}: unknown field (a command line has ${[...COMMAND_KEYS].join(', ')})`,
      });
  const stream = record['stream'];
  if (typeof stream !== 'string' || stream === '')
    issues.push({ path: 'stream', rule: 'NonEmptyString', message: 'stream: required, the stream id ("order-o-1")' });
  const at = record['at'];
  if (at !== undefined && !isInstant(at))
    issues.push({
      path: 'at',
      rule: 'IsoInstant',
      message: `at: must be an ISO-8601 instant (got ${JSON.stringify(at)})`,
    });
  if (
    record['metadata'] !== undefined &&
    (at !== undefined || record['actor'] !== undefined || record['commandId'] !== undefined)
  )
    issues.push({
      path: 'metadata',
      rule: 'exclusive',
      message: 'metadata: give either metadata or at/actor/commandId, not both',
    });
  if (issues.length > 0) return bad(line, 'invalid-line', issues);
  const metadata = record['metadata'];
  const metaAt = (metadata as { at?: unknown } | null | undefined)?.at;
  return {
    kind: 'command',
    line,
    stream: stream as string,
    type: record['type'],
    data: record['data'],
    metadata,
    actor: record['actor'],
    commandId: record['commandId'],
    at: typeof at === 'string' ? at : isInstant(metaAt) ? metaAt : undefined,
  };
};

/** The command a line runs as: its metadata, else the clock, the default actor and a line-derived id. */
export const rawCommand = (command: CommandLine, now: string): RawCommand => ({
  type: command.type,
  data: command.data,
  metadata: command.metadata ?? {
    commandId: command.commandId ?? `line-${command.line}`,
    actor: command.actor ?? DEFAULT_ACTOR,
    at: command.at ?? now,
  },
});
