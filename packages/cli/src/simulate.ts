import { createInMemoryEventStore, type Checkpoint, type Envelope, type EventStore } from '@ordersource/core';
import { createShop, createVirtualClock, type Activity, type DrainReport, type Shop } from '@ordersource/runtime';
import { parseLine, rawCommand, type Issue } from './simulate-input.js';

/**
 * `ordersource simulate`: JSON lines of commands through the whole shop
 * (deciders, every policy, receipts, timers) on the in-memory store with a
 * virtual clock. Each input line yields records; nothing random reaches them
 * (event ids, derived command ids and store times are left out), so the same
 * input prints the same output, which examples/cli-simulate checks.
 */

export type SimRecord =
  | Readonly<{ line: number; kind: 'clock'; now: string }>
  | Readonly<{
      line: number;
      kind: 'accepted';
      stream: string;
      type: string;
      commandId: string;
      version: number;
      duplicate: boolean;
    }>
  | Readonly<{
      line: number;
      kind: 'rejected';
      stream?: string;
      type?: string;
      code: string;
      message: string;
      issues: readonly Pick<Issue, 'path' | 'rule'>[];
    }>
  | Readonly<{
      line: number;
      kind: 'event';
      stream: string;
      version: number;
      type: string;
      data: unknown;
      occurredAt: string;
      actor: unknown;
      /** "input" for the line's own command, else the reactor (policy) or "timer" that caused it. */
      by: string;
    }>
  | Readonly<{ line: number; kind: 'policy'; reactor: string; stream: string; type: string; duplicate: boolean }>
  | Readonly<{
      line: number;
      kind: 'policy-refused';
      reactor: string;
      stream: string;
      type: string;
      code: string;
      message: string;
    }>
  | Readonly<{
      line: number;
      kind: 'timer';
      stream: string;
      type: string;
      key: string;
      outcome: string;
      error?: string;
    }>
  | Readonly<{
      line: number;
      kind: 'notification';
      reactor: string;
      notification: unknown;
      cause: Readonly<{ stream: string; version: number }>;
    }>
  | Readonly<{ line: number; kind: 'parked'; consumer: string; stream: string; error: string }>
  | Readonly<{ line: number; kind: 'receipt'; stream: string; receipt: unknown }>
  | Readonly<{ line: number; kind: 'state'; stream: string; version: number; state: unknown }>;

export type SimSummary = Readonly<{
  kind: 'summary';
  lines: number;
  commands: number;
  rejected: number;
  events: number;
  receipts: number;
  notifications: number;
  policyRefusals: number;
  now: string;
}>;

export type SimOptions = Readonly<{
  /** The virtual clock's start; default: the first instant in the input, else 2026-01-01T00:00:00Z. */
  start?: string;
  /** Print each touched stream's state after each line (default true). */
  states?: boolean;
}>;

const FALLBACK_START = '2026-01-01T00:00:00.000Z';

const firstInstant = (lines: readonly string[]): string | undefined => {
  for (const [i, text] of lines.entries()) {
    const parsed = parseLine(text, i + 1);
    if (parsed.kind === 'clock') return parsed.to;
    if (parsed.kind === 'command' && parsed.at !== undefined) return parsed.at;
  }
  return undefined;
};

const errorRecord = (
  line: number,
  error: { code?: string; kind?: string; message: string; issues?: readonly { path: string; rule: string }[] },
  stream?: string,
  type?: string,
): SimRecord => ({
  line,
  kind: 'rejected',
  ...(stream === undefined ? {} : { stream }),
  ...(type === undefined ? {} : { type }),
  code: error.code ?? error.kind ?? 'error',
  message: error.message,
  issues: (error.issues ?? []).map(({ path, rule }) => ({ path, rule })),
});

/** Runs the lines; `emit` gets every record in order. Resolves with the summary. */
export const simulate = async (
  lines: readonly string[],
  output: (record: SimRecord) => void,
  options: SimOptions = {},
): Promise<SimSummary> => {
  const start = options.start ?? firstInstant(lines) ?? FALLBACK_START;
  const clock = createVirtualClock(start);
  const store: EventStore = createInMemoryEventStore();
  const shop: Shop = createShop({ store, clock });
  const showStates = options.states ?? true;
  let after: Checkpoint | undefined;
  const counts = { commands: 0, rejected: 0, events: 0, receipts: 0, notifications: 0, policyRefusals: 0 };

  /** Command ids (the line's, the policies') to who sent them, to say what caused each event. */
  const senders = new Map<string, string>();

  // Event ids are random (uuid v7) and policies copy them into data (a receipts change id is
  // the order event's id): print each as the event it names, any other uuid by first appearance.
  const aliases = new Map<string, string>();
  const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const alias = (id: string): string => {
    let name = aliases.get(id);
    if (name === undefined) aliases.set(id, (name = `uuid:${aliases.size + 1}`));
    return name;
  };
  const stable = <T>(value: T): T =>
    JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'string' ? v.replace(UUID, alias) : v)) as T;
  const emit = (record: SimRecord): void => output(stable(record));
  let fresh: Envelope[] = [];
  /** Reads what was appended since last time and names its event ids, before anything refers to them. */
  const collect = async (): Promise<void> => {
    for await (const envelope of store.readAll(after)) {
      fresh.push(envelope);
      after = envelope.globalPosition;
      aliases.set(envelope.eventId, `event:${envelope.streamId}@${envelope.streamVersion}`);
    }
  };

  const report = (line: number, drained: DrainReport): void => {
    for (const activity of drained.activities) emitActivity(line, activity);
  };
  const emitActivity = (line: number, activity: Activity): void => {
    switch (activity.kind) {
      case 'command':
        senders.set(activity.commandId, activity.reactor);
        emit({
          line,
          kind: 'policy',
          reactor: activity.reactor,
          stream: activity.streamId,
          type: activity.type,
          duplicate: activity.duplicate,
        });
        return;
      case 'refused':
        counts.policyRefusals += 1;
        emit({
          line,
          kind: 'policy-refused',
          reactor: activity.reactor,
          stream: activity.streamId,
          type: activity.type,
          code: activity.error.code,
          message: activity.error.message,
        });
        return;
      case 'notification':
        counts.notifications += 1;
        emit({
          line,
          kind: 'notification',
          reactor: activity.reactor,
          notification: activity.out.notification,
          cause: { stream: activity.out.cause.streamId, version: activity.out.cause.streamVersion },
        });
        return;
      case 'timer':
        emit({
          line,
          kind: 'timer',
          stream: activity.streamId,
          type: activity.type,
          key: activity.key,
          outcome: activity.outcome,
          ...(activity.error === undefined ? {} : { error: activity.error }),
        });
        return;
      case 'parked':
        emit({ line, kind: 'parked', consumer: activity.consumer, stream: activity.streamId, error: activity.error });
        return;
      case 'worker-error':
        emit({ line, kind: 'parked', consumer: activity.consumer, stream: '', error: activity.error });
        return;
    }
  };

  /** The events appended since the last call, in commit order, then the touched streams' states. */
  const flushEvents = async (line: number, inputCommandId: string | undefined): Promise<void> => {
    const touched = new Set<string>();
    await collect();
    const batch = fresh;
    fresh = [];
    for (const envelope of batch) {
      const decoded = shop.decoders.decode(envelope);
      const event = decoded._tag === 'Right' ? decoded.right.event : envelope.event;
      const cause = envelope.causationId;
      const by =
        cause !== undefined && cause === inputCommandId
          ? 'input'
          : ((cause === undefined ? undefined : senders.get(cause)) ?? 'timer');
      counts.events += 1;
      touched.add(envelope.streamId);
      emit({
        line,
        kind: 'event',
        stream: envelope.streamId,
        version: envelope.streamVersion,
        type: event.type,
        data: event.data,
        occurredAt: envelope.occurredAt,
        actor: envelope.actor,
        by,
      });
      if (event.type === 'ReceiptIssued') {
        counts.receipts += 1;
        emit({
          line,
          kind: 'receipt',
          stream: envelope.streamId,
          receipt: (event.data as { receipt: unknown }).receipt,
        });
      }
    }
    if (!showStates) return;
    for (const stream of touched) {
      const handler = shop.handlerFor(stream);
      if (handler === undefined) continue;
      const loaded = await handler.load(stream);
      if (loaded._tag === 'Right')
        emit({ line, kind: 'state', stream, version: loaded.right.version, state: loaded.right.state });
    }
  };

  const moveTo = async (line: number, target: number): Promise<void> => {
    const now = Date.parse(clock.now());
    if (target <= now) return;
    const drained = await shop.advance(target - now);
    await collect();
    emit({ line, kind: 'clock', now: clock.now() });
    report(line, drained);
    await flushEvents(line, undefined);
  };

  let lineCount = 0;
  for (const [index, text] of lines.entries()) {
    const lineNo = index + 1;
    const parsed = parseLine(text, lineNo);
    if (parsed.kind === 'skip') continue;
    lineCount += 1;
    switch (parsed.kind) {
      case 'bad':
        counts.rejected += 1;
        emit(errorRecord(lineNo, parsed));
        continue;
      case 'advance':
        await moveTo(lineNo, Date.parse(clock.now()) + parsed.ms);
        continue;
      case 'clock':
        await moveTo(lineNo, Date.parse(parsed.to));
        continue;
      case 'command': {
        if (parsed.at !== undefined) await moveTo(lineNo, Date.parse(parsed.at));
        counts.commands += 1;
        const raw = rawCommand(parsed, clock.now());
        const commandId = (raw.metadata as { commandId?: unknown } | null)?.commandId;
        const type = typeof raw.type === 'string' ? raw.type : undefined;
        const result = await shop.execute(parsed.stream, raw);
        if (result._tag === 'Left') {
          counts.rejected += 1;
          emit(errorRecord(lineNo, result.left, parsed.stream, type));
          continue;
        }
        emit({
          line: lineNo,
          kind: 'accepted',
          stream: parsed.stream,
          type: type ?? '',
          commandId: String(commandId),
          version: result.right.version,
          duplicate: result.right.duplicate,
        });
        const drained = await shop.runUntilIdle();
        await collect();
        report(lineNo, drained);
        await flushEvents(lineNo, typeof commandId === 'string' ? commandId : undefined);
      }
    }
  }
  await shop.stop({ timeoutMs: 1_000 });
  return { kind: 'summary', lines: lineCount, ...counts, now: clock.now() };
};
