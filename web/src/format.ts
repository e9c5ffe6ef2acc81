// Amounts, dates and numbers in the user's language. Amounts come from the API as exact
// decimal strings ("1234.50") and stay strings: the digits are grouped by hand and only the
// symbol and separators come from Intl, so no amount ever passes through floating point.
import i18n from './i18n';

function locale() {
  return i18n.language || 'zh-CN';
}

/** "1234.50", "CNY" → "¥1,234.50" (zh-CN and en alike); "" for a missing amount. */
export function money(amount: string | null | undefined, currency: string | null | undefined) {
  if (amount === null || amount === undefined || amount === '') return '';
  const negative = amount.startsWith('-');
  const [whole, fraction = ''] = amount.replace('-', '').split('.');
  let template: Intl.NumberFormatPart[];
  try {
    template = new Intl.NumberFormat(locale(), {
      style: 'currency',
      currency: currency || 'CNY',
      // ¥ for CNY in both languages; other currencies keep a symbol that tells them apart
      // (HK$, US$, JP¥) wherever several appear together.
      currencyDisplay: (currency || 'CNY') === 'CNY' ? 'narrowSymbol' : 'symbol',
      minimumFractionDigits: fraction.length,
      maximumFractionDigits: fraction.length,
    }).formatToParts(negative ? -1 : 1);
  } catch {
    return `${amount} ${currency ?? ''}`.trim();
  }
  const group =
    new Intl.NumberFormat(locale()).formatToParts(1000).find((p) => p.type === 'group')?.value ??
    ',';
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return template
    .map((p) => (p.type === 'integer' ? grouped : p.type === 'fraction' ? fraction : p.value))
    .join('');
}

/** An exact decimal string compared with zero, without floating point. */
export function isPositive(amount: string | null | undefined) {
  return !!amount && !amount.startsWith('-') && /[1-9]/.test(amount);
}

/** "2026-06-30" → "2026年6月30日" / "Jun 30, 2026". */
export function date(text: string | null | undefined) {
  if (!text) return '';
  const parsed = new Date(text.length === 10 ? text + 'T00:00:00Z' : text);
  if (Number.isNaN(parsed.getTime())) return text;
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: 'medium',
    ...(text.length === 10 ? { timeZone: 'UTC' } : {}),
  }).format(parsed);
}

/** An ISO 8601 timestamp with offset → date and time in the user's language. */
export function dateTime(text: string | null | undefined) {
  if (!text) return '';
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) return text;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(
    parsed,
  );
}

/** A count or ratio for display: 12345 → "12,345"; percent(0.1234) → "12.3%". */
export function number(value: number | null | undefined, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return new Intl.NumberFormat(locale(), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

export function percent(value: number | null | undefined, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return new Intl.NumberFormat(locale(), {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/** Today in the browser's time zone as YYYY-MM-DD. */
export function today() {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
