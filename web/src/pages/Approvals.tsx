// The approvals inbox: requests above their requester's authority (a payment plan beyond a
// collector's limit, …) wait here for someone at the required level. Pending first; approve or
// reject with a note; the requester may withdraw their own.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError, get, post } from '../api';
import { useAuth } from '../auth';
import { Empty, errorText, Flash, Loaded, Money, PageTitle, useData } from '../components';
import { dateTime, date } from '../format';
import { registerStrings } from '../i18n';
import { CustomerLink, Tabs, useCustomerNames } from './Approvals.common';
import './Approvals.css';

registerStrings('approvals', {
  'zh-CN': {
    status: {
      pending: '待审批',
      approved: '已批准',
      rejected: '已驳回',
      cancelled: '已撤回',
      all: '全部',
    },
    kind: {
      extension: '延期付款',
      installment_plan: '分期付款方案',
      interest_waiver: '减免滞纳金',
      settlement: '和解 / 折扣',
      write_off: '坏账核销',
      legal_escalation: '转法务诉讼',
      bill_adjustment: '账单调整',
    },
    level: {
      collector: '催收员',
      supervisor: '催收主管',
      director: '催收总监',
      general_manager: '总经理',
    },
    needs: '需{{level}}及以上审批',
    requestedBy: '{{user}}（{{role}}）于 {{at}} 提交',
    decidedBy: '{{user}}（{{role}}）于 {{at}} {{status}}',
    requesterNote: '申请说明：',
    decisionNote: '审批意见：',
    installments: '分期计划（{{count}} 期）',
    installment: '第 {{n}} 期',
    dueDate: '到期日',
    amount: '金额',
    total: '合计',
    invoices: '涉及发票：',
    planRecorded: '已生成分期方案 #{{id}}',
    notePlaceholder: '审批意见（选填）',
    approve: '批准',
    reject: '驳回',
    withdraw: '撤回申请',
    own: '这是您本人提交的申请，需由他人审批。',
    done: {
      approved: '申请 #{{id}} 已批准。',
      rejected: '申请 #{{id}} 已驳回。',
      cancelled: '申请 #{{id}} 已撤回。',
    },
    refused: '审批没有成功：{{message}}',
    alreadyDecided: '该申请已被处理（{{message}}），列表已刷新。',
    empty: {
      pending: '没有待审批的申请。',
      other: '没有符合条件的申请。',
    },
    more: '加载更多（还有 {{count}} 条）',
    details: '申请内容',
  },
  en: {
    status: {
      pending: 'Pending',
      approved: 'Approved',
      rejected: 'Rejected',
      cancelled: 'Withdrawn',
      all: 'All',
    },
    kind: {
      extension: 'Payment extension',
      installment_plan: 'Payment plan',
      interest_waiver: 'Interest waiver',
      settlement: 'Settlement / discount',
      write_off: 'Write-off',
      legal_escalation: 'Legal escalation',
      bill_adjustment: 'Bill adjustment',
    },
    level: {
      collector: 'collector',
      supervisor: 'supervisor',
      director: 'director',
      general_manager: 'general manager',
    },
    needs: 'Needs a {{level}} or above',
    requestedBy: 'Requested by {{user}} ({{role}}) on {{at}}',
    decidedBy: '{{status}} by {{user}} ({{role}}) on {{at}}',
    requesterNote: 'Reason given: ',
    decisionNote: 'Decision note: ',
    installments: 'Installments ({{count}})',
    installment: 'No. {{n}}',
    dueDate: 'Due date',
    amount: 'Amount',
    total: 'Total',
    invoices: 'Invoices: ',
    planRecorded: 'Payment plan #{{id}} recorded',
    notePlaceholder: 'Note (optional)',
    approve: 'Approve',
    reject: 'Reject',
    withdraw: 'Withdraw',
    own: 'You made this request: someone else has to decide it.',
    done: {
      approved: 'Request #{{id}} approved.',
      rejected: 'Request #{{id}} rejected.',
      cancelled: 'Request #{{id}} withdrawn.',
    },
    refused: 'Not decided: {{message}}',
    alreadyDecided: 'This request has already been handled ({{message}}); the list is refreshed.',
    empty: {
      pending: 'Nothing is waiting for approval.',
      other: 'No requests here.',
    },
    more: 'Load more ({{count}} left)',
    details: 'What is asked',
  },
});

type Status = 'pending' | 'approved' | 'rejected' | 'cancelled' | 'all';

export type Approval = {
  id: number;
  kind: string;
  customer_id: string;
  amount: string;
  currency: string;
  required_level: string;
  status: Exclude<Status, 'all'>;
  requested_by: string;
  requested_role: string;
  requested_at: string;
  note: string;
  payload: {
    customer_id?: string;
    invoice_ids?: string[];
    installments?: [string, string][];
    note?: string;
    [key: string]: unknown;
  } | null;
  decided_by: string | null;
  decided_role: string | null;
  decided_at: string | null;
  decision_note: string;
  result_id: number | null;
};

type Page = { items: Approval[]; total: number };

const PAGE = 50;
const ORDER: Record<string, number> = { pending: 0, approved: 1, rejected: 1, cancelled: 1 };

export default function Approvals() {
  const { t } = useTranslation('approvals');
  const { t: tc } = useTranslation();
  const [status, setStatus] = useState<Status>('pending');
  const [limit, setLimit] = useState(PAGE);
  const [flash, setFlash] = useState<string | null>(null);
  const state = useData(
    () => get<Page>('/api/v1/approvals', { status: status === 'all' ? undefined : status, limit }),
    [status, limit],
  );
  const pending = useData(() => get<Page>('/api/v1/approvals', { status: 'pending', limit: 1 }), [
    state.data,
  ]);
  const nameOf = useCustomerNames(state.data?.items.map((a) => a.customer_id) ?? []);

  const change = (next: Status) => {
    setStatus(next);
    setLimit(PAGE);
    setFlash(null);
  };

  return (
    <div className="approvals-page">
      <PageTitle>{tc('nav.approvals')}</PageTitle>
      <div className="filters">
        <Tabs<Status>
          label={tc('nav.approvals')}
          value={status}
          onChange={change}
          options={(['pending', 'approved', 'rejected', 'cancelled', 'all'] as Status[]).map(
            (key) => ({
              key,
              label: t(`status.${key}`),
              count: key === 'pending' ? pending.data?.total : undefined,
            }),
          )}
        />
      </div>
      <Flash message={flash} />
      <Loaded state={state}>
        {(page) => {
          const items = [...page.items].sort(
            (a, b) =>
              ORDER[a.status] - ORDER[b.status] ||
              (a.status === 'pending' ? a.id - b.id : b.id - a.id),
          );
          if (items.length === 0)
            return <Empty>{t(status === 'pending' ? 'empty.pending' : 'empty.other')}</Empty>;
          return (
            <>
              <div className="approval-list">
                {items.map((a) => (
                  <ApprovalCard
                    key={a.id}
                    approval={a}
                    name={nameOf(a.customer_id)}
                    onDone={(message) => {
                      setFlash(message);
                      state.reload();
                    }}
                  />
                ))}
              </div>
              {page.total > page.items.length && (
                <div className="load-more">
                  <button type="button" onClick={() => setLimit((l) => l + PAGE)}>
                    {t('more', { count: page.total - page.items.length })}
                  </button>
                </div>
              )}
            </>
          );
        }}
      </Loaded>
    </div>
  );
}

function ApprovalCard({
  approval: a,
  name,
  onDone,
}: {
  approval: Approval;
  name: string;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation('approvals');
  const { t: tc } = useTranslation();
  const { user, can } = useAuth();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const own = !!user && a.requested_by === user.username;
  const pending = a.status === 'pending';

  const decide = async (verb: 'approve' | 'reject' | 'cancel') => {
    setBusy(true);
    setError(null);
    try {
      // The answer is {"approval": …} (older servers: the approval itself).
      const answer = await post<{ approval?: Approval } & Partial<Approval>>(
        `/api/v1/approvals/${a.id}/${verb}`,
        { note },
      );
      const result = answer.approval ?? answer;
      const status = verb === 'approve' ? 'approved' : verb === 'reject' ? 'rejected' : 'cancelled';
      let message = t(`done.${status}`, { id: a.id });
      if (result.result_id) message += ' ' + t('planRecorded', { id: result.result_id });
      onDone(message);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        onDone(t('alreadyDecided', { message: e.message }));
      } else if (e instanceof ApiError && (e.status === 403 || e.status === 422)) {
        // The server says exactly why (level too low, one's own request): show it plainly.
        setError(t('refused', { message: e.message }));
      } else {
        setError(errorText(e));
      }
    } finally {
      setBusy(false);
    }
  };

  const installments = a.payload?.installments ?? [];
  const invoices = a.payload?.invoice_ids ?? [];
  const statusBadge: Record<string, string> = {
    pending: 'amber',
    approved: 'green',
    rejected: 'red',
    cancelled: '',
  };

  return (
    <article
      className={'card approval ' + a.status}
      data-testid="approval"
      data-approval-id={a.id}
      data-status={a.status}
    >
      <header className="approval-head">
        <div className="approval-what">
          <span className="approval-kind">{t(`kind.${a.kind}`, { defaultValue: a.kind })}</span>
          <span className="muted">#{a.id}</span>
          <span className={'badge ' + statusBadge[a.status]}>{t(`status.${a.status}`)}</span>
          <span className="badge blue">
            {t('needs', { level: t(`level.${a.required_level}`, { defaultValue: a.required_level }) })}
          </span>
        </div>
        <div className="approval-amount">
          <Money amount={a.amount} currency={a.currency} />
        </div>
      </header>
      <div className="approval-body">
        <div className="approval-facts">
          <div>
            <CustomerLink id={a.customer_id} name={name} />
          </div>
          <div className="muted">
            {t('requestedBy', {
              user: a.requested_by,
              role: tc(`role.${a.requested_role}`, { defaultValue: a.requested_role }),
              at: dateTime(a.requested_at),
            })}
          </div>
          {a.note && (
            <div className="approval-note">
              <span className="muted">{t('requesterNote')}</span>
              {a.note}
            </div>
          )}
          {invoices.length > 0 && (
            <div className="approval-invoices">
              <span className="muted">{t('invoices')}</span>
              {invoices.join(', ')}
            </div>
          )}
          {!pending && a.decided_by && (
            <div className="muted">
              {t('decidedBy', {
                user: a.decided_by,
                role: tc(`role.${a.decided_role}`, { defaultValue: a.decided_role ?? '' }),
                at: dateTime(a.decided_at),
                status: t(`status.${a.status}`),
              })}
              {a.result_id ? ' · ' + t('planRecorded', { id: a.result_id }) : ''}
            </div>
          )}
          {!pending && a.decision_note && (
            <div className="approval-note">
              <span className="muted">{t('decisionNote')}</span>
              {a.decision_note}
            </div>
          )}
          {a.kind !== 'installment_plan' && a.payload && <PayloadList payload={a.payload} />}
        </div>
        {installments.length > 0 && (
          <div className="approval-plan">
            <h3>{t('installments', { count: installments.length })}</h3>
            <table>
              <thead>
                <tr>
                  <th />
                  <th>{t('dueDate')}</th>
                  <th className="num">{t('amount')}</th>
                </tr>
              </thead>
              <tbody>
                {installments.map(([day, amount], i) => (
                  <tr key={i}>
                    <td className="muted">{t('installment', { n: i + 1 })}</td>
                    <td>{date(day)}</td>
                    <td className="num">
                      <Money amount={amount} currency={a.currency} />
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td colSpan={2}>{t('total')}</td>
                  <td className="num">
                    <Money amount={a.amount} currency={a.currency} />
                  </td>
                </tr>
              </tfoot>
            </table>
          </div>
        )}
      </div>
      {pending && (can('approvals.decide') || (own && can('plans.submit'))) && (
        <footer className="approval-decide">
          {own && can('approvals.decide') && <div className="muted">{t('own')}</div>}
          <div className="approval-controls">
            <input
              className="approval-note-input"
              placeholder={t('notePlaceholder')}
              aria-label={t('notePlaceholder')}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              maxLength={1000}
            />
            {can('approvals.decide') && (
              <>
                <button
                  type="button"
                  className="primary"
                  data-testid="approve"
                  disabled={busy}
                  onClick={() => decide('approve')}
                >
                  {t('approve')}
                </button>
                <button
                  type="button"
                  className="danger"
                  data-testid="reject"
                  disabled={busy}
                  onClick={() => decide('reject')}
                >
                  {t('reject')}
                </button>
              </>
            )}
            {own && can('plans.submit') && (
              <button
                type="button"
                data-testid="withdraw"
                disabled={busy}
                onClick={() => decide('cancel')}
              >
                {t('withdraw')}
              </button>
            )}
          </div>
          {error && (
            <div className="error" role="alert">
              {error}
            </div>
          )}
        </footer>
      )}
    </article>
  );
}

// A request other than a plan: its payload's plain fields, as sent.
function PayloadList({ payload }: { payload: Record<string, unknown> }) {
  const { t } = useTranslation('approvals');
  const entries = Object.entries(payload).filter(
    ([key, value]) =>
      !['customer_id', 'invoice_ids', 'note'].includes(key) &&
      (typeof value === 'string' || typeof value === 'number'),
  );
  if (entries.length === 0) return null;
  return (
    <dl className="dl" aria-label={t('details')}>
      {entries.map(([key, value]) => (
        <div key={key} style={{ display: 'contents' }}>
          <dt>{key}</dt>
          <dd>{String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
