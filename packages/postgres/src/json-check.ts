/**
 * JSON would silently change some JavaScript values (undefined keys vanish,
 * NaN becomes null, a Date becomes a string, a Map becomes {}), and
 * PostgreSQL rejects NUL characters and lone surrogates in text. Payloads are
 * checked first so such a value is refused with its path instead of being
 * stored differently from what was given.
 */
export const jsonProblem = (value: unknown, path = '$'): string | undefined => {
  switch (typeof value) {
    case 'string':
      return textProblem(value, path);
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${String(value)}, which JSON cannot hold`;
    case 'boolean':
      return undefined;
    case 'object': {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) return `${path}[${i}] is a hole, which JSON would turn into null`;
          const problem = jsonProblem(value[i], `${path}[${i}]`);
          if (problem !== undefined) return problem;
        }
        return undefined;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null)
        return `${path} is a ${value.constructor?.name ?? 'non-plain object'}, which JSON would not keep as it is`;
      for (const [key, item] of Object.entries(value)) {
        const keyProblem = textProblem(key, `${path} key ${JSON.stringify(key)}`);
        if (keyProblem !== undefined) return keyProblem;
        const problem = jsonProblem(item, `${path}.${key}`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return `${path} is ${typeof value}, which JSON cannot hold`;
  }
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const textProblem = (text: string, what: string): string | undefined => {
  if (text.includes('\u0000')) return `${what} contains a NUL character, which PostgreSQL cannot store`;
  if (LONE_SURROGATE.test(text)) return `${what} contains a lone surrogate, which is not valid Unicode`;
  return undefined;
};
