/**
 * ISO 4217 active currency codes and their minor-unit exponents. Codes not
 * listed are rejected: a typo like "RUR" or "EURO" must never become money.
 * Exponent 0: no minor unit (JPY), 3: thousandths (KWD).
 */
const ZERO = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const THREE = 'BHD IQD JOD KWD LYD OMR TND';
const FOUR = 'CLF UYW';
const TWO =
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY COP ' +
  'CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR ' +
  'JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN ' +
  'NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP ' +
  'SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD XCG YER ZAR ZMW ZWG';

const table = new Map<string, number>();
for (const [codes, exponent] of [
  [ZERO, 0],
  [TWO, 2],
  [THREE, 3],
  [FOUR, 4],
] as const) {
  for (const code of codes.split(' ')) table.set(code, exponent);
}

export const isCurrency = (code: unknown): code is string => typeof code === 'string' && table.has(code);

/** Digits after the decimal point for a currency (2 for EUR, 0 for JPY). */
export const minorUnitExponent = (currency: string): number | undefined => table.get(currency);

export const currencies = (): readonly string[] => [...table.keys()];
