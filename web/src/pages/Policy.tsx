// The collection policy (催收策略) editor: the TOML in force, edited in place, validated by the
// server (errors by line), compared line by line with the version in force, and saved as a
// new version only after a successful validation of exactly that text.
import { KeyboardEvent, useEffect, useMemo, useRef, useState, UIEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError, get, postText, putText } from '../api';
import { useAuth } from '../auth';
import { errorText, FormError, Loaded, PageTitle, useData } from '../components';
import { registerStrings } from '../i18n';
import './Approvals.common.css';
import { diffLines, hunks } from './Policy.diff';
import './Policy.css';

registerStrings('policy', {
  'zh-CN': {
    inForce: '当前生效：{{name}}',
    version: '第 {{version}} 版',
    builtIn: '内置默认策略（尚未修改过）',
    readOnly: '您可以查看催收策略，但只有总监、总经理和管理员可以修改。',
    validate: '校验',
    validating: '正在校验…',
    save: '保存为新版本',
    saving: '正在保存…',
    revert: '放弃修改',
    shortcuts: 'Ctrl+Enter 校验 · Ctrl+S 保存',
    valid: '校验通过，可以保存。',
    validUnchanged: '校验通过（与当前生效的策略相同）。',
    invalid: '校验未通过：发现 {{count}} 处问题，请修改后重新校验。什么也没有改变。',
    line: '第 {{line}} 行',
    jump: '跳到该行',
    stale: '内容在校验之后又修改过，请重新校验后再保存。',
    needValidation: '保存前请先校验。',
    saved: '已保存：现在生效的是第 {{version}} 版。',
    diffTitle: '与当前生效策略的差异',
    diffSummary: '新增 {{added}} 行，删除 {{removed}} 行',
    noChanges: '没有修改。',
    editor: '策略文件（TOML）',
  },
  en: {
    inForce: 'In force: {{name}}',
    version: 'version {{version}}',
    builtIn: 'the built-in default (never changed)',
    readOnly:
      'You can read the collection policy; only directors, general managers and administrators can change it.',
    validate: 'Validate',
    validating: 'Validating…',
    save: 'Save as a new version',
    saving: 'Saving…',
    revert: 'Discard changes',
    shortcuts: 'Ctrl+Enter validates · Ctrl+S saves',
    valid: 'Valid: you can save it.',
    validUnchanged: 'Valid (the same as the policy in force).',
    invalid: '{{count}} problems found: correct them and validate again. Nothing was changed.',
    line: 'line {{line}}',
    jump: 'Go to the line',
    stale: 'The text changed after it was validated: validate again before saving.',
    needValidation: 'Validate before saving.',
    saved: 'Saved: version {{version}} is now in force.',
    diffTitle: 'Changes against the policy in force',
    diffSummary: '{{added}} lines added, {{removed}} removed',
    noChanges: 'No changes.',
    editor: 'Policy file (TOML)',
  },
});

type Policy = { name: string; version: number | null; sha256: string; toml: string };
type Problem = { line: number | null; message: string };
type Check =
  | { text: string; ok: true; sha256: string }
  | { text: string; ok: false; problems: Problem[] }
  | { text: string; ok: false; error: unknown };

const LINE_HEIGHT = 20; // px, as in Policy.css

/** "policy.toml:19: must be …\npolicy.toml:21: bogus_key: …" → one problem per line. */
function problemsOf(message: string): Problem[] {
  return message
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const match = /^[^:\s]*\.toml:(\d+):\s*(.*)$/.exec(l);
      return match ? { line: Number(match[1]), message: match[2] } : { line: null, message: l };
    });
}

export default function PolicyPage() {
  const { t: tc } = useTranslation();
  const { t } = useTranslation('policy');
  const state = useData(() => get<Policy>('/api/v1/policy'), []);
  const [saved, setSaved] = useState<number | null>(null);
  return (
    <div className="policy-page">
      <PageTitle>{tc('nav.policy')}</PageTitle>
      {saved !== null && (
        <div className="success" role="status" data-testid="policy-saved">
          {t('saved', { version: saved })}
        </div>
      )}
      <Loaded state={state}>
        {(policy) => (
          <Editor
            key={policy.sha256 + policy.version}
            policy={policy}
            onSaved={(version) => {
              setSaved(version);
              state.reload();
            }}
            onEdit={() => setSaved(null)}
          />
        )}
      </Loaded>
    </div>
  );
}

function Editor({
  policy,
  onSaved,
  onEdit,
}: {
  policy: Policy;
  onSaved: (version: number) => void;
  onEdit: () => void;
}) {
  const { t } = useTranslation('policy');
  const { can } = useAuth();
  const writable = can('policy.write');
  const [text, setText] = useState(policy.toml);
  const [check, setCheck] = useState<Check | null>(null);
  const [busy, setBusy] = useState<'validate' | 'save' | null>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);

  const changed = text !== policy.toml;
  const lineCount = text.split('\n').length;
  const badLines = useMemo(
    () =>
      new Set(
        check && !check.ok && 'problems' in check
          ? check.problems.map((p) => p.line).filter((l): l is number => l !== null)
          : [],
      ),
    [check],
  );
  const diff = useMemo(() => (changed ? diffLines(policy.toml, text) : []), [changed, policy.toml, text]);
  const added = diff.filter((l) => l.op === '+').length;
  const removed = diff.filter((l) => l.op === '-').length;
  const validated = check?.ok === true && check.text === text;
  const canSave = writable && validated && changed && busy === null;

  useEffect(() => {
    if (!changed) return;
    const onLeave = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', onLeave);
    return () => window.removeEventListener('beforeunload', onLeave);
  }, [changed]);

  const validate = async () => {
    if (!writable || busy) return;
    setBusy('validate');
    setSaveError(null);
    const sent = text;
    try {
      const result = await postText<{ valid: boolean; sha256: string }>(
        '/api/v1/policy/validate',
        sent,
      );
      setCheck({ text: sent, ok: true, sha256: result.sha256 });
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        setCheck({ text: sent, ok: false, problems: problemsOf(e.message) });
      } else {
        setCheck({ text: sent, ok: false, error: e });
      }
    } finally {
      setBusy(null);
    }
  };

  const save = async () => {
    if (!canSave) return;
    setBusy('save');
    setSaveError(null);
    try {
      const saved = await putText<Policy>('/api/v1/policy', text);
      setCheck(null);
      onSaved(saved.version ?? 0);
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        setCheck({ text, ok: false, problems: problemsOf(e.message) });
      } else {
        setSaveError(e);
      }
    } finally {
      setBusy(null);
    }
  };

  const goTo = (line: number) => {
    const el = area.current;
    if (!el) return;
    const lines = text.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    el.scrollTop = Math.max(0, (line - 5) * LINE_HEIGHT);
  };

  const onKey = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      void validate();
    } else if ((e.ctrlKey || e.metaKey) && (e.key === 's' || e.key === 'S')) {
      e.preventDefault();
      void save();
    }
  };

  const onScroll = (e: UIEvent<HTMLTextAreaElement>) => {
    if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
  };

  return (
    <div className="policy-editor" onKeyDown={onKey}>
      <div className="policy-meta">
        <span>
          {t('inForce', { name: policy.name })} ·{' '}
          {policy.version === null ? t('builtIn') : t('version', { version: policy.version })}
        </span>
        <span className="mono muted" title="SHA-256">
          {policy.sha256.slice(0, 12)}
        </span>
      </div>
      {!writable && <div className="notice">{t('readOnly')}</div>}
      {writable && (
        <div className="policy-toolbar">
          <button
            type="button"
            onClick={validate}
            disabled={busy !== null}
            data-testid="policy-validate"
          >
            {busy === 'validate' ? t('validating') : t('validate')}
          </button>
          <button
            type="button"
            className="primary"
            onClick={save}
            disabled={!canSave}
            title={!validated ? t('needValidation') : undefined}
            data-testid="policy-save"
          >
            {busy === 'save' ? t('saving') : t('save')}
          </button>
          {changed && (
            <button
              type="button"
              onClick={() => {
                setText(policy.toml);
                setCheck(null);
              }}
              disabled={busy !== null}
            >
              {t('revert')}
            </button>
          )}
          <span className="muted small">{t('shortcuts')}</span>
        </div>
      )}
      {check && (
        <CheckResult check={check} current={text} changed={changed} onJump={goTo} />
      )}
      <FormError error={saveError} />
      <div className="policy-columns">
        <div className="code-editor" style={{ ['--lh' as string]: `${LINE_HEIGHT}px` }}>
          <div className="code-gutter" ref={gutter} aria-hidden="true">
            {Array.from({ length: lineCount }, (_, i) => (
              <div key={i} className={badLines.has(i + 1) ? 'bad' : undefined}>
                {i + 1}
              </div>
            ))}
          </div>
          <textarea
            ref={area}
            aria-label={t('editor')}
            data-testid="policy-editor"
            value={text}
            readOnly={!writable}
            spellCheck={false}
            wrap="off"
            onScroll={onScroll}
            onChange={(e) => {
              setText(e.target.value);
              onEdit();
            }}
          />
        </div>
        {changed && (
          <section className="policy-diff" data-testid="policy-diff">
            <h2>
              {t('diffTitle')}{' '}
              <span className="muted small" title={t('diffSummary', { added, removed })}>
                <span className="plus">+{added}</span> <span className="minus">−{removed}</span>
              </span>
            </h2>
            <Diff lines={diff} />
          </section>
        )}
      </div>
    </div>
  );
}

function CheckResult({
  check,
  current,
  changed,
  onJump,
}: {
  check: Check;
  current: string;
  changed: boolean;
  onJump: (line: number) => void;
}) {
  const { t } = useTranslation('policy');
  const stale = check.text !== current;
  if (check.ok) {
    return (
      <div className={stale ? 'notice' : 'success'} role="status" data-testid="policy-valid">
        {stale ? t('stale') : changed ? t('valid') : t('validUnchanged')}
      </div>
    );
  }
  if ('error' in check) {
    return (
      <div className="error" role="alert">
        {errorText(check.error)}
      </div>
    );
  }
  return (
    <div className="error policy-problems" role="alert" data-testid="policy-errors">
      <div>
        <strong>{t('invalid', { count: check.problems.length })}</strong>
        {stale && <div className="small">{t('stale')}</div>}
        <ul>
          {check.problems.map((p, i) => (
            <li key={i}>
              {p.line !== null && (
                <button type="button" className="link" onClick={() => onJump(p.line as number)} title={t('jump')}>
                  {t('line', { line: p.line })}
                </button>
              )}{' '}
              <span className="mono">{p.message}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function Diff({ lines }: { lines: ReturnType<typeof diffLines> }) {
  const { t } = useTranslation('policy');
  const parts = hunks(lines);
  if (parts.length === 0) return <div className="muted">{t('noChanges')}</div>;
  return (
    <div className="policy-diff-body">
      {parts.map((h, k) => (
        <table key={k} className="diff-hunk">
          <tbody>
            {h.lines.map((l, i) => (
              <tr key={i} className={l.op === '+' ? 'add' : l.op === '-' ? 'del' : ''}>
                <td className="ln">{l.old ?? ''}</td>
                <td className="ln">{l.new ?? ''}</td>
                <td className="op">{l.op}</td>
                <td className="code">{l.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}
