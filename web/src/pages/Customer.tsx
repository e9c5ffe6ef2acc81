// Customer 360 (客户全景): who the customer is, what they owe and how old it is, the document
// chain behind every open item, everything that happened (timeline), today's planned actions,
// and recording a contact, promise or dispute in a few keystrokes (c / p / d).
import { FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router-dom';

import { get, post } from '../api';
import { useAuth } from '../auth';
import { errorText, Loaded, useData } from '../components';
import { date, isPositive, money, number, percent } from '../format';
import { registerStrings } from '../i18n';
import { RecordForm, RecordMode } from './CustomerRecord';
import {
  addDecimals,
  Badge,
  channelIcon,
  compareDecimals,
  CreditBadge,
  DaysOverdue,
  GradeBadge,
  Icon,
  localClock,
  StageBadge,
  sumByCurrency,
  timeOf,
  typing,
  useLabel,
} from './CustomerShared';
import { Documents } from './CustomerDocuments';
import { Timeline } from './CustomerTimeline';
import type { AgingRow, Customer360, PlannedAction } from './CustomerTypes';
import type { WorklistItem } from './Worklist';
import './Customer.css';

registerStrings('customer', {
  'zh-CN': {
    back: { worklist: '返回工作台', customers: '返回客户列表' },
    meta: {
      region: '区域',
      industry: '行业',
      collector: '催收员',
      terms: '账期',
      termsDays: '{{count}} 天',
      currency: '币种',
      variant: '策略版本',
    },
    kpi: {
      open: '未结金额',
      overdue: '逾期金额',
      disputed: '争议金额',
      oldest: '最长逾期',
      unapplied: '另有未核销回款 {{amount}}，净额 {{net}}',
      creditUse: '信用额度使用',
      creditOf: '{{open}} / 额度 {{limit}}',
      noLimit: '未设信用额度',
      over: '超出额度 {{pct}}',
      none: '—',
    },
    aging: {
      title: '账龄分布',
      not_due: '未到期',
      range: '{{from}}–{{to}} 天',
      over: '{{from}} 天以上',
      total: '合计 {{amount}}',
      empty: '没有未结金额。',
    },
    record: {
      contact: '记录联系',
      promise: '记录承诺',
      dispute: '记录争议',
    },
    recordShort: { contact: '记录联系', promise: '记录承诺', dispute: '记录争议' },
    saved: {
      contact: '联系已记录。',
      promise: '付款承诺已记录。',
      dispute: '争议已登记，请在 48 小时内答复。',
      complete: '行动已完成。',
      skip: '行动已跳过。',
    },
    from: '来自工作台',
    rank: '工作台：{{class}} 类 · {{strategy}} · 优先分 {{score}}',
    contactCard: {
      title: '联系方式',
      phone: '电话',
      email: '邮箱',
      localTime: '客户当地时间',
      language: '语言',
      country: '国家/地区',
      dnc: '该客户已标记为“请勿联系”：不要主动联系，只记录客户来电或来函。',
      blacklisted: '该客户在黑名单中（恶意拖欠）：按公司规定处理，注意风险。',
      lastContact: '最近联系：{{when}}（{{outcome}}）',
      neverContacted: '还没有联系记录。',
      masked: '号码和邮箱已部分隐藏',
    },
    actions: {
      title: '计划行动',
      empty: '今天没有计划中的行动。',
      complete: '完成',
      skip: '跳过',
      outcome: '结果',
      note: '备注',
      reason: '跳过原因',
      reasonPlaceholder: '例如：客户已付款、已改为上门',
      confirm: '确认',
      cancel: '取消',
      assigned: '负责人 {{who}}',
      localTime: '客户当地时间',
      invoices: '涉及 {{ids}}',
    },
    notFoundHint: '客户编号：{{id}}',
  },
  en: {
    back: { worklist: 'Back to worklist', customers: 'Back to customers' },
    meta: {
      region: 'Region',
      industry: 'Industry',
      collector: 'Collector',
      terms: 'Terms',
      termsDays: '{{count}} days',
      currency: 'Currency',
      variant: 'Policy variant',
    },
    kpi: {
      open: 'Open',
      overdue: 'Overdue',
      disputed: 'Disputed',
      oldest: 'Oldest item',
      unapplied: 'plus {{amount}} unapplied cash; net {{net}}',
      creditUse: 'Credit limit use',
      creditOf: '{{open}} of {{limit}}',
      noLimit: 'No credit limit set',
      over: '{{pct}} over the limit',
      none: '—',
    },
    aging: {
      title: 'Aging',
      not_due: 'Not due',
      range: '{{from}}–{{to}} days',
      over: 'over {{from}} days',
      total: 'Total {{amount}}',
      empty: 'Nothing open.',
    },
    record: {
      contact: 'Record contact',
      promise: 'Record promise',
      dispute: 'Record dispute',
    },
    recordShort: { contact: 'Contact', promise: 'Promise', dispute: 'Dispute' },
    saved: {
      contact: 'Contact recorded.',
      promise: 'Promise to pay recorded.',
      dispute: 'Dispute opened: answer within 48 hours.',
      complete: 'Action completed.',
      skip: 'Action skipped.',
    },
    from: 'From the worklist',
    rank: 'Worklist: class {{class}} · {{strategy}} · priority {{score}}',
    contactCard: {
      title: 'Contact',
      phone: 'Phone',
      email: 'E-mail',
      localTime: "Customer's local time",
      language: 'Language',
      country: 'Country',
      dnc: 'Marked “do not contact”: do not reach out; record only contacts the customer starts.',
      blacklisted: 'Blacklisted (malicious debtor): follow company rules and mind the risk.',
      lastContact: 'Last contact: {{when}} ({{outcome}})',
      neverContacted: 'No contact recorded yet.',
      masked: 'phone and e-mail partly hidden',
    },
    actions: {
      title: 'Planned actions',
      empty: 'No action planned for today.',
      complete: 'Complete',
      skip: 'Skip',
      outcome: 'Outcome',
      note: 'Note',
      reason: 'Reason for skipping',
      reasonPlaceholder: 'e.g. customer paid, visiting instead',
      confirm: 'Confirm',
      cancel: 'Cancel',
      assigned: 'for {{who}}',
      localTime: "customer's local time",
      invoices: 'invoices {{ids}}',
    },
    notFoundHint: 'Customer id: {{id}}',
  },
});

const BUCKET_COLORS = ['#3a9d5d', '#e8b931', '#e39b2d', '#dd7a2f', '#d4553a', '#b8302b', '#7d1d1a'];

function bucketColor(index: number, count: number) {
  if (count <= BUCKET_COLORS.length) {
    // not due is green; the rest spread from amber to dark red
    if (index === 0) return BUCKET_COLORS[0];
    const step = (BUCKET_COLORS.length - 1) / Math.max(count - 1, 1);
    return BUCKET_COLORS[Math.min(BUCKET_COLORS.length - 1, Math.round(index * step))];
  }
  return BUCKET_COLORS[Math.min(index, BUCKET_COLORS.length - 1)];
}

export default function Customer() {
  const { id = '' } = useParams();
  const location = useLocation();
  const { t } = useTranslation('customer');
  const { can } = useAuth();
  const canWork = can('cases.work');
  const state = useData(() => get<Customer360>(`/api/v1/customers/${encodeURIComponent(id)}`), [id]);
  const [mode, setMode] = useState<RecordMode | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const from = (location.state as { from?: string; item?: WorklistItem } | null) ?? null;
  const backTo = from?.from === 'worklist' ? 'worklist' : 'customers';

  useEffect(() => {
    setMode(null);
    setMessage(null);
  }, [id]);

  useEffect(() => {
    if (!message) return;
    const handle = window.setTimeout(() => setMessage(null), 6000);
    return () => window.clearTimeout(handle);
  }, [message]);

  useEffect(() => {
    if (!canWork) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
      const next = ({ c: 'contact', p: 'promise', d: 'dispute' } as Record<string, RecordMode>)[event.key];
      if (next) {
        event.preventDefault();
        setMessage(null);
        setMode(next);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [canWork]);

  const saved = useCallback(
    (text: string, next?: RecordMode) => {
      setMessage(text);
      setMode(next ?? null);
      state.reload();
    },
    [state],
  );

  return (
    <div className="c360">
      <div className="c360-back">
        <Link to={backTo === 'worklist' ? '/worklist' : '/customers'}>← {t(`back.${backTo}`)}</Link>
      </div>
      <Loaded state={state}>
        {(data) => (
          <>
            <Header
              data={data}
              item={from?.item?.customer_id === data.customer.id ? from.item : undefined}
              canWork={canWork}
              mode={mode}
              onRecord={(m) => {
                setMessage(null);
                setMode(mode === m ? null : m);
              }}
            />
            {message && (
              <div className="success flash" role="status" data-testid="record-success">
                ✓ {message}
              </div>
            )}
            {mode && canWork && (
              <RecordForm
                key={mode}
                data={data}
                mode={mode}
                onClose={() => setMode(null)}
                onSaved={saved}
              />
            )}
            <Summary data={data} />
            <div className="c360-layout">
              <div className="c360-main">
                <AgingBars data={data} />
                <ActionsPanel data={data} canWork={canWork} onDone={(text) => saved(text)} />
                <Documents data={data} />
              </div>
              <div className="c360-side">
                <ContactCard data={data} />
                <Timeline data={data} />
              </div>
            </div>
          </>
        )}
      </Loaded>
    </div>
  );
}

function Header({
  data,
  item,
  canWork,
  mode,
  onRecord,
}: {
  data: Customer360;
  item?: WorklistItem;
  canWork: boolean;
  mode: RecordMode | null;
  onRecord: (mode: RecordMode) => void;
}) {
  const { t } = useTranslation('customer');
  const label = useLabel();
  const c = data.customer;
  const k = data.classification;
  return (
    <header className="card c360-header">
      <div className="c360-identity">
        <div className="c360-name">
          <h1>{c.name}</h1>
          <span className="mono subtle">{c.id}</span>
        </div>
        <div className="c360-badges">
          <StageBadge stage={k.stage} />
          <GradeBadge grade={k.overdue_grade} />
          <CreditBadge grade={k.credit_grade || c.credit_grade} />
          {item?.class && <Badge tone="blue">{t('cust:classShort', { class: item.class })}</Badge>}
          {c.type && <Badge>{label('type', c.type)}</Badge>}
          {c.importance && <Badge>{label('importance', c.importance)}</Badge>}
          {c.do_not_contact && (
            <Badge tone="solid-red">
              <Icon name="dispute" size={12} /> {t('cust:doNotContact')}
            </Badge>
          )}
          {c.blacklisted && <Badge tone="solid-red">{t('cust:blacklisted')}</Badge>}
        </div>
        <dl className="c360-meta">
          {c.region && (
            <div>
              <dt>{t('meta.region')}</dt>
              <dd>{c.region}</dd>
            </div>
          )}
          {c.industry && (
            <div>
              <dt>{t('meta.industry')}</dt>
              <dd>{c.industry}</dd>
            </div>
          )}
          <div>
            <dt>{t('meta.collector')}</dt>
            <dd>{c.collector || '—'}</dd>
          </div>
          <div>
            <dt>{t('meta.terms')}</dt>
            <dd>{t('meta.termsDays', { count: c.payment_terms_days })}</dd>
          </div>
          {c.currency && (
            <div>
              <dt>{t('meta.currency')}</dt>
              <dd>{c.currency}</dd>
            </div>
          )}
        </dl>
        {item && (
          <div className="c360-rank subtle">
            {t('rank', {
              class: item.class,
              strategy: label('strategy', item.strategy),
              score: number(item.priority, 0),
            })}
          </div>
        )}
      </div>
      {canWork && (
        <div className="c360-record" role="toolbar" aria-label={t('record.contact')}>
          {(['contact', 'promise', 'dispute'] as RecordMode[]).map((m) => (
            <button
              key={m}
              type="button"
              className={mode === m ? 'primary' : ''}
              data-testid={`record-${m}`}
              aria-pressed={mode === m}
              onClick={() => onRecord(m)}
            >
              <Icon name={m === 'contact' ? 'phone' : m} />
              <span className="long-label">{t(`record.${m}`)}</span>
              <span className="short-label">{t(`recordShort.${m}`)}</span>
              <kbd aria-hidden="true">{m[0]}</kbd>
            </button>
          ))}
        </div>
      )}
    </header>
  );
}

function overdueOf(row: AgingRow, buckets: string[]) {
  return addDecimals(...buckets.filter((b) => b !== 'not_due').map((b) => row[b]));
}

function Summary({ data }: { data: Customer360 }) {
  const { t } = useTranslation('customer');
  const c = data.customer;
  const rows = data.aging.currencies;
  const disputed = sumByCurrency(
    data.open_invoices.filter((i) => isPositive(i.disputed)),
    (i) => i.disputed,
    (i) => i.currency,
  );
  const openRow = rows.find((r) => r.currency === c.currency);
  const limit = c.credit_limit;
  const openInLimitCurrency = openRow?.open ?? '0';
  const ratio = limit && isPositive(limit) ? Number(openInLimitCurrency) / Number(limit) : null;
  const over = limit ? compareDecimals(openInLimitCurrency, limit) > 0 : false;
  const lines = (values: { currency: string; amount: string }[], tone?: string) =>
    values.filter((v) => isPositive(v.amount)).length === 0 ? (
      <div className="value">{t('kpi.none')}</div>
    ) : (
      values
        .filter((v) => isPositive(v.amount))
        .map((v) => (
          <div key={v.currency} className={`value${tone ? ' ' + tone : ''}`}>
            {money(v.amount, v.currency)}
          </div>
        ))
    );

  return (
    <div className="c360-summary">
      <div className="c360-kpis">
        <div className="card stat">
          <div className="label">{t('kpi.open')}</div>
          {lines(rows.map((r) => ({ currency: r.currency, amount: r.open })))}
          {rows
            .filter((r) => isPositive(r.unapplied))
            .map((r) => (
              <div key={r.currency} className="stat-note tone-amber-text">
                {t('kpi.unapplied', {
                  amount: money(r.unapplied, r.currency),
                  net: money(r.net, r.currency),
                })}
              </div>
            ))}
        </div>
        <div className="card stat">
          <div className="label">{t('kpi.overdue')}</div>
          {lines(
            rows.map((r) => ({ currency: r.currency, amount: overdueOf(r, data.aging.buckets) })),
            'tone-red-text',
          )}
        </div>
        <div className="card stat">
          <div className="label">{t('kpi.disputed')}</div>
          {lines(disputed, 'tone-amber-text')}
        </div>
        <div className="card stat">
          <div className="label">{t('kpi.oldest')}</div>
          <div className="value">
            <DaysOverdue days={data.classification.oldest_overdue_days} />
          </div>
        </div>
        <div className="card stat credit">
          <div className="label">{t('kpi.creditUse')}</div>
          {ratio === null || !limit ? (
            <div className="value muted">{t('kpi.noLimit')}</div>
          ) : (
            <>
              <div className={`value${over ? ' tone-red-text' : ''}`}>{percent(ratio, ratio < 0.1 ? 1 : 0)}</div>
              <div
                className="meter"
                role="meter"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(ratio * 100)}
              >
                <span
                  className={over ? 'over' : ratio > 0.8 ? 'warn' : ''}
                  style={{ width: `${Math.min(100, ratio * 100)}%` }}
                />
              </div>
              <div className="stat-note">
                {t('kpi.creditOf', {
                  open: money(openInLimitCurrency, c.currency),
                  limit: money(limit, c.currency),
                })}
              </div>
            </>
          )}
        </div>
      </div>
    </div>
  );
}

function AgingBars({ data }: { data: Customer360 }) {
  const { t } = useTranslation('customer');
  const buckets = data.aging.buckets;
  const bucketLabel = (b: string) => {
    if (b === 'not_due') return t('aging.not_due');
    const range = /^(\d+)-(\d+)$/.exec(b);
    if (range) return t('aging.range', { from: range[1], to: range[2] });
    const over = /^over_(\d+)$/.exec(b);
    if (over) return t('aging.over', { from: over[1] });
    return b;
  };
  const rows = data.aging.currencies.filter((r) => isPositive(r.open));
  return (
    <section className="card aging" aria-label={t('aging.title')}>
      <h2>{t('aging.title')}</h2>
      {rows.length === 0 ? (
        <div className="muted">{t('aging.empty')}</div>
      ) : (
        rows.map((r) => {
          const total = Number(r.open);
          return (
            <div key={r.currency} className="aging-row">
              <div className="aging-head">
                <span className="strong">{r.currency}</span>
                <span className="subtle">{t('aging.total', { amount: money(r.open, r.currency) })}</span>
              </div>
              <div className="aging-bar" role="img" aria-label={`${r.currency} ${t('aging.title')}`}>
                {buckets.map((b, k) =>
                  isPositive(r[b]) ? (
                    <span
                      key={b}
                      style={{
                        width: `${Math.max(0.8, (Number(r[b]) / total) * 100)}%`,
                        background: bucketColor(k, buckets.length),
                      }}
                      title={`${bucketLabel(b)}: ${money(r[b], r.currency)}`}
                    />
                  ) : null,
                )}
              </div>
              <ul className="aging-legend">
                {buckets.map((b, k) => (
                  <li key={b} className={isPositive(r[b]) ? '' : 'zero'}>
                    <i style={{ background: bucketColor(k, buckets.length) }} />
                    <span className="subtle">{bucketLabel(b)}</span>
                    <span className="num-text">{isPositive(r[b]) ? money(r[b], r.currency) : '—'}</span>
                  </li>
                ))}
              </ul>
            </div>
          );
        })
      )}
    </section>
  );
}

function ContactCard({ data }: { data: Customer360 }) {
  const { t, i18n } = useTranslation('customer');
  const label = useLabel();
  const c = data.customer;
  // the newest contact, whatever order the list comes in
  const last = data.contacts.reduce<Customer360['contacts'][number] | undefined>(
    (best, c) => (!best || timeOf(c.at) > timeOf(best.at) ? c : best),
    undefined,
  );
  const localTime = useMemo(() => {
    if (!c.timezone) return '';
    try {
      return new Intl.DateTimeFormat(i18n.language, {
        timeZone: c.timezone,
        hour: '2-digit',
        minute: '2-digit',
        weekday: 'short',
      }).format(new Date());
    } catch {
      return '';
    }
  }, [c.timezone, i18n.language]);
  return (
    <section className="panel contact-card">
      <header>
        <h2>
          <Icon name="phone" />
          {t('contactCard.title')}
        </h2>
        {(c.do_not_contact || c.blacklisted) && (
          <span>
            {c.do_not_contact && <Badge tone="solid-red">{t('cust:doNotContact')}</Badge>}
            {c.blacklisted && <Badge tone="solid-red">{t('cust:blacklisted')}</Badge>}
          </span>
        )}
      </header>
      <div className="panel-body">
        {c.do_not_contact && <div className="error dnc">{t('contactCard.dnc')}</div>}
        {c.blacklisted && <div className="notice">{t('contactCard.blacklisted')}</div>}
        <dl className="contact-list">
          <div>
            <dt>{t('contactCard.phone')}</dt>
            <dd className={`mono${c.do_not_contact ? ' struck' : ''}`}>{c.phone || '—'}</dd>
          </div>
          <div>
            <dt>{t('contactCard.email')}</dt>
            <dd className={`mono${c.do_not_contact ? ' struck' : ''}`}>{c.email || '—'}</dd>
          </div>
          {localTime && (
            <div>
              <dt>{t('contactCard.localTime')}</dt>
              <dd>
                {localTime} <span className="subtle">({c.timezone})</span>
              </dd>
            </div>
          )}
          {(c.language || c.country) && (
            <div>
              <dt>{t('contactCard.language')}</dt>
              <dd>
                {c.language || '—'}
                {c.country && <span className="subtle"> · {c.country}</span>}
              </dd>
            </div>
          )}
        </dl>
        <div className="subtle last-contact">
          {last
            ? t('contactCard.lastContact', {
                when: date(last.at),
                outcome: `${label('channel', last.channel)} · ${label('outcome', last.outcome)}`,
              })
            : t('contactCard.neverContacted')}
        </div>
      </div>
    </section>
  );
}

function ActionsPanel({
  data,
  canWork,
  onDone,
}: {
  data: Customer360;
  canWork: boolean;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation('customer');
  const planned = data.actions
    .filter((a) => a.status === 'planned')
    .sort((a, b) => a.scheduled_at.localeCompare(b.scheduled_at) || a.id - b.id);
  if (planned.length === 0) return null;
  return (
    <section className="panel c360-actions">
      <header>
        <h2>
          <Icon name="action" />
          {t('actions.title')}
          <span className="count">{planned.length}</span>
        </h2>
      </header>
      <ul className="action-list">
        {planned.map((a) => (
          <ActionRow key={a.id} action={a} canWork={canWork} onDone={onDone} />
        ))}
      </ul>
    </section>
  );
}

const ACTION_OUTCOMES = ['sent', 'reached', 'no_answer', 'left_message', 'done'];

function ActionRow({
  action,
  canWork,
  onDone,
}: {
  action: PlannedAction;
  canWork: boolean;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation('customer');
  const label = useLabel();
  const [form, setForm] = useState<'complete' | 'skip' | null>(null);
  const defaultOutcome = ['phone', 'call'].includes(action.channel) ? 'reached' : action.channel === 'internal' ? 'done' : 'sent';
  const [outcome, setOutcome] = useState(defaultOutcome);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const time = localClock(action.scheduled_at);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form) return;
    setBusy(true);
    setError(null);
    try {
      if (form === 'complete') {
        await post(`/api/v1/actions/${action.id}/complete`, { outcome, note: text.trim() });
      } else {
        await post(`/api/v1/actions/${action.id}/skip`, { reason: text.trim() });
      }
      onDone(t(`saved.${form}`));
      setForm(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="action-item" data-testid="planned-action" data-action-id={action.id}>
      <div className="action-line">
        <span className="action-time" title={t('actions.localTime')}>
          {time}
        </span>
        <span className="action-icon">
          <Icon name={channelIcon(action.kind)} />
        </span>
        <div className="grow">
          <div className="action-title">
            {label('actionKind', action.kind)}
            {action.level > 0 && <Badge tone="amber">L{action.level}</Badge>}
            <span className="subtle">{label('channel', action.channel)}</span>
            {action.assigned_to && <span className="subtle">· {t('actions.assigned', { who: action.assigned_to })}</span>}
          </div>
          <div className="subtle action-rule">
            {money(action.amount, action.currency)} · {action.rule}
          </div>
        </div>
        {canWork && !form && (
          <div className="action-buttons">
            <button type="button" onClick={() => setForm('complete')} data-testid="action-complete">
              {t('actions.complete')}
            </button>
            <button type="button" onClick={() => setForm('skip')} data-testid="action-skip">
              {t('actions.skip')}
            </button>
          </div>
        )}
      </div>
      {form && (
        <form className="action-form flash" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && setForm(null)}>
          {form === 'complete' && (
            <label>
              {t('actions.outcome')}
              <select value={outcome} onChange={(e) => setOutcome(e.target.value)}>
                {ACTION_OUTCOMES.map((o) => (
                  <option key={o} value={o}>
                    {label('outcome', o)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="grow">
            {form === 'complete' ? t('actions.note') : t('actions.reason')}
            <input
              value={text}
              onChange={(e) => setText(e.target.value)}
              required={form === 'skip'}
              placeholder={form === 'skip' ? t('actions.reasonPlaceholder') : ''}
              autoFocus
              name={form === 'skip' ? 'reason' : 'note'}
            />
          </label>
          <div className="action-form-buttons">
            <button type="submit" className="primary" disabled={busy}>
              {t('actions.confirm')}
            </button>
            <button type="button" onClick={() => setForm(null)} disabled={busy}>
              {t('actions.cancel')}
            </button>
          </div>
          {error && (
            <div className="error" role="alert">
              {error}
            </div>
          )}
        </form>
      )}
    </li>
  );
}

