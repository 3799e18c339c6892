import { describe, expect, it } from 'vitest';
import { checkPassword, DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword } from './password.js';
import { hashToken, newToken } from './tokens.js';

describe('CUS-1: scrypt password hashes (real hashing)', () => {
  it('a hash verifies its password only, carries its parameters and a fresh salt each time', async () => {
    const first = await hashPassword('mật khẩu của Mai');
    const second = await hashPassword('mật khẩu của Mai');
    expect(first).toMatch(/^scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword('mật khẩu của Mai', first)).toBe(true);
    expect(await verifyPassword('mật khẩu của mai', first)).toBe(false);
    expect(needsRehash(first)).toBe(false);
  });

  it('NFKC: the same password typed as composed or decomposed characters matches', async () => {
    const stored = await hashPassword('Nguyễn-2026');
    expect(await verifyPassword('Nguyễn-2026'.normalize('NFD'), stored)).toBe(true);
  });

  it('weaker stored parameters ask for a rehash; tampered or absurd hashes match nothing', async () => {
    const weak = await hashPassword('correct horse', { log2N: 12, r: 8, p: 1 });
    expect(await verifyPassword('correct horse', weak)).toBe(true);
    expect(needsRehash(weak, DEFAULT_SCRYPT)).toBe(true);
    expect(await verifyPassword('correct horse', weak.replace('ln=12', 'ln=30'))).toBe(false);
    expect(await verifyPassword('correct horse', weak.slice(0, -4))).toBe(false);
    expect(await verifyPassword('correct horse', 'plain')).toBe(false);
  });

  it('length rules only: 8 to 256 characters', () => {
    expect(checkPassword('short')).toBe('too-short');
    expect(checkPassword('x'.repeat(257))).toBe('too-long');
    expect(checkPassword('eight ch')).toBeUndefined();
  });
});

describe('tokens: 32 random bytes, only the SHA-256 is kept', () => {
  it('tokens are base64url of 32 bytes, all different; the hash is 64 hex digits', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newToken));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
