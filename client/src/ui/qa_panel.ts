// The Q&A of one meeting (on the meeting page and in the room's side panel): ask (named, or
// anonymous to the room), upvote (once per person, the server counts), the list most votes first,
// refreshed by polling every few seconds; hosts answer in writing and merge a duplicate into another.
import { t } from '../strings';
import { api } from './api';
import { announce, h } from './dom';
import { PollingPanel } from './polling_panel';

interface Question {
  id: number;
  text: string;
  votes: number;
  status: string;
  anonymous: boolean;
  askedBy: string | null;
  answer: string;
}

export const kQaPollMs = 3000;

export class QaPanel extends PollingPanel {
  readonly element: HTMLElement;
  private readonly list = h('ol', { class: 'questions', id: 'questions' });
  private readonly empty = h('p', { class: 'empty' }, t('qaEmpty'));
  private shown = '';

  constructor(
    private readonly meetingId: number,
    private readonly isHost: boolean,
  ) {
    super(kQaPollMs);
    const text = h('textarea', { id: `qa-text-${meetingId}`, rows: 2, maxlength: 2000, required: true });
    const anonymous = h('input', { type: 'checkbox', id: `qa-anonymous-${meetingId}` });
    const form = h(
      'form',
      { class: 'ask' },
      h('label', { for: text.id }, t('qaAskLabel')),
      text,
      h('label', { class: 'check' }, anonymous, ` ${t('qaAnonymous')}`),
      h('button', { type: 'submit', class: 'primary' }, t('qaAsk')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!text.value.trim()) {
        this.fail(t('qaTextMissing'));
        text.focus();
        return;
      }
      api('POST', `/api/meetings/${meetingId}/questions`, { text: text.value.trim(), anonymous: anonymous.checked })
        .then(() => {
          text.value = '';
          announce(t('qaAsked'));
          return this.refresh();
        })
        .catch((e: unknown) => this.fail(e));
    });
    this.element = h(
      'section',
      { class: 'qa', 'aria-labelledby': `qa-heading-${meetingId}` },
      h('h2', { id: `qa-heading-${meetingId}` }, t('qaHeading')),
      form,
      this.error,
      this.empty,
      this.list,
    );
  }

  async refresh(): Promise<void> {
    let questions: Question[];
    try {
      questions = (await api<{ questions: Question[] }>('GET', `/api/meetings/${this.meetingId}/questions`)).questions;
    } catch (e) {
      this.fail(e);
      return;
    }
    const key = JSON.stringify(questions);
    if (key === this.shown) return; // unchanged: keep focus and half-typed answers
    // A host typing an answer keeps it (and the focus) across the re-render.
    const drafts = new Map<string, string>();
    this.list.querySelectorAll('textarea').forEach((a) => drafts.set(a.id, a.value));
    const focused = document.activeElement?.id;
    this.shown = key;
    this.empty.hidden = questions.length > 0;
    this.list.replaceChildren(...questions.map((q) => this.item(q, questions)));
    for (const [id, value] of drafts) {
      const area = document.getElementById(id) as HTMLTextAreaElement | null;
      if (area) area.value = value;
    }
    if (focused) document.getElementById(focused)?.focus();
  }

  private post(path: string, body: unknown): void {
    api('POST', `/api/meetings/${this.meetingId}/questions/${path}`, body)
      .then(() => this.refresh())
      .catch((e: unknown) => this.fail(e));
  }

  private item(q: Question, all: Question[]): HTMLElement {
    const who = q.askedBy ? (q.anonymous ? t('qaAnonymousBy', { name: q.askedBy }) : q.askedBy) : t('qaAnonymousName');
    const li = h(
      'li',
      { 'data-question-id': q.id, class: `question ${q.status}` },
      h('p', { class: 'text' }, q.text),
      h(
        'p',
        { class: 'meta' },
        h('span', { class: 'votes' }, t('qaVotes', { n: q.votes })),
        ` · ${who}`,
        h(
          'button',
          { type: 'button', id: `vote-${q.id}`, class: 'vote', 'aria-label': t('qaUpvoteLabel', { text: q.text }), onclick: () => this.post(`${q.id}/vote`, {}) },
          t('qaUpvote'),
        ),
      ),
    );
    if (q.answer) li.append(h('p', { class: 'answer' }, h('strong', {}, `${t('qaAnswer')}: `), q.answer));
    if (!this.isHost) return li;
    const answer = h('textarea', { id: `answer-${q.id}`, rows: 2, maxlength: 8000, 'aria-label': t('qaAnswerLabel', { text: q.text }) });
    const others = all.filter((o) => o.id !== q.id);
    const into = h(
      'select',
      { id: `merge-into-${q.id}`, 'aria-label': t('qaMergeLabel', { text: q.text }) },
      ...others.map((o) => h('option', { value: o.id }, o.text)),
    );
    li.append(
      h(
        'div',
        { class: 'host-actions' },
        answer,
        h('button', { type: 'button', class: 'answer-button', onclick: () => {
          const text = answer.value.trim();
          if (!text) return;
          answer.value = ''; // not restored as a draft by the refresh
          this.post(`${q.id}/answer`, { answer: text });
        } }, t('qaAnswerButton')),
        others.length ? into : null,
        others.length
          ? h('button', { type: 'button', class: 'merge-button', onclick: () => this.post(`${q.id}/merge`, { into: Number(into.value) }) }, t('qaMerge'))
          : null,
      ),
    );
    return li;
  }
}
