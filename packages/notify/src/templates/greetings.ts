/** The salutation each customer-facing template opens with, per language. */
export const hello = {
  en: 'Hello {$customerName},',
  vi: 'Xin chào {$customerName},',
  fr: 'Bonjour {$customerName},',
  'zh-Hant': '{$customerName} 您好:',
  ru: 'Здравствуйте, {$customerName}!',
  fa: '{$customerName} عزیز، سلام',
} as const;
