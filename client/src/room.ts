// Reads what the address bar says: /r/<room>?name=<display name>&autojoin=1, and validates room and
// name with the same rules the server applies (docs/signalling.md, `join`).

export interface PageParams {
  room: string | null;
  name: string;
  autojoin: boolean;
}

const kRoomPattern = /^[A-Za-z0-9_-]{1,64}$/;
// C0 and C1 control characters; the server rejects names containing them.
// eslint-disable-next-line no-control-regex
const kControlChars = /[\u0000-\u001f\u007f-\u009f]/;

export function isValidRoom(room: string): boolean {
  return kRoomPattern.test(room);
}

/** Returns the trimmed name, or null when the server would refuse it. */
export function normaliseName(name: string): string | null {
  const trimmed = name.trim();
  const length = [...trimmed].length;
  if (length < 1 || length > 64 || kControlChars.test(trimmed)) return null;
  return trimmed;
}

export function readPageParams(location: Location): PageParams {
  const match = /^\/r\/([^/]+)\/?$/.exec(location.pathname);
  let room: string | null = null;
  if (match) {
    try {
      const decoded = decodeURIComponent(match[1]);
      if (isValidRoom(decoded)) room = decoded;
    } catch {
      room = null;
    }
  }
  const query = new URLSearchParams(location.search);
  const autojoin = ['1', 'true', 'yes'].includes((query.get('autojoin') ?? '').toLowerCase());
  return { room, name: query.get('name') ?? '', autojoin };
}

export function roomPath(room: string): string {
  return `/r/${encodeURIComponent(room)}`;
}

/** The signalling endpoint on the page's own origin: ws:// for http pages, wss:// for https. */
export function signallingUrl(location: Location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}
