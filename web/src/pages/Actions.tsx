// The actions calendar (行动日历): a week of the actions the daily runs planned — calls,
// letters, legal reviews — by the day they are scheduled for in the customer's time zone.
// Open one to complete, skip or reschedule it.
import { FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';

import { post } from '../api';
import { useAuth } from '../auth';
import { Empty, Flash, FormError, Loaded, PageTitle, useData, useSubmit } from '../components';
import { date as formatDate, money, today } from '../format';
import { registerStrings } from '../i18n';
import { CustomerLink, DialogButtons, getAll, Modal, useCustomerNames } from './Approvals.common';
import { type Action, CONTACT_OUTCOMES, OUTCOME_LABELS } from './CustomerTypes';
import './Actions.css';

registerStrings('actions', {
  'zh-CN': {
    week: '{{from}} – {{to}}',
    previousWeek: '上一周',
    nextWeek: '下一周',
    thisWeek: '本周',
    pick: '日期',
    statusFilter: '状态',
    who: '负责人',
    whoAll: '全部',
    whoMine: '只看我的',
    customerFilter: '客户编号',
    apply: '筛选',
    count: '{{count}} 项',
    todayMark: '今天',
    none: '无',
    showAll: '显示全部 {{count}} 个客户',
    showLess: '收起',
    empty: '这一周没有计划的催收行动。',
    emptyHint: '每日运行会在当天生成行动计划；请选择已运行过的日期。',
    status: {
      all: '全部',
      planned: '待执行',
      done: '已完成',
      skipped: '已跳过',
      cancelled: '已取消',
    },
    kind: {
      reminder: '到期提醒',
      letter: '催收函',
      call: '电话催收',
      sms: '短信提醒',
      email: '邮件催收',
      visit: '上门拜访',
      lawyer_letter: '律师函',
      legal_review: '法务审核',
      internal_alert: '内部提醒',
    },
    channel: {
      phone: '电话',
      email: '邮件',
      sms: '短信',
      visit: '上门',
      letter: '信函',
      lawyer_letter: '律师函',
      internal: '内部',
    },
    levelN: '第 {{level}} 级',
    moved: '已改期',
    detail: {
      customer: '客户',
      kind: '行动',
      channel: '渠道',
      when: '计划时间',
      plannedBy: '计划来源',
      plannedFor: '{{date}} 的每日运行',
      invoices: '涉及发票',
      amount: '金额',
      template: '模板',
      rule: '依据',
      assigned: '负责人',
      status: '状态',
      outcome: '结果',
      localTime: '（客户当地时间）',
    },
    tab: { complete: '完成', skip: '跳过', reschedule: '改期' },
    outcomeLabel: '结果',
    noteLabel: '备注（选填）',
    reasonLabel: '原因',
    reasonPlaceholder: '如：客户已付款、已有承诺付款',
    newDate: '改到哪一天',
    rescheduleHelp: '只能改到之后的工作日（按客户所在地日历），时间不变。',
    submit: { complete: '标记为已完成', skip: '跳过此行动', reschedule: '改期' },
    outcome: OUTCOME_LABELS['zh-CN'],
    done: {
      complete: '行动 #{{id}} 已完成。',
      skip: '行动 #{{id}} 已跳过。',
      reschedule: '行动 #{{id}} 已改到 {{date}}。',
    },
    readOnly: '您可以查看行动，但不能处理。',
  },
  en: {
    week: '{{from}} – {{to}}',
    previousWeek: 'Previous week',
    nextWeek: 'Next week',
    thisWeek: 'This week',
    pick: 'Date',
    statusFilter: 'Status',
    who: 'Assigned to',
    whoAll: 'Everyone',
    whoMine: 'Me',
    customerFilter: 'Customer id',
    apply: 'Filter',
    count_one: '{{count}} action',
    count_other: '{{count}} actions',
    todayMark: 'today',
    none: 'none',
    showAll: 'Show all {{count}} customers',
    showLess: 'Show fewer',
    empty: 'No actions planned this week.',
    emptyHint: 'The daily run plans each day’s actions; pick a day it has run for.',
    status: {
      all: 'All',
      planned: 'Planned',
      done: 'Done',
      skipped: 'Skipped',
      cancelled: 'Cancelled',
    },
    kind: {
      reminder: 'Reminder',
      letter: 'Dunning letter',
      call: 'Call',
      sms: 'SMS',
      email: 'E-mail',
      visit: 'Visit',
      lawyer_letter: 'Lawyer’s letter',
      legal_review: 'Legal review',
      internal_alert: 'Internal alert',
    },
    channel: {
      phone: 'phone',
      email: 'e-mail',
      sms: 'SMS',
      visit: 'visit',
      letter: 'letter',
      lawyer_letter: 'lawyer’s letter',
      internal: 'internal',
    },
    levelN: 'level {{level}}',
    moved: 'rescheduled',
    detail: {
      customer: 'Customer',
      kind: 'Action',
      channel: 'Channel',
      when: 'Scheduled',
      plannedBy: 'Planned by',
      plannedFor: 'the daily run of {{date}}',
      invoices: 'Invoices',
      amount: 'Amount',
      template: 'Template',
      rule: 'Why',
      assigned: 'Assigned to',
      status: 'Status',
      outcome: 'Outcome',
      localTime: ' (customer’s local time)',
    },
    tab: { complete: 'Complete', skip: 'Skip', reschedule: 'Reschedule' },
    outcomeLabel: 'Outcome',
    noteLabel: 'Note (optional)',
    reasonLabel: 'Reason',
    reasonPlaceholder: 'e.g. customer has paid, promise to pay open',
    newDate: 'Move to',
    rescheduleHelp:
      'Only to a later working day of the customer’s calendar; the time of day stays the same.',
    submit: { complete: 'Mark as done', skip: 'Skip this action', reschedule: 'Reschedule' },
    outcome: OUTCOME_LABELS.en,
    done: {
      complete: 'Action #{{id}} done.',
      skip: 'Action #{{id}} skipped.',
      reschedule: 'Action #{{id}} moved to {{date}}.',
    },
    readOnly: 'You can see the actions but not work them.',
  },
});

type Status = 'all' | 'planned' | 'done' | 'skipped' | 'cancelled';
type Verb = 'complete' | 'skip' | 'reschedule';

const GROUPS_SHOWN = 30;
// kind/channel pairs where the channel says nothing the kind does not.
const REDUNDANT = new Set([
  'call/phone',
  'sms/sms',
  'email/email',
  'visit/visit',
  'letter/letter',
  'lawyer_letter/lawyer_letter',
  'legal_review/internal',
  'internal_alert/internal',
]);
function outcomesFor(kind: string): readonly string[] {
  if (kind === 'call' || kind === 'visit') return CONTACT_OUTCOMES;
  if (kind === 'legal_review') return ['reviewed', 'escalated', 'not_escalated'];
  if (kind === 'internal_alert') return ['reviewed'];
  return ['sent', 'returned'];
}

// Dates as YYYY-MM-DD, computed in UTC so no time zone shifts a day.
function addDays(day: string, n: number) {
  const d = new Date(day + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
function mondayOf(day: string) {
  const weekday = new Date(day + 'T00:00:00Z').getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}
function isDate(text: string | null): text is string {
  return !!text && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text));
}
function weekdayOf(day: string, language: string) {
  return new Intl.DateTimeFormat(language, { weekday: 'short', timeZone: 'UTC' }).format(
    new Date(day + 'T00:00:00Z'),
  );
}
/** The customer's local day and time of an action: "2026-11-24T09:30:00+01:00". */
const dayOf = (a: Action) => a.scheduled_at.slice(0, 10) || a.planned_for;
const timeOf = (a: Action) => a.scheduled_at.slice(11, 16);

export default function Actions() {
  const { t, i18n } = useTranslation('actions');
  const { t: tc } = useTranslation();
  const { user, can } = useAuth();
  const [params, setParams] = useSearchParams();
  const picked = isDate(params.get('date')) ? (params.get('date') as string) : today();
  const status = (params.get('status') as Status) || 'all';
  const customer = params.get('customer') ?? '';
  const mine = params.get('who') === 'me';
  const [customerInput, setCustomerInput] = useState(customer);
  const [open, setOpen] = useState<Action | null>(null);
  const [flash, setFlash] = useState<string | null>(null);

  const monday = mondayOf(picked);
  const days = useMemo(() => Array.from({ length: 7 }, (_, i) => addDays(monday, i)), [monday]);

  const set = (changes: Record<string, string>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParams(p, { replace: true });
    setFlash(null);
  };

  const state = useData(async () => {
    const runs = await Promise.all(
      days.map((day) =>
        getAll<Action>('/api/v1/actions', {
          as_of: day,
          status: status === 'all' ? undefined : status,
          customer: customer || undefined,
        }),
      ),
    );
    const byId = new Map<number, Action>();
    for (const run of runs) for (const a of run.items) byId.set(a.id, a);
    return [...byId.values()];
  }, [monday, status, customer]);

  const me = user?.collector_id || user?.username || '';
  const visible = useMemo(
    () =>
      (state.data ?? []).filter(
        (a) => !mine || a.assigned_to === me || a.assigned_to === user?.username,
      ),
    [state.data, mine, me, user],
  );
  const nameOf = useCustomerNames(visible.map((a) => a.customer_id));

  // day → customer → actions, by time of day.
  const columns = useMemo(() => {
    const byDay = new Map<string, Map<string, Action[]>>(days.map((d) => [d, new Map()]));
    const sorted = [...visible].sort(
      (a, b) => timeOf(a).localeCompare(timeOf(b)) || a.customer_id.localeCompare(b.customer_id),
    );
    for (const a of sorted) {
      const day = byDay.has(dayOf(a)) ? dayOf(a) : a.planned_for;
      const customers = byDay.get(day);
      if (!customers) continue;
      const list = customers.get(a.customer_id) ?? [];
      list.push(a);
      customers.set(a.customer_id, list);
    }
    return byDay;
  }, [visible, days]);

  const week = t('week', { from: formatDate(days[0]), to: formatDate(days[6]) });

  return (
    <div className="actions-page">
      <PageTitle
        actions={
          <div className="week-nav">
            <button
              type="button"
              onClick={() => set({ date: addDays(picked, -7) })}
              aria-label={t('previousWeek')}
              title={t('previousWeek')}
            >
              ‹
            </button>
            <strong className="week-label">{week}</strong>
            <button
              type="button"
              onClick={() => set({ date: addDays(picked, 7) })}
              aria-label={t('nextWeek')}
              title={t('nextWeek')}
            >
              ›
            </button>
            <button type="button" onClick={() => set({ date: '' })}>
              {t('thisWeek')}
            </button>
          </div>
        }
      >
        {tc('nav.actions')}
      </PageTitle>
      <div className="filters">
        <label>
          {t('pick')}
          <input
            type="date"
            data-testid="actions-date"
            value={picked}
            onChange={(e) => isDate(e.target.value) && set({ date: e.target.value })}
          />
        </label>
        <label>
          {t('statusFilter')}
          <select
            value={status === 'all' ? '' : status}
            onChange={(e) => set({ status: e.target.value })}
          >
            {(['all', 'planned', 'done', 'skipped', 'cancelled'] as Status[]).map((s) => (
              <option key={s} value={s === 'all' ? '' : s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('who')}
          <select value={mine ? 'me' : ''} onChange={(e) => set({ who: e.target.value })}>
            <option value="">{t('whoAll')}</option>
            <option value="me">{t('whoMine')}</option>
          </select>
        </label>
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            set({ customer: customerInput.trim() });
          }}
        >
          <label>
            {t('customerFilter')}
            <input
              value={customerInput}
              placeholder="C0000054"
              onChange={(e) => setCustomerInput(e.target.value)}
            />
          </label>
          <button type="submit">{t('apply')}</button>
        </form>
      </div>
      {!can('cases.work') && <div className="notice">{t('readOnly')}</div>}
      <Flash message={flash} />
      <Loaded state={state}>
        {() =>
          visible.length === 0 ? (
            <Empty>
              <div>{t('empty')}</div>
              <div className="muted small">{t('emptyHint')}</div>
            </Empty>
          ) : (
            <div className="act-week" data-testid="actions-week">
              {days.map((day) => (
                <DayColumn
                  key={day}
                  day={day}
                  weekday={weekdayOf(day, i18n.language)}
                  picked={day === picked}
                  isToday={day === today()}
                  customers={columns.get(day) ?? new Map()}
                  nameOf={nameOf}
                  onPick={() => set({ date: day })}
                  onOpen={setOpen}
                />
              ))}
            </div>
          )
        }
      </Loaded>
      {open && (
        <ActionDialog
          action={open}
          name={nameOf(open.customer_id)}
          onClose={() => setOpen(null)}
          onDone={(message) => {
            setOpen(null);
            setFlash(message);
            state.reload();
          }}
        />
      )}
    </div>
  );
}

function DayColumn({
  day,
  weekday,
  picked,
  isToday,
  customers,
  nameOf,
  onPick,
  onOpen,
}: {
  day: string;
  weekday: string;
  picked: boolean;
  isToday: boolean;
  customers: Map<string, Action[]>;
  nameOf: (id: string) => string;
  onPick: () => void;
  onOpen: (a: Action) => void;
}) {
  const { t } = useTranslation('actions');
  const [all, setAll] = useState(false);
  const groups = [...customers.entries()];
  const count = groups.reduce((n, [, list]) => n + list.length, 0);
  const shown = all ? groups : groups.slice(0, GROUPS_SHOWN);
  return (
    <section
      className={'act-day' + (picked ? ' picked' : '') + (count === 0 ? ' empty-day' : '')}
      data-testid="actions-day"
      data-date={day}
    >
      <button type="button" className="day-head" onClick={onPick}>
        <span className="day-name">
          {weekday}
          {isToday && <span className="badge blue">{t('todayMark')}</span>}
        </span>
        <span className="day-date">{day.slice(5).replace('-', '/')}</span>
        <span className="day-count">{count ? t('count', { count }) : t('none')}</span>
      </button>
      <div className="day-body">
        {shown.map(([id, list]) => {
          const same = list.every(
            (x) => x.amount === list[0].amount && x.currency === list[0].currency,
          );
          return (
          <div className="day-customer" key={id}>
            <div className="day-customer-name">
              <CustomerLink id={id} name={nameOf(id)} />
              {same && <span className="action-amount">{money(list[0].amount, list[0].currency)}</span>}
            </div>
            {list.map((a) => (
              <button
                type="button"
                key={a.id}
                className={'action-chip kind-' + a.kind + ' status-' + a.status}
                data-testid="action"
                data-action-id={a.id}
                onClick={() => onOpen(a)}
                title={`${t(`kind.${a.kind}`, { defaultValue: a.kind })} · ${t(`channel.${a.channel}`, { defaultValue: a.channel })} · ${money(a.amount, a.currency)}`}
              >
                <span className="action-time">{timeOf(a)}</span>
                <span className="action-kind">
                  {t(`kind.${a.kind}`, { defaultValue: a.kind })}
                  {!REDUNDANT.has(`${a.kind}/${a.channel}`) && (
                    <span className="action-channel">
                      {' · '}
                      {t(`channel.${a.channel}`, { defaultValue: a.channel })}
                    </span>
                  )}
                </span>
                {!same && <span className="action-amount">{money(a.amount, a.currency)}</span>}
                {a.status !== 'planned' && (
                  <span className="action-status">{t(`status.${a.status}`)}</span>
                )}
                {a.planned_for !== dayOf(a) && (
                  <span className="action-moved">{t('moved')}</span>
                )}
              </button>
            ))}
          </div>
          );
        })}
        {groups.length > GROUPS_SHOWN && (
          <button type="button" className="link day-more" onClick={() => setAll(!all)}>
            {all ? t('showLess') : t('showAll', { count: groups.length })}
          </button>
        )}
      </div>
    </section>
  );
}

function ActionDialog({
  action: a,
  name,
  onClose,
  onDone,
}: {
  action: Action;
  name: string;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation('actions');
  const { t: tc } = useTranslation();
  const { can } = useAuth();
  const [verb, setVerb] = useState<Verb>('complete');
  const outcomes = outcomesFor(a.kind);
  const [outcome, setOutcome] = useState(outcomes[0]);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [moveTo, setMoveTo] = useState(addDays(dayOf(a), 1));
  const workable = a.status === 'planned' && can('cases.work');

  const { busy, error, setError, submit } = useSubmit(
    async () => {
      const body =
        verb === 'complete'
          ? { outcome, note }
          : verb === 'skip'
            ? { reason, note }
            : { date: moveTo, reason };
      await post(`/api/v1/actions/${a.id}/${verb}`, body);
      onDone(t(`done.${verb}`, { id: a.id, date: formatDate(moveTo) }));
    },
    () => onDone(tc('error.conflict')),
  );

  const kind =
    t(`kind.${a.kind}`, { defaultValue: a.kind }) +
    (a.level ? ' · ' + t('levelN', { level: a.level }) : '');

  const noteField = (
    <label>
      {t('noteLabel')}
      <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
    </label>
  );

  return (
    <Modal title={`${kind} #${a.id}`} onClose={onClose} wide>
      <dl className="dl">
        <dt>{t('detail.customer')}</dt>
        <dd>
          <CustomerLink id={a.customer_id} name={name} />
        </dd>
        <dt>{t('detail.when')}</dt>
        <dd>
          {formatDate(dayOf(a))} {timeOf(a)}
          <span className="muted">{t('detail.localTime')}</span>
          {a.planned_for !== dayOf(a) && <span className="badge amber">{t('moved')}</span>}
        </dd>
        <dt>{t('detail.channel')}</dt>
        <dd>{t(`channel.${a.channel}`, { defaultValue: a.channel })}</dd>
        <dt>{t('detail.amount')}</dt>
        <dd>{money(a.amount, a.currency)}</dd>
        <dt>{t('detail.invoices')}</dt>
        <dd className="wrap-ids">{a.invoice_ids.join(', ')}</dd>
        <dt>{t('detail.assigned')}</dt>
        <dd>{a.assigned_to}</dd>
        <dt>{t('detail.rule')}</dt>
        <dd className="mono">{a.rule}</dd>
        <dt>{t('detail.template')}</dt>
        <dd className="mono">{a.template}</dd>
        <dt>{t('detail.plannedBy')}</dt>
        <dd>{t('detail.plannedFor', { date: formatDate(a.planned_for) })}</dd>
        <dt>{t('detail.status')}</dt>
        <dd>
          {t(`status.${a.status}`)}
          {a.outcome && ` · ${t(`outcome.${a.outcome}`, { defaultValue: a.outcome })}`}
        </dd>
      </dl>
      {workable && (
        <form onSubmit={submit} className="action-work">
          <div className="seg-tabs" role="tablist">
            {(['complete', 'skip', 'reschedule'] as Verb[]).map((v) => (
              <button
                key={v}
                type="button"
                role="tab"
                aria-selected={verb === v}
                className={verb === v ? 'active' : ''}
                data-testid={`action-${v}-tab`}
                onClick={() => {
                  setVerb(v);
                  setError(null);
                }}
              >
                {t(`tab.${v}`)}
              </button>
            ))}
          </div>
          {verb === 'complete' && (
            <>
              <label>
                {t('outcomeLabel')}
                <select value={outcome} onChange={(e) => setOutcome(e.target.value)} data-autofocus>
                  {outcomes.map((o) => (
                    <option key={o} value={o}>
                      {t(`outcome.${o}`)}
                    </option>
                  ))}
                </select>
              </label>
              {noteField}
            </>
          )}
          {verb === 'skip' && (
            <>
              <label>
                {t('reasonLabel')}
                <input
                  required
                  value={reason}
                  placeholder={t('reasonPlaceholder')}
                  onChange={(e) => setReason(e.target.value)}
                />
              </label>
              {noteField}
            </>
          )}
          {verb === 'reschedule' && (
            <>
              <label>
                {t('newDate')}
                <input
                  type="date"
                  required
                  min={addDays(dayOf(a), 1)}
                  value={moveTo}
                  onChange={(e) => setMoveTo(e.target.value)}
                />
              </label>
              <div className="muted small">{t('rescheduleHelp')}</div>
              <label>
                {t('reasonLabel')}
                <input required value={reason} onChange={(e) => setReason(e.target.value)} />
              </label>
            </>
          )}
          <FormError error={error} />
          <DialogButtons busy={busy} onCancel={onClose} testId={`action-${verb}`}>
            {t(`submit.${verb}`)}
          </DialogButtons>
        </form>
      )}
    </Modal>
  );
}
