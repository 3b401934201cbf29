// The FAQ of a series (/s/<sid>/faq): a search box (GET /api/series/<sid>/faq?q=, trigram FTS with
// a substring fallback for short words on the server), every answered question without a query,
// each result linked to its meeting with the meeting's date in the viewer's zone (named), and the
// Markdown and CSV exports (fetched with our credentials and saved as files).
import { t } from '../strings';
import { api, apiRaw, ApiError, download, formatLocal, viewerZone, withInvite } from './api';
import { h } from './dom';

interface FaqResult {
  questionId: number;
  meetingId: number;
  meeting: string;
  meetingStartsAt: number;
  topic: string;
  question: string;
  answer: string;
}

function result(r: FaqResult): HTMLElement {
  return h(
    'li',
    { class: 'faq-result', 'data-question-id': r.questionId },
    h('h3', { class: 'question' }, r.question),
    h('p', { class: 'answer' }, r.answer),
    h(
      'p',
      { class: 'meta' },
      `${t('faqTopic', { topic: r.topic })} · `,
      h('a', { class: 'meeting-link', href: withInvite(`/m/${r.meetingId}`) }, r.meeting),
      ' · ',
      h('time', { class: 'meeting-date', datetime: new Date(r.meetingStartsAt).toISOString() }, `${formatLocal(r.meetingStartsAt)} (${viewerZone()})`),
    ),
  );
}

function exportButton(sid: number, ext: 'md' | 'csv', label: string): HTMLElement {
  const button = h('button', { type: 'button', class: `export-${ext}` }, label);
  button.addEventListener('click', () => {
    apiRaw('GET', `/api/series/${sid}/faq.${ext}`)
      .then(async (res) => download(`faq-series-${sid}.${ext}`, await res.blob()))
      .catch((e: unknown) => {
        button.after(h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.describe() : String(e)));
      });
  });
  return button;
}

export function showFaqPage(app: HTMLElement, sid: number): void {
  document.title = `${t('faqHeading')} · ${t('appName')}`;
  const input = h('input', { id: 'faq-query', type: 'search', maxlength: 200 });
  const status = h('p', { id: 'faq-status', role: 'status' });
  const list = h('ol', { id: 'faq-results' });
  const form = h(
    'form',
    { role: 'search', class: 'search' },
    h('label', { for: 'faq-query' }, t('faqSearchLabel')),
    input,
    h('button', { type: 'submit', class: 'primary' }, t('faqSearch')),
  );
  const run = async () => {
    const q = input.value.trim();
    status.textContent = t('loading');
    try {
      const reply = await api<{ results: FaqResult[] }>(
        'GET',
        `/api/series/${sid}/faq${q ? `?q=${encodeURIComponent(q)}` : ''}`,
      );
      list.replaceChildren(...reply.results.map(result));
      status.textContent = reply.results.length
        ? q
          ? t('faqFound', { n: reply.results.length, q })
          : t('faqCount', { n: reply.results.length })
        : q
          ? t('faqNone', { q })
          : t('faqEmpty');
    } catch (e) {
      list.replaceChildren();
      status.textContent = e instanceof ApiError ? e.describe() : String(e);
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run();
  });
  app.replaceChildren(
    h(
      'main',
      { class: 'card page wide', id: 'faq-page' },
      h('h1', { id: 'faq-heading', tabindex: -1 }, t('faqHeading')),
      h('p', { class: 'links' }, h('a', { href: withInvite(`/s/${sid}`) }, t('seriesAllMeetings'))),
      form,
      h('p', { id: 'faq-zone' }, t('timesIn', { zone: viewerZone() })),
      h('p', { class: 'actions' }, exportButton(sid, 'md', t('faqExportMd')), exportButton(sid, 'csv', t('faqExportCsv'))),
      status,
      list,
    ),
  );
  input.focus();
  void run();
}
