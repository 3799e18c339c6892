/**
 * uuid v7 (RFC 9562) for the command handler's event ids, made for the hot
 * path: one id per appended event. Same format and guarantees as `newId`
 * (a 48-bit millisecond timestamp, version 7, variant 10, 62 random bits),
 * strictly increasing within the process: a 12-bit counter in `rand_a`
 * starts at a random value below 2048 in each new millisecond and counts up;
 * when it runs out, or the clock steps back, the timestamp moves one
 * millisecond ahead of the clock rather than repeat or go back.
 *
 * Cheaper than the `uuid` package's v7 because the random bytes come from a
 * pool of 4 KiB (one `getRandomValues` per 409 ids instead of per 16) and the
 * text of the timestamp is built once per millisecond.
 */

type Crypto = { getRandomValues<T extends Uint8Array>(array: T): T };
const crypto = (globalThis as unknown as { crypto: Crypto }).crypto;

const HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const COUNTER: readonly string[] = Array.from({ length: 4096 }, (_, n) => `7${n.toString(16).padStart(3, '0')}`);

// 8 random bytes (62 bits used) per id, and 2 more to seed the counter of a new millisecond.
const BYTES_PER_ID = 10;
const pool = new Uint8Array(4090);
let next = pool.length;

let lastMs = -1;
let counter = 0;
/** "tttttttt-tttt-" for `lastMs`. */
let prefix = '';

const byte = (at: number): number => pool[at] as number;
const hex = (at: number): string => HEX[pool[at] as number] as string;

const startMillisecond = (ms: number, seedAt: number): void => {
  lastMs = ms;
  const digits = ms.toString(16).padStart(12, '0');
  prefix = `${digits.slice(0, 8)}-${digits.slice(8)}-`;
  // Below 2048: room to count up within the millisecond.
  counter = byte(seedAt) | ((byte(seedAt + 1) & 0x07) << 8);
};

export const uuidV7 = (): string => {
  if (next + BYTES_PER_ID > pool.length) {
    crypto.getRandomValues(pool);
    next = 0;
  }
  const at = next;
  next += BYTES_PER_ID;
  const now = Date.now();
  if (now > lastMs) startMillisecond(now, at + 8);
  // 4,096 ids in one millisecond, or the clock went back: borrow the next millisecond.
  else if (++counter > 0xfff) startMillisecond(lastMs + 1, at + 8);
  return (
    prefix +
    (COUNTER[counter] as string) +
    '-' +
    (HEX[(byte(at) & 0x3f) | 0x80] as string) +
    hex(at + 1) +
    '-' +
    hex(at + 2) +
    hex(at + 3) +
    hex(at + 4) +
    hex(at + 5) +
    hex(at + 6) +
    hex(at + 7)
  );
};
