// Users (用户管理): who may sign in, with which role; adding a user; API tokens for
// integrations (the secret is shown once, only its hash is kept).
import { FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError, del, get, post } from '../api';
import { useAuth } from '../auth';
import { Empty, errorText, Flash, FormError, Loaded, PageTitle, useData, useSubmit } from '../components';
import { dateTime } from '../format';
import { registerStrings } from '../i18n';
import './Approvals.common.css';
import './Users.css';

registerStrings('users', {
  'zh-CN': {
    count: '共 {{count}} 个用户',
    col: {
      username: '用户名',
      role: '角色',
      collector: '催收员编号',
      team: '团队',
      created: '创建时间',
      status: '状态',
    },
    active: '启用',
    disabled: '已停用',
    add: '添加用户',
    addTitle: '添加用户',
    username: '用户名',
    usernameHelp: '登录用，建议用拼音，如 li.wei',
    role: '角色',
    collectorId: '催收员编号',
    collectorHelp: '与客户资料中"催收员"一列一致，如 杨丽',
    collectorNone: '该角色不负责客户，无需填写',
    team: '团队',
    password: '初始密码',
    passwordHelp: '至少 12 个字符，请通过安全渠道告知本人',
    create: '添加',
    created: '已添加用户 {{username}}。',
    tokens: 'API 令牌',
    tokensIntro:
      '供 ERP 等系统对接使用。令牌代表所选用户，拥有该用户角色的权限。密钥只在创建时显示一次，系统只保存其哈希值。',
    tokenUser: '用户',
    tokenName: '令牌名称',
    tokenNamePlaceholder: '如 erp-sync',
    createToken: '创建令牌',
    secretTitle: '新令牌「{{name}}」（{{username}}）',
    secretOnce: '请立即复制并妥善保存：关闭后将无法再次查看此密钥。',
    copy: '复制',
    copied: '已复制',
    copyFailed: '无法自动复制，请手动选中复制。',
    dismiss: '我已保存',
    sessionTokens: '本次创建的令牌',
    tokenId: '编号',
    revoke: '吊销',
    revoked: '已吊销',
    revokeConfirm: '再点一次“确认吊销”即吊销令牌 #{{id}}，使用它的系统将立即无法访问。',
    revokeSure: '确认吊销',
    revokeById: '按编号吊销令牌',
    revokeByIdHelp: '令牌编号见审计日志（api_token）。',
    revokedOk: '令牌 #{{id}} 已吊销。',
    readOnly: '您可以查看用户，只有管理员可以添加用户或管理令牌。',
    pickUser: '请选择用户',
  },
  en: {
    count: '{{count}} users',
    col: {
      username: 'Username',
      role: 'Role',
      collector: 'Collector id',
      team: 'Team',
      created: 'Created',
      status: 'Status',
    },
    active: 'Active',
    disabled: 'Disabled',
    add: 'Add user',
    addTitle: 'Add a user',
    username: 'Username',
    usernameHelp: 'For signing in, e.g. li.wei',
    role: 'Role',
    collectorId: 'Collector id',
    collectorHelp: 'As in the customers’ “collector” column, e.g. 杨丽',
    collectorNone: 'This role holds no cases',
    team: 'Team',
    password: 'Initial password',
    passwordHelp: 'At least 12 characters; hand it over safely',
    create: 'Add',
    created: 'User {{username}} added.',
    tokens: 'API tokens',
    tokensIntro:
      'For integrations such as the ERP. A token acts as the user chosen, with that user’s role. Its secret is shown once, when it is created; only a hash is kept.',
    tokenUser: 'User',
    tokenName: 'Token name',
    tokenNamePlaceholder: 'e.g. erp-sync',
    createToken: 'Create token',
    secretTitle: 'New token “{{name}}” ({{username}})',
    secretOnce: 'Copy it now and keep it safe: once closed, this secret cannot be shown again.',
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'Could not copy automatically: select and copy it by hand.',
    dismiss: 'I have saved it',
    sessionTokens: 'Tokens created here',
    tokenId: 'Id',
    revoke: 'Revoke',
    revoked: 'Revoked',
    revokeConfirm: 'Click “Yes, revoke” to revoke token #{{id}}: systems using it lose access at once.',
    revokeSure: 'Yes, revoke',
    revokeById: 'Revoke a token by id',
    revokeByIdHelp: 'Token ids are in the audit log (api_token).',
    revokedOk: 'Token #{{id}} revoked.',
    readOnly: 'You can see the users; only administrators can add users or manage tokens.',
    pickUser: 'Choose a user',
  },
});

const ROLES = [
  'collector',
  'supervisor',
  'legal',
  'director',
  'general_manager',
  'finance',
  'sales',
  'credit',
  'auditor',
  'admin',
] as const;
// The roles that hold cases, and so carry a collector id.
const CASE_ROLES = new Set(['collector', 'supervisor', 'director', 'general_manager']);

type User = {
  id: number;
  username: string;
  role: string;
  collector_id: string;
  team: string;
  created_at: string;
  disabled: boolean;
};
type Token = { id: number; name: string; username: string; secret: string; created_at: string };

export default function Users() {
  const { t } = useTranslation('users');
  const { t: tc } = useTranslation();
  const { can } = useAuth();
  const state = useData(() => get<{ items: User[]; total?: number }>('/api/v1/users'), []);
  const [adding, setAdding] = useState(false);
  const [flash, setFlash] = useState<string | null>(null);
  const writable = can('users.write');

  return (
    <div className="users-page">
      <PageTitle
        actions={
          writable && (
            <button
              type="button"
              className="primary"
              onClick={() => setAdding(!adding)}
              data-testid="user-add"
              aria-expanded={adding}
            >
              {t('add')}
            </button>
          )
        }
      >
        {tc('nav.users')}
      </PageTitle>
      {!writable && <div className="notice">{t('readOnly')}</div>}
      <Flash message={flash} />
      {adding && writable && (
        <AddUser
          onCancel={() => setAdding(false)}
          onDone={(username) => {
            setAdding(false);
            setFlash(t('created', { username }));
            state.reload();
          }}
        />
      )}
      <Loaded state={state}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty />
          ) : (
            <>
              <div className="muted small users-count">{t('count', { count: data.total ?? data.items.length })}</div>
              <div className="table-wrap">
                <table data-testid="users">
                  <thead>
                    <tr>
                      <th>{t('col.username')}</th>
                      <th>{t('col.role')}</th>
                      <th>{t('col.collector')}</th>
                      <th>{t('col.team')}</th>
                      <th className="hide-narrow">{t('col.created')}</th>
                      <th>{t('col.status')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...data.items]
                      .sort((a, b) => a.username.localeCompare(b.username))
                      .map((u) => (
                        <tr key={u.id} data-username={u.username}>
                          <td>
                            <strong>{u.username}</strong>
                          </td>
                          <td>{tc(`role.${u.role}`, { defaultValue: u.role })}</td>
                          <td>{u.collector_id || <span className="muted">—</span>}</td>
                          <td>{u.team || <span className="muted">—</span>}</td>
                          <td className="hide-narrow nowrap">{dateTime(u.created_at)}</td>
                          <td>
                            <span className={'badge ' + (u.disabled ? '' : 'green')}>
                              {u.disabled ? t('disabled') : t('active')}
                            </span>
                          </td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </div>
              {writable && <Tokens users={data.items} />}
            </>
          )
        }
      </Loaded>
    </div>
  );
}

function AddUser({ onCancel, onDone }: { onCancel: () => void; onDone: (u: string) => void }) {
  const { t } = useTranslation('users');
  const { t: tc } = useTranslation();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<string>('collector');
  const [collectorId, setCollectorId] = useState('');
  const [team, setTeam] = useState('');
  const [password, setPassword] = useState('');
  const holdsCases = CASE_ROLES.has(role);

  const { busy, error, submit } = useSubmit(async () => {
    await post('/api/v1/users', {
      username: username.trim(),
      role,
      collector_id: holdsCases ? collectorId.trim() : '',
      team: team.trim(),
      password,
    });
    onDone(username.trim());
  });

  return (
    <form className="card user-form" onSubmit={submit} data-testid="user-form">
      <h2>{t('addTitle')}</h2>
      <div className="user-form-grid">
        <label>
          {t('username')}
          <input
            name="new-username"
            required
            autoFocus
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <span className="help">{t('usernameHelp')}</span>
        </label>
        <label>
          {t('role')}
          <select name="role" value={role} onChange={(e) => setRole(e.target.value)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {tc(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('collectorId')}
          <input
            name="collector_id"
            value={holdsCases ? collectorId : ''}
            disabled={!holdsCases}
            onChange={(e) => setCollectorId(e.target.value)}
          />
          <span className="help">{holdsCases ? t('collectorHelp') : t('collectorNone')}</span>
        </label>
        <label>
          {t('team')}
          <input name="team" value={team} onChange={(e) => setTeam(e.target.value)} />
        </label>
        <label>
          {t('password')}
          <input
            name="new-password"
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <span className="help">{t('passwordHelp')}</span>
        </label>
      </div>
      <FormError error={error} />
      <div className="buttons start">
        <button type="submit" className="primary" disabled={busy}>
          {t('create')}
        </button>
        <button type="button" onClick={onCancel}>
          {tc('cancel')}
        </button>
      </div>
    </form>
  );
}

function Tokens({ users }: { users: User[] }) {
  const { t } = useTranslation('users');
  const [username, setUsername] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fresh, setFresh] = useState<Token | null>(null);
  const [created, setCreated] = useState<(Token & { revoked?: boolean })[]>([]);
  const [revokeId, setRevokeId] = useState('');
  const [flash, setFlash] = useState<string | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFlash(null);
    try {
      const token = await post<Token>('/api/v1/tokens', { username, name: name.trim() });
      setFresh(token);
      setCreated((list) => [token, ...list]);
      setName('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // Two steps instead of window.confirm: the first click arms, the second revokes.
  const [armed, setArmed] = useState<number | null>(null);
  const revoke = async (id: number) => {
    if (armed !== id) {
      setArmed(id);
      return;
    }
    setArmed(null);
    setError(null);
    setFlash(null);
    try {
      await del(`/api/v1/tokens/${id}`);
      setCreated((list) => list.map((x) => (x.id === id ? { ...x, revoked: true } : x)));
      if (fresh?.id === id) setFresh(null);
      setFlash(t('revokedOk', { id }));
      setRevokeId('');
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card tokens" data-testid="tokens">
      <h2>{t('tokens')}</h2>
      <p className="muted">{t('tokensIntro')}</p>
      <form className="token-form" onSubmit={create}>
        <label>
          {t('tokenUser')}
          <select
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="token-user"
          >
            <option value="">{t('pickUser')}</option>
            {users
              .filter((u) => !u.disabled)
              .map((u) => (
                <option key={u.id} value={u.username}>
                  {u.username}
                </option>
              ))}
          </select>
        </label>
        <label>
          {t('tokenName')}
          <input
            required
            value={name}
            placeholder={t('tokenNamePlaceholder')}
            onChange={(e) => setName(e.target.value)}
            data-testid="token-name"
          />
        </label>
        <button type="submit" className="primary" disabled={busy} data-testid="token-create">
          {t('createToken')}
        </button>
      </form>
      {fresh && <Secret token={fresh} onDismiss={() => setFresh(null)} />}
      <Flash message={flash} />
      {error !== null && (
        <div className="error" role="alert">
          {error instanceof ApiError && error.status === 404 ? error.message : errorText(error)}
        </div>
      )}
      {created.length > 0 && (
        <>
          <h3>{t('sessionTokens')}</h3>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t('tokenId')}</th>
                  <th>{t('tokenName')}</th>
                  <th>{t('tokenUser')}</th>
                  <th>{t('col.created')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {created.map((x) => (
                  <tr key={x.id}>
                    <td>#{x.id}</td>
                    <td>{x.name}</td>
                    <td>{x.username}</td>
                    <td className="nowrap">{dateTime(x.created_at)}</td>
                    <td>
                      {x.revoked ? (
                        <span className="badge">{t('revoked')}</span>
                      ) : (
                        <button
                          type="button"
                          className="danger"
                          onClick={() => revoke(x.id)}
                          onBlur={() => setArmed(null)}
                        >
                          {armed === x.id ? t('revokeSure') : t('revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <form
        className="token-form revoke-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (/^\d+$/.test(revokeId.trim())) void revoke(Number(revokeId.trim()));
        }}
      >
        <label>
          {t('revokeById')}
          <input
            inputMode="numeric"
            pattern="\d+"
            required
            value={revokeId}
            onChange={(e) => {
              setRevokeId(e.target.value);
              setArmed(null);
            }}
          />
        </label>
        <button type="submit" className="danger" data-testid="token-revoke-by-id">
          {armed !== null && String(armed) === revokeId.trim() ? t('revokeSure') : t('revoke')}
        </button>
        <span className="help">{t('revokeByIdHelp')}</span>
      </form>
      {armed !== null && <div className="notice">{t('revokeConfirm', { id: armed })}</div>}
    </section>
  );
}

function Secret({ token, onDismiss }: { token: Token; onDismiss: () => void }) {
  const { t } = useTranslation('users');
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.secret);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="token-secret" data-testid="token-secret" role="status">
      <strong>{t('secretTitle', { name: token.name, username: token.username })}</strong>
      <div className="notice">{t('secretOnce')}</div>
      <div className="secret-row">
        <input
          readOnly
          value={token.secret}
          className="mono"
          onFocus={(e) => e.currentTarget.select()}
          data-testid="token-secret-value"
          aria-label={t('secretTitle', { name: token.name, username: token.username })}
        />
        <button type="button" className="primary" onClick={copy} data-testid="token-copy">
          {copied === 'yes' ? t('copied') : t('copy')}
        </button>
        <button type="button" onClick={onDismiss}>
          {t('dismiss')}
        </button>
      </div>
      {copied === 'failed' && <div className="muted small">{t('copyFailed')}</div>}
    </div>
  );
}
