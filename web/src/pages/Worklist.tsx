// My worklist (我的工作台): the collector's home. The cases to work today, best first, each with
// the reasons it ranks where it does; beside them today's planned actions, promises due or
// broken and disputes close to their answer deadline. Keyboard: j/k or ↑/↓ select, Enter
// opens, / searches, ←/→ change page.
import {
  KeyboardEvent as ReactKeyboardEvent,
  ReactNode,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';

import { get } from '../api';
import { useAuth } from '../auth';
import { Empty, ErrorMessage, Loading, PageTitle, useData } from '../components';
import { date, isPositive, money, number, percent } from '../format';
import { registerStrings } from '../i18n';
import {
  Badge,
  channelIcon,
  DaysOverdue,
  GradeBadge,
  groupDigits,
  Icon,
  isDecimal,
  KeyHint,
  localClock,
  StageBadge,
  timeOf,
  typing,
  useLabel,
} from './CustomerShared';
import type { Action, Dispute } from './CustomerTypes';
import './Worklist.css';

registerStrings('worklist', {
  'zh-CN': {
    subtitle: '截至 {{date}}，按回款价值排序',
    cases: '待处理案件',
    casesHint: '按优先级从高到低',
    actionsToday: '今日行动',
    promisesDue: '到期 / 违约承诺',
    disputesSla: '临近时限的争议',
    filter: '搜索客户名称或编号',
    collector: '催收员',
    collectorAll: '全部催收员',
    rank: '排名',
    customer: '客户',
    collectible: '可催收金额',
    nextAction: '下一步',
    score: '优先分 {{score}}',
    scoreTitle:
      '优先分 = 待收金额（折合 {{amount}}）× 预计回收率 {{likelihood}} − 联系成本 {{cost}} = {{score}}',
    why: {
      broken: '客户违背了付款承诺，需立即跟进',
      dueToday: '今天有付款承诺到期',
      urgent: '紧急案件',
      overdue: '最长逾期 {{days}} 天',
      likelihood: '预计回收率 {{pct}}',
      quadrant: '{{quadrant}}：{{strategy}}',
      credit: '信用等级 {{grade}}',
      type: '{{type}}',
      disputed: '已剔除争议金额 {{amount}}',
      promised: '已剔除承诺金额 {{amount}}',
    },
    whyLabel: '排序原因：',
    page: '第 {{from}}–{{to}} 条，共 {{total}} 条',
    matches: '找到 {{count}} 个匹配的案件',
    noMatches: '没有匹配“{{q}}”的案件',
    searching: '正在搜索全部案件…',
    noCases: '今天没有需要处理的案件。',
    keys: { move: '上下选择', open: '打开', search: '搜索', page: '翻页' },
    actions: {
      title: '今日行动',
      empty: '今天没有计划中的行动。',
      more: '显示全部 {{count}} 项',
      less: '收起',
      allLink: '行动日历',
      assigned: '由 {{who}} 负责',
      localTime: '客户当地时间',
      shownOf: '显示前 {{shown}} 项，共 {{total}} 项',
    },
    promises: {
      title: '承诺付款',
      empty: '没有今天到期、逾期或违约的承诺。',
      dueToday: '今天到期',
      overdue: '已过期 {{count}} 天',
      broken: '已违约',
      dueOn: '承诺日 {{date}}',
      partial: '只检查了 {{count}} 位有承诺的客户',
    },
    disputes: {
      title: '争议处理时限',
      empty: '没有待处理的争议。',
      overdue: '已超时 {{time}}',
      left: '剩余 {{time}}',
      hours: '{{count}} 小时',
      days: '{{count}} 天',
      minutes: '{{count}} 分钟',
      invoice: '发票 {{id}}',
      deadline: '答复期限 {{at}}',
    },
  },
  en: {
    subtitle: 'As of {{date}}, ranked by the value of working each case',
    cases: 'Cases to work',
    casesHint: 'highest priority first',
    actionsToday: "Today's actions",
    promisesDue: 'Promises due or broken',
    disputesSla: 'Disputes near deadline',
    filter: 'Search name or id',
    collector: 'Collector',
    collectorAll: 'All collectors',
    rank: 'Rank',
    customer: 'Customer',
    collectible: 'Collectible',
    nextAction: 'Next step',
    score: 'Priority {{score}}',
    scoreTitle:
      'Priority = amount at risk ({{amount}} in the policy currency) × recovery likelihood {{likelihood}} − contact cost {{cost}} = {{score}}',
    why: {
      broken: 'Broke a promise to pay: follow up now',
      dueToday: 'A promise to pay is due today',
      urgent: 'Urgent',
      overdue: 'oldest item {{days}} days overdue',
      likelihood: '{{pct}} expected back',
      quadrant: '{{quadrant}}: {{strategy}}',
      credit: 'credit grade {{grade}}',
      type: '{{type}}',
      disputed: '{{amount}} disputed, left out',
      promised: '{{amount}} promised, left out',
    },
    whyLabel: 'Why here: ',
    page: '{{from}}–{{to}} of {{total}}',
    matches: '{{count}} matching cases',
    noMatches: 'No case matches “{{q}}”',
    searching: 'Searching all cases…',
    noCases: 'No cases to work today.',
    keys: { move: 'select', open: 'open', search: 'search', page: 'page' },
    actions: {
      title: "Today's actions",
      empty: 'No actions planned for today.',
      more: 'Show all {{count}}',
      less: 'Show fewer',
      allLink: 'Actions calendar',
      assigned: 'for {{who}}',
      localTime: "customer's local time",
      shownOf: 'first {{shown}} of {{total}}',
    },
    promises: {
      title: 'Promises to pay',
      empty: 'No promise due today, overdue or broken.',
      dueToday: 'Due today',
      overdue: '{{count}} days late',
      broken: 'Broken',
      dueOn: 'promised for {{date}}',
      partial: 'checked {{count}} customers with promises',
    },
    disputes: {
      title: 'Dispute deadlines',
      empty: 'No open disputes.',
      overdue: '{{time}} past deadline',
      left: '{{time}} left',
      hours: '{{count}} h',
      days: '{{count}} d',
      minutes: '{{count}} min',
      invoice: 'invoice {{id}}',
      deadline: 'answer by {{at}}',
    },
  },
});

export type WorklistItem = {
  customer_id: string;
  name: string;
  collector: string;
  priority: number;
  urgent: boolean;
  overdue_grade: string;
  stage: string;
  class: string;
  strategy: string;
  variant: string;
  collectible_amount: string;
  currency: string;
  max_days_overdue: number;
  broken_promise: boolean;
  promise_due_today: boolean;
  next_action: string;
  factors: Record<string, string>;
};

type Page<T> = { items: T[]; total: number; offset: number; limit: number; as_of?: string };

type Promise_ = {
  id: number;
  customer_id: string;
  amount: string;
  currency: string;
  date: string;
  status: string;
};

const PAGE_SIZE = 50;
const LAST_OPENED = 'huikuan.worklist.last';

/** Every page of the worklist (for search and the promise panel): a few calls of 500. */
async function allWorklist(collector: string) {
  const first = await get<Page<WorklistItem>>('/api/v1/worklist', { limit: 500, collector });
  const items = [...first.items];
  for (let offset = 500; offset < first.total && offset < 5000; offset += 500) {
    const next = await get<Page<WorklistItem>>('/api/v1/worklist', {
      limit: 500,
      offset,
      collector,
    });
    items.push(...next.items);
  }
  return { items, total: first.total, as_of: first.as_of };
}

export default function Worklist() {
  const { t } = useTranslation('worklist');
  const { user } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const collector = params.get('collector') ?? '';
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState(0);
  const filterRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const isCollector = user?.role === 'collector';

  const page = useData(
    () => get<Page<WorklistItem>>('/api/v1/worklist', { limit: PAGE_SIZE, offset, collector }),
    [offset, collector],
  );
  const everything = useData(() => allWorklist(collector), [collector]);
  const actions = useData(
    () => get<Page<Action>>('/api/v1/actions', { status: 'planned', limit: 500 }),
    [],
  );
  const disputes = useData(
    () => get<Page<Dispute>>('/api/v1/disputes', { status: 'open', limit: 500 }),
    [],
  );

  const q = query.trim().toLowerCase();
  const searching = q.length > 0;
  const rows: WorklistItem[] = useMemo(() => {
    if (!searching) return page.data?.items ?? [];
    return (everything.data?.items ?? [])
      .filter((i) => i.name.toLowerCase().includes(q) || i.customer_id.toLowerCase().includes(q))
      .slice(0, 200);
  }, [searching, q, page.data, everything.data]);

  // rank of each customer in the full list (for search results)
  const rankOf = useMemo(() => {
    const ranks = new Map<string, number>();
    everything.data?.items.forEach((item, k) => ranks.set(item.customer_id, k + 1));
    return ranks;
  }, [everything.data]);

  const names = useMemo(() => {
    const map = new Map<string, string>();
    everything.data?.items.forEach((i) => map.set(i.customer_id, i.name));
    page.data?.items.forEach((i) => map.set(i.customer_id, i.name));
    return map;
  }, [everything.data, page.data]);

  // Come back to the case opened last.
  useEffect(() => {
    if (!page.data) return;
    const last = sessionStorage.getItem(LAST_OPENED);
    const k = page.data.items.findIndex((i) => i.customer_id === last);
    setSelected(k >= 0 ? k : 0);
  }, [page.data]);
  useEffect(() => {
    if (searching) setSelected(0);
  }, [q, searching]);

  const open = useCallback(
    (item: WorklistItem | undefined) => {
      if (!item) return;
      sessionStorage.setItem(LAST_OPENED, item.customer_id);
      navigate(`/customers/${encodeURIComponent(item.customer_id)}`, {
        state: { from: 'worklist', item },
      });
    },
    [navigate],
  );

  const total = page.data?.total ?? 0;
  const goPage = useCallback(
    (next: number) => {
      if (next < 0 || next >= total) return;
      const nextParams = new URLSearchParams(params);
      if (next) nextParams.set('offset', String(next));
      else nextParams.delete('offset');
      setParams(nextParams);
      window.scrollTo({ top: 0 });
    },
    [params, setParams, total],
  );

  const move = useCallback(
    (delta: number) => {
      setSelected((current) => {
        const next = Math.min(Math.max(current + delta, 0), Math.max(rows.length - 1, 0));
        return next;
      });
    },
    [rows.length],
  );

  useEffect(() => {
    const row = listRef.current?.querySelector<HTMLElement>(`[data-index="${selected}"]`);
    row?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (typing(event)) return;
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          event.preventDefault();
          move(1);
          break;
        case 'k':
        case 'ArrowUp':
          event.preventDefault();
          move(-1);
          break;
        case 'Enter':
          if ((event.target as HTMLElement)?.closest?.('a, button')) return;
          event.preventDefault();
          open(rows[selected]);
          break;
        case '/':
          event.preventDefault();
          filterRef.current?.focus();
          filterRef.current?.select();
          break;
        case 'ArrowRight':
          if (!searching) goPage(offset + PAGE_SIZE);
          break;
        case 'ArrowLeft':
          if (!searching) goPage(offset - PAGE_SIZE);
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, open, rows, selected, goPage, offset, searching]);

  const onFilterKey = (event: ReactKeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      move(1);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      move(-1);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      open(rows[selected]);
    } else if (event.key === 'Escape') {
      setQuery('');
      filterRef.current?.blur();
    }
  };

  const collectors = useMemo(
    () => [...new Set((everything.data?.items ?? []).map((i) => i.collector))].sort(),
    [everything.data],
  );
  const asOf = page.data?.as_of ?? everything.data?.as_of;
  const [promiseTotal, setPromiseTotal] = useState<number | null>(null);
  const nearDisputes = (disputes.data?.items ?? []).filter(
    (d) => d.sla === 'overdue' || timeOf(d.respond_by) - Date.now() < 24 * 3600 * 1000,
  ).length;

  return (
    <div className="worklist">
      <PageTitle
        actions={
          <div className="key-hints" aria-hidden="true">
            <KeyHint keys={['j', 'k']}>{t('keys.move')}</KeyHint>
            <KeyHint keys={['Enter']}>{t('keys.open')}</KeyHint>
            <KeyHint keys={['/']}>{t('keys.search')}</KeyHint>
            <KeyHint keys={['←', '→']}>{t('keys.page')}</KeyHint>
          </div>
        }
      >
        {t('common:nav.worklist')}
        {asOf && <span className="title-sub">{t('subtitle', { date: date(asOf) })}</span>}
      </PageTitle>

      <div className="wl-stats">
        <Stat label={t('cases')} value={page.data ? number(page.data.total) : '…'} />
        <Stat
          label={t('actionsToday')}
          value={actions.data ? number(actions.data.total) : '…'}
          href="#wl-actions"
        />
        <Stat
          label={t('promisesDue')}
          value={promiseTotal === null ? '…' : number(promiseTotal)}
          tone={promiseTotal ? 'amber' : undefined}
          href="#wl-promises"
        />
        <Stat
          label={t('disputesSla')}
          value={disputes.data ? number(nearDisputes) : '…'}
          tone={nearDisputes ? 'red' : undefined}
          href="#wl-disputes"
        />
      </div>

      <div className="wl-layout">
        <section className="panel wl-cases" aria-label={t('cases')}>
          <header>
            <h2>
              {t('cases')} <span className="count">{t('casesHint')}</span>
            </h2>
            <div className="wl-tools">
              {!isCollector && collectors.length > 1 && (
                <select
                  aria-label={t('collector')}
                  value={collector}
                  onChange={(e) => {
                    const next = new URLSearchParams();
                    if (e.target.value) next.set('collector', e.target.value);
                    setParams(next);
                  }}
                >
                  <option value="">{t('collectorAll')}</option>
                  {collectors.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              )}
              <div className="wl-search">
                <input
                  ref={filterRef}
                  type="search"
                  placeholder={t('filter')}
                  aria-label={t('filter')}
                  value={query}
                  onChange={(e) => setQuery(e.target.value)}
                  onKeyDown={onFilterKey}
                />
                <kbd aria-hidden="true">/</kbd>
              </div>
            </div>
          </header>
          <div className="panel-body flush">
            {page.error ? (
              <ErrorMessage error={page.error} onRetry={page.reload} />
            ) : !page.data ? (
              <Loading />
            ) : searching && !everything.data ? (
              everything.error ? (
                <ErrorMessage error={everything.error} onRetry={everything.reload} />
              ) : (
                <div className="loading">{t('searching')}</div>
              )
            ) : rows.length === 0 ? (
              <Empty>{searching ? t('noMatches', { q: query.trim() }) : t('noCases')}</Empty>
            ) : (
              <div
                className={`wl-rows${page.loading && !searching ? ' stale' : ''}`}
                ref={listRef}
                role="list"
              >
                {rows.map((item, k) => (
                  <CaseRow
                    key={item.customer_id}
                    item={item}
                    index={k}
                    rank={searching ? rankOf.get(item.customer_id) ?? 0 : offset + k + 1}
                    selected={k === selected}
                    onSelect={() => setSelected(k)}
                    onOpen={() => open(item)}
                  />
                ))}
              </div>
            )}
          </div>
          {page.data && (
            <footer className="wl-pager">
              {searching ? (
                <span className="subtle">{t('matches', { count: rows.length })}</span>
              ) : (
                <>
                  <span className="subtle">
                    {t('page', {
                      from: number(total ? offset + 1 : 0),
                      to: number(Math.min(offset + PAGE_SIZE, total)),
                      total: number(total),
                    })}
                  </span>
                  <span className="pager-buttons">
                    <button
                      type="button"
                      disabled={offset === 0}
                      onClick={() => goPage(offset - PAGE_SIZE)}
                    >
                      {t('common:previous')}
                    </button>
                    <button
                      type="button"
                      disabled={offset + PAGE_SIZE >= total}
                      onClick={() => goPage(offset + PAGE_SIZE)}
                    >
                      {t('common:next')}
                    </button>
                  </span>
                </>
              )}
            </footer>
          )}
        </section>

        <aside className="wl-side">
          <ActionsPanel state={actions} names={names} me={user?.collector_id ?? ''} />
          <PromisesPanel
            items={everything.data?.items}
            error={everything.error}
            asOf={asOf}
            names={names}
            onCount={setPromiseTotal}
          />
          <DisputesPanel state={disputes} names={names} />
        </aside>
      </div>
    </div>
  );
}

function Stat({
  label,
  value,
  tone,
  href,
}: {
  label: string;
  value: string;
  tone?: 'red' | 'amber';
  href?: string;
}) {
  const body = (
    <>
      <div className="label">{label}</div>
      <div className={`value${tone ? ' tone-' + tone : ''}`}>{value}</div>
    </>
  );
  return href ? (
    <a className="card stat wl-stat" href={href}>
      {body}
    </a>
  ) : (
    <div className="card stat wl-stat">{body}</div>
  );
}

/** The reasons a case ranks where it does, in words. */
function useReasons() {
  const { t, i18n } = useTranslation('worklist');
  const label = useLabel();
  return (item: WorklistItem) => {
    const f = item.factors ?? {};
    const flags: { text: string; tone: 'red' | 'amber' | 'blue' }[] = [];
    if (item.broken_promise) flags.push({ text: t('why.broken'), tone: 'red' });
    if (item.promise_due_today) flags.push({ text: t('why.dueToday'), tone: 'amber' });
    if (item.urgent && !item.broken_promise && !item.promise_due_today) {
      flags.push({ text: t('why.urgent'), tone: 'red' });
    }
    const words: string[] = [];
    const days = Number(f.days_overdue ?? item.max_days_overdue);
    if (days > 0) words.push(t('why.overdue', { days }));
    if (f.recovery_likelihood && !Number.isNaN(Number(f.recovery_likelihood))) {
      words.push(t('why.likelihood', { pct: percent(Number(f.recovery_likelihood), 0) }));
    }
    if (f.quadrant) {
      words.push(
        t('why.quadrant', {
          quadrant: label('quadrant', f.quadrant),
          strategy: label('strategy', item.strategy),
        }),
      );
    }
    if (f.credit_grade) words.push(t('why.credit', { grade: f.credit_grade }));
    if (f.customer_type) words.push(label('type', f.customer_type));
    if (f.disputed_excluded && isPositive(f.disputed_excluded)) {
      words.push(t('why.disputed', { amount: money(f.disputed_excluded, item.currency) }));
    }
    if (f.promised_excluded && isPositive(f.promised_excluded)) {
      words.push(t('why.promised', { amount: money(f.promised_excluded, item.currency) }));
    }
    const locale = i18n.language;
    const formula =
      f.amount_in_policy_currency && isDecimal(f.amount_in_policy_currency)
        ? t('scoreTitle', {
            amount: groupDigits(f.amount_in_policy_currency, locale),
            likelihood: percent(Number(f.recovery_likelihood), 0),
            cost: groupDigits(f.contact_cost ?? '0', locale),
            score: number(item.priority, 2),
          })
        : '';
    return { flags, words, formula };
  };
}

function CaseRow({
  item,
  index,
  rank,
  selected,
  onSelect,
  onOpen,
}: {
  item: WorklistItem;
  index: number;
  rank: number;
  selected: boolean;
  onSelect: () => void;
  onOpen: () => void;
}) {
  const { t } = useTranslation('worklist');
  const label = useLabel();
  const reasons = useReasons()(item);
  return (
    <div
      className={`wl-row${selected ? ' selected' : ''}${item.urgent ? ' urgent' : ''}`}
      data-testid="worklist-row"
      data-customer-id={item.customer_id}
      data-index={index}
      role="listitem"
      aria-selected={selected}
      onClick={onOpen}
      onMouseEnter={onSelect}
    >
      <div className="wl-rank" title={reasons.formula}>
        {rank || '—'}
      </div>
      <div className="wl-main">
        <div className="wl-name">
          <Link
            to={`/customers/${encodeURIComponent(item.customer_id)}`}
            state={{ from: 'worklist', item }}
            onClick={(e) => {
              e.stopPropagation();
              sessionStorage.setItem(LAST_OPENED, item.customer_id);
            }}
            tabIndex={-1}
          >
            {item.name}
          </Link>
          <span className="mono subtle">{item.customer_id}</span>
        </div>
        <div className="wl-badges">
          {reasons.flags.map((flag) => (
            <Badge key={flag.text} tone={flag.tone}>
              {flag.text}
            </Badge>
          ))}
          <StageBadge stage={item.stage} />
          <GradeBadge grade={item.overdue_grade} />
          {item.class && (
            <Badge tone="blue">{t('cust:classShort', { class: item.class })}</Badge>
          )}
        </div>
        <div className="wl-why" title={reasons.formula}>
          <span className="wl-why-label">{t('whyLabel')}</span>
          {reasons.words.join(' · ')}
        </div>
      </div>
      <div className="wl-amount">
        <div className="wl-money">{money(item.collectible_amount, item.currency)}</div>
        <DaysOverdue days={item.max_days_overdue} />
        <div className="subtle" title={reasons.formula}>
          {t('score', { score: number(item.priority, 0) })}
        </div>
      </div>
      <div className="wl-next hide-narrow">
        <span className="subtle">{t('nextAction')}</span>
        <span className="wl-next-kind">
          <Icon name={channelIcon(item.next_action)} />
          {label('actionKind', item.next_action)}
        </span>
        {item.collector && <span className="subtle">{item.collector}</span>}
      </div>
    </div>
  );
}

/** A side panel of the worklist: an icon, a title with a count, a flush body. */
function Panel({
  id,
  icon,
  title,
  count,
  link,
  children,
}: {
  id: string;
  icon: string;
  title: string;
  count: number | undefined;
  link?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="panel" id={id}>
      <header>
        <h2>
          <Icon name={icon} />
          {title}
          {count !== undefined && <span className="count">{number(count)}</span>}
        </h2>
        {link}
      </header>
      <div className="panel-body flush">{children}</div>
    </section>
  );
}

/** A panel's list: its error, loading, the empty text, or the list drawn from `data`. */
function PanelList<T>({
  data,
  error,
  onRetry,
  isEmpty,
  empty,
  children,
}: {
  data: T | null | undefined;
  error: unknown;
  onRetry?: () => void;
  isEmpty: boolean;
  empty: string;
  children: (data: T) => ReactNode;
}) {
  if (error) return <ErrorMessage error={error} onRetry={onRetry} />;
  if (data === null || data === undefined) return <Loading />;
  if (isEmpty) return <Empty>{empty}</Empty>;
  return <>{children(data)}</>;
}

function ActionsPanel({
  state,
  names,
  me,
}: {
  state: { data?: Page<Action>; error: unknown; reload: () => void };
  names: Map<string, string>;
  me: string;
}) {
  const { t } = useTranslation('worklist');
  const label = useLabel();
  const [all, setAll] = useState(false);
  const items = useMemo(
    () =>
      [...(state.data?.items ?? [])].sort(
        (a, b) =>
          Number(b.assigned_to === me) - Number(a.assigned_to === me) ||
          localClock(a.scheduled_at).localeCompare(localClock(b.scheduled_at)) ||
          a.id - b.id,
      ),
    [state.data, me],
  );
  const counts = useMemo(() => {
    const map = new Map<string, number>();
    for (const a of state.data?.items ?? []) map.set(a.kind, (map.get(a.kind) ?? 0) + 1);
    return [...map].sort((a, b) => b[1] - a[1]);
  }, [state.data]);
  const shown = all ? items : items.slice(0, 6);
  return (
    <Panel
      id="wl-actions"
      icon="action"
      title={t('actions.title')}
      count={state.data?.total}
      link={
        <Link to="/actions" className="subtle-link">
          {t('actions.allLink')} →
        </Link>
      }
    >
      <PanelList
        data={state.data}
        error={state.error}
        onRetry={state.reload}
        isEmpty={items.length === 0}
        empty={t('actions.empty')}
      >
        {(data) => (
          <>
            {data.total <= items.length && (
            <div className="wl-kinds">
              {counts.map(([kind, count]) => (
                <span key={kind} className="wl-kind">
                  <Icon name={channelIcon(kind)} size={14} />
                  {label('actionKind', kind)} <b>{number(count)}</b>
                </span>
              ))}
            </div>
            )}
            <ul className={`wl-list${all ? ' scroll' : ''}`}>
              {shown.map((a) => (
                <li key={a.id}>
                  <Link to={`/customers/${encodeURIComponent(a.customer_id)}`}>
                    <span className="wl-time" title={t('actions.localTime')}>
                      {localClock(a.scheduled_at)}
                    </span>
                    <span className="grow">
                      <span className="wl-item-title">
                        <Icon name={channelIcon(a.kind)} size={14} />
                        {label('actionKind', a.kind)}
                        {a.assigned_to && a.assigned_to !== me && (
                          <span className="badge">{t('actions.assigned', { who: a.assigned_to })}</span>
                        )}
                      </span>
                      <span className="wl-item-sub">
                        {names.get(a.customer_id) ?? a.customer_id}
                      </span>
                    </span>
                    <span className="wl-item-amount">{money(a.amount, a.currency)}</span>
                  </Link>
                </li>
              ))}
            </ul>
            {items.length > 6 && (
              <div className="wl-more">
                <button type="button" className="link" onClick={() => setAll(!all)}>
                  {all ? t('actions.less') : t('actions.more', { count: items.length })}
                </button>
                {data.total > items.length && (
                  <span className="subtle">
                    {t('actions.shownOf', {
                      shown: number(items.length),
                      total: number(data.total),
                    })}
                  </span>
                )}
              </div>
            )}
          </>
        )}
      </PanelList>
    </Panel>
  );
}

type PromiseRow = Promise_ & { name: string; late: number };

function PromisesPanel({
  items,
  error,
  asOf,
  names,
  onCount,
}: {
  items: WorklistItem[] | undefined;
  error: unknown;
  asOf: string | undefined;
  names: Map<string, string>;
  onCount: (count: number) => void;
}) {
  const { t } = useTranslation('worklist');
  const [rows, setRows] = useState<PromiseRow[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [checked, setChecked] = useState({ count: 0, of: 0 });

  useEffect(() => {
    if (!items || !asOf) return;
    // The customers with a promise: broken, due today, or holding a promised amount back.
    const candidates = items
      .filter(
        (i) =>
          i.broken_promise ||
          i.promise_due_today ||
          (i.factors?.promised_excluded && isPositive(i.factors.promised_excluded)),
      )
      .sort(
        (a, b) =>
          Number(b.broken_promise) - Number(a.broken_promise) ||
          Number(b.promise_due_today) - Number(a.promise_due_today),
      );
    const limited = candidates.slice(0, 30);
    let live = true;
    const today = timeOf(asOf);
    Promise.all(
      limited.map((c) =>
        get<Page<Promise_>>(`/api/v1/customers/${encodeURIComponent(c.customer_id)}/promises`, {
          limit: 500,
        }).then((page) => page.items.map((p) => ({ ...p, customer_id: c.customer_id }))),
      ),
    )
      .then((lists) => {
        if (!live) return;
        const found: PromiseRow[] = [];
        for (const p of lists.flat()) {
          const late = Math.round((today - timeOf(p.date)) / 86400000);
          const relevant =
            (p.status === 'open' && late >= 0) || (p.status === 'broken' && late <= 30);
          if (relevant) found.push({ ...p, name: names.get(p.customer_id) ?? p.customer_id, late });
        }
        found.sort(
          (a, b) =>
            Number(b.status === 'broken') - Number(a.status === 'broken') || b.late - a.late,
        );
        setRows(found);
        setChecked({ count: limited.length, of: candidates.length });
        onCount(found.length);
      })
      .catch((e) => live && setLoadError(e));
    return () => {
      live = false;
    };
    // names only label the rows; the list depends on the items
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items, asOf]);

  return (
    <Panel id="wl-promises" icon="promise" title={t('promises.title')} count={rows?.length}>
      <PanelList
        data={rows}
        error={error || loadError}
        isEmpty={rows?.length === 0}
        empty={t('promises.empty')}
      >
        {(rows) => (
          <ul className="wl-list">
            {rows.map((p) => (
              <li key={p.id}>
                <Link to={`/customers/${encodeURIComponent(p.customer_id)}`}>
                  <span className="grow">
                    <span className="wl-item-title">
                      {p.status === 'broken' ? (
                        <span className="badge solid-red">{t('promises.broken')}</span>
                      ) : p.late > 0 ? (
                        <span className="badge red">{t('promises.overdue', { count: p.late })}</span>
                      ) : (
                        <span className="badge amber">{t('promises.dueToday')}</span>
                      )}
                      <span className="wl-ellipsis">{p.name}</span>
                    </span>
                    <span className="wl-item-sub">{t('promises.dueOn', { date: date(p.date) })}</span>
                  </span>
                  <span className="wl-item-amount">{money(p.amount, p.currency)}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </PanelList>
      {checked.of > checked.count && (
        <div className="wl-more subtle">{t('promises.partial', { count: checked.count })}</div>
      )}
    </Panel>
  );
}

function DisputesPanel({
  state,
  names,
}: {
  state: { data?: Page<Dispute>; error: unknown; reload: () => void };
  names: Map<string, string>;
}) {
  const { t } = useTranslation('worklist');
  const label = useLabel();
  const now = Date.now();
  const items = useMemo(
    () =>
      [...(state.data?.items ?? [])].sort((a, b) => timeOf(a.respond_by) - timeOf(b.respond_by)),
    [state.data],
  );
  const span = (ms: number) => {
    const minutes = Math.round(Math.abs(ms) / 60000);
    if (minutes < 60) return t('disputes.minutes', { count: minutes });
    const hours = Math.round(minutes / 60);
    if (hours < 48) return t('disputes.hours', { count: hours });
    return t('disputes.days', { count: Math.round(hours / 24) });
  };
  return (
    <Panel id="wl-disputes" icon="dispute" title={t('disputes.title')} count={state.data?.total}>
      <PanelList
        data={state.data}
        error={state.error}
        onRetry={state.reload}
        isEmpty={items.length === 0}
        empty={t('disputes.empty')}
      >
        {() => (
          <ul className="wl-list scroll">
            {items.map((d) => {
              const left = timeOf(d.respond_by) - now;
              const late = d.sla === 'overdue' || left < 0;
              const tone = late ? 'solid-red' : left < 24 * 3600 * 1000 ? 'amber' : '';
              return (
                <li key={d.id}>
                  <Link to={`/customers/${encodeURIComponent(d.customer_id)}`}>
                    <span className="grow">
                      <span className="wl-item-title">
                        <span className={`badge ${tone}`} title={t('disputes.deadline', { at: d.respond_by })}>
                          {late
                            ? t('disputes.overdue', { time: span(left) })
                            : t('disputes.left', { time: span(left) })}
                        </span>
                        <span className="wl-ellipsis">{names.get(d.customer_id) ?? d.customer_id}</span>
                      </span>
                      <span className="wl-item-sub">
                        {label('reason', d.reason)} · {t('disputes.invoice', { id: d.invoice_id })}
                      </span>
                    </span>
                    <span className="wl-item-amount">{money(d.amount, d.currency)}</span>
                  </Link>
                </li>
              );
            })}
          </ul>
        )}
      </PanelList>
    </Panel>
  );
}
