// The disputes queue (争议): open disputes by how soon their answer is due (overdue first),
// then the resolved ones; resolve one as upheld, rejected or credited.
import { FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';

import { post } from '../api';
import { useAuth } from '../auth';
import { Empty, Flash, FormError, Loaded, Money, PageTitle, useData, useSubmit } from '../components';
import { dateTime, money } from '../format';
import { registerStrings } from '../i18n';
import { CustomerLink, DialogButtons, getAll, Modal, Tabs, useCustomerNames } from './Approvals.common';
import type { Dispute, DisputeSla } from './CustomerTypes';
import './Disputes.css';

registerStrings('disputes', {
  'zh-CN': {
    status: { open: '待处理', resolved: '已处理', all: '全部' },
    customerFilter: '客户编号',
    customerPlaceholder: '如 C0000054',
    apply: '筛选',
    clear: '清除',
    col: {
      sla: '答复时限',
      deadline: '答复截止',
      customer: '客户',
      invoice: '发票',
      amount: '争议金额',
      reason: '争议原因',
      note: '说明',
      opened: '提出时间',
      recordedBy: '登记人',
      result: '处理结果',
    },
    sla: {
      overdue: '已超时',
      near: '即将到期',
      open: '处理中',
      answered_in_time: '按时答复',
      answered_late: '超时答复',
    },
    left: '剩 {{time}}',
    late: '已超 {{time}}',
    hours: '{{count}} 小时',
    minutes: '{{count}} 分钟',
    days: '{{count}} 天 {{hours}} 小时',
    reason: {
      quality_problem: '质量问题',
      invoice_error: '发票错误',
      approval_delay: '客户内部审批延迟',
      goods_not_received: '未收到货物',
      price_dispute: '价格争议',
      cash_flow_difficulty: '资金周转困难',
      person_absent: '负责人不在',
      already_paid: '客户称已付款',
      bill_not_received: '未收到账单',
    },
    resolution: {
      upheld: '争议成立',
      rejected: '争议不成立',
      credited: '已红冲（开具贷项凭证）',
    },
    resolutionHelp: {
      upheld: '客户理由成立，争议金额暂不催收。',
      rejected: '客户理由不成立，恢复正常催收。',
      credited: '已通过贷项凭证（红字发票）冲减。',
    },
    resolve: '处理',
    resolveTitle: '处理争议 #{{id}}',
    resolutionLabel: '处理结果',
    noteLabel: '处理说明',
    submit: '确认处理',
    resolved: '争议 #{{id}} 已处理：{{resolution}}。',
    counts: '待处理 {{open}} 件，其中已超时 {{overdue}} 件、即将到期 {{near}} 件',
    empty: { open: '没有待处理的争议。', other: '没有符合条件的争议。' },
    resolvedAt: '于 {{at}}',
  },
  en: {
    status: { open: 'Open', resolved: 'Resolved', all: 'All' },
    customerFilter: 'Customer id',
    customerPlaceholder: 'e.g. C0000054',
    apply: 'Filter',
    clear: 'Clear',
    col: {
      sla: 'Answer',
      deadline: 'Answer due',
      customer: 'Customer',
      invoice: 'Invoice',
      amount: 'Disputed',
      reason: 'Reason',
      note: 'Note',
      opened: 'Opened',
      recordedBy: 'Recorded by',
      result: 'Resolution',
    },
    sla: {
      overdue: 'Overdue',
      near: 'Due soon',
      open: 'Open',
      answered_in_time: 'Answered in time',
      answered_late: 'Answered late',
    },
    left: '{{time}} left',
    late: '{{time}} late',
    hours: '{{count}} h',
    minutes: '{{count}} min',
    days: '{{count}} d {{hours}} h',
    reason: {
      quality_problem: 'Quality problem',
      invoice_error: 'Invoice error',
      approval_delay: 'Approval delay at the customer',
      goods_not_received: 'Goods not received',
      price_dispute: 'Price dispute',
      cash_flow_difficulty: 'Cash-flow difficulty',
      person_absent: 'Person absent',
      already_paid: 'Says already paid',
      bill_not_received: 'Bill not received',
    },
    resolution: {
      upheld: 'Upheld',
      rejected: 'Rejected',
      credited: 'Credited (credit note)',
    },
    resolutionHelp: {
      upheld: 'The customer is right; the disputed amount is not collected.',
      rejected: 'The customer is not right; collection resumes.',
      credited: 'Settled by a credit note.',
    },
    resolve: 'Resolve',
    resolveTitle: 'Resolve dispute #{{id}}',
    resolutionLabel: 'Resolution',
    noteLabel: 'Note',
    submit: 'Resolve',
    resolved: 'Dispute #{{id}} resolved: {{resolution}}.',
    counts: '{{open}} open: {{overdue}} overdue, {{near}} due within 12 hours',
    empty: { open: 'No open disputes.', other: 'No disputes here.' },
    resolvedAt: 'on {{at}}',
  },
});

type Status = 'open' | 'resolved' | 'all';
type Sla = DisputeSla;

const NEAR_MS = 12 * 3600 * 1000;
const RESOLUTIONS = ['upheld', 'rejected', 'credited'] as const;

/** How urgent: overdue first, then open by deadline, then resolved newest first. */
function urgencyOrder(a: Dispute, b: Dispute) {
  const rank = (d: Dispute) => (d.status === 'open' ? (d.sla === 'overdue' ? 0 : 1) : 2);
  const byRank = rank(a) - rank(b);
  if (byRank) return byRank;
  if (a.status === 'open') return Date.parse(a.respond_by) - Date.parse(b.respond_by);
  return Date.parse(b.resolved_at ?? b.opened_at) - Date.parse(a.resolved_at ?? a.opened_at);
}

function slaOf(d: Dispute, now: number): Sla | 'near' {
  if (d.status === 'open' && d.sla !== 'overdue') {
    const left = Date.parse(d.respond_by) - now;
    if (left <= 0) return 'overdue';
    if (left <= NEAR_MS) return 'near';
  }
  return d.sla;
}

const BADGE: Record<string, string> = {
  overdue: 'red',
  near: 'amber',
  open: 'blue',
  answered_in_time: 'green',
  answered_late: 'amber',
};

export default function Disputes() {
  const { t } = useTranslation('disputes');
  const { t: tc } = useTranslation();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as Status) || 'open';
  const customer = params.get('customer') ?? '';
  const [customerInput, setCustomerInput] = useState(customer);
  const [resolving, setResolving] = useState<Dispute | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);

  const state = useData(
    () =>
      getAll<Dispute>('/api/v1/disputes', {
        status: status === 'all' ? undefined : status,
        customer: customer || undefined,
      }),
    [status, customer],
  );
  const nameOf = useCustomerNames(state.data?.items.map((d) => d.customer_id) ?? []);
  const sorted = useMemo(() => [...(state.data?.items ?? [])].sort(urgencyOrder), [state.data]);

  const setFilter = (next: { status?: Status; customer?: string }) => {
    const p = new URLSearchParams(params);
    if (next.status !== undefined) p.set('status', next.status);
    if (next.customer !== undefined) {
      if (next.customer) p.set('customer', next.customer);
      else p.delete('customer');
    }
    setParams(p, { replace: true });
    setFlash(null);
  };

  const open = sorted.filter((d) => d.status === 'open');
  const overdue = open.filter((d) => slaOf(d, now) === 'overdue').length;
  const near = open.filter((d) => slaOf(d, now) === 'near').length;

  return (
    <div className="disputes-page">
      <PageTitle>{tc('nav.disputes')}</PageTitle>
      <div className="filters">
        <Tabs<Status>
          label={tc('nav.disputes')}
          value={status}
          onChange={(s) => setFilter({ status: s })}
          options={(['open', 'resolved', 'all'] as Status[]).map((key) => ({
            key,
            label: t(`status.${key}`),
          }))}
        />
        <form
          className="row"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            setFilter({ customer: customerInput.trim() });
          }}
        >
          <label>
            {t('customerFilter')}
            <input
              value={customerInput}
              placeholder={t('customerPlaceholder')}
              onChange={(e) => setCustomerInput(e.target.value)}
            />
          </label>
          <button type="submit">{t('apply')}</button>
          {customer && (
            <button
              type="button"
              className="link"
              onClick={() => {
                setCustomerInput('');
                setFilter({ customer: '' });
              }}
            >
              {t('clear')}
            </button>
          )}
        </form>
      </div>
      <Flash message={flash} />
      <Loaded state={state}>
        {() =>
          sorted.length === 0 ? (
            <Empty>{t(status === 'open' ? 'empty.open' : 'empty.other')}</Empty>
          ) : (
            <>
              {open.length > 0 && (
                <p className={'dispute-counts' + (overdue ? ' alert' : '')}>
                  {t('counts', { open: open.length, overdue, near })}
                </p>
              )}
              <div className="table-wrap">
                <table className="disputes">
                  <thead>
                    <tr>
                      <th>{t('col.sla')}</th>
                      <th>{t('col.deadline')}</th>
                      <th>{t('col.customer')}</th>
                      <th>{t('col.invoice')}</th>
                      <th className="num">{t('col.amount')}</th>
                      <th>{t('col.reason')}</th>
                      <th className="hide-narrow">{t('col.opened')}</th>
                      <th>{t('col.result')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {sorted.map((d) => {
                      const sla = slaOf(d, now);
                      const left = Date.parse(d.respond_by) - now;
                      return (
                        <tr
                          key={d.id}
                          className={'sla-' + sla}
                          data-testid="dispute"
                          data-dispute-id={d.id}
                        >
                          <td>
                            <span className={'badge ' + BADGE[sla]}>{t(`sla.${sla}`)}</span>
                          </td>
                          <td className="nowrap">
                            <div>{dateTime(d.respond_by)}</div>
                            {d.status === 'open' && (
                              <div className={'small ' + (left < 0 ? 'late' : 'muted')}>
                                {left < 0
                                  ? t('late', { time: duration(-left, t) })
                                  : t('left', { time: duration(left, t) })}
                              </div>
                            )}
                          </td>
                          <td>
                            <CustomerLink id={d.customer_id} name={nameOf(d.customer_id)} />
                          </td>
                          <td className="nowrap">{d.invoice_id}</td>
                          <td className="num">
                            <Money amount={d.amount} currency={d.currency} />
                          </td>
                          <td>
                            <div>{t(`reason.${d.reason}`, { defaultValue: d.reason })}</div>
                            {d.note && <div className="muted small dispute-note">{d.note}</div>}
                          </td>
                          <td className="hide-narrow nowrap">
                            <div>{dateTime(d.opened_at)}</div>
                            <div className="muted small">{d.recorded_by}</div>
                          </td>
                          <td>
                            {d.status === 'resolved' ? (
                              <>
                                <div>
                                  {t(`resolution.${d.resolution}`, {
                                    defaultValue: d.resolution ?? '',
                                  })}
                                </div>
                                <div className="muted small">
                                  {t('resolvedAt', { at: dateTime(d.resolved_at) })}
                                </div>
                              </>
                            ) : can('disputes.resolve') ? (
                              <button
                                type="button"
                                data-testid="resolve"
                                onClick={() => setResolving(d)}
                              >
                                {t('resolve')}
                              </button>
                            ) : (
                              <span className="muted">—</span>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </>
          )
        }
      </Loaded>
      {resolving && (
        <ResolveDialog
          dispute={resolving}
          name={nameOf(resolving.customer_id)}
          onClose={() => setResolving(null)}
          onDone={(message) => {
            setResolving(null);
            setFlash(message);
            state.reload();
          }}
        />
      )}
    </div>
  );
}

function duration(ms: number, t: (key: string, options?: Record<string, unknown>) => string) {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return t('minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('hours', { count: hours });
  return t('days', { count: Math.floor(hours / 24), hours: hours % 24 });
}

function ResolveDialog({
  dispute: d,
  name,
  onClose,
  onDone,
}: {
  dispute: Dispute;
  name: string;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation('disputes');
  const { t: tc } = useTranslation();
  const [resolution, setResolution] = useState<(typeof RESOLUTIONS)[number]>('rejected');
  const [note, setNote] = useState('');
  const { busy, error, submit } = useSubmit(
    async () => {
      await post(`/api/v1/disputes/${d.id}/resolve`, { resolution, note });
      onDone(t('resolved', { id: d.id, resolution: t(`resolution.${resolution}`) }));
    },
    () => onDone(tc('error.conflict')),
  );

  return (
    <Modal title={t('resolveTitle', { id: d.id })} onClose={onClose}>
      <dl className="dl">
        <dt>{t('col.customer')}</dt>
        <dd>{name ? `${name} · ${d.customer_id}` : d.customer_id}</dd>
        <dt>{t('col.invoice')}</dt>
        <dd>{d.invoice_id}</dd>
        <dt>{t('col.amount')}</dt>
        <dd>{money(d.amount, d.currency)}</dd>
        <dt>{t('col.reason')}</dt>
        <dd>
          {t(`reason.${d.reason}`, { defaultValue: d.reason })}
          {d.note ? ` — ${d.note}` : ''}
        </dd>
        <dt>{t('col.deadline')}</dt>
        <dd>{dateTime(d.respond_by)}</dd>
      </dl>
      <form onSubmit={submit}>
        <fieldset className="resolution-choice">
          <legend>{t('resolutionLabel')}</legend>
          {RESOLUTIONS.map((r) => (
            <label key={r} className="radio">
              <input
                type="radio"
                name="resolution"
                value={r}
                checked={resolution === r}
                data-autofocus={resolution === r ? true : undefined}
                onChange={() => setResolution(r)}
              />
              <span>
                <strong>{t(`resolution.${r}`)}</strong>
                <span className="muted small"> {t(`resolutionHelp.${r}`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <label>
          {t('noteLabel')}
          <textarea rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <FormError error={error} />
        <DialogButtons busy={busy} onCancel={onClose} testId="resolve-submit">
          {t('submit')}
        </DialogButtons>
      </form>
    </Modal>
  );
}
