// The cases of one meeting: the list the caller may see (hosts all, authors their own, everyone the
// approved cases whose agenda item has started — the server decides), polled every few seconds so
// that an approved case appears when its item starts; New case / Edit open the editor; hosts review
// submitted cases (Approve, or Return with a reason). In the room (compact) only the cases on show.
import { t } from '../strings';
import { api, ApiError } from './api';
import { CaseEditor, kCaseFields, kFieldLabel, type AgendaChoice, type CaseRecord } from './case_editor';
import { announce, h } from './dom';
import { PollingPanel } from './polling_panel';

export const kCasePollMs = 3000;

interface AgendaReply {
  items: AgendaChoice[];
  current: AgendaChoice | null;
}

export class CasePanel extends PollingPanel {
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'cases', id: 'cases' });
  private readonly empty = h('p', { class: 'empty' }, t('casesEmpty'));
  private readonly detail = h('div', { class: 'case-detail', id: 'case-detail' });
  private items: AgendaChoice[] = [];
  private shown = '';
  private seen = new Set<number>();
  private first = true;
  private readonly newCase: HTMLButtonElement;

  constructor(
    private readonly meetingId: number,
    private readonly you: { name: string; host: boolean },
    private readonly compact = false,
  ) {
    super(kCasePollMs);
    // Enabled once the agenda is loaded (the editor offers its items).
    const newCase = h('button', { type: 'button', id: 'new-case', disabled: true }, t('caseNew'));
    this.newCase = newCase;
    newCase.addEventListener('click', () => this.edit(null));
    this.element = h(
      'section',
      { class: 'case-panel', 'aria-labelledby': `cases-heading-${meetingId}` },
      h('h2', { id: `cases-heading-${meetingId}` }, compact ? t('casesOnShow') : t('casesHeading')),
      compact ? null : newCase,
      this.error,
      this.empty,
      this.list,
      this.detail,
    );
  }

  async refresh(): Promise<void> {
    let cases: CaseRecord[];
    try {
      const base = `/api/meetings/${this.meetingId}`;
      this.items = (await api<AgendaReply>('GET', `${base}/agenda`)).items;
      cases = (await api<{ cases: CaseRecord[] }>('GET', `${base}/cases`)).cases;
    } catch (e) {
      this.fail(e);
      return;
    }
    this.error.hidden = true;
    this.newCase.disabled = false;
    this.list.dataset.loaded = 'true';
    if (this.compact) cases = cases.filter((c) => c.status === 'approved');
    const key = JSON.stringify(cases);
    if (key === this.shown) return;
    this.shown = key;
    for (const c of cases) {
      // A case on show that was not there before: say so (not for what the page opened with).
      if (c.status === 'approved' && !this.seen.has(c.id) && !this.first) announce(t('caseOnShow', { title: this.itemTitle(c) }));
      if (c.status === 'approved') this.seen.add(c.id);
    }
    this.first = false;
    this.empty.hidden = cases.length > 0;
    this.list.replaceChildren(...cases.map((c) => this.row(c)));
    if (this.compact) {
      // In the room the approved cases are shown whole.
      const views = await Promise.all(cases.map((c) => this.view(c.id)));
      this.detail.replaceChildren(...views);
    }
  }

  private itemTitle(c: CaseRecord): string {
    return this.items.find((i) => i.id === c.agendaItemId)?.title ?? t('caseNoItem');
  }

  private statusText(status: string): string {
    const keys: Record<string, Parameters<typeof t>[0]> = {
      draft: 'caseStatusDraft',
      submitted: 'caseStatusSubmitted',
      returned: 'caseStatusReturned',
      approved: 'caseStatusApproved',
    };
    return keys[status] ? t(keys[status]) : status;
  }

  private row(c: CaseRecord): HTMLElement {
    const li = h(
      'li',
      { 'data-case-id': c.id, 'data-status': c.status },
      h('span', { class: 'title' }, t('caseRow', { id: c.id, item: this.itemTitle(c), author: c.author })),
      ' · ',
      h('span', { class: 'case-status' }, this.statusText(c.status)),
    );
    if (this.compact) return li;
    const mine = c.author === this.you.name;
    if (mine && (c.status === 'draft' || c.status === 'returned')) {
      li.append(' ', h('button', { type: 'button', class: 'edit', onclick: () => void this.open(c.id, true) }, t('caseEdit')));
    } else {
      li.append(' ', h('button', { type: 'button', class: 'open', onclick: () => void this.open(c.id, false) }, t('caseOpen')));
    }
    return li;
  }

  private edit(record: CaseRecord | null): void {
    const editor = new CaseEditor(this.meetingId, record, this.items, () => void this.refresh());
    this.detail.replaceChildren(editor.element);
    (editor.element.querySelector('h3') as HTMLElement | null)?.focus();
  }

  private async open(id: number, editable: boolean): Promise<void> {
    try {
      const record = await api<CaseRecord>('GET', `/api/meetings/${this.meetingId}/cases/${id}`);
      if (editable) {
        this.edit(record);
        return;
      }
      const view = this.render(record);
      if (this.you.host && record.status === 'submitted') view.append(this.reviewForm(record));
      this.detail.replaceChildren(view);
      (view.querySelector('h3') as HTMLElement | null)?.focus();
    } catch (e) {
      this.fail(e);
    }
  }

  private async view(id: number): Promise<HTMLElement> {
    try {
      return this.render(await api<CaseRecord>('GET', `/api/meetings/${this.meetingId}/cases/${id}`));
    } catch (e) {
      return h('p', { class: 'error' }, e instanceof ApiError ? e.describe() : String(e));
    }
  }

  /** The case read-only: its agenda item, status and every filled field. */
  private render(c: CaseRecord): HTMLElement {
    const rows = kCaseFields
      .filter((f) => c.fields?.[f])
      .flatMap((f) => [h('dt', {}, t(kFieldLabel[f])), h('dd', { 'data-field': f }, c.fields?.[f] ?? '')]);
    return h(
      'article',
      { class: 'case-view', 'data-case-id': c.id },
      h('h3', { tabindex: -1 }, t('caseRow', { id: c.id, item: this.itemTitle(c), author: c.author })),
      h('p', {}, this.statusText(c.status)),
      h('dl', {}, ...rows),
    );
  }

  private reviewForm(c: CaseRecord): HTMLElement {
    const reason = h('input', { id: `return-reason-${c.id}` });
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const decide = (decision: 'approve' | 'return') => {
      if (decision === 'return' && !reason.value.trim()) {
        error.textContent = t('caseReturnNeedsReason');
        error.hidden = false;
        reason.focus();
        return;
      }
      api('POST', `/api/meetings/${this.meetingId}/cases/${c.id}/review`, decision === 'approve' ? { decision } : { decision, reason: reason.value.trim() })
        .then(() => {
          announce(decision === 'approve' ? t('caseApproved') : t('caseReturned'));
          this.detail.replaceChildren(h('p', { role: 'status' }, decision === 'approve' ? t('caseApproved') : t('caseReturned')));
          return this.refresh();
        })
        .catch((e: unknown) => {
          error.textContent = e instanceof ApiError ? e.describe() : String(e);
          error.hidden = false;
        });
    };
    return h(
      'div',
      { class: 'review' },
      h('button', { type: 'button', class: 'primary approve', onclick: () => decide('approve') }, t('caseApprove')),
      h('label', { for: reason.id }, t('caseReturnReason')),
      reason,
      h('button', { type: 'button', class: 'return', onclick: () => decide('return') }, t('caseReturn')),
      error,
    );
  }
}
