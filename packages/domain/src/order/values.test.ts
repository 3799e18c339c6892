import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { VatRateCodec, vatBasisPoints } from './values.js';

describe('VAT rates of order lines', () => {
  it('REC-2: the 22% rate in force in Russia since 2026 is a named code worth 2,200 basis points', () => {
    const decoded = VatRateCodec.decode('vat22');
    expect(E.isRight(decoded)).toBe(true);
    expect(vatBasisPoints('vat22')).toBe(2200);
  });

  it('unknown codes are rejected rather than guessed', () => {
    expect(E.isLeft(VatRateCodec.decode('vat23'))).toBe(true);
    expect(vatBasisPoints({ basisPoints: 1900 })).toBe(1900);
  });
});
