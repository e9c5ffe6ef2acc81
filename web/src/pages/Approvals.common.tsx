// Pieces the approvals, disputes, actions, imports, policy, users and audit pages share:
// customer names for the ids the API lists, a link to a customer, a modal dialog, tabs.
import { ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

import { ApiError, get } from '../api';
import { registerStrings } from '../i18n';
import './Approvals.common.css';

registerStrings('pagesCommon', {
  'zh-CN': { close: '关闭', customer: '客户' },
  en: { close: 'Close', customer: 'Customer' },
});

type CustomerRow = { id: string; name: string };
type CustomerPage = { items: CustomerRow[]; total: number };

// id → name, for the whole session (names rarely change; a miss shows the id alone).
const names = new Map<string, string>();
const listeners = new Set<() => void>();
let bulkLoaded = false;

async function lookUp(ids: string[]) {
  const missing = ids.filter((id) => !names.has(id));
  if (missing.length === 0) return;
  try {
    if (missing.length <= 20 || bulkLoaded) {
      await Promise.all(
        missing.map(async (id) => {
          const page = await get<CustomerPage>('/api/v1/customers', { q: id, limit: 20 });
          const row = page.items.find((c) => c.id === id);
          names.set(id, row?.name ?? '');
        }),
      );
    } else {
      // Many at once (a week of actions): the customers in scope, 500 at a time.
      bulkLoaded = true;
      const want = new Set(missing);
      for (let offset = 0; offset < 20000 && want.size > 0; offset += 500) {
        const page = await get<CustomerPage>('/api/v1/customers', {
          sort: 'id',
          limit: 500,
          offset,
        });
        for (const c of page.items) {
          names.set(c.id, c.name);
          want.delete(c.id);
        }
        if (offset + 500 >= page.total) break;
      }
      for (const id of want) names.set(id, '');
    }
  } catch (e) {
    // Names are a convenience: a role without the customer list (403) sees ids only.
    if (!(e instanceof ApiError)) throw e;
    for (const id of missing) if (!names.has(id)) names.set(id, '');
  }
  listeners.forEach((l) => l());
}

/** The names of these customers, looked up once per session. */
export function useCustomerNames(ids: string[]) {
  const [, setVersion] = useState(0);
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    const listener = () => setVersion((v) => v + 1);
    listeners.add(listener);
    if (key) void lookUp(key.split(','));
    return () => {
      listeners.delete(listener);
    };
  }, [key]);
  return (id: string) => names.get(id) ?? '';
}

/** A customer's name (and id) linking to the 360° view. */
export function CustomerLink({ id, name }: { id: string; name?: string }) {
  return (
    <Link to={`/customers/${encodeURIComponent(id)}`} className="customer-link">
      {name ? (
        <>
          <span className="customer-name">{name}</span> <span className="muted id">{id}</span>
        </>
      ) : (
        id
      )}
    </Link>
  );
}

/** A modal dialog: Escape or the close button closes it; focus moves into it. */
export function Modal({
  title,
  onClose,
  children,
  wide,
}: {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const { t } = useTranslation('pagesCommon');
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first =
      box.current?.querySelector<HTMLElement>('[data-autofocus]') ??
      box.current?.querySelector<HTMLElement>('input, select, textarea, button:not(.modal-close)');
    (first ?? box.current)?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      previous?.focus?.();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className={'modal card' + (wide ? ' wide' : '')}
        role="dialog"
        aria-modal="true"
        ref={box}
        tabIndex={-1}
      >
        <div className="modal-head">
          <h2>{title}</h2>
          <button type="button" className="link modal-close" onClick={onClose} aria-label={t('close')}>
            ✕
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}

/** A dialog form's buttons: cancel, then the primary submit. */
export function DialogButtons({
  busy,
  onCancel,
  testId,
  children,
}: {
  busy: boolean;
  onCancel: () => void;
  testId: string;
  children: ReactNode;
}) {
  const { t: tc } = useTranslation();
  return (
    <div className="buttons">
      <button type="button" onClick={onCancel}>
        {tc('cancel')}
      </button>
      <button type="submit" className="primary" disabled={busy} data-testid={testId}>
        {children}
      </button>
    </div>
  );
}

/** A row of tabs (a segmented control); `counts` adds a number to some. */
export function Tabs<K extends string>({
  value,
  options,
  onChange,
  label,
}: {
  value: K;
  options: { key: K; label: ReactNode; count?: number }[];
  onChange: (key: K) => void;
  label: string;
}) {
  return (
    <div className="seg-tabs" role="tablist" aria-label={label}>
      {options.map((o) => (
        <button
          key={o.key}
          type="button"
          role="tab"
          aria-selected={o.key === value}
          className={o.key === value ? 'active' : ''}
          onClick={() => onChange(o.key)}
        >
          {o.label}
          {o.count !== undefined && <span className="seg-tab-count">{o.count}</span>}
        </button>
      ))}
    </div>
  );
}

/** Every page of a list endpoint ({items, total}), `limit` at a time, up to `max` items. */
export async function getAll<T>(
  path: string,
  query: Record<string, string | number | undefined>,
  max = 20000,
) {
  const items: T[] = [];
  let total = 0;
  for (let offset = 0; offset < max; offset += 500) {
    const page = await get<{ items: T[]; total: number }>(path, { ...query, limit: 500, offset });
    items.push(...page.items);
    total = page.total;
    if (offset + 500 >= page.total) break;
  }
  return { items, total };
}
