// Pieces every page uses: loading, empty and error states, money cells, a data hook.
import { DependencyList, FormEvent, ReactNode, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError } from './api';
import { money } from './format';
import i18n from './i18n';

/** An error in words a collector understands, with the server's detail for the specific case. */
export function errorText(error: unknown): string {
  const t = (key: string, options?: Record<string, unknown>) =>
    i18n.t(`common:${key}`, options ?? {});
  if (!(error instanceof ApiError)) return t('error.generic', { message: String(error) });
  const known: Record<string, string> = {
    network: 'error.network',
    unauthenticated: 'error.unauthenticated',
    forbidden: 'error.forbidden',
    not_found: 'error.not_found',
    not_ready: 'error.not_ready',
    conflict: 'error.conflict',
    locked: 'error.locked',
    internal: 'error.internal',
  };
  if (known[error.code]) return t(known[error.code]);
  const field = error.field ? t('error.field', { field: error.field }) : '';
  return t('error.generic', { message: error.message }) + field;
}

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="error" role="alert">
      <span>{errorText(error)}</span>
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

/** A short success message after an action (nothing while `message` is empty). */
export function Flash({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="success" role="status">
      {message}
    </div>
  );
}

/** A form's failure as an alert, in words (nothing while `error` is null). */
export function FormError({ error }: { error: unknown }) {
  if (error === null) return null;
  return (
    <div className="error" role="alert">
      {errorText(error)}
    </div>
  );
}

/**
 * A form's submit: `busy` while `action` runs, its failure in `error`. With `onConflict`, a 409
 * (someone else changed the record first) calls it instead of showing an error.
 */
export function useSubmit(action: () => Promise<void>, onConflict?: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      if (onConflict && err instanceof ApiError && err.status === 409) onConflict();
      else setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, submit };
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <div className="loading" aria-busy="true">
      <span className="spinner" />
      {t('loading')}
    </div>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  return <div className="empty">{children ?? t('empty')}</div>;
}

/** An amount, right-aligned, in the locale's format. */
export function Money({ amount, currency }: { amount?: string | null; currency?: string | null }) {
  return <span className="money">{money(amount, currency)}</span>;
}

/** Loads with `load` when `deps` change: {data, error, loading, reload}. */
export function useData<T>(load: () => Promise<T>, deps: DependencyList) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    run()
      .then((value) => live && setData(value))
      .catch((e) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [run, version]);
  return { data, error, loading, reload: () => setVersion((v) => v + 1) };
}

/** Loading, error or the content for data from useData. */
export function Loaded<T>({
  state,
  children,
}: {
  state: { data: T | undefined; error: unknown; loading: boolean; reload: () => void };
  children: (data: T) => ReactNode;
}) {
  if (state.error) return <ErrorMessage error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  return <>{children(state.data)}</>;
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-title">
      <h1>{children}</h1>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}
