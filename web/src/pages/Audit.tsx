// The audit log (审计日志): every change, newest first, filtered by entity, key, actor or
// request id, paged back with next_before; and the check of its hash chain.
import { FormEvent, ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';

import { get } from '../api';
import { Empty, ErrorMessage, Loading, PageTitle } from '../components';
import { dateTime, number } from '../format';
import { registerStrings } from '../i18n';
import './Approvals.common.css';
import './Audit.css';

registerStrings('audit', {
  'zh-CN': {
    entity: '对象类型',
    key: '对象编号',
    actor: '操作人',
    requestId: '请求编号',
    apply: '筛选',
    clear: '清除筛选',
    all: '全部',
    col: {
      id: '序号',
      at: '时间',
      actor: '操作人',
      entity: '对象',
      field: '字段',
      change: '变更',
      source: '来源',
      request: '请求编号',
    },
    more: '加载更早的记录',
    loadingMore: '正在加载…',
    end: '已到最早的记录。',
    shown: '已显示 {{count}} 条',
    filterBy: '按此筛选',
    verify: '校验哈希链',
    verifying: '正在校验…',
    verified: '审计日志校验通过：共 {{records}} 条记录，链完整、未被篡改。',
    head: '链头哈希',
    broken: '审计日志校验失败！',
    brokenAt: '第一条未通过校验的记录：{{record}}',
    brokenHint:
      '该记录或其之前的记录可能被修改、删除或调换了顺序。请立即保全数据库备份并通知安全负责人。',
    empty: '没有符合条件的审计记录。',
    entities: {
      action: '催收行动',
      approval: '审批',
      api_token: 'API 令牌',
      contact: '联系记录',
      customer: '客户',
      dispute: '争议',
      import: '导入',
      invoice: '发票',
      plan: '分期方案',
      policy: '策略',
      promise: '承诺付款',
      run: '每日运行',
      user: '用户',
    },
  },
  en: {
    entity: 'Entity',
    key: 'Key',
    actor: 'Actor',
    requestId: 'Request id',
    apply: 'Filter',
    clear: 'Clear filters',
    all: 'All',
    col: {
      id: 'No.',
      at: 'Time',
      actor: 'Actor',
      entity: 'Entity',
      field: 'Field',
      change: 'Change',
      source: 'Source',
      request: 'Request id',
    },
    more: 'Load older records',
    loadingMore: 'Loading…',
    end: 'This is the oldest record.',
    shown: '{{count}} shown',
    filterBy: 'Filter by this',
    verify: 'Verify chain',
    verifying: 'Verifying…',
    verified: 'Audit log verified: {{records}} records, the chain is intact.',
    head: 'Head hash',
    broken: 'The audit log does NOT verify!',
    brokenAt: 'First record that fails: {{record}}',
    brokenHint:
      'That record or one before it was altered, removed or reordered. Secure a copy of the database now and tell the security officer.',
    empty: 'No audit records match.',
    entities: {
      action: 'Action',
      approval: 'Approval',
      api_token: 'API token',
      contact: 'Contact',
      customer: 'Customer',
      dispute: 'Dispute',
      import: 'Import',
      invoice: 'Invoice',
      plan: 'Payment plan',
      policy: 'Policy',
      promise: 'Promise to pay',
      run: 'Daily run',
      user: 'User',
    },
  },
});

type AuditRecord = {
  id: number;
  at: string;
  actor: string;
  role: string;
  request_id: string;
  entity: string;
  key: string;
  field: string;
  old_value: string;
  new_value: string;
  source: string;
  hash: string;
};
type Page = { items: AuditRecord[]; next_before: number | null };
type Verify =
  | { valid: true; records: number; head_hash: string }
  | { valid: false; record: string; message: string };

const FILTERS = ['entity', 'key', 'actor', 'request_id'] as const;
type Filter = (typeof FILTERS)[number];
const LIMIT = 100;
const ENTITIES = [
  'action',
  'approval',
  'api_token',
  'contact',
  'customer',
  'dispute',
  'import',
  'invoice',
  'plan',
  'policy',
  'promise',
  'run',
  'user',
];

export default function Audit() {
  const { t } = useTranslation('audit');
  const { t: tc } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Record<
    Filter,
    string
  >;
  const filterKey = FILTERS.map((f) => filters[f]).join('\u0000');
  const [draft, setDraft] = useState(filters);
  const [items, setItems] = useState<AuditRecord[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const [verify, setVerify] = useState<Verify | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [verifying, setVerifying] = useState(false);

  const load = async (before: number | null, live: () => boolean = () => true) => {
    setLoading(true);
    setError(null);
    try {
      const page = await get<Page>('/api/v1/audit', {
        ...filters,
        before: before ?? undefined,
        limit: LIMIT,
      });
      if (!live()) return;
      setItems((old) => (before === null ? page.items : [...old, ...page.items]));
      setNext(page.next_before);
    } catch (e) {
      if (live()) setError(e);
    } finally {
      if (live()) setLoading(false);
    }
  };

  useEffect(() => {
    let live = true;
    setItems([]);
    setDraft(filters);
    void load(null, () => live);
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filterKey, version]);

  const apply = (values: Record<Filter, string>) => {
    const p = new URLSearchParams();
    for (const f of FILTERS) if (values[f].trim()) p.set(f, values[f].trim());
    setParams(p, { replace: false });
  };

  const runVerify = async () => {
    setVerifying(true);
    setVerifyError(null);
    setVerify(null);
    try {
      setVerify(await get<Verify>('/api/v1/audit/verify'));
    } catch (e) {
      setVerifyError(e);
    } finally {
      setVerifying(false);
    }
  };

  const filtered = FILTERS.some((f) => filters[f]);

  return (
    <div className="audit-page">
      <PageTitle
        actions={
          <button
            type="button"
            className="primary"
            onClick={runVerify}
            disabled={verifying}
            data-testid="audit-verify"
          >
            {verifying ? t('verifying') : t('verify')}
          </button>
        }
      >
        {tc('nav.audit')}
      </PageTitle>
      {verifyError !== null && <ErrorMessage error={verifyError} onRetry={runVerify} />}
      {verify && <VerifyResult result={verify} onClose={() => setVerify(null)} />}
      <form
        className="filters audit-filters"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <label>
          {t('entity')}
          <input
            list="audit-entities"
            value={draft.entity}
            onChange={(e) => setDraft({ ...draft, entity: e.target.value })}
            data-testid="audit-entity"
          />
          <datalist id="audit-entities">
            {ENTITIES.map((e) => (
              <option key={e} value={e}>
                {t(`entities.${e}`)}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          {t('key')}
          <input value={draft.key} onChange={(e) => setDraft({ ...draft, key: e.target.value })} />
        </label>
        <label>
          {t('actor')}
          <input
            value={draft.actor}
            onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
          />
        </label>
        <label>
          {t('requestId')}
          <input
            value={draft.request_id}
            onChange={(e) => setDraft({ ...draft, request_id: e.target.value })}
          />
        </label>
        <button type="submit">{t('apply')}</button>
        {filtered && (
          <button type="button" className="link" onClick={() => apply({ entity: '', key: '', actor: '', request_id: '' })}>
            {t('clear')}
          </button>
        )}
      </form>
      {error !== null && items.length === 0 ? (
        <ErrorMessage error={error} onRetry={() => setVersion((v) => v + 1)} />
      ) : items.length === 0 && loading ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty>{t('empty')}</Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table className="audit-table" data-testid="audit-table">
              <thead>
                <tr>
                  <th className="num">{t('col.id')}</th>
                  <th>{t('col.at')}</th>
                  <th>{t('col.actor')}</th>
                  <th>{t('col.entity')}</th>
                  <th>{t('col.field')}</th>
                  <th>{t('col.change')}</th>
                  <th className="hide-narrow">{t('col.source')}</th>
                  <th className="hide-narrow">{t('col.request')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr key={r.id} data-testid="audit-record" data-record-id={r.id}>
                    <td className="num muted" title={r.hash}>
                      {r.id}
                    </td>
                    <td className="nowrap">{dateTime(r.at)}</td>
                    <td>
                      <FilterLink onClick={() => apply({ ...filters, actor: r.actor })}>
                        {r.actor}
                      </FilterLink>
                      {r.role && (
                        <div className="muted small">
                          {tc(`role.${r.role}`, { defaultValue: r.role })}
                        </div>
                      )}
                    </td>
                    <td>
                      <FilterLink onClick={() => apply({ ...filters, entity: r.entity, key: '' })}>
                        {t(`entities.${r.entity}`, { defaultValue: r.entity })}
                      </FilterLink>{' '}
                      <FilterLink
                        onClick={() => apply({ ...filters, entity: r.entity, key: r.key })}
                        className="mono"
                      >
                        {r.key}
                      </FilterLink>
                    </td>
                    <td className="mono">{r.field}</td>
                    <td className="audit-change">
                      {r.old_value && <span className="old">{r.old_value}</span>}
                      {r.old_value && r.new_value && <span className="arrow"> → </span>}
                      {r.new_value && <span className="new">{r.new_value}</span>}
                    </td>
                    <td className="hide-narrow small">{r.source}</td>
                    <td className="hide-narrow">
                      {r.request_id && (
                        <FilterLink
                          onClick={() => apply({ ...filters, request_id: r.request_id })}
                          className="mono"
                        >
                          {r.request_id}
                        </FilterLink>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="load-more">
            <span className="muted">{t('shown', { count: items.length })}</span>
            {next !== null ? (
              <button
                type="button"
                onClick={() => load(next)}
                disabled={loading}
                data-testid="audit-more"
              >
                {loading ? t('loadingMore') : t('more')}
              </button>
            ) : (
              <span className="muted">{t('end')}</span>
            )}
          </div>
          {error !== null && <ErrorMessage error={error} onRetry={() => load(next)} />}
        </>
      )}
    </div>
  );
}

function FilterLink({
  children,
  onClick,
  className,
}: {
  children: ReactNode;
  onClick: () => void;
  className?: string;
}) {
  const { t } = useTranslation('audit');
  return (
    <button
      type="button"
      className={'link filter-link ' + (className ?? '')}
      onClick={onClick}
      title={t('filterBy')}
    >
      {children}
    </button>
  );
}

function VerifyResult({ result, onClose }: { result: Verify; onClose: () => void }) {
  const { t } = useTranslation('audit');
  const { t: tc } = useTranslation();
  return (
    <div
      className={'verify-result ' + (result.valid ? 'ok' : 'bad')}
      role={result.valid ? 'status' : 'alert'}
      data-testid="audit-verify-result"
      data-valid={result.valid}
    >
      <div className="verify-icon" aria-hidden="true">
        {result.valid ? '✓' : '✕'}
      </div>
      <div className="verify-text">
        {result.valid ? (
          <>
            <strong>{t('verified', { records: number(result.records) })}</strong>
            <div className="mono small">
              {t('head')}: {result.head_hash}
            </div>
          </>
        ) : (
          <>
            <strong>{t('broken')}</strong>
            <div>{t('brokenAt', { record: result.record })}</div>
            <div className="mono small">{result.message}</div>
            <div className="small">{t('brokenHint')}</div>
          </>
        )}
      </div>
      <button type="button" className="link" onClick={onClose}>
        {tc('close')}
      </button>
    </div>
  );
}
