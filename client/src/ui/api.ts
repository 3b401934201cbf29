// REST client for the clinical pages (docs/api.md): a host's sign-in token from localStorage
// ("rounds.hostSession", the key the room reads) goes as `Authorization: Bearer`, an invitee's
// personal token from the address (`?invite=`) as `X-Invite-Token`. Errors become ApiError.
import { t } from '../strings';

export const kHostSessionKey = 'rounds.hostSession';

export function hostToken(): string | null {
  try {
    return localStorage.getItem(kHostSessionKey);
  } catch {
    return null;
  }
}

export function setHostToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(kHostSessionKey, token);
    else localStorage.removeItem(kHostSessionKey);
  } catch {
    // No storage (private window): the sign-in lasts for this page only.
  }
}

/** The invitee's personal token from the page's address, if any. */
export function inviteToken(): string | null {
  return new URLSearchParams(window.location.search).get('invite');
}

/** `path` with the page's `?invite=` carried over, so links keep working for invitees. */
export function withInvite(path: string): string {
  const invite = inviteToken();
  if (!invite) return path;
  return `${path}${path.includes('?') ? '&' : '?'}invite=${encodeURIComponent(invite)}`;
}

/** One flagged identifier of a 422 identifiers_found (docs/api.md, case template fields). */
export interface Span {
  field: string;
  charOffset: number;
  charLength: number;
  kind: string;
  reason: string;
  text: string;
  justified: boolean;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    readonly spans: Span[] = [],
  ) {
    super(message);
  }

  /** Words for a person: what went wrong and, for a bad field, which. */
  describe(): string {
    if (this.status === 0) return t('apiUnreachable');
    if (this.status === 401) return t('apiUnauthorized');
    if (this.status === 403) return t('apiForbidden');
    if (this.status === 404) return t('apiNotFound');
    if (this.status === 409) return t('apiConflict', { message: this.message });
    if (this.status === 400) return t('apiInvalid', { message: this.message });
    return t('apiFailed', { status: this.status });
  }
}

function headers(json: boolean): Record<string, string> {
  const out: Record<string, string> = { Accept: 'application/json' };
  if (json) out['Content-Type'] = 'application/json';
  const host = hostToken();
  if (host) out.Authorization = `Bearer ${host}`;
  const invite = inviteToken();
  if (invite) out['X-Invite-Token'] = invite;
  return out;
}

/** fetch with our credentials; the raw Response on 2xx, else ApiError. */
export async function apiRaw(method: string, path: string, body?: unknown): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      // The bearer token authenticates; the cookie is not needed (and would need X-Rounds-CSRF).
      credentials: 'omit',
      headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'unreachable', 'network');
  }
  if (res.ok) return res;
  let error: { code?: string; message?: string; field?: string; spans?: Span[] } = {};
  try {
    error = ((await res.json()) as { error?: typeof error }).error ?? {};
  } catch {
    // Not JSON: the status says enough.
  }
  throw new ApiError(res.status, error.code ?? 'error', error.message ?? '', error.field ?? null, error.spans ?? []);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await apiRaw(method, path, body);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** The browser's IANA zone, or UTC. */
export function viewerZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** A UTC millisecond time as a date and time in the viewer's zone, e.g. "2027-03-16 09:00". */
export function formatLocal(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: viewerZone(),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** Saves `text` as a file the browser downloads (for exports that need our credentials). */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
