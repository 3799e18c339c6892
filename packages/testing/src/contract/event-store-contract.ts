import { describe } from 'vitest';
import type { EventStore } from '@ordersource/core';
import { newId } from '@ordersource/core';
import { argumentLawsFeature } from './argument-laws.js';
import { batchesFeature } from './batches.js';
import { envelopeFeature } from './envelope.js';
import { expectedRevisionFeature } from './expected-revision.js';
import { hostileRoundTripFeature } from './hostile-round-trip.js';
import { idempotencyFeature } from './idempotency.js';
import { invalidArgumentsFeature } from './invalid-arguments.js';
import { invalidBatchesFeature } from './invalid-batches.js';
import { modelBasedFeature } from './model-based.js';
import { readAllFeature } from './read-all.js';
import { readStreamFeature } from './read.js';
import { readForFoldFeature } from './read-for-fold.js';
import { subscribeFeature } from './subscribe.js';
import type { FeatureContext, Setup } from './support.js';

/**
 * The EventStore contract: every adapter (in-memory, PostgreSQL, PGlite, ...)
 * runs these vitest blocks against a fresh store from its factory. The tests
 * only touch streams under a prefix unique to each test, so a factory may hand
 * out stores that share storage (one database) and the suite still holds.
 * One feature per file, in the order below.
 */

export type StoreUnderTest = { store: EventStore; close?: () => Promise<void> };

export type ContractOptions = {
  /** true when the store has real parallel connections (not PGlite/in-memory) */
  parallelWriters?: boolean;
  /** Runs per fast-check law of the argument fuzz (default 1,000). */
  fuzzRuns?: number;
};

const FEATURES: readonly ((context: FeatureContext) => void)[] = [
  expectedRevisionFeature,
  batchesFeature,
  idempotencyFeature,
  invalidBatchesFeature,
  readStreamFeature,
  readForFoldFeature,
  envelopeFeature,
  readAllFeature,
  subscribeFeature,
  modelBasedFeature,
  hostileRoundTripFeature,
  invalidArgumentsFeature,
  argumentLawsFeature,
];

export const eventStoreContract = (
  name: string,
  factory: () => Promise<StoreUnderTest>,
  options?: ContractOptions,
): void => {
  /** A fresh store and a unique stream prefix for one test; always closed afterwards. */
  const withStore =
    (body: (setup: Setup) => Promise<void>): (() => Promise<void>) =>
    async () => {
      const sut = await factory();
      try {
        await body({ store: sut.store, prefix: `ct-${newId()}-` });
      } finally {
        if (sut.close !== undefined) await sut.close();
        else await sut.store.close();
      }
    };
  const context: FeatureContext = {
    withStore,
    parallel: options?.parallelWriters === true,
    fuzzRuns: options?.fuzzRuns ?? 1_000,
  };

  describe(`EventStore contract: ${name}`, () => {
    for (const feature of FEATURES) feature(context);
  });
};
