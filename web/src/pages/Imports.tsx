// Imports (数据导入): upload the ledger CSVs from the ERP. The server imports all of them or
// nothing: on any bad row it answers 422 with every row error, and this page lists them.
import { FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError, postForm } from '../api';
import { errorText, PageTitle } from '../components';
import { number } from '../format';
import { registerStrings } from '../i18n';
import './Approvals.common.css';
import './Imports.css';

registerStrings('imports', {
  'zh-CN': {
    intro:
      '上传从 ERP 导出的 CSV 文件，可一次选择多个。文件名必须是下列之一；全部文件一起校验，只要有一行出错，就不会导入任何数据。',
    files: '选择 CSV 文件',
    encoding: '文件编码',
    utf8: 'UTF-8',
    gb18030: 'GB18030（中文 Excel / 金蝶 / 用友导出）',
    submit: '开始导入',
    busy: '正在导入…',
    clear: '清空',
    selected: '已选择 {{count}} 个文件',
    unknownFile: '无法识别：文件名必须是 {{names}} 之一',
    duplicate: '重复：同名文件只能上传一个',
    fixNames: '请先去掉或重命名无法识别的文件。',
    kind: {
      customers: '客户',
      invoices: '发票 / 贷项凭证',
      deliveries: '送货单',
      payments: '收款',
      allocations: '核销记录',
    },
    required: '必填列：{{columns}}',
    success: '导入成功，账簿已更新。',
    summary: {
      file: '文件',
      added: '新增',
      updated: '更新',
      unchanged: '未变',
    },
    warnings: '提示（不影响导入）',
    failed: '没有导入任何数据。',
    failedDetail:
      '发现 {{count}} 处错误，整批文件均未导入（数据库没有任何改变）。请在原文件中修正下列各行后，重新上传全部文件。',
    shownOnly: '仅列出前 {{shown}} 处错误（共 {{total}} 处）。',
    col: { file: '文件', line: '行号', field: '字段', value: '值', message: '问题' },
    notSent: '文件没有上传：',
  },
  en: {
    intro:
      'Upload the CSV files exported from the ERP; you can pick several at once. Each must have one of the names below. All files are checked together: if any row is wrong, nothing is imported.',
    files: 'Choose CSV files',
    encoding: 'Encoding',
    utf8: 'UTF-8',
    gb18030: 'GB18030 (Chinese Excel / Kingdee / Yonyou exports)',
    submit: 'Import',
    busy: 'Importing…',
    clear: 'Clear',
    selected: '{{count}} files chosen',
    unknownFile: 'Not recognised: the name must be one of {{names}}',
    duplicate: 'Duplicate: only one file of each name',
    fixNames: 'Remove or rename the files that are not recognised first.',
    kind: {
      customers: 'Customers',
      invoices: 'Invoices / credit notes',
      deliveries: 'Delivery notes',
      payments: 'Payments',
      allocations: 'Allocations',
    },
    required: 'Required columns: {{columns}}',
    success: 'Imported. The ledger is up to date.',
    summary: {
      file: 'File',
      added: 'Added',
      updated: 'Updated',
      unchanged: 'Unchanged',
    },
    warnings: 'Warnings (the import went ahead)',
    failed: 'Nothing was imported.',
    failedDetail:
      '{{count}} errors found, so none of the files was applied (the database is unchanged). Correct these rows in the original files and upload all of them again.',
    shownOnly: 'Only the first {{shown}} of {{total}} errors are listed.',
    col: { file: 'File', line: 'Line', field: 'Field', value: 'Value', message: 'Problem' },
    notSent: 'The files were not uploaded: ',
  },
});

const KINDS = ['customers', 'invoices', 'deliveries', 'payments', 'allocations'] as const;
type Kind = (typeof KINDS)[number];
const REQUIRED: Record<Kind, string> = {
  customers: 'customer_id, name',
  invoices: 'invoice_id, customer_id, invoice_date, due_date, currency, amount',
  deliveries: 'delivery_id, customer_id, delivery_date',
  payments: 'payment_id, customer_id, payment_date, currency, amount',
  allocations: 'invoice_id, payment_id | credit_note_id, amount, date',
};

type Counts = { added: number; updated: number; unchanged: number };
type Summary = Record<Kind, Counts> & { warnings: string[] };
type RowError = { where: string; field: string; message: string };
type Failure = { errors: RowError[]; total: number };

/** "invoices.csv:12" → ["invoices.csv", "12"]. */
function splitWhere(where: string): [string, string] {
  const at = where.lastIndexOf(':');
  if (at < 0 || !/^\d+$/.test(where.slice(at + 1))) return [where, ''];
  return [where.slice(0, at), where.slice(at + 1)];
}
/** The value a message quotes ("unknown customer 'NOPE'" → NOPE), if it quotes one. */
function valueOf(message: string) {
  return /'([^']*)'/.exec(message)?.[1] ?? /^(\S+) is /.exec(message)?.[1] ?? '';
}

// A 422 carries the row errors beside the usual {"error"} object: they are the answer.
async function upload(files: File[], encoding: string): Promise<Summary | Failure> {
  const form = new FormData();
  for (const file of files) form.append('files', file, file.name);
  form.append('encoding', encoding);
  try {
    return await postForm<Summary>('/api/v1/imports', form);
  } catch (e) {
    const body = e instanceof ApiError ? (e.body as { errors?: RowError[]; total_errors?: number }) : null;
    if (e instanceof ApiError && e.status === 422 && body?.errors) {
      return { errors: body.errors, total: body.total_errors ?? body.errors.length };
    }
    throw e;
  }
}

export default function Imports() {
  const { t } = useTranslation('imports');
  const { t: tc } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [encoding, setEncoding] = useState('utf-8');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Summary | Failure | null>(null);
  const [error, setError] = useState<unknown>(null);

  const names = KINDS.map((k) => `${k}.csv`);
  const problems = files.map((f, i) =>
    !names.includes(f.name)
      ? t('unknownFile', { names: names.join(', ') })
      : files.findIndex((g) => g.name === f.name) !== i
        ? t('duplicate')
        : null,
  );
  const ready = files.length > 0 && problems.every((p) => p === null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      setResult(await upload(files, encoding));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const clear = () => {
    setFiles([]);
    setResult(null);
    setError(null);
    if (input.current) input.current.value = '';
  };

  return (
    <div className="imports-page">
      <PageTitle>{tc('nav.imports')}</PageTitle>
      <form className="card import-form" onSubmit={submit}>
        <p className="import-intro">{t('intro')}</p>
        <ul className="import-kinds">
          {KINDS.map((k) => (
            <li key={k}>
              <code>{k}.csv</code> <span>{t(`kind.${k}`)}</span>
              <span className="muted small"> · {t('required', { columns: REQUIRED[k] })}</span>
            </li>
          ))}
        </ul>
        <div className="import-controls">
          <label>
            {t('files')}
            <input
              ref={input}
              type="file"
              multiple
              accept=".csv,text/csv"
              data-testid="import-files"
              onChange={(e) => {
                setFiles(Array.from(e.target.files ?? []));
                setResult(null);
                setError(null);
              }}
            />
          </label>
          <label>
            {t('encoding')}
            <select
              value={encoding}
              onChange={(e) => setEncoding(e.target.value)}
              data-testid="import-encoding"
            >
              <option value="utf-8">{t('utf8')}</option>
              <option value="gb18030">{t('gb18030')}</option>
            </select>
          </label>
        </div>
        {files.length > 0 && (
          <ul className="import-selected" aria-label={t('selected', { count: files.length })}>
            {files.map((f, i) => (
              <li key={i} className={problems[i] ? 'bad' : 'ok'}>
                <span aria-hidden="true">{problems[i] ? '✕' : '✓'}</span>
                <code>{f.name}</code>
                <span className="muted small">{formatSize(f.size)}</span>
                {problems[i] && <span className="small">{problems[i]}</span>}
              </li>
            ))}
          </ul>
        )}
        {files.length > 0 && !ready && <div className="notice">{t('fixNames')}</div>}
        <div className="buttons start">
          <button
            type="submit"
            className="primary"
            disabled={!ready || busy}
            data-testid="import-submit"
          >
            {busy ? t('busy') : t('submit')}
          </button>
          {files.length > 0 && (
            <button type="button" onClick={clear} disabled={busy}>
              {t('clear')}
            </button>
          )}
        </div>
      </form>

      {error !== null && (
        <div className="error" role="alert">
          {t('notSent')}
          {errorText(error)}
        </div>
      )}
      {result && 'errors' in result && <Errors failure={result} />}
      {result && !('errors' in result) && <Done summary={result} />}
    </div>
  );
}

function formatSize(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${number(bytes / 1024, 1)} KB`;
  return `${number(bytes / 1024 / 1024, 1)} MB`;
}

function Done({ summary }: { summary: Summary }) {
  const { t } = useTranslation('imports');
  return (
    <section className="card import-result" data-testid="import-summary">
      <div className="success" role="status">
        {t('success')}
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t('summary.file')}</th>
              <th className="num">{t('summary.added')}</th>
              <th className="num">{t('summary.updated')}</th>
              <th className="num">{t('summary.unchanged')}</th>
            </tr>
          </thead>
          <tbody>
            {KINDS.filter((k) => summary[k]).map((k) => {
              const c = summary[k];
              const touched = c.added + c.updated + c.unchanged > 0;
              return (
                <tr key={k} className={touched ? '' : 'muted'} data-kind={k}>
                  <td>
                    <code>{k}.csv</code> <span className="muted">{t(`kind.${k}`)}</span>
                  </td>
                  <td className="num">{number(c.added)}</td>
                  <td className="num">{number(c.updated)}</td>
                  <td className="num">{number(c.unchanged)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {summary.warnings?.length > 0 && (
        <div className="import-warnings">
          <h3>{t('warnings')}</h3>
          <ul>
            {summary.warnings.map((w, i) => (
              <li key={i} className="mono">
                {w}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function Errors({ failure }: { failure: Failure }) {
  const { t } = useTranslation('imports');
  return (
    <section className="import-failed" data-testid="import-failed">
      <div className="error import-nothing" role="alert">
        <div>
          <strong>{t('failed')}</strong> {t('failedDetail', { count: failure.total })}
          {failure.total > failure.errors.length && (
            <div>{t('shownOnly', { shown: failure.errors.length, total: failure.total })}</div>
          )}
        </div>
      </div>
      <div className="table-wrap">
        <table data-testid="import-errors">
          <thead>
            <tr>
              <th>{t('col.file')}</th>
              <th className="num">{t('col.line')}</th>
              <th>{t('col.field')}</th>
              <th>{t('col.value')}</th>
              <th>{t('col.message')}</th>
            </tr>
          </thead>
          <tbody>
            {failure.errors.map((e, i) => {
              const [file, line] = splitWhere(e.where);
              return (
                <tr key={i}>
                  <td className="nowrap">
                    <code>{file}</code>
                  </td>
                  <td className="num">{line}</td>
                  <td>
                    <code>{e.field}</code>
                  </td>
                  <td className="mono import-value">{valueOf(e.message)}</td>
                  <td>{e.message}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
