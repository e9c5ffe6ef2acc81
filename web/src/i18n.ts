// zh-CN by default, English one click away (the choice is kept in the browser). Each page
// registers its own strings (namespace = page) next to its code with registerStrings.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

import common from './locales/common';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
type Strings = { [key: string]: string | Strings };

const STORAGE_KEY = 'huikuan.language';
const saved = localStorage.getItem(STORAGE_KEY);

i18n.use(initReactI18next).init({
  lng: saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN',
  fallbackLng: 'en',
  defaultNS: 'common',
  resources: { 'zh-CN': { common: common['zh-CN'] }, en: { common: common.en } },
  interpolation: { escapeValue: false },
});
document.documentElement.lang = i18n.language;

i18n.on('languageChanged', (language) => {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
});

/** Adds a page's strings in both languages under namespace `ns`. */
export function registerStrings(ns: string, strings: Record<Language, Strings>) {
  for (const language of LANGUAGES) {
    if (!i18n.hasResourceBundle(language, ns)) {
      i18n.addResourceBundle(language, ns, strings[language]);
    }
  }
}

export default i18n;
