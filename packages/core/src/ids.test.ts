import { describe, expect, it } from 'vitest';
import { derivedId, newId } from './ids.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('ids', () => {
  it('newId is a uuid v7, unique and in creation order', () => {
    const ids = Array.from({ length: 2000 }, () => newId());
    expect(ids.every((id) => UUID.exec(id)?.[1] === '7')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('derivedId is a uuid v5 that depends on every part and on their order and boundaries', () => {
    const id = derivedId('reactor', 'mirror', 'e-1', 0);
    expect(UUID.exec(id)?.[1]).toBe('5');
    expect(derivedId('reactor', 'mirror', 'e-1', 0)).toBe(id);
    expect(derivedId('reactor', 'mirror', 'e-1', '0')).toBe(id);
    const others = [
      derivedId('reactor', 'mirror', 'e-1', 1),
      derivedId('reactor', 'mirror', 'e-2', 0),
      derivedId('reactor', 'mirro', 'r', 'e-1', 0),
      derivedId('mirror', 'reactor', 'e-1', 0),
      derivedId('reactor', 'mirrore-1', 0),
    ];
    expect(new Set([id, ...others]).size).toBe(others.length + 1);
  });
});
