// The customer's documents: open items (each with its chain contract → delivery notes →
// invoice → payments/credit notes), the whole chain by contract, payments, and the promises,
// disputes and payment plans on record.
import { Fragment, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { Empty } from '../components';
import { date, dateTime, isPositive, money } from '../format';
import { registerStrings } from '../i18n';
import { Badge, DaysOverdue, Icon, useLabel } from './CustomerShared';
import type { ChainInvoice, Contract, Customer360, Delivery } from './CustomerTypes';

registerStrings('docs', {
  'zh-CN': {
    tabs: {
      open: '未结发票',
      chain: '单据链',
      payments: '回款记录',
      commitments: '承诺 · 争议 · 分期',
    },
    invoice: '发票',
    contract: '合同',
    noContract: '无合同',
    invoiceDate: '开票日',
    dueDate: '到期日',
    amount: '发票金额',
    sum: '金额',
    open: '未结金额',
    disputed: '争议金额',
    overdue: '逾期',
    chainOf: '单据链',
    deliveries: '发货单',
    delivered: '发货 {{date}}',
    received: '签收 {{date}}',
    receivedBy: '签收人 {{who}}',
    settledBy: '核销',
    notSettled: '尚未核销',
    payment: '回款',
    credit_note: '贷项通知单',
    creditNotes: '贷项通知单（红字）',
    notInvoiced: '已发货未开票',
    noDeliveries: '没有关联的发货单',
    invoices: '{{count}} 张发票',
    openCount: '{{count}} 张未结',
    paid: '已结清',
    partly: '部分核销',
    unpaid: '未核销',
    noOpen: '没有未结发票。',
    noDocs: '没有单据。',
    paymentDate: '回款日',
    reference: '参考号',
    allocated: '已核销',
    unapplied: '未核销',
    allocations: '核销明细',
    noPayments: '最近没有回款。',
    latestPayments: '最近 20 笔回款',
    promises: '付款承诺',
    disputes: '争议',
    plans: '分期付款计划',
    promisedDate: '承诺日',
    status: '状态',
    recorded: '记录于',
    reason: '原因',
    respondBy: '答复期限',
    installments: '分期',
    none: '暂无',
    showChain: '查看单据链',
    hideChain: '收起',
    total: '合计',
  },
  en: {
    tabs: {
      open: 'Open items',
      chain: 'Document chain',
      payments: 'Payments',
      commitments: 'Promises · disputes · plans',
    },
    invoice: 'Invoice',
    contract: 'Contract',
    noContract: 'No contract',
    invoiceDate: 'Invoice date',
    dueDate: 'Due date',
    amount: 'Amount',
    sum: 'Amount',
    open: 'Open',
    disputed: 'Disputed',
    overdue: 'Overdue',
    chainOf: 'Document chain',
    deliveries: 'Delivery notes',
    delivered: 'delivered {{date}}',
    received: 'received {{date}}',
    receivedBy: 'signed by {{who}}',
    settledBy: 'Settled by',
    notSettled: 'Not settled yet',
    payment: 'Payment',
    credit_note: 'Credit note',
    creditNotes: 'Credit notes',
    notInvoiced: 'Delivered, not invoiced yet',
    noDeliveries: 'No delivery note linked',
    invoices: '{{count}} invoices',
    openCount: '{{count}} open',
    paid: 'Paid',
    partly: 'Partly settled',
    unpaid: 'Unsettled',
    noOpen: 'No open invoices.',
    noDocs: 'No documents.',
    paymentDate: 'Date',
    reference: 'Reference',
    allocated: 'Applied',
    unapplied: 'Unapplied',
    allocations: 'Applied to',
    noPayments: 'No recent payments.',
    latestPayments: 'Latest 20 payments',
    promises: 'Promises to pay',
    disputes: 'Disputes',
    plans: 'Payment plans',
    promisedDate: 'Promised for',
    status: 'Status',
    recorded: 'Recorded',
    reason: 'Reason',
    respondBy: 'Answer by',
    installments: 'Installments',
    none: 'None',
    showChain: 'Show chain',
    hideChain: 'Hide',
    total: 'Total',
  },
});

type Tab = 'open' | 'chain' | 'payments' | 'commitments';

export function Documents({ data }: { data: Customer360 }) {
  const { t } = useTranslation('docs');
  const [tab, setTab] = useState<Tab>('open');
  const counts: Record<Tab, number> = {
    open: data.open_invoices.length,
    chain: data.documents.reduce((n, c) => n + c.invoices.length, 0),
    payments: data.payments.length,
    commitments: data.promises.length + data.disputes.length + data.payment_plans.length,
  };
  return (
    <section className="panel docs">
      <div className="tabs" role="tablist">
        {(['open', 'chain', 'payments', 'commitments'] as Tab[]).map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={tab === k}
            className={tab === k ? 'active' : ''}
            onClick={() => setTab(k)}
          >
            {t(`tabs.${k}`)}
            <span className="chip-count">{counts[k]}</span>
          </button>
        ))}
      </div>
      {tab === 'open' && <OpenItems data={data} />}
      {tab === 'chain' && <Chain data={data} />}
      {tab === 'payments' && <Payments data={data} />}
      {tab === 'commitments' && <Commitments data={data} />}
    </section>
  );
}

/** Where each invoice sits in the chain, by invoice id. */
function useChainIndex(documents: Contract[]) {
  return useMemo(() => {
    const map = new Map<string, { contract: string | null; invoice: ChainInvoice }>();
    for (const c of documents) for (const i of c.invoices) map.set(i.id, { contract: c.contract_id, invoice: i });
    return map;
  }, [documents]);
}

function OpenItems({ data }: { data: Customer360 }) {
  const { t } = useTranslation('docs');
  const index = useChainIndex(data.documents);
  const [expanded, setExpanded] = useState<string | null>(null);
  if (data.open_invoices.length === 0) return <Empty>{t('noOpen')}</Empty>;
  const items = [...data.open_invoices].sort((a, b) => b.days_overdue - a.days_overdue);
  return (
    <div className="table-scroll">
      <table className="docs-table">
        <thead>
          <tr>
            <th style={{ width: 28 }} />
            <th>{t('invoice')}</th>
            <th className="hide-narrow">{t('contract')}</th>
            <th>{t('dueDate')}</th>
            <th className="num hide-narrow">{t('amount')}</th>
            <th className="num">{t('open')}</th>
            <th className="num">{t('disputed')}</th>
            <th>{t('overdue')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => {
            const isOpen = expanded === i.id;
            const chain = index.get(i.id);
            return (
              <Fragment key={i.id}>
                <tr
                  className={`clickable${isOpen ? ' selected' : ''}`}
                  onClick={() => setExpanded(isOpen ? null : i.id)}
                  data-testid="open-item"
                >
                  <td>
                    <button
                      type="button"
                      className="link expander"
                      aria-expanded={isOpen}
                      aria-label={isOpen ? t('hideChain') : t('showChain')}
                      onClick={(e) => {
                        e.stopPropagation();
                        setExpanded(isOpen ? null : i.id);
                      }}
                    >
                      {isOpen ? '▾' : '▸'}
                    </button>
                  </td>
                  <td className="mono">{i.id}</td>
                  <td className="mono hide-narrow">{i.contract_id ?? '—'}</td>
                  <td className="nowrap">{date(i.due_date)}</td>
                  <td className="num hide-narrow">{money(i.amount, i.currency)}</td>
                  <td className="num strong">{money(i.open_amount, i.currency)}</td>
                  <td className="num">
                    {isPositive(i.disputed) ? (
                      <span className="tone-amber-text">{money(i.disputed, i.currency)}</span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    <DaysOverdue days={i.days_overdue} />
                  </td>
                </tr>
                {isOpen && (
                  <tr className="chain-row">
                    <td colSpan={8}>
                      {chain ? (
                        <ChainSteps contract={chain.contract} invoice={chain.invoice} open={i.open_amount} />
                      ) : (
                        <span className="muted">{t('noDocs')}</span>
                      )}
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function DeliveryLine({ d }: { d: Delivery }) {
  const { t } = useTranslation('docs');
  return (
    <span className="chain-doc">
      <span className="mono">{d.id}</span>
      <span className="subtle">
        {t('delivered', { date: date(d.delivery_date) })}
        {d.received_date && ` · ${t('received', { date: date(d.received_date) })}`}
        {d.received_by && ` · ${t('receivedBy', { who: d.received_by })}`}
      </span>
    </span>
  );
}

/** contract → delivery notes → invoice → settled by, as four steps left to right. */
function ChainSteps({
  contract,
  invoice,
  open,
}: {
  contract: string | null;
  invoice: ChainInvoice;
  open?: string;
}) {
  const { t } = useTranslation('docs');
  return (
    <ol className="chain" aria-label={t('chainOf')}>
      <li>
        <span className="chain-label">
          <Icon name="letter" size={14} />
          {t('contract')}
        </span>
        <span className="chain-doc mono">{contract ?? t('noContract')}</span>
      </li>
      <li>
        <span className="chain-label">
          <Icon name="visit" size={14} />
          {t('deliveries')}
        </span>
        {invoice.deliveries.length ? (
          invoice.deliveries.map((d) => <DeliveryLine key={d.id} d={d} />)
        ) : (
          <span className="subtle">{t('noDeliveries')}</span>
        )}
      </li>
      <li>
        <span className="chain-label">
          <Icon name="letter" size={14} />
          {t('invoice')}
        </span>
        <span className="chain-doc">
          <span className="mono">{invoice.id}</span>
          <span className="subtle">
            {date(invoice.date)} · {money(invoice.amount, invoice.currency)}
          </span>
        </span>
      </li>
      <li>
        <span className="chain-label">
          <Icon name="payment" size={14} />
          {t('settledBy')}
        </span>
        {invoice.settled_by.length ? (
          invoice.settled_by.map((s) => (
            <span className="chain-doc" key={s.type + s.id}>
              <span>
                <Badge tone={s.type === 'payment' ? 'green' : 'blue'}>{t(s.type, { defaultValue: s.type })}</Badge>{' '}
                <span className="mono">{s.id}</span>
              </span>
              <span className="subtle">
                {date(s.date)} · {money(s.amount, invoice.currency)}
              </span>
            </span>
          ))
        ) : (
          <span className="subtle">{t('notSettled')}</span>
        )}
        {open && isPositive(open) && invoice.settled_by.length > 0 && (
          <span className="chain-doc tone-amber-text">
            {t('open')} {money(open, invoice.currency)}
          </span>
        )}
      </li>
    </ol>
  );
}

function Chain({ data }: { data: Customer360 }) {
  const { t } = useTranslation('docs');
  const openIds = useMemo(() => new Set(data.open_invoices.map((i) => i.id)), [data.open_invoices]);
  const [openContracts, setOpenContracts] = useState<Set<string>>(
    () =>
      new Set(
        data.documents
          .filter((c) => c.invoices.some((i) => openIds.has(i.id)) || c.deliveries_not_invoiced.length)
          .map((c) => c.contract_id ?? ''),
      ),
  );
  const [invoiceOpen, setInvoiceOpen] = useState<string | null>(null);
  if (data.documents.length === 0) return <Empty>{t('noDocs')}</Empty>;
  const toggle = (key: string) =>
    setOpenContracts((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  return (
    <div className="contracts">
      {data.documents.map((c) => {
        const key = c.contract_id ?? '';
        const expanded = openContracts.has(key);
        const openCount = c.invoices.filter((i) => openIds.has(i.id)).length;
        return (
          <div key={key} className="contract">
            <button type="button" className="contract-head" aria-expanded={expanded} onClick={() => toggle(key)}>
              <span className="expander">{expanded ? '▾' : '▸'}</span>
              <span className="chain-label">
                <Icon name="letter" size={14} />
                {t('contract')}
              </span>
              <span className="mono strong">{c.contract_id ?? t('noContract')}</span>
              <span className="subtle">{t('invoices', { count: c.invoices.length })}</span>
              {openCount > 0 && <Badge tone="amber">{t('openCount', { count: openCount })}</Badge>}
              {c.deliveries_not_invoiced.length > 0 && (
                <Badge tone="blue">
                  {t('notInvoiced')} {c.deliveries_not_invoiced.length}
                </Badge>
              )}
            </button>
            {expanded && (
              <div className="contract-body">
                <ul className="chain-invoices">
                  {c.invoices.map((i) => {
                    const isOpen = openIds.has(i.id);
                    const settled = i.settled_by.length > 0;
                    const shown = invoiceOpen === i.id;
                    return (
                      <li key={i.id}>
                        <button
                          type="button"
                          className="chain-invoice"
                          aria-expanded={shown}
                          onClick={() => setInvoiceOpen(shown ? null : i.id)}
                        >
                          <span className="expander">{shown ? '▾' : '▸'}</span>
                          <span className="mono">{i.id}</span>
                          <span className="subtle nowrap">{date(i.date)}</span>
                          <span className="subtle hide-narrow">
                            ← {i.deliveries.map((d) => d.id).join(', ') || '—'}
                          </span>
                          <span className="grow" />
                          <span className="nowrap num-text">{money(i.amount, i.currency)}</span>
                          {isOpen ? (
                            <Badge tone={settled ? 'amber' : 'red'}>{settled ? t('partly') : t('unpaid')}</Badge>
                          ) : (
                            <Badge tone="green">{t('paid')}</Badge>
                          )}
                        </button>
                        {shown && (
                          <ChainSteps
                            contract={c.contract_id}
                            invoice={i}
                            open={data.open_invoices.find((o) => o.id === i.id)?.open_amount}
                          />
                        )}
                      </li>
                    );
                  })}
                </ul>
                {c.credit_notes.length > 0 && (
                  <div className="chain-extra">
                    <h3>{t('creditNotes')}</h3>
                    {c.credit_notes.map((n) => (
                      <div key={n.id} className="chain-doc">
                        <span className="mono">{n.id}</span>
                        <span className="subtle">
                          {date(n.date)} · {money(n.amount, n.currency)}
                        </span>
                      </div>
                    ))}
                  </div>
                )}
                {c.deliveries_not_invoiced.length > 0 && (
                  <div className="chain-extra">
                    <h3>{t('notInvoiced')}</h3>
                    {c.deliveries_not_invoiced.map((d) => (
                      <div key={d.id}>
                        <DeliveryLine d={d} />
                      </div>
                    ))}
                  </div>
                )}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}

function Payments({ data }: { data: Customer360 }) {
  const { t } = useTranslation('docs');
  if (data.payments.length === 0) return <Empty>{t('noPayments')}</Empty>;
  return (
    <div className="table-scroll">
      <table className="docs-table">
        <thead>
          <tr>
            <th>{t('payment')}</th>
            <th>{t('paymentDate')}</th>
            <th className="num">{t('sum')}</th>
            <th className="num">{t('allocated')}</th>
            <th className="num">{t('unapplied')}</th>
            <th>{t('allocations')}</th>
          </tr>
        </thead>
        <tbody>
          {data.payments.map((p) => (
            <tr key={p.id}>
              <td className="mono">{p.id}</td>
              <td className="nowrap">{date(p.payment_date)}</td>
              <td className="num strong">{money(p.amount, p.currency)}</td>
              <td className="num">{money(p.allocated, p.currency)}</td>
              <td className="num">
                {isPositive(p.unapplied) ? (
                  <Badge tone="amber">{money(p.unapplied, p.currency)}</Badge>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                <div className="alloc">
                {p.allocations.length === 0 ? (
                  <span className="muted">{p.reference ? `${t('reference')} ${p.reference}` : '—'}</span>
                ) : (
                  p.allocations.map((a) => (
                    <span key={a.invoice_id + a.date} className="nowrap">
                      <span className="mono">{a.invoice_id}</span> {money(a.amount, p.currency)}
                    </span>
                  ))
                )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="subtle table-note">{t('latestPayments')}</div>
    </div>
  );
}

function Commitments({ data }: { data: Customer360 }) {
  const { t } = useTranslation('docs');
  const label = useLabel();
  return (
    <div className="commitments">
      <h3>{t('promises')}</h3>
      {data.promises.length === 0 ? (
        <p className="muted">{t('none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="docs-table">
            <thead>
              <tr>
                <th>{t('promisedDate')}</th>
                <th className="num">{t('sum')}</th>
                <th>{t('status')}</th>
                <th className="hide-narrow">{t('invoice')}</th>
                <th className="hide-narrow">{t('recorded')}</th>
              </tr>
            </thead>
            <tbody>
              {[...data.promises].reverse().map((p) => (
                <tr key={p.id}>
                  <td className="nowrap">{date(p.promised_date)}</td>
                  <td className="num strong">{money(p.amount, p.currency)}</td>
                  <td>
                    <Badge
                      tone={p.status === 'kept' ? 'green' : p.status === 'broken' ? 'solid-red' : p.status === 'open' ? 'amber' : 'grey'}
                    >
                      {label('promiseStatus', p.status)}
                    </Badge>
                  </td>
                  <td className="mono hide-narrow">{p.invoice_ids.join(', ') || '—'}</td>
                  <td className="subtle hide-narrow nowrap">
                    {dateTime(p.created_at)} · {p.recorded_by}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>{t('disputes')}</h3>
      {data.disputes.length === 0 ? (
        <p className="muted">{t('none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="docs-table">
            <thead>
              <tr>
                <th>{t('invoice')}</th>
                <th className="num">{t('sum')}</th>
                <th>{t('reason')}</th>
                <th>{t('status')}</th>
                <th className="hide-narrow">{t('respondBy')}</th>
              </tr>
            </thead>
            <tbody>
              {[...data.disputes].reverse().map((d) => (
                <tr key={d.id}>
                  <td className="mono">{d.invoice_id}</td>
                  <td className="num strong">{money(d.amount, d.currency)}</td>
                  <td>
                    {label('reason', d.reason)}
                    {d.note && <div className="subtle">{d.note}</div>}
                  </td>
                  <td>
                    <Badge
                      tone={d.sla === 'overdue' || d.sla === 'answered_late' ? 'red' : d.status === 'open' ? 'amber' : 'green'}
                    >
                      {d.status === 'resolved' && d.resolution ? label('resolution', d.resolution) : label('sla', d.sla)}
                    </Badge>
                  </td>
                  <td className="subtle hide-narrow nowrap">{dateTime(d.respond_by)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>{t('plans')}</h3>
      {data.payment_plans.length === 0 ? (
        <p className="muted">{t('none')}</p>
      ) : (
        data.payment_plans.map((p) => (
          <div key={p.id} className="plan">
            <div className="plan-head">
              <span className="strong">{money(p.total, p.currency)}</span>
              <Badge tone={p.status === 'broken' ? 'red' : p.status === 'completed' ? 'green' : 'blue'}>
                {label('planStatus', p.status)}
              </Badge>
              <span className="subtle">{p.invoice_ids.join(', ')}</span>
            </div>
            <ol className="installments">
              {p.installments.map((k, n) => (
                <li key={n}>
                  <span className="nowrap">{date(k.due_date)}</span>
                  <span className="num-text">{money(k.amount, p.currency)}</span>
                </li>
              ))}
            </ol>
            {p.note && <div className="subtle">{p.note}</div>}
          </div>
        ))
      )}
    </div>
  );
}
