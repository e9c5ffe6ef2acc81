// Reports: the aging report (as of any date, grouped any way the API knows, optional custom
// buckets) and the KPI report (a period, optionally per policy variant), in a grid with totals,
// downloadable as CSV or Excel — the same files `huikuan report … --format csv|xlsx` writes.
import { ColDef, ICellRendererParams } from 'ag-grid-community';
import { FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';

import { downloadUrl, get } from '../api';
import { Empty, Loaded, PageTitle, useData } from '../components';
import { date, money, number, percent, today } from '../format';
import { registerStrings } from '../i18n';
import './Reports.css';
import {
  AGING_GROUPS,
  AgingGroup,
  AgingReport,
  bucketLabel,
  collected,
  collectionRate,
  groupLabel,
  isDate,
  isZero,
  keyLabel,
  KpiReport,
  KpiRow,
  monthStart,
  normaliseBuckets,
  variantLabel,
} from './ReportsCommon';
import ReportGrid, { amountColumn, fitWidth } from './ReportsGrid';

registerStrings('reports', {
  'zh-CN': {
    tab: { aging: '账龄分析', kpi: '回款指标' },
    asOf: '截至日期',
    groupBy: '分组方式',
    buckets: '账龄区间（天）',
    bucketsPlaceholder: '默认 30,60,90,180,365',
    bucketsHelp: '填写各区间的上限天数，用逗号分隔，例如 30,60,90；留空使用默认区间。',
    badBuckets: '账龄区间请填写递增的正整数天数，用逗号分隔，例如 30,60,90。',
    badDate: '请填写有效的日期。',
    badRange: '开始日期不能晚于结束日期。',
    from: '开始日期',
    to: '结束日期',
    byVariant: '按策略版本分列',
    run: '查询',
    currency: '币种',
    rows: '共 {{count}} 行',
    key: { customer: '客户编号' },
    name: '客户名称',
    downloadHint: '下载的文件与命令行 huikuan report 的输出一致',
    agingCaption: '截至 {{date}}，按{{group}}分组',
    kpiCaption: '{{from}} 至 {{to}}',
    noSales: '所选期间没有新增赊销，DSO、BPDSO、ADD 和回款率无法计算（显示为“—”）。',
    noData: '所选条件下没有数据。',
    unit: { days: '（天）', percent: '（%）' },
  },
  en: {
    tab: { aging: 'Aging', kpi: 'Collection KPIs' },
    asOf: 'As of',
    groupBy: 'Group by',
    buckets: 'Aging buckets (days)',
    bucketsPlaceholder: 'Default 30,60,90,180,365',
    bucketsHelp:
      'The upper bound of each bucket in days, separated by commas, e.g. 30,60,90; leave empty for the default buckets.',
    badBuckets: 'Enter increasing whole numbers of days separated by commas, e.g. 30,60,90.',
    badDate: 'Enter a valid date.',
    badRange: 'The start date must not be after the end date.',
    from: 'From',
    to: 'To',
    byVariant: 'One row per policy variant',
    run: 'Run report',
    currency: 'Currency',
    rows: '{{count}} rows',
    key: { customer: 'Customer ID' },
    name: 'Customer name',
    downloadHint: 'The files are the same as the output of the huikuan report command',
    agingCaption: 'As of {{date}}, by {{group}}',
    kpiCaption: '{{from}} – {{to}}',
    noSales:
      'No credit sales in this period, so DSO, BPDSO, ADD and the collection rate cannot be calculated (shown as “—”).',
    noData: 'No data for these settings.',
    unit: { days: ' (days)', percent: ' (%)' },
  },
});

const KPI = '/api/v1/reports/kpi';
const AGING = '/api/v1/reports/aging';
const ALL = 'all';

type Tab = 'aging' | 'kpi';

export default function Reports() {
  const { t } = useTranslation(['reports', 'common']);
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'kpi' ? 'kpi' : 'aging';

  const setTab = (next: Tab) => {
    const p = new URLSearchParams(params);
    p.set('tab', next);
    setParams(p, { replace: true });
  };

  return (
    <div className="reports">
      <PageTitle>{t('common:nav.reports')}</PageTitle>
      <div className="report-tabs" role="tablist">
        {(['aging', 'kpi'] as const).map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={tab === k}
            className={tab === k ? 'on' : ''}
            onClick={() => setTab(k)}
            data-testid={`reports-tab-${k}`}
          >
            {t(`tab.${k}`)}
          </button>
        ))}
      </div>
      {tab === 'aging' ? <AgingTab /> : <KpiTab />}
    </div>
  );
}

/** The address's query as the source of truth, with a helper to change some of it. */
function useQuery() {
  const [params, setParams] = useSearchParams();
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  return { params, update };
}

function Downloads({ path, query }: { path: string; query: Record<string, string | undefined> }) {
  const { t } = useTranslation(['reports', 'common']);
  return (
    <div className="downloads" title={t('downloadHint')}>
      {(['csv', 'xlsx'] as const).map((format) => (
        <a
          key={format}
          className="button"
          href={downloadUrl(path, { ...query, format })}
          download
          data-testid={`download-${format}`}
        >
          <span aria-hidden="true" className="icon">⤓</span>
          {t(`common:download.${format}`)}
        </a>
      ))}
    </div>
  );
}

/** A required date field of a report's form. */
function DateField({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  return (
    <label>
      {label}
      <input
        type="date"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required
        data-testid={testId}
      />
    </label>
  );
}

/** The end of a report's form: run, the downloads of what is shown, and what is wrong. */
function RunButtons({
  testId,
  path,
  query,
  error,
}: {
  testId: string;
  path: string;
  query: Record<string, string | undefined>;
  error: string | null;
}) {
  const { t } = useTranslation(['reports', 'common']);
  return (
    <>
      <button type="submit" className="primary" data-testid={testId}>
        {t('run')}
      </button>
      <Downloads path={path} query={query} />
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
    </>
  );
}

function CurrencySelect({
  currencies,
  value,
  onChange,
}: {
  currencies: string[];
  value: string;
  onChange: (c: string) => void;
}) {
  const { t } = useTranslation(['reports', 'reportsCommon']);
  if (currencies.length < 2) return null;
  return (
    <label className="inline">
      {t('currency')}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid="report-currency">
        {currencies.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
        <option value={ALL}>{t('reportsCommon:allCurrencies')}</option>
      </select>
    </label>
  );
}

/** Room for the header, `count` rows and a horizontal scroll bar. */
const gridHeight = (count: number) => 38 + 34 * Math.min(count, 16) + 20;

const sortCurrencies = (list: string[]) =>
  [...list].sort((a, b) => (a === 'CNY' ? -1 : b === 'CNY' ? 1 : a.localeCompare(b)));

/** The currency asked for in the address when the report has it (or all), else the first. */
const pickCurrency = (wanted: string | null, currencies: string[]) =>
  wanted === ALL || (wanted && currencies.includes(wanted)) ? wanted : (currencies[0] ?? ALL);

// ---------------------------------------------------------------- aging

type AgingGridRow = { id: string; key: string; name?: string; currency: string } & Record<
  string,
  string | undefined
>;

function AgingTab() {
  const { t, i18n } = useTranslation(['reports', 'reportsCommon', 'common']);
  const { params, update } = useQuery();
  const asOf = isDate(params.get('as_of')) ? params.get('as_of')! : today();
  const by = (AGING_GROUPS as string[]).includes(params.get('by') ?? '')
    ? (params.get('by') as AgingGroup)
    : 'customer';
  const buckets = normaliseBuckets(params.get('buckets') ?? '') ?? '';

  // The form's draft; the report runs when it is submitted.
  const [draftAsOf, setDraftAsOf] = useState(asOf);
  const [draftBy, setDraftBy] = useState<AgingGroup>(by);
  const [draftBuckets, setDraftBuckets] = useState(buckets.replace(/,/g, ', '));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraftAsOf(asOf);
    setDraftBy(by);
    setDraftBuckets(buckets.replace(/,/g, ', '));
  }, [asOf, by, buckets]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const normalised = normaliseBuckets(draftBuckets);
    if (!isDate(draftAsOf)) return setError(t('badDate'));
    if (normalised === null) return setError(t('badBuckets'));
    setError(null);
    update({ as_of: draftAsOf, by: draftBy, buckets: normalised });
  };

  const query = { as_of: asOf, by, buckets: buckets || undefined };
  const state = useData(() => get<AgingReport>(AGING, query), [asOf, by, buckets]);

  return (
    <>
      <form className="card report-form" onSubmit={submit} data-testid="aging-form">
        <DateField label={t('asOf')} value={draftAsOf} onChange={setDraftAsOf} testId="aging-as-of" />
        <label>
          {t('groupBy')}
          <select
            value={draftBy}
            onChange={(e) => setDraftBy(e.target.value as AgingGroup)}
            data-testid="aging-by"
          >
            {AGING_GROUPS.map((g) => (
              <option key={g} value={g}>
                {groupLabel(g)}
              </option>
            ))}
          </select>
        </label>
        <label className="grow" title={t('bucketsHelp')}>
          {t('buckets')}
          <input
            value={draftBuckets}
            onChange={(e) => setDraftBuckets(e.target.value)}
            placeholder={t('bucketsPlaceholder')}
            inputMode="numeric"
            data-testid="aging-buckets"
          />
        </label>
        <RunButtons testId="aging-run" path={AGING} query={query} error={error} />
      </form>
      <Loaded state={state}>
        {(report) => (
          <AgingResult
            key={i18n.language}
            report={report}
            currency={params.get('currency')}
            onCurrency={(c) => update({ currency: c })}
          />
        )}
      </Loaded>
    </>
  );
}

function AgingResult({
  report,
  currency: wanted,
  onCurrency,
}: {
  report: AgingReport;
  currency: string | null;
  onCurrency: (c: string) => void;
}) {
  const { t } = useTranslation(['reports', 'reportsCommon']);
  const currencies = sortCurrencies(report.currencies.map((c) => c.currency));
  const currency = pickCurrency(wanted, currencies);
  const shown = report.currencies.filter((c) => currency === ALL || c.currency === currency);
  const by = report.group_by;

  const rows = useMemo<AgingGridRow[]>(
    () =>
      shown.flatMap((c) =>
        c.rows.map((r) => ({ ...r, id: `${c.currency}/${r.key}`, currency: c.currency })),
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [report, currency],
  );
  const totals = useMemo<AgingGridRow[]>(
    () =>
      shown.map((c) => ({
        ...c.totals,
        id: `total/${c.currency}`,
        key: t('reportsCommon:total'),
        currency: c.currency,
      })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [report, currency],
  );

  const columns = useMemo<ColDef<AgingGridRow>[]>(() => {
    const cols: ColDef<AgingGridRow>[] = [
      {
        field: 'key',
        headerName: by === 'customer' ? t('key.customer') : groupLabel(by),
        pinned: 'left',
        width: Math.min(
          240,
          fitWidth([by === 'customer' ? t('key.customer') : groupLabel(by), ...rows.slice(0, 500).map((r) => keyLabel(r.key)), t('reportsCommon:total')], 90),
        ),
        cellRenderer: (p: ICellRendererParams<AgingGridRow>) => <GroupLink by={by} row={p} />,
      },
    ];
    if (by === 'customer')
      cols.push({
        field: 'name',
        headerName: t('name'),
        pinned: 'left',
        width: Math.min(300, fitWidth(rows.slice(0, 500).map((r) => r.name ?? ''), 160)),
        tooltipField: 'name',
      });
    if (currency === ALL && by !== 'currency')
      cols.push({ field: 'currency', headerName: t('reportsCommon:currency'), width: 90 });
    // Wide enough for the header and the largest amount (a total) of the column.
    const width = (field: string, header: string) =>
      fitWidth([header, ...[...totals, ...rows.slice(0, 200)].map((r) => money(r[field], r.currency))]);
    for (const b of report.buckets) {
      cols.push(
        amountColumn<AgingGridRow>(b, bucketLabel(b), {
          minWidth: width(b, bucketLabel(b)),
          cellClassRules: {
            overdue: (p) => b !== 'not_due' && !isZero(p.value as string),
            zero: (p) => isZero(p.value as string) && !p.node.rowPinned,
          },
        }),
      );
    }
    cols.push(
      amountColumn<AgingGridRow>('open', bucketLabel('open'), {
        minWidth: width('open', bucketLabel('open')),
        headerClass: ['ag-right-aligned-header', 'strong'],
        cellClass: 'ag-right-aligned-cell num-cell strong',
      }),
      amountColumn<AgingGridRow>('unapplied', bucketLabel('unapplied'), {
        minWidth: width('unapplied', bucketLabel('unapplied')),
      }),
      amountColumn<AgingGridRow>('net', bucketLabel('net'), {
        minWidth: width('net', bucketLabel('net')),
      }),
    );
    return cols;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [report, currency]);

  return (
    <section className="card report-result" data-testid="aging-result">
      <div className="result-head">
        <span className="muted">
          {t('agingCaption', { date: date(report.as_of), group: groupLabel(by) })} ·{' '}
          {t('rows', { count: rows.length })}
        </span>
        <CurrencySelect currencies={currencies} value={currency} onChange={onCurrency} />
      </div>
      {report.currencies.length === 0 ? (
        <Empty>{t('noData')}</Empty>
      ) : (
        <ReportGrid
          rows={rows}
          totals={totals}
          columns={columns}
          height={
            rows.length + totals.length > 14
              ? 'max(420px, calc(100vh - 330px))'
              : gridHeight(rows.length + totals.length)
          }
          testId="aging-grid"
        />
      )}
    </section>
  );
}

/** A group's key, leading to those customers where the customer list can filter by it. */
function GroupLink({ by, row }: { by: AgingGroup; row: ICellRendererParams<AgingGridRow> }) {
  const key = row.data?.key ?? '';
  if (row.node.rowPinned) return <b>{key}</b>;
  if (by === 'customer') return <Link to={`/customers/${encodeURIComponent(key)}`}>{key}</Link>;
  if ((by === 'region' || by === 'collector') && key !== '')
    return <Link to={`/customers?${new URLSearchParams({ [by]: key })}`}>{key}</Link>;
  return <>{keyLabel(key)}</>;
}

// ---------------------------------------------------------------- KPIs

type KpiGridRow = { id: string; currency: string; variant?: string } & Record<
  string,
  string | number | null | undefined
>;

const RATIO_COLUMNS: { key: string; kind: 'days' | 'percent'; value: (k: KpiRow) => number | null }[] = [
  { key: 'collection_rate', kind: 'percent', value: collectionRate },
  { key: 'dso', kind: 'days', value: (k) => k.dso },
  { key: 'bpdso', kind: 'days', value: (k) => k.bpdso },
  { key: 'add', kind: 'days', value: (k) => k.add },
  { key: 'cei', kind: 'percent', value: (k) => k.cei },
  { key: 'overdue_rate', kind: 'percent', value: (k) => k.overdue_rate },
];

function toGridRow(k: KpiRow, id: string): KpiGridRow {
  const row: KpiGridRow = {
    id,
    currency: k.currency,
    variant: k.variant,
    credit_sales: k.credit_sales,
    beginning_ar: k.beginning_ar,
    ar: k.ar,
    current_ar: k.current_ar,
    collected: collected(k),
  };
  for (const c of RATIO_COLUMNS) row[c.key] = c.value(k);
  return row;
}

function KpiTab() {
  const { t, i18n } = useTranslation(['reports', 'reportsCommon', 'common']);
  const { params, update } = useQuery();
  const todayText = today();
  const from = isDate(params.get('from')) ? params.get('from')! : monthStart(todayText);
  const to = isDate(params.get('to')) ? params.get('to')! : todayText;
  const byVariant = params.get('by') === 'variant';

  const [draftFrom, setDraftFrom] = useState(from);
  const [draftTo, setDraftTo] = useState(to);
  const [draftVariant, setDraftVariant] = useState(byVariant);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraftFrom(from);
    setDraftTo(to);
    setDraftVariant(byVariant);
  }, [from, to, byVariant]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!isDate(draftFrom) || !isDate(draftTo)) return setError(t('badDate'));
    if (draftFrom > draftTo) return setError(t('badRange'));
    setError(null);
    update({ from: draftFrom, to: draftTo, by: draftVariant ? 'variant' : null });
  };

  const query = { from, to, by: byVariant ? 'variant' : undefined };
  const state = useData(
    async () => {
      const [report, overall] = await Promise.all([
        get<KpiReport>(KPI, query),
        byVariant ? get<KpiReport>(KPI, { from, to }) : Promise.resolve(null),
      ]);
      return { report, overall };
    },
    [from, to, byVariant],
  );

  return (
    <>
      <form className="card report-form" onSubmit={submit} data-testid="kpi-form">
        <DateField label={t('from')} value={draftFrom} onChange={setDraftFrom} testId="kpi-from" />
        <DateField label={t('to')} value={draftTo} onChange={setDraftTo} testId="kpi-to" />
        <label className="check">
          <input
            type="checkbox"
            checked={draftVariant}
            onChange={(e) => setDraftVariant(e.target.checked)}
            data-testid="kpi-by-variant"
          />
          {t('byVariant')}
        </label>
        <RunButtons testId="kpi-run" path={KPI} query={query} error={error} />
      </form>
      <Loaded state={state}>
        {({ report, overall }) => (
          <KpiResult
            key={i18n.language}
            report={report}
            overall={overall}
            currency={params.get('currency')}
            onCurrency={(c) => update({ currency: c })}
          />
        )}
      </Loaded>
    </>
  );
}

function KpiResult({
  report,
  overall,
  currency: wanted,
  onCurrency,
}: {
  report: KpiReport;
  overall: KpiReport | null;
  currency: string | null;
  onCurrency: (c: string) => void;
}) {
  const { t } = useTranslation(['reports', 'reportsCommon']);
  const byVariant = overall !== null;
  const currencies = sortCurrencies([...new Set(report.currencies.map((c) => c.currency))]);
  // Without variants each row is a currency: all of them fit; with variants, one at a time.
  const currency = !byVariant ? ALL : pickCurrency(wanted, currencies);
  const pick = (k: KpiRow) => currency === ALL || k.currency === currency;
  const order = (a: KpiRow, b: KpiRow) =>
    currencies.indexOf(a.currency) - currencies.indexOf(b.currency);

  const rows = report.currencies
    .filter(pick)
    .sort(order)
    .map((k) => toGridRow(k, `${k.variant ?? ''}/${k.currency}`));
  const totals: KpiGridRow[] | undefined = byVariant
    ? overall.currencies
        .filter(pick)
        .sort(order)
        .map((k) => ({ ...toGridRow(k, `total/${k.currency}`), variant: t('reportsCommon:total') }))
    : undefined;
  const noSales = report.currencies.length > 0 && report.currencies.every((k) => isZero(k.credit_sales));

  const columns = useMemo<ColDef<KpiGridRow>[]>(() => {
    const cols: ColDef<KpiGridRow>[] = [];
    if (byVariant)
      cols.push({
        field: 'variant',
        headerName: t('reportsCommon:by.variant'),
        pinned: 'left',
        minWidth: 170,
        valueFormatter: (p) => (p.node?.rowPinned ? String(p.value) : variantLabel(p.value as string)),
        cellClassRules: { strong: (p) => !!p.node.rowPinned },
      });
    cols.push({
      field: 'currency',
      headerName: t('reportsCommon:currency'),
      pinned: 'left',
      width: 90,
    });
    for (const c of RATIO_COLUMNS) {
      const short = t(`reportsCommon:kpiShort.${c.key}`, { defaultValue: '' });
      cols.push({
        colId: c.key,
        field: c.key,
        headerName: short || t(`reportsCommon:kpi.${c.key}`),
        headerTooltip: `${t(`reportsCommon:kpi.${c.key}`)}${t(`unit.${c.kind}`)} — ${t(`reportsCommon:kpiHelp.${c.key}`)}`,
        type: 'rightAligned',
        minWidth: fitWidth([short || t(`reportsCommon:kpi.${c.key}`)], 84) + 8,
        flex: 1,
        valueFormatter: (p) => {
          const v = p.value as number | null;
          if (v === null || v === undefined) return '—';
          return c.kind === 'percent' ? percent(v / 100) : number(v, 1);
        },
      });
    }
    for (const key of ['credit_sales', 'beginning_ar', 'ar', 'current_ar', 'collected'])
      cols.push(
        amountColumn<KpiGridRow>(key, t(`reportsCommon:kpi.${key}`), {
          minWidth: fitWidth([
            t(`reportsCommon:kpi.${key}`),
            ...[...rows, ...(totals ?? [])].map((r) => money(r[key] as string, r.currency)),
          ]),
        }),
      );
    return cols;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [report, overall, currency]);

  return (
    <section className="card report-result" data-testid="kpi-result">
      <div className="result-head">
        <span className="muted">
          {t('kpiCaption', { from: date(report.from), to: date(report.to) })} ·{' '}
          {t('rows', { count: rows.length })}
        </span>
        {byVariant && (
          <CurrencySelect currencies={currencies} value={currency} onChange={onCurrency} />
        )}
      </div>
      {noSales && <div className="notice">{t('noSales')}</div>}
      {report.currencies.length === 0 ? (
        <Empty>{t('noData')}</Empty>
      ) : (
        <ReportGrid
          rows={rows}
          totals={totals}
          columns={columns}
          height={gridHeight(rows.length + (totals?.length ?? 0))}
          testId="kpi-grid"
        />
      )}
    </section>
  );
}
