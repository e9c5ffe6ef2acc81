// The customer's timeline: contacts, promises, disputes, payments, actions and audit activity
// merged by date, newest first, each with the icon and badge of its kind.
import { ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { date, dateTime, money } from '../format';
import { registerStrings } from '../i18n';
import { Badge, channelIcon, Icon, timeOf, Tone, useLabel } from './CustomerShared';
import type { Customer360 } from './CustomerTypes';

registerStrings('timeline', {
  'zh-CN': {
    title: '时间线',
    kinds: {
      all: '全部',
      contact: '联系',
      promise: '承诺',
      dispute: '争议',
      payment: '回款',
      action: '行动',
      plan: '分期',
      activity: '操作记录',
    },
    contact: '{{channel}} · {{outcome}}',
    promise: '承诺于 {{date}} 付款 {{amount}}',
    promiseInvoices: '针对 {{ids}}',
    dispute: '就发票 {{invoice}} 提出争议 {{amount}}',
    disputeResolved: '争议 #{{id}} 已处理：{{resolution}}',
    respondBy: '答复期限 {{at}}',
    payment: '收到回款 {{amount}}',
    paymentAllocated: '核销 {{ids}}',
    paymentUnapplied: '未核销 {{amount}}',
    action: '{{kind}}',
    plan: '分期付款计划 {{amount}}，{{count}} 期',
    by: '{{who}}',
    activity: '{{entity}} #{{key}} · {{field}}',
    field: { status: '状态变更', contact: '新增', credit_limit: '信用额度', collector: '催收员', credit_grade: '信用等级' },
    more: '显示更多（还有 {{count}} 条）',
    empty: '还没有任何记录。',
    entity: {
      contact: '联系',
      promise: '承诺',
      dispute: '争议',
      action: '行动',
      plan: '分期计划',
      payment_plan: '分期计划',
      customer: '客户',
      invoice: '发票',
      payment: '回款',
      delivery: '发货单',
      approval: '审批',
    },
  },
  en: {
    title: 'Timeline',
    kinds: {
      all: 'All',
      contact: 'Contacts',
      promise: 'Promises',
      dispute: 'Disputes',
      payment: 'Payments',
      action: 'Actions',
      plan: 'Plans',
      activity: 'Activity',
    },
    contact: '{{channel}} · {{outcome}}',
    promise: 'Promised {{amount}} by {{date}}',
    promiseInvoices: 'for {{ids}}',
    dispute: 'Disputed {{amount}} of invoice {{invoice}}',
    disputeResolved: 'Dispute #{{id}} resolved: {{resolution}}',
    respondBy: 'answer by {{at}}',
    payment: 'Payment received {{amount}}',
    paymentAllocated: 'applied to {{ids}}',
    paymentUnapplied: '{{amount}} unapplied',
    action: '{{kind}}',
    plan: 'Installment plan {{amount}} in {{count}} installments',
    by: '{{who}}',
    activity: '{{entity}} #{{key}} · {{field}}',
    field: { status: 'status changed', contact: 'added', credit_limit: 'credit limit', collector: 'collector', credit_grade: 'credit grade' },
    more: 'Show more ({{count}} left)',
    empty: 'Nothing recorded yet.',
    entity: {
      contact: 'Contact',
      promise: 'Promise',
      dispute: 'Dispute',
      action: 'Action',
      plan: 'Plan',
      payment_plan: 'Payment plan',
      customer: 'Customer',
      invoice: 'Invoice',
      payment: 'Payment',
      delivery: 'Delivery note',
      approval: 'Approval',
    },
  },
});

type Kind = 'contact' | 'promise' | 'dispute' | 'payment' | 'action' | 'plan' | 'activity';
const KINDS: Kind[] = ['contact', 'promise', 'dispute', 'payment', 'action', 'plan', 'activity'];

type Entry = {
  key: string;
  kind: Kind;
  at: string; // date or timestamp
  dateOnly: boolean;
  icon: string;
  title: ReactNode;
  detail?: ReactNode;
  badge?: { text: string; tone: Tone };
  who?: string;
};

const KIND_ICON: Record<Kind, string> = {
  contact: 'phone',
  promise: 'promise',
  dispute: 'dispute',
  payment: 'payment',
  action: 'action',
  plan: 'plan',
  activity: 'activity',
};

export function Timeline({ data }: { data: Customer360 }) {
  const { t } = useTranslation('timeline');
  const label = useLabel();
  const [filter, setFilter] = useState<Kind | 'all'>('all');
  const [shown, setShown] = useState(25);

  const entries = useMemo(() => {
    const list: Entry[] = [];
    for (const c of data.contacts) {
      list.push({
        key: `contact-${c.id}`,
        kind: 'contact',
        at: c.at,
        dateOnly: false,
        icon: channelIcon(c.channel),
        title: t('contact', { channel: label('channel', c.channel), outcome: label('outcome', c.outcome) }),
        detail: c.note || undefined,
        badge:
          c.outcome === 'promise_to_pay' || c.outcome === 'paid'
            ? { text: label('outcome', c.outcome), tone: 'green' }
            : c.outcome === 'refused' || c.outcome === 'wrong_number'
              ? { text: label('outcome', c.outcome), tone: 'red' }
              : undefined,
        who: c.recorded_by,
      });
    }
    for (const p of data.promises) {
      list.push({
        key: `promise-${p.id}`,
        kind: 'promise',
        at: p.created_at,
        dateOnly: false,
        icon: 'promise',
        title: t('promise', { amount: money(p.amount, p.currency), date: date(p.promised_date) }),
        detail: p.invoice_ids.length ? t('promiseInvoices', { ids: p.invoice_ids.join(', ') }) : undefined,
        badge: {
          text: label('promiseStatus', p.status),
          tone: p.status === 'kept' ? 'green' : p.status === 'broken' ? 'solid-red' : p.status === 'open' ? 'amber' : 'grey',
        },
        who: p.recorded_by,
      });
    }
    for (const d of data.disputes) {
      list.push({
        key: `dispute-${d.id}`,
        kind: 'dispute',
        at: d.opened_at,
        dateOnly: false,
        icon: 'dispute',
        title: t('dispute', { amount: money(d.amount, d.currency), invoice: d.invoice_id }),
        detail: (
          <>
            {label('reason', d.reason)}
            {d.note ? ` · ${d.note}` : ''}
            {d.status === 'open' && (
              <span className="subtle"> · {t('respondBy', { at: dateTime(d.respond_by) })}</span>
            )}
          </>
        ),
        badge: {
          text: label('sla', d.sla),
          tone: d.sla === 'overdue' || d.sla === 'answered_late' ? 'red' : d.status === 'open' ? 'amber' : 'green',
        },
        who: d.recorded_by,
      });
      if (d.resolved_at) {
        list.push({
          key: `dispute-resolved-${d.id}`,
          kind: 'dispute',
          at: d.resolved_at,
          dateOnly: false,
          icon: 'dispute',
          title: t('disputeResolved', { id: d.id, resolution: label('resolution', d.resolution) }),
          badge: { text: label('disputeStatus', 'resolved'), tone: 'green' },
        });
      }
    }
    for (const p of data.payments) {
      const ids = p.allocations.map((a) => a.invoice_id);
      list.push({
        key: `payment-${p.id}`,
        kind: 'payment',
        at: p.payment_date,
        dateOnly: true,
        icon: 'payment',
        title: t('payment', { amount: money(p.amount, p.currency) }),
        detail: (
          <>
            <span className="mono">{p.id}</span>
            {ids.length > 0 && ` · ${t('paymentAllocated', { ids: ids.join(', ') })}`}
            {p.unapplied && /[1-9]/.test(p.unapplied) && (
              <span className="tl-warn"> · {t('paymentUnapplied', { amount: money(p.unapplied, p.currency) })}</span>
            )}
          </>
        ),
        badge: { text: t('kinds.payment'), tone: 'green' },
      });
    }
    for (const a of data.actions) {
      list.push({
        key: `action-${a.id}`,
        kind: 'action',
        at: a.scheduled_at || a.planned_for,
        dateOnly: !a.scheduled_at,
        icon: channelIcon(a.kind),
        title: t('action', { kind: label('actionKind', a.kind), status: label('actionStatus', a.status) }),
        detail: (
          <>
            {money(a.amount, a.currency)}
            {a.outcome ? ` · ${label('outcome', a.outcome)}` : ''}
            {a.rule && <span className="subtle"> · {a.rule}</span>}
          </>
        ),
        badge: {
          text: label('actionStatus', a.status),
          tone: a.status === 'done' ? 'green' : a.status === 'planned' ? 'blue' : 'grey',
        },
        who: a.assigned_to,
      });
    }
    for (const p of data.payment_plans) {
      list.push({
        key: `plan-${p.id}`,
        kind: 'plan',
        at: p.created_at,
        dateOnly: false,
        icon: 'plan',
        title: t('plan', { amount: money(p.total, p.currency), count: p.installments.length }),
        detail: p.note || undefined,
        badge: {
          text: label('planStatus', p.status),
          tone: p.status === 'broken' ? 'red' : p.status === 'completed' ? 'green' : 'blue',
        },
        who: p.recorded_by,
      });
    }
    // Audit records: creations of records shown above would repeat them; keep the changes.
    const shownCreations = new Set(['contact', 'promise', 'dispute', 'plan', 'payment_plan']);
    for (const e of data.activity) {
      if (shownCreations.has(e.entity) && !e.old_value) continue;
      list.push({
        key: `activity-${e.id}`,
        kind: 'activity',
        at: e.at,
        dateOnly: false,
        icon: 'activity',
        title: t('activity', {
          entity: t(`entity.${e.entity}`, { defaultValue: e.entity }),
          key: e.key,
          field: t(`field.${e.field}`, { defaultValue: e.field }),
        }),
        detail: (
          <>
            {e.old_value && <span className="tl-old">{e.old_value}</span>}
            {e.old_value && ' → '}
            {e.new_value}
          </>
        ),
        who: e.role ? `${e.actor} · ${t(`common:role.${e.role}`, { defaultValue: e.role })}` : e.actor,
      });
    }
    list.sort((a, b) => timeOf(b.at) - timeOf(a.at) || b.key.localeCompare(a.key));
    return list;
    // labels follow the language
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, t]);

  const counts = useMemo(() => {
    const map = new Map<Kind, number>();
    for (const e of entries) map.set(e.kind, (map.get(e.kind) ?? 0) + 1);
    return map;
  }, [entries]);
  const visible = filter === 'all' ? entries : entries.filter((e) => e.kind === filter);

  return (
    <section className="panel timeline" data-testid="timeline">
      <header>
        <h2>
          <Icon name="activity" />
          {t('title')}
          <span className="count">{entries.length}</span>
        </h2>
      </header>
      <div className="tl-filters" role="tablist">
        {(['all', ...KINDS] as const)
          .filter((k) => k === 'all' || counts.get(k))
          .map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={filter === k}
              className={`chip${filter === k ? ' active' : ''}`}
              onClick={() => {
                setFilter(k);
                setShown(25);
              }}
            >
              {t(`kinds.${k}`)}
              <span className="chip-count">{k === 'all' ? entries.length : counts.get(k)}</span>
            </button>
          ))}
      </div>
      {visible.length === 0 ? (
        <div className="empty">{t('empty')}</div>
      ) : (
        <ol className="tl-list">
          {visible.slice(0, shown).map((e) => (
            <li key={e.key} className={`tl-entry tl-${e.kind}`} data-kind={e.kind}>
              <span className={`tl-icon tl-icon-${e.kind}`} title={t(`kinds.${e.kind}`)}>
                <Icon name={e.icon || KIND_ICON[e.kind]} size={14} />
              </span>
              <div className="tl-body">
                <div className="tl-head">
                  <span className="tl-title">{e.title}</span>
                  {e.badge && <Badge tone={e.badge.tone}>{e.badge.text}</Badge>}
                </div>
                {e.detail && <div className="tl-detail">{e.detail}</div>}
                <div className="tl-meta">
                  <time dateTime={e.at}>{e.dateOnly ? date(e.at) : dateTime(e.at)}</time>
                  {e.who && <span> · {e.who}</span>}
                </div>
              </div>
            </li>
          ))}
        </ol>
      )}
      {visible.length > shown && (
        <div className="tl-more">
          <button type="button" className="link" onClick={() => setShown(shown + 50)}>
            {t('more', { count: visible.length - shown })}
          </button>
        </div>
      )}
    </section>
  );
}
