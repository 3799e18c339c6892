import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { openLines, openUnassigned } from './state.js';
import { RECEIPTS_STATE_SCHEMA_VERSION, upcastReceiptsState } from './snapshot.js';
import { cap, licence, rub } from './scenarios.js';
import { script } from './script.js';
import { simulate } from './simulate.js';

describe('receipts state snapshots (issue 9)', () => {
  const s = script('o-snap');
  const t = (h: number): string => `2026-11-01T${String(h).padStart(2, '0')}:00:00Z`;
  // A mixed order paid in full: the licence settles at payment (REC-4), the cap waits for delivery.
  const paid = simulate([
    s.compose(t(8), 'placed', [licence, cap]),
    s.pay(t(9), 'pay-1', rub((licence.price.amount * licence.quantity + cap.price.amount * cap.quantity) / 100)),
  ]).state;

  it('REC-4: a version-1 state (settledEarly line ids) is read with its settled units, so the closing receipt does not settle the licence again', () => {
    expect(paid.settledUnits).toEqual({ [licence.lineId]: licence.quantity });
    const { settledUnits: _settled, ...older } = paid;
    const v1 = { ...older, settledEarly: [licence.lineId] };
    const read = upcastReceiptsState(JSON.parse(JSON.stringify(v1)));
    expect(E.isRight(read) && read.right.settledUnits).toEqual({ [licence.lineId]: licence.quantity });
    expect(E.isRight(read) && openLines(read.right).map((line) => line.lineId)).toEqual([cap.lineId]);
    // Read as it is, the version-1 state would settle the licence a second time.
    expect(openLines(v1 as never).map((line) => line.lineId)).toEqual([licence.lineId, cap.lineId]);
  });

  it('issue 9: a version-2 state (no unreceiptedRefund) reads as is; the version names the shape with it', () => {
    const read = upcastReceiptsState(JSON.parse(JSON.stringify(paid)));
    expect(read).toEqual(E.right(paid));
    expect(E.isRight(read) && (read.right.unreceiptedRefund ?? 0)).toBe(0);
    expect(RECEIPTS_STATE_SCHEMA_VERSION).toBe(4);
  });

  it('issue 9 (REC-7): a version-3 state (no unassignedRefunds) reads as is, with no refund waiting for its goods', () => {
    const read = upcastReceiptsState(JSON.parse(JSON.stringify(paid)));
    expect(E.isRight(read) && read.right.unassignedRefunds).toBeUndefined();
    expect(E.isRight(read) && openUnassigned(read.right)).toBe(0);
  });

  it('a stored value that is not a receipts state is refused, naming what it lacks', () => {
    const read = upcastReceiptsState({ lines: 'no' });
    expect(E.isLeft(read) && read.left.message).toContain('lines');
    expect(E.isLeft(upcastReceiptsState({ ...paid, settledEarly: [1] }))).toBe(true);
  });
});
