// Recording on the customer 360 view in a few keystrokes: a contact, a promise to pay or a
// dispute, in one compact inline form at a time (c / p / d open them, Esc closes).
import { FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError, post } from '../api';
import { errorText } from '../components';
import { date, money } from '../format';
import { registerStrings } from '../i18n';
import {
  compareDecimals,
  CONTACT_CHANNELS,
  CONTACT_OUTCOMES,
  DISPUTE_REASONS,
  Icon,
  localInputToIso,
  normalizeAmount,
  nowLocalInput,
  subtractDecimals,
  useLabel,
} from './CustomerShared';
import type { Customer360 } from './CustomerTypes';

registerStrings('record', {
  'zh-CN': {
    contact: '记录联系',
    promise: '记录承诺',
    dispute: '记录争议',
    channel: '渠道',
    at: '联系时间',
    outcome: '结果',
    note: '备注',
    notePlaceholder: '联系人、沟通内容、下次跟进…',
    amount: '金额',
    currency: '币种',
    date: '承诺付款日',
    invoices: '针对发票（可选，不选则按最早的未结发票）',
    invoice: '发票',
    reason: '争议原因',
    submit: '保存',
    saving: '正在保存…',
    cancel: '取消',
    openNow: '未结 {{amount}}',
    disputable: '可争议 {{amount}}',
    badAmount: '请输入正确的金额，例如 5000 或 5000.00。',
    zeroAmount: '金额必须大于零。',
    pastDate: '承诺付款日不能早于今天（{{date}}）。',
    overOpen: '承诺金额超过了该客户今天的未结金额（{{amount}}），请核对后再保存。',
    overDisputable: '争议金额超过了这张发票尚未争议的未结金额（{{amount}}）。',
    dncWarning: '该客户已标记为“请勿联系”：只记录客户主动来电或来函，不要主动联系。',
    noInvoices: '该客户没有未结发票，无法登记争议。',
    hint: '{{key}} 保存 · Esc 取消',
    invoiceOption: '{{id}} · 到期 {{due}} · 未结 {{open}}',
  },
  en: {
    contact: 'Record contact',
    promise: 'Record promise',
    dispute: 'Record dispute',
    channel: 'Channel',
    at: 'When',
    outcome: 'Outcome',
    note: 'Note',
    notePlaceholder: 'Who, what was said, next step…',
    amount: 'Amount',
    currency: 'Currency',
    date: 'Promised payment date',
    invoices: 'For invoices (optional; otherwise the oldest open ones)',
    invoice: 'Invoice',
    reason: 'Reason',
    submit: 'Save',
    saving: 'Saving…',
    cancel: 'Cancel',
    openNow: '{{amount}} open',
    disputable: '{{amount}} can be disputed',
    badAmount: 'Enter an amount such as 5000 or 5000.00.',
    zeroAmount: 'The amount must be more than zero.',
    pastDate: 'The promised date cannot be before today ({{date}}).',
    overOpen: 'The promise is more than the customer has open today ({{amount}}). Check the amount.',
    overDisputable: 'The amount is more than the invoice’s open, undisputed amount ({{amount}}).',
    dncWarning: 'This customer is marked “do not contact”: record only contacts they started.',
    noInvoices: 'The customer has no open invoice to dispute.',
    hint: '{{key}} to save · Esc to cancel',
    invoiceOption: '{{id}} · due {{due}} · {{open}} open',
  },
});

export type RecordMode = 'contact' | 'promise' | 'dispute';

type Props = {
  data: Customer360;
  mode: RecordMode;
  onClose: () => void;
  onSaved: (message: string, next?: RecordMode) => void;
};

/** The server's 422 on the field at fault, or any other failure, in words. */
function failure(error: unknown, explain: (e: ApiError) => string | null) {
  if (error instanceof ApiError && (error.status === 422 || error.code === 'invalid')) {
    const specific = explain(error);
    if (specific) return specific;
  }
  return errorText(error);
}

export function RecordForm({ data, mode, onClose, onSaved }: Props) {
  const { t } = useTranslation('record');
  const ref = useRef<HTMLFormElement>(null);

  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('[data-autofocus]');
    first?.focus();
  }, [mode]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      ref.current?.requestSubmit();
    }
  };

  const title = { contact: t('contact'), promise: t('promise'), dispute: t('dispute') }[mode];
  const icon = { contact: 'phone', promise: 'promise', dispute: 'dispute' }[mode];

  return (
    <section
      className={`record-panel flash record-${mode}`}
      aria-label={title}
      onKeyDown={onKeyDown}
      data-testid={`record-${mode}-form`}
    >
      <header>
        <h2>
          <Icon name={icon} />
          {title}
        </h2>
        <button type="button" className="link" onClick={onClose} aria-label={t('cancel')}>
          ✕
        </button>
      </header>
      {mode === 'contact' && <ContactForm data={data} formRef={ref} onClose={onClose} onSaved={onSaved} />}
      {mode === 'promise' && <PromiseForm data={data} formRef={ref} onClose={onClose} onSaved={onSaved} />}
      {mode === 'dispute' && <DisputeForm data={data} formRef={ref} onClose={onClose} onSaved={onSaved} />}
    </section>
  );
}

type FormProps = {
  data: Customer360;
  formRef: React.RefObject<HTMLFormElement | null>;
  onClose: () => void;
  onSaved: (message: string, next?: RecordMode) => void;
};

function Buttons({ busy, onClose, testId }: { busy: boolean; onClose: () => void; testId?: string }) {
  const { t } = useTranslation('record');
  return (
    <div className="record-buttons">
      <button type="submit" className="primary" disabled={busy} data-testid={testId}>
        {busy ? t('saving') : t('submit')}
      </button>
      <button type="button" onClick={onClose} disabled={busy}>
        {t('cancel')}
      </button>
      <span className="subtle hide-narrow">{t('hint', { key: 'Ctrl+Enter' })}</span>
    </div>
  );
}

/** Busy and the failure in words while a form saves; `save` runs the request. */
function useSave() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (request: () => Promise<void>, explain: (e: ApiError) => string | null = () => null) => {
    setBusy(true);
    try {
      await request();
    } catch (e) {
      setError(failure(e, explain));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, save };
}

function SaveError({ error, testId }: { error: string | null; testId?: string }) {
  if (!error) return null;
  return (
    <div className="error" role="alert" data-testid={testId}>
      {error}
    </div>
  );
}

/** A select of codes, each shown by its label in group `group`. */
function CodeSelect({
  name,
  group,
  codes,
  value,
  onChange,
  autoFocus,
}: {
  name: string;
  group: string;
  codes: readonly string[];
  value: string;
  onChange: (value: string) => void;
  autoFocus?: boolean;
}) {
  const label = useLabel();
  return (
    <select
      name={name}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      data-autofocus={autoFocus || undefined}
    >
      {codes.map((c) => (
        <option key={c} value={c}>
          {label(group, c)}
        </option>
      ))}
    </select>
  );
}

function ContactForm({ data, formRef, onClose, onSaved }: FormProps) {
  const { t } = useTranslation(['record', 'customer']);
  const [channel, setChannel] = useState('phone');
  const [at, setAt] = useState(nowLocalInput());
  const [outcome, setOutcome] = useState('reached');
  const [note, setNote] = useState('');
  const { busy, error, setError, save } = useSave();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    return save(async () => {
      await post('/api/v1/contacts', {
        customer_id: data.customer.id,
        channel,
        at: localInputToIso(at),
        outcome,
        note: note.trim(),
      });
      const next =
        outcome === 'promise_to_pay' ? 'promise' : outcome === 'disputed' ? 'dispute' : undefined;
      onSaved(t('customer:saved.contact'), next);
    });
  };

  return (
    <form ref={formRef} onSubmit={submit} className="record-form">
      {data.customer.do_not_contact && <div className="notice">{t('dncWarning')}</div>}
      <div className="record-fields">
        <label>
          {t('channel')}
          <CodeSelect
            name="channel"
            group="channel"
            codes={CONTACT_CHANNELS}
            value={channel}
            onChange={setChannel}
            autoFocus
          />
        </label>
        <label>
          {t('outcome')}
          <CodeSelect
            name="outcome"
            group="outcome"
            codes={CONTACT_OUTCOMES}
            value={outcome}
            onChange={setOutcome}
          />
        </label>
        <label>
          {t('at')}
          <input
            type="datetime-local"
            name="at"
            value={at}
            max={nowLocalInput()}
            onChange={(e) => setAt(e.target.value)}
            required
          />
        </label>
        <label className="wide">
          {t('note')}
          <input
            name="note"
            value={note}
            placeholder={t('notePlaceholder')}
            onChange={(e) => setNote(e.target.value)}
            maxLength={2000}
          />
        </label>
      </div>
      <SaveError error={error} />
      <Buttons busy={busy} onClose={onClose} testId="contact-submit" />
    </form>
  );
}

function PromiseForm({ data, formRef, onClose, onSaved }: FormProps) {
  const { t } = useTranslation(['record', 'customer']);
  const currencies = data.aging.currencies.filter((c) => compareDecimals(c.open, '0') > 0);
  const defaultCurrency =
    currencies.find((c) => c.currency === data.customer.currency)?.currency ??
    currencies[0]?.currency ??
    data.customer.currency ??
    '';
  const [currency, setCurrency] = useState(defaultCurrency);
  const [amount, setAmount] = useState('');
  const [promised, setPromised] = useState('');
  const [invoiceIds, setInvoiceIds] = useState<string[]>([]);
  const { busy, error, setError, save } = useSave();
  const openNow = data.aging.currencies.find((c) => c.currency === currency)?.open ?? '0';
  const invoices = data.open_invoices.filter((i) => i.currency === currency);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const value = normalizeAmount(amount);
    if (!value) return setError(t('badAmount'));
    if (compareDecimals(value, '0') <= 0) return setError(t('zeroAmount'));
    if (promised && promised < data.as_of) return setError(t('pastDate', { date: date(data.as_of) }));
    return save(
      async () => {
        await post('/api/v1/promises', {
          customer_id: data.customer.id,
          amount: value,
          ...(currency ? { currency } : {}),
          date: promised,
          ...(invoiceIds.length ? { invoice_ids: invoiceIds } : {}),
        });
        onSaved(t('customer:saved.promise'));
      },
      (api) =>
        api.field === 'amount' && /more than/.test(api.message)
          ? t('overOpen', { amount: money(openNow, currency) })
          : api.field === 'date' && /past/.test(api.message)
            ? t('pastDate', { date: date(data.as_of) })
            : null,
    );
  };

  return (
    <form ref={formRef} onSubmit={submit} className="record-form">
      <div className="record-fields">
        <label>
          {t('amount')}
          <input
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            placeholder="0.00"
            required
            data-autofocus
            aria-describedby="promise-open"
          />
          <span className="field-hint" id="promise-open">
            {t('openNow', { amount: money(openNow, currency) })}
          </span>
        </label>
        {currencies.length > 1 && (
          <label>
            {t('currency')}
            <select
              name="currency"
              value={currency}
              onChange={(e) => {
                setCurrency(e.target.value);
                setInvoiceIds([]);
              }}
            >
              {currencies.map((c) => (
                <option key={c.currency} value={c.currency}>
                  {c.currency}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('date')}
          <input
            type="date"
            name="date"
            value={promised}
            min={data.as_of}
            onChange={(e) => setPromised(e.target.value)}
            required
          />
        </label>
      </div>
      {invoices.length > 0 && (
        <fieldset className="record-invoices">
          <legend>{t('invoices')}</legend>
          {invoices.slice(0, 30).map((i) => (
            <label key={i.id} className="check">
              <input
                type="checkbox"
                checked={invoiceIds.includes(i.id)}
                onChange={(e) =>
                  setInvoiceIds((ids) =>
                    e.target.checked ? [...ids, i.id] : ids.filter((x) => x !== i.id),
                  )
                }
              />
              <span className="mono">{i.id}</span>
              <span className="subtle">{money(i.open_amount, i.currency)}</span>
            </label>
          ))}
        </fieldset>
      )}
      <SaveError error={error} testId="promise-error" />
      <Buttons busy={busy} onClose={onClose} testId="promise-submit" />
    </form>
  );
}

function DisputeForm({ data, formRef, onClose, onSaved }: FormProps) {
  const { t } = useTranslation(['record', 'customer']);
  const invoices = data.open_invoices;
  const disputable = (id: string) => {
    const invoice = invoices.find((i) => i.id === id);
    return invoice ? subtractDecimals(invoice.open_amount, invoice.disputed || '0') : '0';
  };
  const first = invoices.find((i) => compareDecimals(disputable(i.id), '0') > 0) ?? invoices[0];
  const [invoiceId, setInvoiceId] = useState(first?.id ?? '');
  const [amount, setAmount] = useState(first ? disputable(first.id) : '');
  const [reason, setReason] = useState<string>('quality_problem');
  const [note, setNote] = useState('');
  const { busy, error, setError, save } = useSave();
  const invoice = useMemo(() => invoices.find((i) => i.id === invoiceId), [invoices, invoiceId]);

  if (invoices.length === 0) {
    return (
      <div className="record-form">
        <div className="notice">{t('noInvoices')}</div>
      </div>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const value = normalizeAmount(amount);
    if (!value) return setError(t('badAmount'));
    if (compareDecimals(value, '0') <= 0) return setError(t('zeroAmount'));
    return save(
      async () => {
        await post('/api/v1/disputes', { invoice_id: invoiceId, amount: value, reason, note: note.trim() });
        onSaved(t('customer:saved.dispute'));
      },
      (api) =>
        (api.field === 'amount' || api.field === 'invoice_id') && /more than|above|exceed/.test(api.message)
          ? t('overDisputable', {
              amount: money(disputable(invoiceId), invoice?.currency),
            })
          : null,
    );
  };

  return (
    <form ref={formRef} onSubmit={submit} className="record-form">
      <div className="record-fields">
        <label className="wide">
          {t('invoice')}
          <select
            name="invoice_id"
            value={invoiceId}
            data-autofocus
            onChange={(e) => {
              setInvoiceId(e.target.value);
              setAmount(disputable(e.target.value));
            }}
          >
            {invoices.map((i) => (
              <option key={i.id} value={i.id}>
                {t('invoiceOption', {
                  id: i.id,
                  due: date(i.due_date),
                  open: money(i.open_amount, i.currency),
                })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('amount')}
          <input
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            required
          />
          {invoice && (
            <span className="field-hint">
              {t('disputable', { amount: money(disputable(invoice.id), invoice.currency) })}
            </span>
          )}
        </label>
        <label>
          {t('reason')}
          <CodeSelect
            name="reason"
            group="reason"
            codes={DISPUTE_REASONS}
            value={reason}
            onChange={setReason}
          />
        </label>
        <label className="wide">
          {t('note')}
          <input name="note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
        </label>
      </div>
      <SaveError error={error} testId="dispute-error" />
      <Buttons busy={busy} onClose={onClose} testId="dispute-submit" />
    </form>
  );
}
