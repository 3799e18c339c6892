import type { ArgumentProblem } from './event-store.js';
import type { Due } from './due.js';
import type { LeaseRequest } from './partition-leases.js';
import type { ClaimOptions } from './timer-store.js';
import {
  argumentProblem,
  describeValue,
  idProblem,
  integerOption,
  isIsoInstant,
  jsonValueProblem,
  textOption,
} from './store-arguments.js';

/**
 * The argument checks of the runtime's stores (timers, leases, parked
 * events), shared by the in-memory and the PostgreSQL adapters so both refuse
 * the same calls with the same path and rule. A refusal rejects the promise
 * with an `InvalidArgument`-shaped error; nothing is written.
 */
export type RuntimeStoreMethod =
  | 'plan'
  | 'claimDue'
  | 'complete'
  | 'fail'
  | 'list'
  | 'heartbeat'
  | 'balance'
  | 'holds'
  | 'release'
  | 'leases'
  | 'park'
  | 'retry';

export type RuntimeStoreRefusal = Error &
  ArgumentProblem &
  Readonly<{ kind: 'invalid-argument'; method: RuntimeStoreMethod }>;

export const runtimeStoreRefusal = (method: RuntimeStoreMethod, problem: ArgumentProblem): RuntimeStoreRefusal => {
  const error = new Error(`${method}: ${problem.message}`);
  error.name = 'InvalidArgument';
  return Object.assign(error, { kind: 'invalid-argument' as const, method, path: problem.path, rule: problem.rule });
};

/** Reject with the first problem, or run `body`: stores call every method through this. */
export const checkedCall = <T>(
  method: RuntimeStoreMethod,
  problem: ArgumentProblem | undefined,
  body: () => Promise<T>,
): Promise<T> => (problem === undefined ? body() : Promise.reject(runtimeStoreRefusal(method, problem)));

/** Up to ten thousand partitions: more would only make every balance slower. */
export const MAX_PARTITIONS = 10_000;
/** PostgreSQL integer; also keeps `now + ms` far from the end of the Date range. */
const MAX_MS = 2_147_483_647;

const first = (...problems: readonly (() => ArgumentProblem | undefined)[]): ArgumentProblem | undefined => {
  for (const problem of problems) {
    const found = problem();
    if (found !== undefined) return found;
  }
  return undefined;
};

export const instantProblem = (value: unknown, path: string): ArgumentProblem | undefined =>
  typeof value === 'string' && isIsoInstant(value) && Number.isFinite(Date.parse(value))
    ? undefined
    : argumentProblem(path, 'iso-instant', `must be an ISO-8601 instant with a zone, got ${describeValue(value)}`);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const objectProblem = (value: unknown, path: string): ArgumentProblem | undefined =>
  isRecord(value) ? undefined : argumentProblem(path, 'type', `must be an object, got ${describeValue(value)}`);

const msProblem = integerOption(1, MAX_MS);

export const leaseRequestProblem = (request: unknown): ArgumentProblem | undefined => {
  if (!isRecord(request)) return objectProblem(request, 'request');
  const r = request as Partial<LeaseRequest>;
  return first(
    () => idProblem(r.group, 'request.group'),
    () => idProblem(r.owner, 'request.owner'),
    () => integerOption(1, MAX_PARTITIONS)(r.partitions, 'request.partitions'),
    () => instantProblem(r.now, 'request.now'),
    () => msProblem(r.ttlMs, 'request.ttlMs'),
  );
};

export const holdsProblem = (group: unknown, partition: unknown, owner: unknown, token: unknown) =>
  first(
    () => idProblem(group, 'group'),
    () => integerOption(0, MAX_PARTITIONS - 1)(partition, 'partition'),
    () => idProblem(owner, 'owner'),
    () => integerOption(0, Number.MAX_SAFE_INTEGER)(token, 'token'),
  );

const dueProblem = (due: unknown, path: string): ArgumentProblem | undefined => {
  if (!isRecord(due)) return objectProblem(due, path);
  const d = due as Partial<Due>;
  return first(
    () => idProblem(d.key, `${path}.key`),
    () => instantProblem(d.at, `${path}.at`),
    () => objectProblem(d.command, `${path}.command`),
    () => (d.command?.streamId === undefined ? undefined : idProblem(d.command.streamId, `${path}.command.streamId`)),
    () => idProblem(d.command?.type, `${path}.command.type`),
    () => jsonValueProblem(d.command?.data, `${path}.command.data`),
  );
};

export const planProblem = (streamId: unknown, timers: unknown): ArgumentProblem | undefined => {
  const stream = idProblem(streamId, 'streamId');
  if (stream !== undefined) return stream;
  if (!Array.isArray(timers))
    return argumentProblem('timers', 'type', `must be an array of due entries, got ${describeValue(timers)}`);
  for (let i = 0; i < timers.length; i++) {
    const problem = dueProblem(timers[i], `timers[${i}]`);
    if (problem !== undefined) return problem;
  }
  return undefined;
};

export const claimProblem = (now: unknown, options: unknown): ArgumentProblem | undefined => {
  if (!isRecord(options))
    return first(
      () => instantProblem(now, 'now'),
      () => objectProblem(options, 'options'),
    );
  const o = options as Partial<ClaimOptions>;
  return first(
    () => instantProblem(now, 'now'),
    () => integerOption(1, 10_000)(o.limit, 'options.limit'),
    () => idProblem(o.owner, 'options.owner'),
    () => msProblem(o.leaseMs, 'options.leaseMs'),
  );
};

export const settleProblem = (id: unknown, token: unknown): ArgumentProblem | undefined =>
  first(
    () => idProblem(id, 'id'),
    () => idProblem(token, 'token'),
  );

export const failProblem = (id: unknown, token: unknown, error: unknown, retryAt: unknown) =>
  first(
    () => settleProblem(id, token),
    () => textOption(error, 'error'),
    () => instantProblem(retryAt, 'retryAt'),
  );

export const optionalIdProblem = (value: unknown, path: string): ArgumentProblem | undefined =>
  value === undefined ? undefined : idProblem(value, path);

export const parkProblem = (consumer: unknown, envelope: unknown, attempts: unknown, error: unknown, at: unknown) => {
  if (!isRecord(envelope))
    return first(
      () => idProblem(consumer, 'consumer'),
      () => objectProblem(envelope, 'envelope'),
    );
  return first(
    () => idProblem(consumer, 'consumer'),
    () => idProblem(envelope['eventId'], 'envelope.eventId'),
    () => idProblem(envelope['streamId'], 'envelope.streamId'),
    () => idProblem(envelope['globalPosition'], 'envelope.globalPosition'),
    () => integerOption(0, MAX_MS)(attempts, 'attempts'),
    () => textOption(error, 'error'),
    () => instantProblem(at, 'at'),
  );
};
