import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

/**
 * Ids for adapters and handlers (never for deciders, which receive ids in
 * commands). `newId` is a time-ordered uuid v7. `derivedId` is deterministic:
 * the same inputs give the same uuid, so a reactor that re-runs after a crash
 * emits commands with the same commandIds and the handler appends nothing twice.
 */
export const newId = (): string => uuidv7();

const NAMESPACE = '5f0d2c7e-8b1a-4f5e-9c3d-0a7b6e4d2c19';

export const derivedId = (...parts: readonly (string | number)[]): string =>
  uuidv5(parts.map(String).join('\u001f'), NAMESPACE);
