// Entry point: reads /r/<room>?name=…&autojoin=1, shows the join form or joins at once, and
// publishes the diagnostics hook window.__rounds.
import { Call, type DiagnosticsHook } from './call';
import { normaliseName, readPageParams, roomPath } from './room';
import { showSchedule } from './schedule';
import type { JoinAccess } from './signalling';
import { language, t } from './strings';
import { showFaqPage } from './ui/faq_page';
import { showMeetingPage } from './ui/meeting_page';
import { showJoin } from './ui/screens';
import { seriesLinks, showSeriesPage } from './ui/series_page';
import { showSignInPage } from './ui/signin';

declare global {
  interface Window {
    __rounds: DiagnosticsHook;
  }
}

const kNameKey = 'rounds.name';
// A host's sign-in session token (docs/api.md POST /api/sessions), kept by whatever signed them in;
// sent with `join` in series rooms only (docs/client.md).
const kHostSessionKey = 'rounds.hostSession';
const kSeriesRoom = /^series-[1-9][0-9]*$/;

/** What identifies this person in a series room: their invitation (from the link) and host session. */
function joinAccess(room: string): JoinAccess {
  if (!kSeriesRoom.test(room)) return {};
  const access: JoinAccess = {};
  const invite = new URLSearchParams(window.location.search).get('invite');
  if (invite) access.invite = invite;
  try {
    const session = localStorage.getItem(kHostSessionKey);
    if (session) access.hostToken = session;
  } catch {
    // No storage: not signed in here.
  }
  return access;
}

function forgetHostSession(): void {
  try {
    localStorage.removeItem(kHostSessionKey);
  } catch {
    // Nothing stored.
  }
}

const hook: DiagnosticsHook = {
  state: 'idle',
  room: null,
  participantId: null,
  pc: null,
  participants: {},
  error: null,
  hands: [],
  waiting: [],
  role: null,
  micLocked: false,
  agenda: null,
  overrun: false,
  agendaSkewMs: 0,
  iceRestarts: 0,
  resumes: 0,
  receive: 'all',
};
window.__rounds = hook;
document.documentElement.lang = language;

function rememberedName(): string {
  try {
    return localStorage.getItem(kNameKey) ?? '';
  } catch {
    return '';
  }
}

function rememberName(name: string): void {
  try {
    localStorage.setItem(kNameKey, name);
  } catch {
    // Private windows may refuse storage; the name is simply asked again next time.
  }
}

function startCall(room: string, name: string): void {
  document.title = t('documentTitle', { room });
  const call = new Call(room, name, hook, () => showJoinScreen(room, name, true), joinAccess(room), forgetHostSession);
  void call.start();
}

function showJoinScreen(room: string | null, name: string, roomEditable = false): void {
  hook.state = 'idle';
  document.body.dataset.state = 'idle';
  document.title = room ? t('documentTitle', { room }) : t('appName');
  showJoin({ room, name, roomEditable }, (chosenRoom, chosenName) => {
    rememberName(chosenName);
    if (window.location.pathname !== roomPath(chosenRoom)) {
      window.history.replaceState(null, '', roomPath(chosenRoom));
    }
    startCall(chosenRoom, chosenName);
  });
}

/** The clinical pages (docs/client.md): /signin, /s/<sid>, /s/<sid>/faq, /m/<mid>; false otherwise. */
function showClinicalPage(app: HTMLElement): boolean {
  const path = window.location.pathname;
  let m: RegExpExecArray | null;
  if (path === '/signin') showSignInPage(app);
  else if ((m = /^\/s\/([1-9][0-9]{0,17})\/faq$/.exec(path))) showFaqPage(app, Number(m[1]));
  else if ((m = /^\/s\/([1-9][0-9]{0,17})$/.exec(path))) void showSeriesPage(app, Number(m[1]));
  else if ((m = /^\/m\/([1-9][0-9]{0,17})$/.exec(path))) void showMeetingPage(app, Number(m[1]));
  else return false;
  return true;
}

function main(): void {
  const app = document.getElementById('app');
  if (app && showClinicalPage(app)) return;
  const params = readPageParams(window.location);
  const name = normaliseName(params.name);
  if (params.room && params.autojoin && name) {
    startCall(params.room, name);
    return;
  }
  showJoinScreen(params.room, params.name || rememberedName());
  // An invitee's personal link: show the series' dates in the viewer's zone under the join form.
  const invite = new URLSearchParams(window.location.search).get('invite');
  if (invite && app) void showSchedule(invite, app);
  // A series room: where its current meeting, cases, Q&A and FAQ are (needs invitation or sign-in).
  const series = params.room ? /^series-([1-9][0-9]*)$/.exec(params.room) : null;
  if (series && app) void seriesLinks(Number(series[1]), app);
}

main();
