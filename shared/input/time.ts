/**
 * AWS events carry dates in many shapes (DESIGN.md, "Real events are messy"):
 * ISO with any precision or minute precision, `Sep 1, 2017 4:12:29 PM` (CodeBuild, UTC),
 * `Thu Oct 13 15:50:45 UTC 2022` (CodeDeploy SNS), epoch seconds or milliseconds.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function month(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase());
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): Date | undefined {
  if (mo < 0) return undefined;
  const date = new Date(Date.UTC(y, mo, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function parseAwsDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) {
    return new Date(value < 1e12 ? value * 1000 : value);
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();

  const iso =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, s = '00', frac = '0', zone = 'Z'] = iso;
    const ms = Math.round(Number(`0.${frac}`) * 1000);
    const normalizedZone = zone === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}${normalizedZone}`);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }

  // CodeBuild: "Sep 1, 2017 4:12:29 PM" (UTC)
  const codebuild = /^([A-Za-z]{3})[a-z]* (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2}) ?([AP]M)$/i.exec(
    text,
  );
  if (codebuild) {
    const [, mon = '', d, y, h, mi, s, ampm = 'AM'] = codebuild;
    const hour = (Number(h) % 12) + (ampm.toUpperCase() === 'PM' ? 12 : 0);
    return utc(Number(y), month(mon), Number(d), hour, Number(mi), Number(s));
  }

  // CodeDeploy SNS: "Thu Oct 13 15:50:45 UTC 2022"
  const unix = /^[A-Za-z]{3} ([A-Za-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (?:UTC|GMT) (\d{4})$/.exec(
    text,
  );
  if (unix) {
    const [, mon = '', d, h, mi, s, y] = unix;
    return utc(Number(y), month(mon), Number(d), Number(h), Number(mi), Number(s));
  }

  if (/^\d{10}(\.\d+)?$/.test(text)) return new Date(Number(text) * 1000);
  if (/^\d{13}$/.test(text)) return new Date(Number(text));
  return undefined;
}

/** "1 h 4 min", "3 min 20 s", "45 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** `2026-11-20 19:16 UTC`: a moment readers in any time zone can place. */
export function formatUtcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `19:16 UTC`: a time of day, when the day is clear from the message. */
export function formatUtcClock(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}
