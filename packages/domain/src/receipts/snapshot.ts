import { domainError, type DomainError } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { initialReceiptsState, type ReceiptsState } from './state.js';

/**
 * Snapshots of receipts streams (`SnapshotPolicy` in core): the state's
 * schema version and the upcast that reads an older one.
 *
 * - 1: lines settled at payment as `settledEarly` (line ids).
 * - 2: `settledUnits` (lineId -> units, issue 9 REC-4). A version-1 state read
 *   as version 2 would lose its settled lines and settle them again in the
 *   closing receipt: the upcast turns each early line into its units.
 * - 3: `unreceiptedRefund` (issue 9: refunds beyond the money received). Optional and absent before, so a
 *   version-2 state reads as is.
 * - 4: `unassignedRefunds` (issue 9: refunds after the closing receipt naming no goods, until an admin names
 *   them). Optional and absent before (no refund was recorded unassigned: such a refund was refused), so a
 *   version-3 state reads as is, with none open.
 *
 * Use `{ schemaVersion: RECEIPTS_STATE_SCHEMA_VERSION, decodeState: upcastReceiptsState }`: snapshots taken
 * under another version are ignored (the stream is folded from its events), and a stored state of an older
 * shape that still carries the same version is lifted here.
 */
export const RECEIPTS_STATE_SCHEMA_VERSION = 4;

type Stored = Partial<ReceiptsState> & { settledEarly?: unknown };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const upcastReceiptsState = (stored: unknown): E.Either<DomainError, ReceiptsState> => {
  if (!isRecord(stored) || !Array.isArray(stored['lines']) || !Array.isArray(stored['issued']))
    return E.left(domainError('invalid-snapshot', 'a receipts state has lines and issued receipt ids'));
  const { settledEarly, ...rest } = stored as Stored;
  const state: ReceiptsState = { ...initialReceiptsState, ...rest };
  if (settledEarly === undefined) return E.right(state);
  if (!Array.isArray(settledEarly) || !settledEarly.every((id) => typeof id === 'string'))
    return E.left(domainError('invalid-snapshot', 'settledEarly: a list of line ids'));
  // Version 1 settled a line whole: every unit of it not returned since is settled (REC-4).
  const settledUnits: Record<string, number> = { ...(state.settledUnits ?? {}) };
  for (const lineId of settledEarly) {
    const line = state.lines.find((candidate) => candidate.lineId === lineId);
    if (line === undefined) continue;
    settledUnits[lineId] = Math.max(0, line.quantity - (state.returnedQuantities[lineId] ?? 0));
  }
  return E.right({ ...state, settledUnits });
};
