// A small React wrapper around ECharts: only the chart types and components the dashboard
// uses are loaded (tree-shaken), the chart is created once, updated when the option changes,
// resized with its container and disposed when the component goes away.
import { BarChart, LineChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;
export type ChartClick = { name?: string; seriesName?: string; dataIndex?: number; value?: unknown };

export const FONT =
  "system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

export default function Chart({
  option,
  height = 280,
  onClick,
  onCategoryClick,
  label,
  testId,
}: {
  option: ChartOption;
  height?: number;
  onClick?: (event: ChartClick) => void;
  /** a click anywhere in a category's band of a chart whose y axis is the category axis */
  onCategoryClick?: (index: number) => void;
  /** what the chart shows, for screen readers */
  label: string;
  testId?: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  const categoryClick = useRef(onCategoryClick);
  categoryClick.current = onCategoryClick;

  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (params) => click.current?.(params as ChartClick));
    instance.getZr().on('click', (event) => {
      if (!categoryClick.current) return;
      // Anywhere on the row counts, its label too: test the height against the plot area.
      const left = instance.convertToPixel({ xAxisIndex: 0 }, 0) as number;
      if (!instance.containPixel('grid', [left + 1, event.offsetY])) return;
      const index = instance.convertFromPixel({ yAxisIndex: 0 }, event.offsetY) as number;
      if (Number.isFinite(index) && index >= 0) categoryClick.current(Math.round(index));
    });
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    const observer = new ResizeObserver(resize);
    observer.observe(element.current);
    return () => {
      window.removeEventListener('resize', resize);
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ textStyle: { fontFamily: FONT }, ...option }, true);
  }, [option]);

  useEffect(() => {
    chart.current?.resize();
  }, [height]);

  return (
    <div
      ref={element}
      className={onClick || onCategoryClick ? 'chart clickable' : 'chart'}
      style={{ height }}
      role="img"
      aria-label={label}
      data-testid={testId}
    />
  );
}
