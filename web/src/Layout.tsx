import { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router-dom';

import { useAuth } from './auth';
import { PAGES } from './nav';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <button
      type="button"
      className="link language"
      data-testid="language-switch"
      onClick={() => i18n.changeLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}
    >
      {t('language.switch')}
    </button>
  );
}

export default function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { user, can, signOut } = useAuth();
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">{t('app')}</span>
        <nav aria-label="main">
          {PAGES.filter((p) => can(p.permission)).map((p) => (
            <NavLink key={p.key} to={p.path}>
              {t(`nav.${p.key}`)}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <LanguageSwitch />
          <span className="user" title={user?.team}>
            {user?.username} · {t(`role.${user?.role}`)}
          </span>
          <button type="button" className="link" onClick={() => signOut()}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <main>{children}</main>
    </div>
  );
}
