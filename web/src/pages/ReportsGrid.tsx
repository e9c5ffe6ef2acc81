// AG Grid for the report tables: the app's colours on the Quartz theme, the few strings the grid
// shows in the current language, and amounts compared exactly for sorting.
import {
  AllCommunityModule,
  ColDef,
  GetRowIdParams,
  ModuleRegistry,
  RowClassParams,
  themeQuartz,
} from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useTranslation } from 'react-i18next';

import { money } from '../format';
import { compareAmounts } from './ReportsCommon';

ModuleRegistry.registerModules([AllCommunityModule]);

const theme = themeQuartz.withParams({
  accentColor: '#1f5fbf',
  foregroundColor: '#1d2433',
  borderColor: '#e3e7ee',
  headerBackgroundColor: '#fafbfc',
  headerTextColor: '#667085',
  headerFontWeight: 600,
  fontFamily: 'inherit',
  fontSize: 13,
  headerFontSize: 12,
  rowHeight: 34,
  headerHeight: 38,
  wrapperBorderRadius: 8,
  spacing: 6,
});

const ZH: Record<string, string> = {
  noRowsToShow: '暂无数据',
  loadingOoo: '加载中…',
  noMatchingRows: '没有符合条件的行',
  ariaFilterInput: '筛选',
  filterOoo: '筛选…',
  sortAscending: '升序',
  sortDescending: '降序',
  pinColumn: '固定列',
  autosizeThisColumn: '自动调整此列宽度',
  autosizeAllColumns: '自动调整所有列宽度',
  resetColumns: '重置列',
  columns: '列',
  page: '页',
  of: '共',
  to: '至',
  more: '更多',
};

let canvas: HTMLCanvasElement | null = null;

/** The width in pixels `texts` need in the grid's font (bold, to fit the totals row too). */
export function fitWidth(texts: string[], min = 80) {
  canvas ??= document.createElement('canvas');
  const context = canvas.getContext('2d');
  if (!context) return Math.max(min, ...texts.map((s) => s.length * 8 + 28));
  context.font = `600 13px ${getComputedStyle(document.body).fontFamily}`;
  return Math.ceil(Math.max(min, ...texts.map((s) => context.measureText(s).width + 26)));
}

/** A right-aligned amount column formatted in the row's currency. */
export function amountColumn<T extends { currency: string }>(
  field: string,
  headerName: string,
  extra: ColDef<T> = {},
): ColDef<T> {
  return {
    colId: field,
    headerName,
    valueGetter: (p) => (p.data ? (p.data as Record<string, unknown>)[field] : undefined),
    valueFormatter: (p) => money(p.value as string | undefined, p.data?.currency),
    comparator: (a: string | undefined, b: string | undefined) => compareAmounts(a, b),
    type: 'rightAligned',
    cellClass: 'ag-right-aligned-cell num-cell',
    minWidth: 120,
    flex: 1,
    ...extra,
  };
}

export default function ReportGrid<T extends { id: string }>({
  rows,
  totals,
  columns,
  height,
  testId,
}: {
  rows: T[];
  totals?: T[];
  columns: ColDef<T>[];
  /** a fixed height (the grid scrolls), or 'auto' for a few rows shown in full */
  height: number | string | 'auto';
  testId?: string;
}) {
  const { i18n } = useTranslation();
  return (
    <div
      className="report-grid"
      style={height === 'auto' ? undefined : { height }}
      data-testid={testId}
    >
      <AgGridReact<T>
        key={i18n.language}
        theme={theme}
        rowData={rows}
        pinnedBottomRowData={totals}
        columnDefs={columns}
        defaultColDef={{ sortable: true, resizable: true, minWidth: 90, suppressMovable: true }}
        getRowId={(p: GetRowIdParams<T>) => p.data.id}
        getRowClass={(p: RowClassParams<T>) => (p.node.rowPinned ? 'total-row' : undefined)}
        localeText={i18n.language === 'zh-CN' ? ZH : undefined}
        enableCellTextSelection
        ensureDomOrder
        animateRows={false}
        domLayout={height === 'auto' ? 'autoHeight' : 'normal'}
      />
    </div>
  );
}
