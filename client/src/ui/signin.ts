// Host sign-in page (/signin): e-mail and password → POST /api/sessions, the token kept in
// localStorage "rounds.hostSession" (where the room looks for it); signed in, it names the account
// (GET /api/me), lists the host's series with links to their meetings, and signs out (DELETE).
import { t } from '../strings';
import { api, ApiError, hostToken, setHostToken } from './api';
import { h } from './dom';

interface Me {
  accountId: number;
  email: string;
  person: { displayName: string };
}

interface SeriesList {
  series: { id: number; title: string; room: string }[];
}

function page(...children: (Node | string)[]): HTMLElement {
  return h('main', { class: 'card page', id: 'signin' }, h('p', { class: 'brand' }, t('appName')), ...children);
}

function field(id: string, label: string, type: string, autocomplete: string): [HTMLElement, HTMLInputElement] {
  const input = h('input', { id, name: id, type, autocomplete, required: true });
  return [h('div', { class: 'field' }, h('label', { for: id }, label), input), input];
}

function showForm(app: HTMLElement, message = ''): void {
  const [emailField, email] = field('signin-email', t('signinEmail'), 'email', 'username');
  const [passwordField, password] = field('signin-password', t('signinPassword'), 'password', 'current-password');
  const error = h('p', { class: 'error', id: 'signin-error', role: 'alert' }, message);
  error.hidden = !message;
  const button = h('button', { type: 'submit', class: 'primary' }, t('signinButton'));
  const heading = h('h1', { tabindex: -1 }, t('signinHeading'));
  const form = h('form', { novalidate: true }, emailField, passwordField, error, h('div', { class: 'actions' }, button));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!email.value.trim() || !password.value) {
      error.textContent = t('signinMissing');
      error.hidden = false;
      (email.value.trim() ? password : email).focus();
      return;
    }
    button.disabled = true;
    error.hidden = true;
    api<{ token: string }>('POST', '/api/sessions', { email: email.value.trim(), password: password.value })
      .then((reply) => {
        setHostToken(reply.token);
        void showSignedIn(app);
      })
      .catch((e: unknown) => {
        button.disabled = false;
        error.textContent =
          e instanceof ApiError && e.status === 401 ? t('signinWrong') : e instanceof ApiError ? e.describe() : String(e);
        error.hidden = false;
        password.select();
        password.focus();
      });
  });
  app.replaceChildren(page(heading, form));
  email.focus();
}

async function showSignedIn(app: HTMLElement): Promise<void> {
  let me: Me;
  try {
    me = await api<Me>('GET', '/api/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setHostToken(null); // expired or signed out elsewhere
      showForm(app, t('signinExpired'));
    } else {
      showForm(app, e instanceof ApiError ? e.describe() : String(e));
    }
    return;
  }
  const heading = h('h1', { tabindex: -1 }, t('signedInHeading'));
  const who = h('p', { id: 'signed-in-as' }, t('signedInAs', { name: me.person.displayName, email: me.email }));
  const list = h('ul', { id: 'my-series' });
  const signOut = h('button', { type: 'button', id: 'sign-out' }, t('signOut'));
  signOut.addEventListener('click', () => {
    signOut.disabled = true;
    api('DELETE', '/api/sessions/current')
      .catch(() => undefined) // gone already: signed out either way
      .finally(() => {
        setHostToken(null);
        showForm(app, t('signedOut'));
      });
  });
  app.replaceChildren(
    page(heading, who, h('h2', {}, t('signinSeriesHeading')), list, h('div', { class: 'actions' }, signOut)),
  );
  heading.focus();
  try {
    const reply = await api<SeriesList>('GET', '/api/series');
    if (reply.series.length === 0) list.replaceWith(h('p', { class: 'empty' }, t('signinNoSeries')));
    for (const s of reply.series) {
      list.append(
        h(
          'li',
          {},
          h('a', { href: `/s/${s.id}` }, s.title),
          ' · ',
          h('a', { href: `/r/${s.room}` }, t('seriesRoomLink')),
        ),
      );
    }
  } catch (e) {
    list.replaceWith(h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.describe() : String(e)));
  }
}

export function showSignInPage(app: HTMLElement): void {
  document.title = `${t('signinHeading')} · ${t('appName')}`;
  if (hostToken()) void showSignedIn(app);
  else showForm(app);
}
