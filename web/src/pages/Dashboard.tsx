// The dashboard for supervisors, directors, management and finance: the period's KPIs against
// the previous period, the aging of the receivables at the period's end, a six-month trend, and
// breakdowns by region, industry, collector and policy variant (a bar leads to those customers).
import { FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';

import { get } from '../api';
import { Empty, ErrorMessage, Loaded, PageTitle, useData } from '../components';
import { date, money, number, percent, today } from '../format';
import { registerStrings } from '../i18n';
import './Dashboard.css';
import Chart, { ChartOption } from './DashboardChart';
import {
  addMonths,
  AgingCurrency,
  AgingReport,
  bucketColors,
  bucketLabel,
  collected,
  collectionRate,
  compact,
  compareAmounts,
  isDate,
  isZero,
  keyLabel,
  KpiReport,
  KpiRow,
  PromiseReport,
  withPromiseRates,
  monthEnd,
  monthLabel,
  Preset,
  PRESETS,
  presetPeriod,
  previousPeriod,
  ratio,
  sum,
  trailingMonths,
  variantLabel,
} from './ReportsCommon';

registerStrings('dashboard', {
  'zh-CN': {
    period: {
      label: '统计期间',
      this_month: '本月',
      last_month: '上月',
      this_quarter: '本季度',
      last_quarter: '上季度',
      custom: '自定义',
    },
    from: '开始日期',
    to: '结束日期',
    apply: '应用',
    badRange: '开始日期不能晚于结束日期。',
    range: '{{from}} 至 {{to}}',
    compare: '对比上期：{{range}}',
    currency: '币种',
    previous: '上期 {{value}}',
    noPrevious: '上期无数据',
    unchanged: '持平',
    pp: '{{value}} 个百分点',
    card: {
      collected: '本期回款额',
      collection_rate: '回款率',
      dso: '应收周转天数',
      bpdso: '最佳周转天数',
      add: '平均逾期天数',
      cei: '回款有效性指数',
      overdue_rate: '逾期率',
      promise_kept_rate: '承诺兑现率',
    },
    aging: {
      title: '账龄分布',
      asOf: '截至 {{date}}',
      amount: '金额（{{currency}}）',
      share: '占应收余额 {{value}}',
      open: '应收余额',
      overdue: '逾期',
    },
    trend: {
      title: '近 6 个月趋势',
      days: '天数',
      percent: '百分比（%）',
    },
    breakdown: {
      region: '按区域',
      industry: '按行业',
      collector: '按催收员',
      variant: '按策略版本',
      hint: '点击条形查看对应客户',
      top: '显示应收余额最高的 {{count}} 项（共 {{total}} 项）',
      open: '应收余额',
      variantHint: '挑战版本与基准策略的差异以颜色标出（绿色为更好）',
      vsChampion: '较基准 {{value}}',
    },
    empty: {
      period: '所选期间之前和期间内都没有应收数据。',
      currency: '{{currency}} 在所选期间没有数据。',
      noSales:
        '所选期间没有新增赊销（{{currency}}），DSO、BPDSO、ADD 和回款率无法计算；逾期率和 CEI 按期初、期末余额计算。',
      searching: '正在查找最近有赊销的月份…',
      latest: '最近一个有赊销的月份是 {{month}}。',
      show: '查看 {{month}}',
      none: '更早的期间也没有赊销数据。',
      aging: '截至该日没有未结应收。',
    },
  },
  en: {
    period: {
      label: 'Period',
      this_month: 'This month',
      last_month: 'Last month',
      this_quarter: 'This quarter',
      last_quarter: 'Last quarter',
      custom: 'Custom',
    },
    from: 'From',
    to: 'To',
    apply: 'Apply',
    badRange: 'The start date must not be after the end date.',
    range: '{{from}} – {{to}}',
    compare: 'Compared with {{range}}',
    currency: 'Currency',
    previous: 'Previous {{value}}',
    noPrevious: 'No previous data',
    unchanged: 'Unchanged',
    pp: '{{value}} pp',
    card: {
      collected: 'Collected',
      collection_rate: 'Collection rate',
      dso: 'DSO',
      bpdso: 'BPDSO',
      add: 'ADD (days late)',
      cei: 'CEI',
      overdue_rate: 'Overdue rate',
      promise_kept_rate: 'Promises kept',
    },
    aging: {
      title: 'Aging',
      asOf: 'As of {{date}}',
      amount: 'Amount ({{currency}})',
      share: '{{value}} of open',
      open: 'Open',
      overdue: 'Overdue',
    },
    trend: {
      title: 'Last 6 months',
      days: 'Days',
      percent: 'Percent (%)',
    },
    breakdown: {
      region: 'By region',
      industry: 'By industry',
      collector: 'By collector',
      variant: 'By policy variant',
      hint: 'Click a bar to see those customers',
      top: 'The {{count}} largest of {{total}} by open amount',
      open: 'Open',
      variantHint: 'Challengers are coloured against the champion (green is better)',
      vsChampion: '{{value}} vs champion',
    },
    empty: {
      period: 'There are no receivables in or before this period.',
      currency: 'No {{currency}} data in this period.',
      noSales:
        'No credit sales in this period ({{currency}}), so DSO, BPDSO, ADD and the collection rate cannot be calculated; the overdue rate and CEI use the opening and closing balances.',
      searching: 'Looking for the latest month with credit sales…',
      latest: 'The latest month with credit sales is {{month}}.',
      show: 'Show {{month}}',
      none: 'No earlier period has credit sales either.',
      aging: 'Nothing is open on that date.',
    },
  },
});

const KPI = '/api/v1/reports/kpi';
const PROMISES = '/api/v1/reports/promises';
const AGING = '/api/v1/reports/aging';
const BLUE = '#1f5fbf';
const RED = '#c4302b';
const GREEN = '#1d7a46';
const MUTED = '#667085';
const LINE = '#e3e7ee';

type Period = { from: string; to: string };

// ---------------------------------------------------------------- KPI definitions

type Better = 'up' | 'down' | 'none';
type KpiDef = {
  key: string;
  kind: 'money' | 'days' | 'percent';
  better: Better;
  value: (k: KpiRow) => number | null;
};

const KPIS: KpiDef[] = [
  { key: 'collected', kind: 'money', better: 'up', value: () => null },
  { key: 'collection_rate', kind: 'percent', better: 'up', value: collectionRate },
  { key: 'dso', kind: 'days', better: 'down', value: (k) => k.dso },
  { key: 'bpdso', kind: 'days', better: 'none', value: (k) => k.bpdso },
  { key: 'add', kind: 'days', better: 'down', value: (k) => k.add },
  { key: 'cei', kind: 'percent', better: 'up', value: (k) => k.cei },
  { key: 'overdue_rate', kind: 'percent', better: 'down', value: (k) => k.overdue_rate },
  {
    key: 'promise_kept_rate',
    kind: 'percent',
    better: 'up',
    value: (k) => k.promise_kept_rate ?? null,
  },
];

function showValue(kind: KpiDef['kind'], value: number | null) {
  if (value === null) return '—';
  return kind === 'percent' ? percent(value / 100) : number(value, 1);
}

/** good / bad / neutral for a change of `delta` in a KPI where `better` is the good direction. */
function tone(delta: number | null, better: Better) {
  if (delta === null || better === 'none' || Math.abs(delta) < 1e-9) return 'neutral';
  return (delta > 0) === (better === 'up') ? 'good' : 'bad';
}

// ---------------------------------------------------------------- page

export default function Dashboard() {
  const { t } = useTranslation(['dashboard', 'reportsCommon', 'common']);
  const [params, setParams] = useSearchParams();
  const todayText = today();

  const preset = (
    [...PRESETS, 'custom'].includes(params.get('period') ?? '') ? params.get('period') : 'this_month'
  ) as Preset;
  const customFrom = params.get('from');
  const customTo = params.get('to');
  const period: Period =
    preset === 'custom' && isDate(customFrom) && isDate(customTo) && customFrom <= customTo
      ? { from: customFrom, to: customTo }
      : presetPeriod(preset === 'custom' ? 'this_month' : preset, todayText);
  const previous = previousPeriod(period.from, period.to);

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  const choosePreset = (p: Preset) =>
    p === 'custom'
      ? update({ period: 'custom', from: period.from, to: period.to })
      : update({ period: p, from: null, to: null });
  const showMonth = (month: string) =>
    update({ period: 'custom', from: month, to: monthEnd(month) });

  const kpis = useData(
    () =>
      Promise.all(
        [period, previous].map((p) =>
          Promise.all([get<KpiReport>(KPI, p), get<PromiseReport>(PROMISES, p)]).then(
            ([kpi, promises]) => withPromiseRates(kpi, promises),
          ),
        ),
      ).then(([current, before]) => ({ current, before })),
    [period.from, period.to],
  );
  const aging = useData(
    () =>
      Promise.all(
        (['region', 'industry', 'collector'] as const).map((by) =>
          get<AgingReport>(AGING, { as_of: period.to, by }),
        ),
      ).then(([region, industry, collector]) => ({ region, industry, collector })),
    [period.to],
  );
  const trend = useData(
    () =>
      Promise.all(
        trailingMonths(period.to, 6).map((m) =>
          get<KpiReport>(KPI, { from: m.from, to: m.to }).then((report) => ({ ...m, report })),
        ),
      ),
    [period.to],
  );
  const variants = useData(
    () => get<KpiReport>(KPI, { ...period, by: 'variant' }),
    [period.from, period.to],
  );

  // The currencies any answer has, CNY first; the chosen one is kept in the address.
  const currencies = useMemo(() => {
    const all = new Set<string>();
    kpis.data?.current.currencies.forEach((c) => all.add(c.currency));
    aging.data?.region.currencies.forEach((c) => all.add(c.currency));
    return [...all].sort((a, b) => (a === 'CNY' ? -1 : b === 'CNY' ? 1 : a.localeCompare(b)));
  }, [kpis.data, aging.data]);
  const wanted = params.get('currency');
  const currency = wanted && currencies.includes(wanted) ? wanted : (currencies[0] ?? 'CNY');

  return (
    <div className="dashboard">
      <PageTitle
        actions={
          <PeriodPicker
            preset={preset}
            period={period}
            onPreset={choosePreset}
            onCustom={(p) => update({ period: 'custom', ...p })}
          />
        }
      >
        {t('common:nav.dashboard')}
      </PageTitle>
      <div className="dash-subtitle">
        <span data-testid="dashboard-period">
          {t('range', { from: date(period.from), to: date(period.to) })}
        </span>
        <span className="muted">
          {t('compare', { range: t('range', { from: date(previous.from), to: date(previous.to) }) })}
        </span>
        {currencies.length > 1 && (
          <label className="dash-currency">
            {t('currency')}
            <select
              value={currency}
              onChange={(e) => update({ currency: e.target.value })}
              data-testid="dashboard-currency"
            >
              {currencies.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
        )}
      </div>

      <Loaded state={kpis}>
        {({ current, before }) => (
          <KpiCards
            current={current.currencies.find((c) => c.currency === currency)}
            before={before.currencies.find((c) => c.currency === currency)}
            currency={currency}
            anyData={current.currencies.length > 0}
            period={period}
            onShowMonth={showMonth}
          />
        )}
      </Loaded>

      <div className="dash-grid">
        <section className="card" data-testid="dashboard-aging">
          <Loaded state={aging}>
            {(data) => (
              <AgingChart
                report={data.region}
                table={data.region.currencies.find((c) => c.currency === currency)}
                currency={currency}
              />
            )}
          </Loaded>
        </section>
        <section className="card" data-testid="dashboard-trend">
          <div className="card-head">
            <h2>{t('trend.title')}</h2>
            <span className="muted">{currency}</span>
          </div>
          <Loaded state={trend}>
            {(months) => <TrendChart months={months} currency={currency} />}
          </Loaded>
        </section>
      </div>

      <div className="dash-grid three">
        {(['region', 'industry', 'collector'] as const).map((by) => (
          <section className="card" key={by} data-testid={`dashboard-by-${by}`}>
            <div className="card-head">
              <h2>{t(`breakdown.${by}`)}</h2>
              <span className="muted small">
                {t('breakdown.hint')}
              </span>
            </div>
            <Loaded state={aging}>
              {(data) => (
                <Breakdown
                  by={by}
                  buckets={data[by].buckets}
                  table={data[by].currencies.find((c) => c.currency === currency)}
                  currency={currency}
                  rowsShown={Math.max(
                    ...(['region', 'industry', 'collector'] as const).map((k) =>
                      shownRows(data[k].currencies.find((c) => c.currency === currency)).length,
                    ),
                  )}
                />
              )}
            </Loaded>
          </section>
        ))}
      </div>
      <section className="card" data-testid="dashboard-by-variant">
        <div className="card-head">
          <h2>{t('breakdown.variant')}</h2>
          <span className="muted small">{t('breakdown.variantHint')}</span>
        </div>
        <Loaded state={variants}>
          {(report) => (
            <VariantTable rows={report.currencies.filter((c) => c.currency === currency)} />
          )}
        </Loaded>
      </section>
    </div>
  );
}

// ---------------------------------------------------------------- period picker

function PeriodPicker({
  preset,
  period,
  onPreset,
  onCustom,
}: {
  preset: Preset;
  period: Period;
  onPreset: (p: Preset) => void;
  onCustom: (p: Period) => void;
}) {
  const { t } = useTranslation('dashboard');
  const [from, setFrom] = useState(period.from);
  const [to, setTo] = useState(period.to);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setFrom(period.from);
    setTo(period.to);
  }, [period.from, period.to]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!isDate(from) || !isDate(to) || from > to) {
      setError(t('badRange'));
      return;
    }
    setError(null);
    onCustom({ from, to });
  };

  return (
    <div className="period-picker">
      <div className="segmented" role="group" aria-label={t('period.label')}>
        {[...PRESETS, 'custom' as const].map((p) => (
          <button
            key={p}
            type="button"
            aria-pressed={preset === p}
            className={preset === p ? 'on' : ''}
            onClick={() => onPreset(p)}
            data-testid={`period-${p}`}
          >
            {t(`period.${p}`)}
          </button>
        ))}
      </div>
      {preset === 'custom' && (
        <form className="custom-range" onSubmit={submit}>
          <input
            type="date"
            aria-label={t('from')}
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            data-testid="period-from"
          />
          <span className="muted">–</span>
          <input
            type="date"
            aria-label={t('to')}
            value={to}
            onChange={(e) => setTo(e.target.value)}
            data-testid="period-to"
          />
          <button type="submit" className="primary">
            {t('apply')}
          </button>
          {error && (
            <span className="field-error" role="alert">
              {error}
            </span>
          )}
        </form>
      )}
    </div>
  );
}

// ---------------------------------------------------------------- KPI cards

function KpiCards({
  current,
  before,
  currency,
  anyData,
  period,
  onShowMonth,
}: {
  current: KpiRow | undefined;
  before: KpiRow | undefined;
  currency: string;
  anyData: boolean;
  period: Period;
  onShowMonth: (month: string) => void;
}) {
  const { t } = useTranslation(['dashboard', 'reportsCommon']);
  if (!anyData) {
    return (
      <div className="card dash-empty" data-testid="dashboard-empty">
        <Empty>{t('empty.period')}</Empty>
      </div>
    );
  }
  if (!current) {
    return (
      <div className="card dash-empty">
        <Empty>{t('empty.currency', { currency })}</Empty>
      </div>
    );
  }
  const noSales = isZero(current.credit_sales);
  return (
    <>
      {noSales && (
        <div className="notice dash-notice" data-testid="dashboard-no-sales">
          <span>{t('empty.noSales', { currency })}</span>
          <LatestMonth before={period.from} currency={currency} onShow={onShowMonth} />
        </div>
      )}
      <div className="kpi-row" data-testid="dashboard-kpis">
        {KPIS.map((def) =>
          def.kind === 'money' ? (
            <CollectedCard key={def.key} current={current} before={before} />
          ) : (
            <KpiCard key={def.key} def={def} current={current} before={before} />
          ),
        )}
      </div>
    </>
  );
}

function Delta({
  delta,
  better,
  text,
  previous,
}: {
  delta: number | null;
  better: Better;
  text: string;
  previous: string;
}) {
  const { t } = useTranslation('dashboard');
  const kind = tone(delta, better);
  const arrow = delta === null || Math.abs(delta) < 1e-9 ? '' : delta > 0 ? '▲' : '▼';
  return (
    <div className="kpi-delta">
      {delta === null ? (
        <span className="muted">{t('noPrevious')}</span>
      ) : (
        <span className={`delta ${kind}`}>
          {arrow && <span aria-hidden="true">{arrow} </span>}
          {Math.abs(delta) < 1e-9 ? t('unchanged') : text}
        </span>
      )}
      <span className="muted kpi-previous">{t('previous', { value: previous })}</span>
    </div>
  );
}

function KpiCard({ def, current, before }: { def: KpiDef; current: KpiRow; before?: KpiRow }) {
  const { t } = useTranslation(['reportsCommon', 'dashboard']);
  const value = def.value(current);
  const old = before ? def.value(before) : null;
  const delta = value !== null && old !== null ? value - old : null;
  const size = delta === null ? '' : number(Math.abs(delta), 1);
  const text =
    def.kind === 'percent'
      ? t('dashboard:pp', { value: size })
      : t('reportsCommon:days', { value: size });
  const label = t(`dashboard:card.${def.key}`);
  const short = t(`reportsCommon:kpiShort.${def.key}`, { defaultValue: '' });
  return (
    <div
      className="card kpi-card"
      data-testid={`kpi-${def.key}`}
      title={`${t(`reportsCommon:kpi.${def.key}`)}${short ? ` (${short})` : ''}\n${t(`reportsCommon:kpiHelp.${def.key}`)}`}
    >
      <div className="kpi-label">
        <span className="kpi-name">{label}</span>
        {short && !label.includes(short) && <span className="kpi-abbr">{short}</span>}
      </div>
      <div className="kpi-value">
        {showValue(def.kind, value)}
        {def.kind === 'days' && value !== null && (
          <span className="kpi-unit">{t('reportsCommon:days', { value: '' }).trim()}</span>
        )}
      </div>
      <Delta
        delta={delta}
        better={def.better}
        text={text}
        previous={
          old === null
            ? '—'
            : def.kind === 'days'
              ? t('reportsCommon:days', { value: showValue(def.kind, old) })
              : showValue(def.kind, old)
        }
      />
    </div>
  );
}

function CollectedCard({ current, before }: { current: KpiRow; before?: KpiRow }) {
  const { t } = useTranslation(['reportsCommon', 'dashboard']);
  const value = collected(current);
  const old = before ? collected(before) : null;
  // The change as a share of the previous amount (exact decimals, a ratio only for display).
  const change =
    old === null
      ? null
      : isZero(old)
        ? isZero(value)
          ? 0
          : null
        : ratio(sum([value], [old]), old.replace('-', ''));
  return (
    <div className="card kpi-card kpi-wide" data-testid="kpi-collected" title={t('kpiHelp.collected')}>
      <div className="kpi-label">
        <span className="kpi-name">{t('dashboard:card.collected')}</span>
        <span className="kpi-abbr">{current.currency}</span>
      </div>
      <div className="kpi-value kpi-money">{money(value, current.currency)}</div>
      <Delta
        delta={change === null ? null : change * 100}
        better="up"
        text={percent(change === null ? null : Math.abs(change))}
        previous={old === null ? '—' : money(old, current.currency)}
      />
    </div>
  );
}

/** Finds the latest month with credit sales before `before` (a few KPI calls, halving). */
function LatestMonth({
  before,
  currency,
  onShow,
}: {
  before: string;
  currency: string;
  onShow: (month: string) => void;
}) {
  const { t } = useTranslation('dashboard');
  const state = useData(async () => {
    const end = monthEnd(addMonths(before, -1));
    const start = (k: number) => addMonths(before, -k);
    const has = async (k: number) =>
      (await get<KpiReport>(KPI, { from: start(k), to: end })).currencies.some(
        (c) => c.currency === currency && !isZero(c.credit_sales),
      );
    // has(k): credit sales in the k months before the period. Find the smallest such k.
    const limit = 120;
    let hi = 1;
    while (hi < limit && !(await has(hi))) hi *= 2;
    if (hi >= limit) {
      hi = limit;
      if (!(await has(hi))) return null;
    }
    let lo = 0;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (await has(mid)) hi = mid;
      else lo = mid;
    }
    return start(hi);
  }, [before, currency]);
  if (state.error) return <ErrorMessage error={state.error} onRetry={state.reload} />;
  if (state.loading) return <span className="muted">{t('empty.searching')}</span>;
  if (!state.data) return <span>{t('empty.none')}</span>;
  const month = monthLabel(state.data.slice(0, 7));
  return (
    <span className="latest-month">
      {t('empty.latest', { month })}{' '}
      <button
        type="button"
        className="primary"
        onClick={() => onShow(state.data!)}
        data-testid="dashboard-show-latest"
      >
        {t('empty.show', { month })}
      </button>
    </span>
  );
}

// ---------------------------------------------------------------- charts

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const tooltipBase = {
  backgroundColor: '#fff',
  borderColor: LINE,
  textStyle: { color: '#1d2433', fontSize: 12 },
  extraCssText: 'box-shadow: 0 2px 8px rgba(16,24,40,.12); border-radius: 6px;',
};

const axisName = { color: MUTED, fontSize: 12 };

function AgingChart({
  report,
  table,
  currency,
}: {
  report: AgingReport;
  table: AgingCurrency | undefined;
  currency: string;
}) {
  const { t, i18n } = useTranslation(['dashboard', 'reportsCommon']);
  const buckets = report.buckets;
  const option = useMemo<ChartOption | null>(() => {
    if (!table) return null;
    const colors = bucketColors(buckets);
    return {
      grid: { left: 12, right: 16, top: 36, bottom: 8 },
      tooltip: {
        ...tooltipBase,
        trigger: 'item',
        formatter: (p: { dataIndex: number; color: string }) => {
          const b = buckets[p.dataIndex];
          const share = ratio(table.totals[b], table.totals.open);
          return (
            `<b>${esc(bucketLabel(b))}</b><br/>` +
            `${esc(money(table.totals[b], currency))}<br/>` +
            `<span style="color:${MUTED}">${esc(t('aging.share', { value: percent(share) }))}</span>`
          );
        },
      },
      xAxis: {
        type: 'category',
        data: buckets.map((b) => bucketLabel(b, true)),
        axisTick: { show: false },
        axisLine: { lineStyle: { color: LINE } },
        axisLabel: { color: MUTED, interval: 0, fontSize: 11 },
      },
      yAxis: {
        type: 'value',
        name: t('aging.amount', { currency }),
        nameTextStyle: { ...axisName, align: 'left' },
        axisLabel: { color: MUTED, formatter: (v: number) => compact(v) },
        splitLine: { lineStyle: { color: LINE } },
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 44,
          data: buckets.map((b, i) => ({
            value: Number(table.totals[b]),
            itemStyle: { color: colors[i], borderRadius: [3, 3, 0, 0] },
          })),
          label: {
            show: true,
            position: 'top',
            color: MUTED,
            fontSize: 11,
            formatter: (p: { dataIndex: number }) =>
              percent(ratio(table.totals[buckets[p.dataIndex]], table.totals.open), 0),
          },
        },
      ],
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [table, buckets, currency, i18n.language]);

  const overdue = table
    ? sum(
        buckets.filter((b) => b !== 'not_due').map((b) => table.totals[b]),
        [],
      )
    : null;
  return (
    <>
      <div className="card-head">
        <h2>{t('aging.title')}</h2>
        <span className="muted">{t('aging.asOf', { date: date(report.as_of) })}</span>
      </div>
      {!table || isZero(table.totals.open) ? (
        <Empty>{t('empty.aging')}</Empty>
      ) : (
        <>
          <div className="aging-summary">
            <span>
              <span className="muted">{t('aging.open')}</span>{' '}
              <b>{money(table.totals.open, currency)}</b>
            </span>
            <span className="overdue">
              <span className="muted">{t('aging.overdue')}</span>{' '}
              <b>{money(overdue, currency)}</b>
            </span>
            <span>
              <span className="muted">{t('reportsCommon:bucket.unapplied')}</span>{' '}
              {money(table.totals.unapplied, currency)}
            </span>
          </div>
          {option && (
            <Chart
              option={option}
              height={260}
              label={t('aging.title')}
            />
          )}
        </>
      )}
    </>
  );
}

function TrendChart({
  months,
  currency,
}: {
  months: { month: string; from: string; to: string; report: KpiReport }[];
  currency: string;
}) {
  const { t, i18n } = useTranslation(['dashboard', 'reportsCommon']);
  const rows = months.map((m) => m.report.currencies.find((c) => c.currency === currency));
  const hasAny = rows.some((r) => r && (r.dso !== null || r.overdue_rate !== null));
  const option = useMemo<ChartOption>(() => {
    const line = (
      name: string,
      color: string,
      values: (number | null)[],
      yAxisIndex: number,
      dashed = false,
    ) => ({
      name,
      type: 'line',
      yAxisIndex,
      data: values,
      smooth: false,
      symbolSize: 7,
      connectNulls: false,
      lineStyle: { color, width: 2, type: dashed ? 'dashed' : 'solid' },
      itemStyle: { color },
    });
    const round = (v: number | null | undefined) => (v === null || v === undefined ? null : v);
    return {
      grid: { left: 12, right: 12, top: 56, bottom: 8 },
      legend: { top: 0, left: 0, itemWidth: 18, itemHeight: 10, textStyle: { color: '#1d2433' } },
      tooltip: {
        ...tooltipBase,
        trigger: 'axis',
        valueFormatter: undefined,
        formatter: (
          items: { seriesName: string; value: number | null; color: string; dataIndex: number; axisValueLabel: string }[],
        ) => {
          if (!items.length) return '';
          const head = `<b>${esc(items[0].axisValueLabel)}</b>`;
          return (
            head +
            items
              .map((p) => {
                const isDays = p.seriesName.includes('DSO') || p.seriesName.includes('ADD');
                const v =
                  p.value === null || p.value === undefined
                    ? '—'
                    : isDays
                      ? t('reportsCommon:days', { value: number(p.value, 1) })
                      : percent(p.value / 100);
                return `<br/><span style="display:inline-block;width:8px;height:8px;border-radius:50%;background:${p.color};margin-right:6px"></span>${esc(p.seriesName)}：<b>${esc(v)}</b>`;
              })
              .join('')
          );
        },
      },
      xAxis: {
        type: 'category',
        data: months.map((m) => monthLabel(m.month)),
        axisTick: { show: false },
        axisLine: { lineStyle: { color: LINE } },
        axisLabel: { color: MUTED, fontSize: 11, interval: 0 },
      },
      yAxis: [
        {
          type: 'value',
          name: t('trend.days'),
          nameTextStyle: { ...axisName, align: 'left' },
          axisLabel: { color: MUTED },
          splitLine: { lineStyle: { color: LINE } },
        },
        {
          type: 'value',
          name: t('trend.percent'),
          nameTextStyle: { ...axisName, align: 'right' },
          min: 0,
          max: 100,
          axisLabel: { color: MUTED },
          splitLine: { show: false },
        },
      ],
      series: [
        line(`DSO`, BLUE, rows.map((r) => round(r?.dso)), 0),
        line(`ADD`, '#7aa5e6', rows.map((r) => round(r?.add)), 0, true),
        line(t('reportsCommon:kpi.overdue_rate'), RED, rows.map((r) => round(r?.overdue_rate)), 1),
        line(`CEI`, GREEN, rows.map((r) => round(r?.cei)), 1),
      ],
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [months, currency, i18n.language]);
  if (!hasAny) return <Empty />;
  return <Chart option={option} height={290} label={t('trend.title')} testId="trend-chart" />;
}

const TOP = 15;

/** The groups a breakdown shows: those with something open, largest first, at most TOP. */
function shownRows(table: AgingCurrency | undefined) {
  return (table?.rows ?? [])
    .filter((r) => !isZero(r.open))
    .sort((a, b) => compareAmounts(b.open, a.open))
    .slice(0, TOP);
}

function Breakdown({
  by,
  buckets,
  table,
  currency,
  rowsShown,
}: {
  by: 'region' | 'industry' | 'collector';
  buckets: string[];
  table: AgingCurrency | undefined;
  currency: string;
  /** the most rows any breakdown beside this one shows, so the charts line up */
  rowsShown: number;
}) {
  const { t, i18n } = useTranslation(['dashboard', 'reportsCommon']);
  const navigate = useNavigate();
  const rows = useMemo(() => shownRows(table), [table]);
  const total = table?.rows.filter((r) => !isZero(r.open)).length ?? 0;
  const option = useMemo<ChartOption>(() => {
    const colors = bucketColors(buckets);
    return {
      grid: { left: 4, right: 20, top: 56, bottom: 4 },
      legend: {
        top: 0,
        left: 0,
        itemWidth: 10,
        itemHeight: 8,
        itemGap: 8,
        textStyle: { color: MUTED, fontSize: 11 },
      },
      tooltip: {
        ...tooltipBase,
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (items: { dataIndex: number }[]) => {
          const row = rows[items[0]?.dataIndex];
          if (!row) return '';
          return (
            `<b>${esc(keyLabel(row.key))}</b>` +
            buckets
              .map(
                (b, i) =>
                  `<br/><span style="display:inline-block;width:8px;height:8px;border-radius:2px;background:${colors[i]};margin-right:6px"></span>${esc(bucketLabel(b))}：${esc(money(row[b], currency))}`,
              )
              .join('') +
            `<br/><b>${esc(t('breakdown.open'))}：${esc(money(row.open, currency))}</b>`
          );
        },
      },
      xAxis: {
        type: 'value',
        axisLabel: { color: MUTED, formatter: (v: number) => compact(v), fontSize: 11 },
        splitLine: { lineStyle: { color: LINE } },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((r) => keyLabel(r.key)),
        axisTick: { show: false },
        axisLine: { lineStyle: { color: LINE } },
        axisLabel: {
          color: '#1d2433',
          width: 84,
          overflow: 'truncate',
        },
      },
      series: buckets.map((b, i) => ({
        name: bucketLabel(b, true),
        type: 'bar',
        stack: 'aging',
        barMaxWidth: 18,
        itemStyle: { color: colors[i] },
        emphasis: { focus: 'none' },
        data: rows.map((r) => Number(r[b])),
      })),
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, buckets, currency, i18n.language]);

  if (!table || rows.length === 0) return <Empty />;
  const open = (key: string) =>
    navigate(`/customers?${new URLSearchParams({ [by]: key }).toString()}`);
  return (
    <>
      <Chart
        option={option}
        height={84 + Math.max(rows.length, rowsShown) * 24}
        label={t(`breakdown.${by}`)}
        testId={`chart-by-${by}`}
        onCategoryClick={(index) => {
          const row = rows[index];
          if (row && row.key !== '') open(row.key);
        }}
      />
      {total > rows.length && (
        <div className="muted small">{t('breakdown.top', { count: rows.length, total })}</div>
      )}
    </>
  );
}

// ---------------------------------------------------------------- policy variants

const VARIANT_COLUMNS: { key: string; better: Better; kind: 'days' | 'percent'; value: (k: KpiRow) => number | null }[] = [
  { key: 'collection_rate', better: 'up', kind: 'percent', value: collectionRate },
  { key: 'dso', better: 'down', kind: 'days', value: (k) => k.dso },
  { key: 'bpdso', better: 'none', kind: 'days', value: (k) => k.bpdso },
  { key: 'add', better: 'down', kind: 'days', value: (k) => k.add },
  { key: 'cei', better: 'up', kind: 'percent', value: (k) => k.cei },
  { key: 'overdue_rate', better: 'down', kind: 'percent', value: (k) => k.overdue_rate },
];

function VariantTable({ rows }: { rows: KpiRow[] }) {
  const { t } = useTranslation(['dashboard', 'reportsCommon']);
  if (rows.length === 0) return <Empty />;
  const champion = rows.find((r) => r.variant === 'champion');
  return (
    <div className="table-wrap">
      <table className="variant-table" data-testid="variant-table">
        <thead>
          <tr>
            <th>{t('reportsCommon:by.variant')}</th>
            <th className="num">{t('reportsCommon:kpi.credit_sales')}</th>
            <th className="num">{t('reportsCommon:kpi.ar')}</th>
            <th className="num">{t('reportsCommon:kpi.collected')}</th>
            {VARIANT_COLUMNS.map((c) => (
              <th key={c.key} className="num" title={t(`reportsCommon:kpiHelp.${c.key}`)}>
                {t(`reportsCommon:kpiShort.${c.key}`, { defaultValue: t(`reportsCommon:kpi.${c.key}`) })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.variant}>
              <td>{variantLabel(r.variant)}</td>
              <td className="num">{money(r.credit_sales, r.currency)}</td>
              <td className="num">{money(r.ar, r.currency)}</td>
              <td className="num">{money(collected(r), r.currency)}</td>
              {VARIANT_COLUMNS.map((c) => {
                const v = c.value(r);
                const base = champion && r !== champion ? c.value(champion) : null;
                const delta = v !== null && base !== null ? v - base : null;
                const shown = c.kind === 'percent' ? percent(v === null ? null : v / 100) : number(v, 1);
                return (
                  <td key={c.key} className="num">
                    {shown}
                    {delta !== null && Math.abs(delta) >= 0.05 && (
                      <div className={`delta small ${tone(delta, c.better)}`}>
                        {delta > 0 ? '+' : delta < 0 ? '−' : ''}
                        {c.kind === 'percent'
                          ? t('pp', { value: number(Math.abs(delta), 1) })
                          : number(Math.abs(delta), 1)}
                      </div>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

