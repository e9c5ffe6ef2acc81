// Customers (客户): search, filter and page every customer in the caller's scope. An AG Grid
// with the infinite row model asks the server for blocks of 100 rows (limit/offset) as the
// user scrolls, so 100k customers scroll as smoothly as 100. Filters live in the URL.
import type {
  CellKeyDownEvent,
  ColDef,
  GridApi,
  GridReadyEvent,
  ICellRendererParams,
  IDatasource,
  RowClickedEvent,
} from 'ag-grid-community';
import { AllCommunityModule, ModuleRegistry, themeQuartz } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';

import { get } from '../api';
import { useAuth } from '../auth';
import { Empty, ErrorMessage, PageTitle } from '../components';
import { date, isPositive, money, number } from '../format';
import { registerStrings } from '../i18n';
import {
  Badge,
  creditTone,
  CREDIT_GRADES,
  CUSTOMER_TYPES,
  daysTone,
  KeyHint,
  typing,
  useLabel,
} from './CustomerShared';
import './Customers.css';

ModuleRegistry.registerModules([AllCommunityModule]);

registerStrings('customers', {
  'zh-CN': {
    total: '共 {{n}} 位客户',
    search: '客户名称或编号',
    region: '区域',
    regionAny: '全部区域',
    grade: '信用等级',
    gradeAny: '全部等级',
    type: '客户类型',
    typeAny: '全部类型',
    collector: '催收员',
    collectorAny: '全部催收员',
    overdue: '只看逾期客户',
    sort: '排序',
    sorts: {
      open_desc: '未结金额从高到低',
      overdue_desc: '逾期金额从高到低',
      id: '按客户编号',
      name: '按客户名称',
    },
    reset: '清除筛选',
    col: {
      id: '客户编号',
      name: '客户名称',
      region: '区域',
      industry: '行业',
      grade: '信用等级',
      type: '类型',
      collector: '催收员',
      open: '未结金额',
      overdue: '逾期金额',
      days: '最长逾期',
    },
    days: '{{count}} 天',
    none: '—',
    noRows: '没有符合条件的客户。',
    keys: { search: '搜索', open: '打开所选客户' },
    asOf: '余额截至 {{date}}',
  },
  en: {
    total: '{{n}} customers',
    search: 'Customer name or id',
    region: 'Region',
    regionAny: 'All regions',
    grade: 'Credit grade',
    gradeAny: 'All grades',
    type: 'Customer type',
    typeAny: 'All types',
    collector: 'Collector',
    collectorAny: 'All collectors',
    overdue: 'Overdue only',
    sort: 'Sort',
    sorts: {
      open_desc: 'Largest open first',
      overdue_desc: 'Largest overdue first',
      id: 'By id',
      name: 'By name',
    },
    reset: 'Clear filters',
    col: {
      id: 'Id',
      name: 'Name',
      region: 'Region',
      industry: 'Industry',
      grade: 'Grade',
      type: 'Type',
      collector: 'Collector',
      open: 'Open',
      overdue: 'Overdue',
      days: 'Days late',
    },
    days: '{{count}} days',
    none: '—',
    noRows: 'No customer matches these filters.',
    keys: { search: 'search', open: 'open the selected customer' },
    asOf: 'balances as of {{date}}',
  },
});

type Balance = { currency: string; open: string; overdue: string };
type CustomerRow = {
  id: string;
  name: string;
  collector: string;
  region: string;
  industry: string;
  grade: string;
  type: string;
  balances: Balance[];
  oldest_overdue_days: number;
};
type Page = { items: CustomerRow[]; total: number; offset: number; limit: number; as_of?: string };

const BLOCK = 100;
const SORTS = ['open_desc', 'overdue_desc', 'id', 'name'] as const;

const theme = themeQuartz.withParams({
  accentColor: '#1f5fbf',
  borderColor: '#e3e7ee',
  foregroundColor: '#1d2433',
  headerBackgroundColor: '#fafbfc',
  headerTextColor: '#667085',
  headerFontSize: 12,
  headerFontWeight: 600,
  fontFamily: 'inherit',
  fontSize: 13,
  rowHoverColor: '#e8f0fc',
  selectedRowBackgroundColor: '#dbe7fb',
  wrapperBorderRadius: 8,
  rowHeight: 40,
  headerHeight: 38,
});

const ZH_GRID_TEXT: Record<string, string> = {
  loadingOoo: '加载中…',
  noRowsToShow: '没有符合条件的客户',
  loadingError: '加载失败',
  page: '页',
  of: '/',
  to: '至',
  more: '更多',
  next: '下一页',
  previous: '上一页',
  first: '首页',
  last: '末页',
  ariaRowSelect: '选择行',
};

function MoneyLines({ balances, field }: { balances: Balance[]; field: 'open' | 'overdue' }) {
  const lines = balances.filter((b) => isPositive(b[field]));
  if (lines.length === 0) return <span className="muted">—</span>;
  return (
    <span className={`cl-money${field === 'overdue' ? ' overdue' : ''}`}>
      {lines.map((b) => (
        <span key={b.currency}>{money(b[field], b.currency)}</span>
      ))}
    </span>
  );
}

export default function Customers() {
  const { t, i18n } = useTranslation('customers');
  const label = useLabel();
  const navigate = useNavigate();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [total, setTotal] = useState<number | null>(null);
  const [asOf, setAsOf] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [regions, setRegions] = useState<string[]>([]);
  const [collectors, setCollectors] = useState<string[]>([]);
  const isCollector = user?.role === 'collector';
  const narrow = useMemo(() => window.matchMedia('(max-width: 700px)').matches, []);
  const gridApi = useRef<GridApi<CustomerRow> | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const filters = useMemo(
    () => ({
      q: params.get('q') ?? '',
      region: params.get('region') ?? '',
      industry: params.get('industry') ?? '',
      grade: params.get('grade') ?? '',
      type: params.get('type') ?? '',
      collector: params.get('collector') ?? '',
      overdue: params.get('overdue') === 'true' ? 'true' : '',
      sort: SORTS.includes(params.get('sort') as (typeof SORTS)[number])
        ? (params.get('sort') as string)
        : 'open_desc',
    }),
    [params],
  );

  const setFilter = useCallback(
    (key: string, value: string) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (value) next.set(key, value);
          else next.delete(key);
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  // The search box waits for a pause in typing before it asks the server.
  useEffect(() => {
    const handle = window.setTimeout(() => {
      if (text.trim() !== filters.q) setFilter('q', text.trim());
    }, 250);
    return () => window.clearTimeout(handle);
  }, [text, filters.q, setFilter]);

  // Keep what the server has shown so far to offer as choices (the API has no list of them).
  const remember = useCallback((rows: CustomerRow[]) => {
    const add = (setter: typeof setRegions, values: string[]) =>
      setter((known) => {
        const merged = new Set(known);
        let changed = false;
        for (const v of values) {
          if (v && !merged.has(v)) {
            merged.add(v);
            changed = true;
          }
        }
        return changed ? [...merged].sort((a, b) => a.localeCompare(b, 'zh-CN')) : known;
      });
    add(setRegions, rows.map((r) => r.region));
    add(setCollectors, rows.map((r) => r.collector));
  }, []);

  const datasource = useMemo<IDatasource>(
    () => ({
      getRows: (request) => {
        setError(null);
        get<Page>('/api/v1/customers', {
          ...filters,
          limit: request.endRow - request.startRow,
          offset: request.startRow,
        })
          .then((page) => {
            setTotal(page.total);
            if (page.as_of) setAsOf(page.as_of);
            remember(page.items);
            request.successCallback(page.items, page.total);
          })
          .catch((e) => {
            setError(e);
            request.failCallback();
          });
      },
    }),
    [filters, remember],
  );

  useEffect(() => {
    setTotal(null);
  }, [datasource]);

  const open = useCallback(
    (row: CustomerRow | undefined) => {
      if (row) navigate(`/customers/${encodeURIComponent(row.id)}`, { state: { from: 'customers' } });
    },
    [navigate],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === '/' && !typing(event) && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const columns = useMemo<ColDef<CustomerRow>[]>(
    () => [
      {
        field: 'id',
        headerName: t('col.id'),
        width: 105,
        cellClass: 'mono-cell',
        pinned: narrow ? undefined : 'left',
      },
      {
        field: 'name',
        headerName: t('col.name'),
        flex: 1,
        minWidth: 200,
        cellClass: 'name-cell',
      },
      {
        colId: 'open',
        headerName: t('col.open'),
        width: 140,
        type: 'rightAligned',
        autoHeight: false,
        cellRenderer: (p: ICellRendererParams<CustomerRow>) =>
          p.data ? <MoneyLines balances={p.data.balances} field="open" /> : null,
      },
      {
        colId: 'overdue',
        headerName: t('col.overdue'),
        width: 140,
        type: 'rightAligned',
        cellRenderer: (p: ICellRendererParams<CustomerRow>) =>
          p.data ? <MoneyLines balances={p.data.balances} field="overdue" /> : null,
      },
      {
        field: 'oldest_overdue_days',
        headerName: t('col.days'),
        width: 104,
        type: 'rightAligned',
        cellRenderer: (p: ICellRendererParams<CustomerRow>) => {
          const days = p.data?.oldest_overdue_days ?? 0;
          if (!p.data) return null;
          if (days <= 0) return <span className="muted">—</span>;
          return <span className={`days tone-${daysTone(days)}`}>{t('days', { count: days })}</span>;
        },
      },
      {
        field: 'grade',
        headerName: t('col.grade'),
        width: 88,
        cellRenderer: (p: ICellRendererParams<CustomerRow>) =>
          p.data?.grade ? <Badge tone={creditTone(p.data.grade)}>{p.data.grade}</Badge> : null,
      },
      {
        field: 'type',
        headerName: t('col.type'),
        width: 100,
        valueFormatter: (p) => label('typeShort', p.value),
      },
      { field: 'region', headerName: t('col.region'), width: 118 },
      { field: 'industry', headerName: t('col.industry'), width: 98 },
      { field: 'collector', headerName: t('col.collector'), width: 124, hide: isCollector },
    ],
    // the labels follow the language
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, i18n.language, isCollector, narrow],
  );

  const defaultColDef = useMemo<ColDef>(
    () => ({ sortable: false, resizable: true, suppressHeaderMenuButton: true }),
    [],
  );

  const onGridReady = useCallback((event: GridReadyEvent<CustomerRow>) => {
    gridApi.current = event.api;
  }, []);

  const active = Object.entries(filters).some(([k, v]) => k !== 'sort' && v);
  const retry = () => {
    setError(null);
    gridApi.current?.purgeInfiniteCache();
  };

  return (
    <div className="customers">
      <PageTitle
        actions={
          <div className="key-hints" aria-hidden="true">
            <KeyHint keys={['/']}>{t('keys.search')}</KeyHint>
            <KeyHint keys={['↑', '↓', 'Enter']}>{t('keys.open')}</KeyHint>
          </div>
        }
      >
        {t('common:nav.customers')}
        <span className="title-sub">
          {total !== null && t('total', { n: number(total) })}
          {asOf && ` · ${t('asOf', { date: date(asOf) })}`}
        </span>
      </PageTitle>

      <div className="card cl-filters" role="search">
        <div className="cl-search">
          <input
            ref={searchRef}
            type="search"
            value={text}
            placeholder={t('search')}
            aria-label={t('search')}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') setFilter('q', text.trim());
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                gridApi.current?.setFocusedCell(0, 'name');
              }
            }}
          />
          <kbd aria-hidden="true">/</kbd>
        </div>
        <input
          list="cl-regions"
          value={filters.region}
          placeholder={t('regionAny')}
          aria-label={t('region')}
          onChange={(e) => setFilter('region', e.target.value)}
          className="cl-region"
        />
        <datalist id="cl-regions">
          {regions.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        <select
          value={filters.grade}
          aria-label={t('grade')}
          onChange={(e) => setFilter('grade', e.target.value)}
        >
          <option value="">{t('gradeAny')}</option>
          {CREDIT_GRADES.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
        <select
          value={filters.type}
          aria-label={t('type')}
          onChange={(e) => setFilter('type', e.target.value)}
        >
          <option value="">{t('typeAny')}</option>
          {CUSTOMER_TYPES.map((type) => (
            <option key={type} value={type}>
              {label('typeShort', type)}
            </option>
          ))}
        </select>
        {!isCollector && (
          <select
            value={filters.collector}
            aria-label={t('collector')}
            onChange={(e) => setFilter('collector', e.target.value)}
          >
            <option value="">{t('collectorAny')}</option>
            {[...new Set([...collectors, filters.collector].filter(Boolean))].map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        )}
        <label className="cl-check">
          <input
            type="checkbox"
            checked={filters.overdue === 'true'}
            onChange={(e) => setFilter('overdue', e.target.checked ? 'true' : '')}
          />
          {t('overdue')}
        </label>
        <select
          value={filters.sort}
          aria-label={t('sort')}
          onChange={(e) => setFilter('sort', e.target.value === 'open_desc' ? '' : e.target.value)}
          className="cl-sort"
        >
          {SORTS.map((s) => (
            <option key={s} value={s}>
              {t(`sorts.${s}`)}
            </option>
          ))}
        </select>
        {active && (
          <button
            type="button"
            className="link"
            onClick={() => {
              setText('');
              setParams(new URLSearchParams(), { replace: true });
            }}
          >
            {t('reset')}
          </button>
        )}
      </div>

      {error !== null && <ErrorMessage error={error} onRetry={retry} />}

      <div className="cl-grid">
        <AgGridReact<CustomerRow>
          theme={theme}
          rowModelType="infinite"
          datasource={datasource}
          cacheBlockSize={BLOCK}
          maxBlocksInCache={50}
          infiniteInitialRowCount={BLOCK}
          columnDefs={columns}
          defaultColDef={defaultColDef}
          getRowId={(p) => p.data.id}
          localeText={i18n.language === 'zh-CN' ? ZH_GRID_TEXT : undefined}
          rowClass="cl-row"
          suppressNoRowsOverlay
          onGridReady={onGridReady}
          onRowClicked={(e: RowClickedEvent<CustomerRow>) => open(e.data)}
          onCellKeyDown={(e: CellKeyDownEvent<CustomerRow>) => {
            const key = (e.event as KeyboardEvent | null)?.key;
            if (key === 'Enter') open(e.data);
          }}
          key={i18n.language}
        />
        {total === 0 && (
          <div className="cl-empty">
            <Empty>{t('noRows')}</Empty>
          </div>
        )}
      </div>
    </div>
  );
}
