/**
 * The intent id as an RFC 5322 Message-ID: `<id@domain>`. Characters a
 * dot-atom may not hold are written as "=XX" (and "=" itself), so two
 * different ids never share a Message-ID and the same id always gives the
 * same one, which is what lets a receiving system drop a retried copy.
 */
const ATEXT = /[A-Za-z0-9!#$%&'*+/?^_`{|}~-]/;

export const messageIdFor = (id: string, domain: string): string => {
  let out = '';
  for (const byte of Buffer.from(id, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && ATEXT.test(char) ? char : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `<${out}@${domain}>`;
};
