// What the dashboard and the reports page share: the report JSON shapes, labels for buckets,
// groupings and KPIs in both languages, calendar periods, and exact decimal arithmetic on the
// API's amount strings (BigInt on minor units — an amount never passes through floating point).
import i18n, { registerStrings } from '../i18n';

registerStrings('reportsCommon', {
  'zh-CN': {
    bucket: {
      not_due: '未到期',
      range: '{{from}}–{{to}}天',
      over: '{{days}}天以上',
      rangeShort: '{{from}}–{{to}}天',
      overShort: '>{{days}}天',
      open: '应收余额',
      unapplied: '未核销收款',
      net: '净应收',
      overdue: '逾期合计',
    },
    by: {
      customer: '客户',
      collector: '催收员',
      region: '区域',
      industry: '行业',
      currency: '币种',
      variant: '策略版本',
    },
    kpi: {
      collected: '本期回款额',
      collection_rate: '回款率',
      dso: '应收账款周转天数',
      bpdso: '最佳周转天数',
      add: '平均逾期天数',
      cei: '回款有效性指数',
      overdue_rate: '逾期率',
      promise_kept_rate: '承诺兑现率',
      credit_sales: '本期赊销额',
      ar: '期末应收',
      current_ar: '期末未到期应收',
      beginning_ar: '期初应收',
    },
    kpiShort: {
      dso: 'DSO',
      bpdso: 'BPDSO',
      add: 'ADD',
      cei: 'CEI',
    },
    kpiHelp: {
      collected: '期初应收 + 本期赊销 − 期末应收',
      collection_rate: '本期回款额 ÷（期初应收 + 本期赊销）',
      dso: '期末应收 ÷ 本期赊销 × 天数，越低越好',
      bpdso: '期末未到期应收 ÷ 本期赊销 × 天数，反映信用期限',
      add: 'DSO − BPDSO：因逾期多占用的天数，越低越好',
      cei: '（期初应收 + 赊销 − 期末应收）÷（期初应收 + 赊销 − 期末未到期应收），越高越好',
      overdue_rate: '逾期应收 ÷ 期末应收，越低越好',
      promise_kept_rate: '本期到期的付款承诺中按时兑现的比例（宽限期后已付足承诺金额），越高越好',
    },
    variant: { champion: '基准策略（champion）' },
    unassigned: '（未分配）',
    days: '{{value}} 天',
    total: '合计',
    currency: '币种',
    allCurrencies: '全部币种',
  },
  en: {
    bucket: {
      not_due: 'Not due',
      range: '{{from}}–{{to}} days',
      over: 'Over {{days}} days',
      rangeShort: '{{from}}–{{to}}d',
      overShort: '>{{days}}d',
      open: 'Open',
      unapplied: 'Unapplied cash',
      net: 'Net',
      overdue: 'Overdue',
    },
    by: {
      customer: 'Customer',
      collector: 'Collector',
      region: 'Region',
      industry: 'Industry',
      currency: 'Currency',
      variant: 'Policy variant',
    },
    kpi: {
      collected: 'Collected',
      collection_rate: 'Collection rate',
      dso: 'Days sales outstanding',
      bpdso: 'Best possible DSO',
      add: 'Average days delinquent',
      cei: 'Collection effectiveness',
      overdue_rate: 'Overdue rate',
      promise_kept_rate: 'Promise-kept rate',
      credit_sales: 'Credit sales',
      ar: 'Receivables at end',
      current_ar: 'Not yet due at end',
      beginning_ar: 'Receivables at start',
    },
    kpiShort: {
      dso: 'DSO',
      bpdso: 'BPDSO',
      add: 'ADD',
      cei: 'CEI',
    },
    kpiHelp: {
      collected: 'Receivables at start + credit sales − receivables at end',
      collection_rate: 'Collected ÷ (receivables at start + credit sales)',
      dso: 'Receivables at end ÷ credit sales × days; lower is better',
      bpdso: 'Not-yet-due receivables ÷ credit sales × days; reflects the credit terms',
      add: 'DSO − BPDSO: days lost to late payment; lower is better',
      cei: '(start + sales − end) ÷ (start + sales − not yet due at end); higher is better',
      overdue_rate: 'Overdue receivables ÷ receivables at end; lower is better',
      promise_kept_rate:
        'Promises to pay dated in the period that were paid in full by the end of their grace days; higher is better',
    },
    variant: { champion: 'Champion (current policy)' },
    unassigned: '(unassigned)',
    days: '{{value}} days',
    total: 'Total',
    currency: 'Currency',
    allCurrencies: 'All currencies',
  },
});

const t = (key: string, options?: Record<string, unknown>) =>
  i18n.t(`reportsCommon:${key}`, options ?? {});

// ---------------------------------------------------------------- report shapes (the API's JSON)

export type AgingGroup = 'customer' | 'collector' | 'region' | 'industry' | 'currency';
export const AGING_GROUPS: AgingGroup[] = ['customer', 'collector', 'region', 'industry', 'currency'];

/** A row: key, optional name, one amount per bucket, open, unapplied, net. */
export type AgingRow = { key: string; name?: string } & Record<string, string>;
export type AgingCurrency = { currency: string; totals: Record<string, string>; rows: AgingRow[] };
export type AgingReport = {
  as_of: string;
  group_by: AgingGroup;
  buckets: string[];
  currencies: AgingCurrency[];
};

export type KpiRow = {
  variant?: string;
  currency: string;
  dso: number | null;
  bpdso: number | null;
  add: number | null;
  cei: number | null;
  overdue_rate: number | null;
  /** kept ÷ (kept + broken) promises dated in the period, in percent (GET /reports/promises) */
  promise_kept_rate?: number | null;
  credit_sales: string;
  ar: string;
  current_ar: string;
  beginning_ar: string;
};
export type KpiReport = { from: string; to: string; currencies: KpiRow[] };
export type PromiseReport = {
  from: string;
  to: string;
  currencies: { currency: string; kept_rate: number | null }[];
};

/** `report` with each currency's promise-kept rate (in percent) from the promise report. */
export function withPromiseRates(report: KpiReport, promises: PromiseReport): KpiReport {
  const rate = new Map(promises.currencies.map((p) => [p.currency, p.kept_rate]));
  return {
    ...report,
    currencies: report.currencies.map((k) => {
      const kept = rate.get(k.currency);
      return { ...k, promise_kept_rate: kept === null || kept === undefined ? null : kept * 100 };
    }),
  };
}

// ---------------------------------------------------------------- labels

/** "not_due", "1-30", "over_365" → words in the current language; anything else as it is. */
export function bucketLabel(bucket: string, short = false) {
  if (bucket === 'not_due' || bucket === 'open' || bucket === 'unapplied' || bucket === 'net')
    return t(`bucket.${bucket}`);
  const range = /^(\d+)-(\d+)$/.exec(bucket);
  if (range) return t(short ? 'bucket.rangeShort' : 'bucket.range', { from: range[1], to: range[2] });
  const over = /^over_(\d+)$/.exec(bucket);
  if (over) return t(short ? 'bucket.overShort' : 'bucket.over', { days: over[1] });
  return bucket;
}

export function groupLabel(group: string) {
  return i18n.exists(`reportsCommon:by.${group}`) ? t(`by.${group}`) : group;
}

/** A group's key as it came, with the empty key ("no collector") in words. */
export function keyLabel(key: string) {
  return key === '' ? t('unassigned') : key;
}

export function variantLabel(variant: string | undefined) {
  if (!variant) return '';
  return i18n.exists(`reportsCommon:variant.${variant}`) ? t(`variant.${variant}`) : variant;
}

/** Colours of the buckets: not due in the primary blue, then amber to deep red as debt ages. */
export function bucketColors(buckets: string[]) {
  const overdue = buckets.filter((b) => b !== 'not_due');
  const from = [0xf2, 0xb1, 0x34];
  const to = [0x7a, 0x14, 0x14];
  return buckets.map((b) => {
    if (b === 'not_due') return '#1f5fbf';
    const i = overdue.indexOf(b);
    const f = overdue.length <= 1 ? 1 : i / (overdue.length - 1);
    const c = from.map((v, k) => Math.round(v + (to[k] - v) * f));
    return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
  });
}

/** "1,20" or "30, 60 90" → "30,60,90" when valid (increasing whole days), else null. */
export function normaliseBuckets(text: string): string | null {
  const parts = text
    .split(/[\s,，、;；]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) return '';
  const days: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return null;
    const n = Number(p);
    if (n <= 0 || (days.length && n <= days[days.length - 1])) return null;
    days.push(n);
  }
  return days.join(',');
}

// ---------------------------------------------------------------- exact decimals

function split(amount: string) {
  const negative = amount.startsWith('-');
  const [whole, fraction = ''] = amount.replace('-', '').split('.');
  return { negative, whole, fraction };
}

function scaleOf(...amounts: string[]) {
  return Math.max(0, ...amounts.map((a) => split(a).fraction.length));
}

function toMinor(amount: string, scale: number): bigint {
  const { negative, whole, fraction } = split(amount || '0');
  const v = BigInt((whole || '0') + fraction.padEnd(scale, '0'));
  return negative ? -v : v;
}

function fromMinor(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale ? '.' + digits.slice(digits.length - scale) : '';
  return (negative ? '-' : '') + whole + fraction;
}

/** a + b − c … exactly: plus(["1.10", "2.25"], ["0.05"]) → "3.30". */
export function sum(plus: string[], minus: string[] = []) {
  const scale = scaleOf(...plus, ...minus);
  let total = 0n;
  for (const a of plus) total += toMinor(a, scale);
  for (const a of minus) total -= toMinor(a, scale);
  return fromMinor(total, scale);
}

/** a ÷ b as a number for display (ratios, percentages), null when b is zero. */
export function ratio(a: string, b: string): number | null {
  const scale = scaleOf(a, b);
  const den = toMinor(b, scale);
  if (den === 0n) return null;
  return Number((toMinor(a, scale) * 1_000_000n) / den) / 1_000_000;
}

/** Compares two amounts exactly (for sorting). */
export function compareAmounts(a: string | undefined, b: string | undefined) {
  const scale = scaleOf(a ?? '0', b ?? '0');
  const x = toMinor(a ?? '0', scale);
  const y = toMinor(b ?? '0', scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZero(amount: string | undefined) {
  return !amount || !/[1-9]/.test(amount);
}

/** Collected in the period = beginning AR + credit sales − AR at the end (the CEI numerator). */
export function collected(k: KpiRow) {
  return sum([k.beginning_ar, k.credit_sales], [k.ar]);
}

/** Collected ÷ (beginning AR + credit sales), as a percentage 0–100. */
export function collectionRate(k: KpiRow): number | null {
  const r = ratio(collected(k), sum([k.beginning_ar, k.credit_sales]));
  return r === null ? null : r * 100;
}

/** A short amount for chart axes: 12,345,678 → "1234.6万" / "12.3M". */
export function compact(value: number) {
  return new Intl.NumberFormat(i18n.language || 'zh-CN', {
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(value);
}

// ---------------------------------------------------------------- calendar periods (UTC dates)

const DAY = 86_400_000;
const parse = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10));
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function isDate(text: string | null | undefined): text is string {
  return !!text && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(parse(text));
}
export function addDays(d: string, days: number) {
  return iso(parse(d) + days * DAY);
}
export function monthStart(d: string) {
  return d.slice(0, 8) + '01';
}
/** The first day of the month `months` after d's month (negative: before). */
export function addMonths(d: string, months: number) {
  const y = +d.slice(0, 4);
  const m = +d.slice(5, 7) - 1 + months;
  return iso(Date.UTC(y, m, 1));
}
export function monthEnd(d: string) {
  return addDays(addMonths(d, 1), -1);
}
export function daysBetween(from: string, to: string) {
  return Math.round((parse(to) - parse(from)) / DAY) + 1;
}
function quarterStart(d: string) {
  const m = +d.slice(5, 7) - 1;
  return iso(Date.UTC(+d.slice(0, 4), m - (m % 3), 1));
}
const minDate = (a: string, b: string) => (a < b ? a : b);

export type Preset = 'this_month' | 'last_month' | 'this_quarter' | 'last_quarter' | 'custom';
export const PRESETS: Preset[] = ['this_month', 'last_month', 'this_quarter', 'last_quarter'];

export function presetPeriod(preset: Preset, today: string): { from: string; to: string } {
  switch (preset) {
    case 'last_month': {
      const from = addMonths(today, -1);
      return { from, to: monthEnd(from) };
    }
    case 'this_quarter':
      return { from: quarterStart(today), to: today };
    case 'last_quarter': {
      const from = addMonths(quarterStart(today), -3);
      return { from, to: addDays(quarterStart(today), -1) };
    }
    default:
      return { from: monthStart(today), to: today };
  }
}

/**
 * The period just before [from, to] of the same length. A period starting on the 1st is
 * compared in calendar months (June → May, Q2 → Q1, 1–24 Nov → 1–24 Oct); any other, day for day.
 */
export function previousPeriod(from: string, to: string) {
  if (from.endsWith('-01')) {
    const months =
      (+to.slice(0, 4) - +from.slice(0, 4)) * 12 + (+to.slice(5, 7) - +from.slice(5, 7)) + 1;
    const prevFrom = addMonths(from, -months);
    const lastMonth = addMonths(to, -months);
    const prevTo = to === monthEnd(to) ? monthEnd(lastMonth) : minDate(
      addDays(lastMonth, +to.slice(8, 10) - 1),
      monthEnd(lastMonth),
    );
    return { from: prevFrom, to: prevTo };
  }
  const n = daysBetween(from, to);
  return { from: addDays(from, -n), to: addDays(from, -1) };
}

/** The last `count` months up to the month of `to`, each cut at `to` (and at today). */
export function trailingMonths(to: string, count: number) {
  const months: { from: string; to: string; month: string }[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const from = addMonths(to, -i);
    months.push({ from, to: minDate(monthEnd(from), to), month: from.slice(0, 7) });
  }
  return months;
}

/** "2026-06" → "2026年6月" / "Jun 2026". */
export function monthLabel(month: string, short = false) {
  return new Intl.DateTimeFormat(i18n.language || 'zh-CN', {
    year: short ? '2-digit' : 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(new Date(parse(month + '-01')));
}
