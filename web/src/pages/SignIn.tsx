import { FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useAuth } from '../auth';
import { errorText } from '../components';
import { registerStrings } from '../i18n';
import { LanguageSwitch } from '../Layout';

registerStrings('signin', {
  'zh-CN': {
    title: '登录回款',
    subtitle: '应收账款催收系统',
    username: '用户名',
    password: '密码',
    submit: '登录',
    wrong: '用户名或密码不正确。',
    expired: '登录已过期，请重新登录。',
  },
  en: {
    title: 'Sign in to Huikuan',
    subtitle: 'Receivables collection',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    wrong: 'The username or password is not right.',
    expired: 'Your session has ended. Please sign in again.',
  },
});

export default function SignIn() {
  const { t } = useTranslation(['signin', 'common']);
  const { signIn, expired } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(username, password);
    } catch (e) {
      const status = (e as { status?: number }).status;
      setError(status === 401 ? t('wrong') : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="signin">
      <form onSubmit={submit} className="card">
        <div className="signin-head">
          <h1>{t('title')}</h1>
          <LanguageSwitch />
        </div>
        <p className="muted">{t('subtitle')}</p>
        {expired && !error && <div className="notice">{t('expired')}</div>}
        {error && (
          <div className="error" role="alert">
            {error}
          </div>
        )}
        <label>
          {t('username')}
          <input
            name="username"
            autoComplete="username"
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          {t('password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {t('submit')}
        </button>
      </form>
    </div>
  );
}
