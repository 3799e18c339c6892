/**
 * The languages the built-in templates speak: English plus the seeds' own
 * (Vietnamese, French, Traditional Chinese, Russian, Persian). A shop may add
 * more through overrides; any language resolves to the closest one a template
 * has, and finally to English.
 */
export const builtInLanguages = ['en', 'vi', 'fr', 'zh-Hant', 'ru', 'fa'] as const;
export type BuiltInLanguage = (typeof builtInLanguages)[number];

export const fallbackLanguage = 'en';

const rtlScripts = new Set(['Arab', 'Hebr', 'Thaa', 'Syrc', 'Nkoo', 'Adlm', 'Rohg']);

/** The writing direction of a language tag, from its likely script (fa -> Arab -> rtl). */
export const directionOf = (language: string): 'ltr' | 'rtl' => {
  try {
    const script = new Intl.Locale(language).maximize().script;
    return script !== undefined && rtlScripts.has(script) ? 'rtl' : 'ltr';
  } catch {
    return 'ltr';
  }
};

/**
 * The tags to try, most specific first: "zh-TW" -> zh-TW, zh-Hant-TW, zh-Hant, zh;
 * "fa-IR" -> fa-IR, fa. Script subtags matter for Chinese (Traditional vs
 * Simplified), so the maximized script is tried before the bare language.
 */
export const candidateLanguages = (language: string): readonly string[] => {
  const out: string[] = [language];
  try {
    const locale = new Intl.Locale(language);
    const max = locale.maximize();
    if (max.script !== undefined) {
      if (max.region !== undefined) out.push(`${max.language}-${max.script}-${max.region}`);
      out.push(`${max.language}-${max.script}`);
    }
    out.push(locale.language);
  } catch {
    // Not a well-formed tag: only the exact text and the fallback are tried.
  }
  return [...new Set(out)];
};

/** The first candidate the template has, else the fallback language. */
export const resolveLanguage = (language: string, available: ReadonlySet<string>): string =>
  candidateLanguages(language).find((tag) => available.has(tag)) ?? fallbackLanguage;
