/** Every variable and every literal goes through this before it reaches an HTML part. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * One HTML document for a message: `lang` and `dir` on the root so mail
 * clients lay out Persian right to left; paragraphs already escaped, with
 * every variable inside <bdi> so a Latin name or a number inside RTL text
 * keeps its own direction.
 */
export const htmlDocument = (
  parts: Readonly<{ language: string; dir: 'ltr' | 'rtl'; subject: string; paragraphs: readonly string[] }>,
): string => {
  const align = parts.dir === 'rtl' ? 'right' : 'left';
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(parts.language)}" dir="${parts.dir}">`,
    `<head><meta charset="utf-8"><title>${parts.subject}</title></head>`,
    `<body dir="${parts.dir}" style="font-family: sans-serif; text-align: ${align}; line-height: 1.5">`,
    ...parts.paragraphs.map((p) => `<p>${p}</p>`),
    '</body>',
    '</html>',
  ].join('\n');
};
