// String lookup: t('key', {n: 2}) returns the text for the page's language with {n} filled in.
// English and Simplified Chinese; a new language is a catalogue file registered in `catalogues`.
import { en, type Catalogue, type StringKey } from './en';
import { zh } from './zh';

const catalogues: Record<string, Catalogue> = { en, zh };

function pickLanguage(): string {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (base in catalogues) return base;
  }
  return 'en';
}

export const language = pickLanguage();
const current: Catalogue = catalogues[language];

export function t(key: StringKey, params: Record<string, string | number> = {}): string {
  const text = current[key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
