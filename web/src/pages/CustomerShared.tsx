// Labels, badges, icons and exact-decimal helpers shared by the worklist, the customer list and
// the customer 360 view (namespace "cust").
import { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { registerStrings } from '../i18n';
import { OUTCOME_LABELS } from './CustomerTypes';
import './CustomerShared.css';

registerStrings('cust', {
  'zh-CN': {
    stage: {
      identification: '到期确认',
      soft_collection: '软催收',
      pre_litigation: '诉前',
      litigation: '诉讼',
      not_due: '未到期',
      current: '正常',
      asset_recovery: '资产回收',
      write_off: '核销',
    },
    overdueGrade: {
      none: '未逾期',
      not_due: '未逾期',
      current: '未逾期',
      mild: '轻度逾期',
      moderate: '中度逾期',
      severe: '重度逾期',
      critical: '严重逾期',
    },
    type: {
      core: '核心客户',
      growth: '成长型客户',
      general: '一般客户',
      problem: '问题客户',
      temporary: '临时客户',
    },
    typeShort: { core: '核心', growth: '成长型', general: '一般', problem: '问题', temporary: '临时' },
    importance: { high: '高重要性', low: '一般重要性', normal: '一般重要性', medium: '中等重要性' },
    quadrant: {
      'high_importance/high_risk': '重要客户 · 高风险',
      'high_importance/low_risk': '重要客户 · 低风险',
      'low_importance/high_risk': '一般客户 · 高风险',
      'low_importance/low_risk': '一般客户 · 低风险',
    },
    strategy: {
      relationship_insist: '保持关系，坚持回款',
      executive_special_plan: '高层介入，专项还款计划',
      standard: '标准流程',
      intensify_escalate: '加强催收，快速升级',
    },
    actionKind: {
      reminder: '提醒',
      letter: '催款函',
      call: '电话催收',
      sms: '短信',
      email: '邮件',
      visit: '上门拜访',
      lawyer_letter: '律师函',
      legal_review: '法务评估',
      internal_alert: '内部预警',
    },
    actionStatus: { planned: '待办', done: '已完成', skipped: '已跳过', cancelled: '已取消' },
    channel: {
      phone: '电话',
      email: '邮件',
      sms: '短信',
      visit: '上门',
      letter: '信函',
      lawyer_letter: '律师函',
      litigation: '诉讼',
      im: '即时消息',
      internal: '内部',
    },
    outcome: OUTCOME_LABELS['zh-CN'],
    reason: {
      quality_problem: '质量问题',
      invoice_error: '发票错误',
      approval_delay: '内部审批延迟',
      goods_not_received: '未收到货物',
      price_dispute: '价格争议',
      cash_flow_difficulty: '资金周转困难',
      person_absent: '经办人不在',
      already_paid: '声称已付款',
      bill_not_received: '未收到账单',
    },
    promiseStatus: { open: '待兑现', kept: '已兑现', broken: '已违约', cancelled: '已取消' },
    planStatus: { open: '执行中', completed: '已完成', broken: '已违约', cancelled: '已取消' },
    disputeStatus: { open: '处理中', resolved: '已解决' },
    resolution: { upheld: '异议成立', rejected: '异议驳回', credited: '已开红字/贷项' },
    sla: {
      open: '处理中',
      overdue: '已超时',
      answered_in_time: '按时答复',
      answered_late: '超时答复',
    },
    days: '{{count}} 天',
    daysOverdue: '逾期 {{count}} 天',
    notOverdue: '未逾期',
    doNotContact: '请勿联系',
    blacklisted: '黑名单',
    creditGrade: '信用等级',
    creditShort: '信用 {{grade}}',
    classShort: '{{class}} 类',
  },
  en: {
    stage: {
      identification: 'Identification',
      soft_collection: 'Soft collection',
      pre_litigation: 'Pre-litigation',
      litigation: 'Litigation',
      not_due: 'Not due',
      current: 'Current',
      asset_recovery: 'Asset recovery',
      write_off: 'Write-off',
    },
    overdueGrade: {
      none: 'Not overdue',
      not_due: 'Not overdue',
      current: 'Not overdue',
      mild: 'Mild',
      moderate: 'Moderate',
      severe: 'Severe',
      critical: 'Critical',
    },
    type: {
      core: 'Core customer',
      growth: 'Growth customer',
      general: 'General customer',
      problem: 'Problem customer',
      temporary: 'Temporary customer',
    },
    typeShort: { core: 'Core', growth: 'Growth', general: 'General', problem: 'Problem', temporary: 'Temporary' },
    importance: { high: 'High importance', low: 'Normal importance', normal: 'Normal importance', medium: 'Medium importance' },
    quadrant: {
      'high_importance/high_risk': 'Important · high risk',
      'high_importance/low_risk': 'Important · low risk',
      'low_importance/high_risk': 'Standard · high risk',
      'low_importance/low_risk': 'Standard · low risk',
    },
    strategy: {
      relationship_insist: 'Keep the relationship, insist',
      executive_special_plan: 'Executive contact, special plan',
      standard: 'Standard process',
      intensify_escalate: 'Intensify and escalate',
    },
    actionKind: {
      reminder: 'Reminder',
      letter: 'Dunning letter',
      call: 'Call',
      sms: 'SMS',
      email: 'E-mail',
      visit: 'Visit',
      lawyer_letter: 'Lawyer letter',
      legal_review: 'Legal review',
      internal_alert: 'Internal alert',
    },
    actionStatus: { planned: 'Planned', done: 'Done', skipped: 'Skipped', cancelled: 'Cancelled' },
    channel: {
      phone: 'Phone',
      email: 'E-mail',
      sms: 'SMS',
      visit: 'Visit',
      letter: 'Letter',
      lawyer_letter: 'Lawyer letter',
      litigation: 'Litigation',
      im: 'Instant message',
      internal: 'Internal',
    },
    outcome: OUTCOME_LABELS.en,
    reason: {
      quality_problem: 'Quality problem',
      invoice_error: 'Invoice error',
      approval_delay: 'Approval delay',
      goods_not_received: 'Goods not received',
      price_dispute: 'Price dispute',
      cash_flow_difficulty: 'Cash-flow difficulty',
      person_absent: 'Person in charge absent',
      already_paid: 'Says already paid',
      bill_not_received: 'Bill not received',
    },
    promiseStatus: { open: 'Open', kept: 'Kept', broken: 'Broken', cancelled: 'Cancelled' },
    planStatus: { open: 'Open', completed: 'Completed', broken: 'Broken', cancelled: 'Cancelled' },
    disputeStatus: { open: 'Open', resolved: 'Resolved' },
    resolution: { upheld: 'Upheld', rejected: 'Rejected', credited: 'Credited' },
    sla: {
      open: 'Open',
      overdue: 'Past deadline',
      answered_in_time: 'Answered in time',
      answered_late: 'Answered late',
    },
    days: '{{count}} days',
    daysOverdue: '{{count}} days overdue',
    notOverdue: 'Not overdue',
    doNotContact: 'Do not contact',
    blacklisted: 'Blacklisted',
    creditGrade: 'Credit grade',
    creditShort: 'Credit {{grade}}',
    classShort: 'Class {{class}}',
  },
});

export const CONTACT_CHANNELS = ['phone', 'email', 'sms', 'visit', 'letter'] as const;
export { CONTACT_OUTCOMES } from './CustomerTypes';
export const DISPUTE_REASONS = [
  'quality_problem',
  'invoice_error',
  'approval_delay',
  'goods_not_received',
  'price_dispute',
  'cash_flow_difficulty',
  'person_absent',
  'already_paid',
  'bill_not_received',
] as const;
export const CREDIT_GRADES = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C', 'D'] as const;
export const CUSTOMER_TYPES = ['core', 'growth', 'general', 'problem', 'temporary'] as const;

/** A code's label in group `group` of namespace "cust", or the code itself when unknown. */
export function useLabel() {
  const { t } = useTranslation('cust');
  return (group: string, code: string | null | undefined) =>
    code ? t(`${group}.${code}`, { defaultValue: code.replace(/_/g, ' ') }) : '';
}

// ---- severity -------------------------------------------------------------------------------

export type Tone = 'red' | 'amber' | 'green' | 'blue' | 'grey' | 'solid-red';

/** The colour of an overdue grade: amber for mild/moderate, red for severe, solid red for critical. */
export function gradeTone(grade: string | null | undefined): Tone {
  switch (grade) {
    case 'mild':
      return 'amber';
    case 'moderate':
      return 'amber';
    case 'severe':
      return 'red';
    case 'critical':
      return 'solid-red';
    default:
      return 'green';
  }
}

export function daysTone(days: number | null | undefined): Tone {
  if (!days || days <= 0) return 'green';
  if (days <= 60) return 'amber';
  if (days <= 90) return 'red';
  return 'solid-red';
}

export function stageTone(stage: string | null | undefined): Tone {
  switch (stage) {
    case 'identification':
      return 'blue';
    case 'soft_collection':
      return 'amber';
    case 'pre_litigation':
      return 'red';
    case 'litigation':
    case 'asset_recovery':
    case 'write_off':
      return 'solid-red';
    default:
      return 'grey';
  }
}

/** Credit grades: investment grade green, BB/B amber, CCC and below red. */
export function creditTone(grade: string | null | undefined): Tone {
  if (!grade) return 'grey';
  if (['AAA', 'AA', 'A', 'BBB'].includes(grade)) return 'green';
  if (['BB', 'B'].includes(grade)) return 'amber';
  return 'red';
}

export function Badge({
  tone = 'grey',
  children,
  title,
}: {
  tone?: Tone;
  children: ReactNode;
  title?: string;
}) {
  return (
    <span className={`badge ${tone === 'grey' ? '' : tone}`} title={title}>
      {children}
    </span>
  );
}

export function StageBadge({ stage }: { stage: string | null | undefined }) {
  const label = useLabel();
  if (!stage) return null;
  return <Badge tone={stageTone(stage)}>{label('stage', stage)}</Badge>;
}

export function GradeBadge({ grade }: { grade: string | null | undefined }) {
  const label = useLabel();
  if (!grade) return null;
  return <Badge tone={gradeTone(grade)}>{label('overdueGrade', grade)}</Badge>;
}

export function CreditBadge({ grade }: { grade: string | null | undefined }) {
  const { t } = useTranslation('cust');
  if (!grade) return null;
  return (
    <Badge tone={creditTone(grade)} title={t('creditGrade')}>
      {t('creditShort', { grade })}
    </Badge>
  );
}

/** "逾期 210 天" in the colour of its severity. */
export function DaysOverdue({ days }: { days: number | null | undefined }) {
  const { t } = useTranslation('cust');
  if (!days || days <= 0) return <span className="days tone-green">{t('notOverdue')}</span>;
  return <span className={`days tone-${daysTone(days)}`}>{t('daysOverdue', { count: days })}</span>;
}

// ---- icons ----------------------------------------------------------------------------------

const ICONS: Record<string, ReactNode> = {
  phone: (
    <path d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2" />
  ),
  mail: (
    <>
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="m3 7 9 6 9-6" />
    </>
  ),
  message: <path d="M4 5h16v11H9l-5 4z" />,
  visit: (
    <>
      <path d="M12 21s-7-6.2-7-11a7 7 0 0 1 14 0c0 4.8-7 11-7 11z" />
      <circle cx="12" cy="10" r="2.5" />
    </>
  ),
  letter: (
    <>
      <path d="M6 3h9l4 4v14H6z" />
      <path d="M14 3v5h5M9 13h7M9 17h5" />
    </>
  ),
  promise: (
    <>
      <rect x="3" y="5" width="18" height="16" rx="2" />
      <path d="M3 10h18M8 3v4M16 3v4M9 15l2 2 4-4" />
    </>
  ),
  dispute: (
    <>
      <path d="M12 3 2 20h20z" />
      <path d="M12 10v4M12 17h.01" />
    </>
  ),
  payment: (
    <>
      <rect x="2" y="6" width="20" height="12" rx="2" />
      <circle cx="12" cy="12" r="3" />
      <path d="M6 9v.01M18 15v.01" />
    </>
  ),
  action: (
    <>
      <rect x="4" y="4" width="16" height="16" rx="2" />
      <path d="m8 12 3 3 5-6" />
    </>
  ),
  activity: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7v5l3 2" />
    </>
  ),
  plan: (
    <>
      <path d="M4 20h16M6 16v-4M10 16V8M14 16v-6M18 16V5" />
    </>
  ),
  legal: (
    <>
      <path d="M12 3v18M5 21h14M5 7h14M7 7l-3 7h6zM17 7l-3 7h6z" />
    </>
  ),
};

export function Icon({ name, size = 16 }: { name: string; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {ICONS[name] ?? ICONS.activity}
    </svg>
  );
}

/** The icon of a contact channel or action kind. */
export function channelIcon(channel: string) {
  switch (channel) {
    case 'phone':
    case 'call':
      return 'phone';
    case 'email':
      return 'mail';
    case 'sms':
    case 'im':
    case 'internal':
    case 'internal_alert':
      return 'message';
    case 'visit':
      return 'visit';
    case 'lawyer_letter':
    case 'legal_review':
    case 'litigation':
      return 'legal';
    default:
      return 'letter';
  }
}

// ---- exact decimals -------------------------------------------------------------------------
// Amounts stay decimal strings; sums and differences go through BigInt minor units.

function scaleOf(amount: string) {
  const dot = amount.indexOf('.');
  return dot < 0 ? 0 : amount.length - dot - 1;
}

function toUnits(amount: string, scale: number): bigint {
  const negative = amount.trim().startsWith('-');
  const [whole, fraction = ''] = amount.trim().replace(/^[-+]/, '').split('.');
  const digits = (whole || '0') + fraction.padEnd(scale, '0').slice(0, scale);
  const value = BigInt(digits || '0');
  return negative ? -value : value;
}

function fromUnits(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return (negative ? '-' : '') + whole + (scale ? '.' + fraction : '');
}

/** The sum of exact decimal strings, with the largest number of fraction digits among them. */
export function addDecimals(...amounts: (string | null | undefined)[]): string {
  const present = amounts.filter((a): a is string => !!a && isDecimal(a));
  const scale = Math.max(0, ...present.map(scaleOf));
  return fromUnits(
    present.reduce((sum, a) => sum + toUnits(a, scale), 0n),
    scale,
  );
}

/** a − b, exactly. */
export function subtractDecimals(a: string, b: string): string {
  const scale = Math.max(scaleOf(a), scaleOf(b));
  return fromUnits(toUnits(a, scale) - toUnits(b, scale), scale);
}

/** −1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareDecimals(a: string, b: string): number {
  const scale = Math.max(scaleOf(a), scaleOf(b));
  const d = toUnits(a, scale) - toUnits(b, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export function isDecimal(text: string) {
  return /^-?\d+(\.\d+)?$/.test(text.trim());
}

/** A user's typed amount → a plain decimal string ("1,234.5" → "1234.5"), or null. */
export function normalizeAmount(text: string): string | null {
  const cleaned = text.replace(/[,\s，¥$€£]/g, '');
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
  return cleaned;
}

/** The amounts of `items` summed per currency (exactly), in first-seen order. */
export function sumByCurrency<T>(
  items: T[],
  amount: (item: T) => string | null | undefined,
  currency: (item: T) => string,
): { currency: string; amount: string }[] {
  const totals = new Map<string, string>();
  for (const item of items) {
    const value = amount(item);
    if (!value) continue;
    const code = currency(item);
    totals.set(code, addDecimals(totals.get(code) ?? '0', value));
  }
  return [...totals].map(([code, total]) => ({ currency: code, amount: total }));
}

// ---- time -----------------------------------------------------------------------------------

/** A date or timestamp as milliseconds since the epoch (dates at midnight UTC), for sorting. */
export function timeOf(text: string | null | undefined): number {
  if (!text) return 0;
  const parsed = Date.parse(text.length === 10 ? text + 'T00:00:00Z' : text);
  return Number.isNaN(parsed) ? 0 : parsed;
}

/** "2026-11-24T09:30:00+08:00" → "09:30": the local time of day as written (the customer's). */
export function localClock(at: string) {
  return /T(\d\d:\d\d)/.exec(at)?.[1] ?? '';
}

/** The current time as ISO 8601 with the browser's offset: "2026-11-24T09:10:00+08:00". */
export function nowWithOffset(at = new Date()): string {
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');
  const offset = -at.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}` +
    `T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}` +
    `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  );
}

/** "2026-11-24T09:10" (a datetime-local input's value) → ISO 8601 with the browser's offset. */
export function localInputToIso(value: string): string {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) return nowWithOffset();
  return nowWithOffset(parsed);
}

/** A datetime-local input's value for now. */
export function nowLocalInput(): string {
  return nowWithOffset().slice(0, 16);
}

/** True when focus is in a text field (single-key shortcuts must not fire then). */
export function typing(event: KeyboardEvent) {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  const tag = target.tagName;
  return (
    tag === 'INPUT' ||
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    target.isContentEditable ||
    !!target.closest?.('.ag-root')
  );
}

/** A key hint: <kbd>j</kbd> next. */
export function KeyHint({ keys, children }: { keys: string[]; children: ReactNode }) {
  return (
    <span className="key-hint">
      {keys.map((k) => (
        <kbd key={k}>{k}</kbd>
      ))}
      <span>{children}</span>
    </span>
  );
}

/** "588459.31" → "588,459.31" in the user's grouping, without a currency symbol (exact). */
export function groupDigits(amount: string | null | undefined, locale = 'en') {
  if (!amount) return '';
  const negative = amount.startsWith('-');
  const [whole, fraction] = amount.replace('-', '').split('.');
  const group =
    new Intl.NumberFormat(locale).formatToParts(1000).find((p) => p.type === 'group')?.value ?? ',';
  return (
    (negative ? '-' : '') +
    whole.replace(/\B(?=(\d{3})+(?!\d))/g, group) +
    (fraction !== undefined ? '.' + fraction : '')
  );
}
