// Helpers for the change tests (not shipped: the build excludes test-support/).
import * as E from 'fp-ts/lib/Either.js';
import { rehydrate, type Actor, type Envelope } from '@ordersource/core';
import type { OrderCommand } from '../../order/commands.js';
import { orderDecider } from '../../order/decider.js';
import { orderStreamId, type OrderEvent } from '../../order/events.js';
import { actors, eur, paymentMethods, sampleCheckout } from '../../order/examples.js';
import type { OrderState } from '../../order/state.js';
import type { OrderLine } from '../../order/values.js';
import { applicationOf } from '../apply.js';
import { restockOf } from '../restock.js';
import { basisOf } from '../basis.js';
import type { OrderChangeCommand } from '../commands.js';
import { orderChangeDecider } from '../decide.js';
import type { OrderChangeEvent } from '../events.js';
import { initialOrderChangeState, type OrderChangeState } from '../state.js';
import type { CreditCommand } from '../../credit/commands.js';
import { creditDecider } from '../../credit/decide.js';
import type { CreditEvent } from '../../credit/events.js';
import type { CreditState } from '../../credit/state.js';
import { creditAccountStreamId } from '../../credit/values.js';

export const T = (minute: number): string => new Date(Date.UTC(2026, 11, 1, 9, minute)).toISOString();

/** An in-memory shop of order streams and change streams, run as the runtime runs them (pure). */
export class Shop {
  readonly orders = new Map<string, Envelope<OrderEvent>[]>();
  readonly changes = new Map<string, { events: OrderChangeEvent[]; state: OrderChangeState }>();
  readonly handled = new Set<string>();
  readonly refusals: string[] = [];
  readonly restocked: { restockId: string; lines: readonly { sku: string; qty: number }[] }[] = [];
  private n = 0;

  history(orderId: string): Envelope<OrderEvent>[] {
    return this.orders.get(orderStreamId(orderId)) ?? [];
  }
  state(orderId: string): OrderState {
    return rehydrate(
      orderDecider,
      this.history(orderId).map((e) => e.event),
    );
  }

  /** Decide and append one order command (idempotent by commandId); a refusal is returned as its code. */
  order(streamId: string, command: OrderCommand): string | undefined {
    if (this.handled.has(command.metadata.commandId)) return undefined;
    const history = this.orders.get(streamId) ?? [];
    const decided = orderDecider.decide(
      command,
      rehydrate(
        orderDecider,
        history.map((e) => e.event),
      ),
    );
    if (E.isLeft(decided)) return decided.left.code;
    this.handled.add(command.metadata.commandId);
    for (const event of decided.right)
      history.push({
        event,
        eventId: `e${++this.n}`,
        streamId,
        streamVersion: history.length,
        globalPosition: String(this.n),
        occurredAt: command.metadata.at,
        recordedAt: command.metadata.at,
        causationId: command.metadata.commandId,
        actor: command.metadata.actor,
        schemaVersion: 1,
      });
    this.orders.set(streamId, history);
    return undefined;
  }

  /** Send a change command; when it makes the change ready, apply it like the reactor. */
  change(changeId: string, command: OrderChangeCommand): string | undefined {
    const entry = this.changes.get(changeId) ?? { events: [], state: initialOrderChangeState };
    const decided = orderChangeDecider.decide(command, entry.state);
    if (E.isLeft(decided)) return decided.left.code;
    for (const event of decided.right) {
      entry.events.push(event);
      entry.state = rehydrate(orderChangeDecider, entry.events);
      this.changes.set(changeId, entry);
      const eventId = `c-${changeId}-${entry.events.length}`;
      // As the runtime does: goods go back to stock once the order took the change, never before.
      const restock = event.type === 'OrderChangeApplied' ? restockOf(entry.state) : undefined;
      if (restock !== undefined) this.restocked.push(restock);
      const application = applicationOf(
        entry.state,
        this.history(entry.state.basis?.orderId ?? ''),
        eventId,
        command.metadata.at,
      );
      if (application === undefined) continue;
      // As the runtime does: a refused step ends the application, recorded failed (never applied).
      let record = application.changeCommand;
      const taken: string[] = [];
      for (const { streamId, command: orderCommand } of application.orderCommands) {
        const refused = this.order(streamId, orderCommand);
        if (refused !== undefined) {
          this.refusals.push(`${orderCommand.type}: ${refused}`);
          record = application.refused({ code: refused, message: refused }, orderCommand.type, taken);
          break;
        }
        taken.push(orderCommand.metadata.commandId);
      }
      if (record === application.changeCommand) {
        if (application.credit !== undefined) {
          const refused = this.creditCommand(application.credit.streamId, application.credit.command);
          if (refused !== undefined) this.refusals.push(`${application.credit.command.type}: ${refused}`);
        }
      }
      const recorded = this.change(changeId, record.command);
      if (recorded !== undefined) this.refusals.push(`${application.changeCommand.command.type}: ${recorded}`);
    }
    return undefined;
  }

  /** Issue 17: credit accounts, by stream id. */
  readonly credit = new Map<string, CreditEvent[]>();
  creditCommand(streamId: string, command: CreditCommand): string | undefined {
    const events = this.credit.get(streamId) ?? [];
    const decided = creditDecider.decide(command, rehydrate(creditDecider, events));
    if (E.isLeft(decided)) return decided.left.code;
    this.credit.set(streamId, [...events, ...decided.right]);
    return undefined;
  }
  creditState(customerId = 'c-1'): CreditState {
    return rehydrate(creditDecider, this.credit.get(creditAccountStreamId(customerId)) ?? []);
  }

  get(changeId: string): OrderChangeState {
    return this.changes.get(changeId)?.state ?? initialOrderChangeState;
  }
}

let counter = 0;
export const orderCmd = <T extends OrderCommand['type']>(
  type: T,
  data: Extract<OrderCommand, { type: T }>['data'],
  at: string,
  actor: Actor = actors.admin,
): Extract<OrderCommand, { type: T }> =>
  ({ type, data, metadata: { commandId: `oc-${++counter}`, actor, at } }) as Extract<OrderCommand, { type: T }>;

export const changeCmd = <T extends OrderChangeCommand['type']>(
  type: T,
  data: Extract<OrderChangeCommand, { type: T }>['data'],
  at: string,
  actor: Actor = actors.admin,
): Extract<OrderChangeCommand, { type: T }> =>
  ({ type, data, metadata: { commandId: `cc-${++counter}`, actor, at } }) as Extract<OrderChangeCommand, { type: T }>;

export const tea: OrderLine = {
  lineId: 'l1',
  sku: 'TEA-1',
  name: 'Green tea 100 g',
  qty: 2,
  unitPrice: eur(450),
  vatRate: 'vat20',
  kind: 'physical',
};
export const cup: OrderLine = {
  lineId: 'l2',
  sku: 'CUP-1',
  name: 'Tea cup',
  qty: 3,
  unitPrice: eur(700),
  vatRate: 'vat20',
  kind: 'physical',
};
export const pot = (lineId = 'n1', qty = 1, price = 2500): OrderLine => ({
  lineId,
  sku: 'POT-1',
  name: 'Tea pot',
  qty,
  unitPrice: eur(price),
  vatRate: 'vat20',
  kind: 'physical',
});

/** Place, pay by card and (optionally) ship and deliver an order of tea and cups. */
export const placedOrder = (
  shop: Shop,
  stage: 'placed' | 'paid' | 'delivered',
  orderId = 'o-1',
  lines: readonly OrderLine[] = [tea, cup],
): void => {
  const streamId = orderStreamId(orderId);
  const must = (refused: string | undefined) => {
    if (refused !== undefined) throw new Error(refused);
  };
  must(
    shop.order(
      streamId,
      orderCmd(
        'PlaceOrder',
        sampleCheckout({ orderId, lines: [...lines], paymentMethod: paymentMethods.card }),
        T(0),
        actors.customer,
      ),
    ),
  );
  if (stage === 'placed') return;
  const total = shop.state(orderId).totals.total;
  must(shop.order(streamId, orderCmd('RecordSale', { paymentId: 'pay-1', amount: total }, T(1), actors.provider)));
  if (stage === 'paid') return;
  must(shop.order(streamId, orderCmd('ConfirmOrder', {}, T(2))));
  must(shop.order(streamId, orderCmd('ShipOrder', { shipmentId: 's1' }, T(3))));
  must(shop.order(streamId, orderCmd('MarkDelivered', {}, T(4))));
};

export const begin = (
  shop: Shop,
  changeId: string,
  kind: 'edit' | 'return' | 'exchange' | 'claim',
  at: string,
  actor: Actor = actors.admin,
  extra: { resolution?: 'replace' | 'refund' } = {},
  orderId = 'o-1',
): string | undefined =>
  shop.change(
    changeId,
    changeCmd(
      'BeginOrderChange',
      { changeId, kind, basis: basisOf(shop.state(orderId), shop.history(orderId).length - 1), ...extra },
      at,
      actor,
    ),
  );
