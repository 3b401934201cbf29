// The case editor: the de-identified template (docs/api.md: ageBand, sex, history, presentation,
// imaging, laboratory, treatment, outcome, question), Save draft and Submit. When the server answers
// 422 identifiers_found, every flagged span is shown highlighted in its field with its kind and
// reason, and the presenter either edits the text or writes a reason to keep each span, then
// submits again (the server re-checks; a justification matches a span by field and exact text).
import { t } from '../strings';
import type { StringKey } from '../strings/en';
import { api, ApiError, type Span } from './api';
import { announce, h } from './dom';

export const kCaseFields = [
  'ageBand',
  'sex',
  'history',
  'presentation',
  'imaging',
  'laboratory',
  'treatment',
  'outcome',
  'question',
] as const;
export type CaseField = (typeof kCaseFields)[number];

export interface CaseRecord {
  id: number;
  status: string;
  author: string;
  agendaItemId: number | null;
  returnReason: string;
  fields?: Partial<Record<CaseField, string>>;
}

export const kFieldLabel: Record<CaseField, StringKey> = {
  ageBand: 'caseAgeBand',
  sex: 'caseSex',
  history: 'caseHistory',
  presentation: 'casePresentation',
  imaging: 'caseImaging',
  laboratory: 'caseLaboratory',
  treatment: 'caseTreatment',
  outcome: 'caseOutcome',
  question: 'caseQuestion',
};

const kKindLabel: Record<string, StringKey> = {
  name: 'spanName',
  date: 'spanDate',
  phone: 'spanPhone',
  id_number: 'spanIdNumber',
  address: 'spanAddress',
  email: 'spanEmail',
};

/** `text` with the spans (code-point offsets) wrapped in <mark>, as nodes. */
export function highlighted(text: string, spans: Span[]): Node[] {
  const chars = Array.from(text);
  const sorted = [...spans].sort((a, b) => a.charOffset - b.charOffset);
  const out: Node[] = [];
  let at = 0;
  for (const s of sorted) {
    if (s.charOffset < at) continue; // overlapping: the first one wins
    out.push(document.createTextNode(chars.slice(at, s.charOffset).join('')));
    out.push(
      h('mark', { class: `span ${s.kind}`, title: t(kKindLabel[s.kind] ?? 'spanOther') }, chars.slice(s.charOffset, s.charOffset + s.charLength).join('')),
    );
    at = s.charOffset + s.charLength;
  }
  out.push(document.createTextNode(chars.slice(at).join('')));
  return out;
}

export interface AgendaChoice {
  id: number;
  title: string;
}

export class CaseEditor {
  readonly element: HTMLElement;
  private readonly inputs = new Map<CaseField, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>();
  private readonly flags = new Map<CaseField, HTMLElement>();
  private readonly agenda: HTMLSelectElement;
  private readonly status = h('p', { class: 'status', id: 'case-status', role: 'status' });
  private readonly summary = h('div', { id: 'case-flags', role: 'alert', hidden: true });
  // Reason inputs of the spans shown now, keyed by field + text (what the server matches).
  private reasons: { span: Span; input: HTMLInputElement }[] = [];

  constructor(
    private readonly meetingId: number,
    private record: CaseRecord | null,
    items: AgendaChoice[],
    private readonly onChanged: () => void,
  ) {
    this.agenda = h(
      'select',
      { id: 'case-agenda' },
      h('option', { value: '' }, t('caseNoItem')),
      ...items.map((i) => h('option', { value: i.id, selected: record?.agendaItemId === i.id }, i.title)),
    );
    const fields = kCaseFields.map((name) => this.field(name, record?.fields?.[name] ?? ''));
    const save = h('button', { type: 'button', id: 'case-save' }, t('caseSave'));
    const submit = h('button', { type: 'submit', class: 'primary', id: 'case-submit' }, t('caseSubmit'));
    save.addEventListener('click', () => void this.save().then((ok) => ok && this.say(t('caseSaved'))));
    const form = h(
      'form',
      { class: 'case-editor', 'aria-labelledby': 'case-editor-heading' },
      h('h3', { id: 'case-editor-heading', tabindex: -1 }, record ? t('caseEditHeading', { id: record.id }) : t('caseNewHeading')),
      h('p', { class: 'hint' }, t('caseHint')),
      h('div', { class: 'field' }, h('label', { for: 'case-agenda' }, t('caseAgendaItem')), this.agenda),
      ...fields,
      this.summary,
      this.status,
      h('div', { class: 'actions' }, save, submit),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    this.element = form;
    if (record?.status === 'returned' && record.returnReason) {
      this.say(t('caseReturnedBecause', { reason: record.returnReason }));
    }
  }

  private field(name: CaseField, value: string): HTMLElement {
    const id = `case-${name}`;
    let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
    if (name === 'sex') {
      input = h(
        'select',
        { id },
        h('option', { value: '' }, '—'),
        ...(['female', 'male', 'other', 'unknown'] as const).map((v) =>
          h('option', { value: v, selected: value === v }, t(`sex_${v}` as StringKey)),
        ),
      );
    } else if (name === 'ageBand') {
      input = h('input', { id, value, placeholder: '60-69', maxlength: 10 });
    } else {
      input = h('textarea', { id, rows: name === 'question' ? 2 : 3, maxlength: 8000 });
      input.value = value;
    }
    const flags = h('div', { class: 'flags', id: `${id}-flags`, hidden: true });
    input.setAttribute('aria-describedby', flags.id);
    this.inputs.set(name, input);
    this.flags.set(name, flags);
    return h('div', { class: 'field', 'data-field': name }, h('label', { for: id }, t(kFieldLabel[name])), input, flags);
  }

  private say(text: string): void {
    this.status.textContent = text;
  }

  private body(): { fields: Record<string, string>; agendaItemId: number | null } {
    const fields: Record<string, string> = {};
    for (const [name, input] of this.inputs) if (input.value) fields[name] = input.value;
    return { fields, agendaItemId: this.agenda.value ? Number(this.agenda.value) : null };
  }

  /** POST (new) or PUT (draft/returned); false with the error shown when it fails. */
  private async save(): Promise<boolean> {
    try {
      const base = `/api/meetings/${this.meetingId}/cases`;
      this.record = this.record
        ? await api<CaseRecord>('PUT', `${base}/${this.record.id}`, this.body())
        : await api<CaseRecord>('POST', base, this.body());
      this.onChanged();
      return true;
    } catch (e) {
      this.say(e instanceof ApiError ? e.describe() : String(e));
      if (e instanceof ApiError && e.field) this.focusField(e.field.replace(/^fields\./, ''));
      return false;
    }
  }

  private focusField(name: string): void {
    (this.inputs.get(name as CaseField) ?? null)?.focus();
  }

  private async submit(): Promise<void> {
    if (!(await this.save()) || !this.record) return;
    const justifications = this.reasons
      .filter((r) => r.input.value.trim())
      .map((r) => ({ field: r.span.field, text: r.span.text, reason: r.input.value.trim() }));
    try {
      this.record = await api<CaseRecord>('POST', `/api/meetings/${this.meetingId}/cases/${this.record.id}/submit`, {
        justifications,
      });
      this.showSpans([]);
      this.say(t('caseSubmitted'));
      announce(t('caseSubmitted'));
      this.onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'identifiers_found') {
        this.showSpans(e.spans);
        return;
      }
      this.say(e instanceof ApiError ? e.describe() : String(e));
    }
  }

  /** Shows every flagged span in its field: the text highlighted, then kind, reason and a justification box. */
  private showSpans(spans: Span[]): void {
    const kept = new Map(this.reasons.map((r) => [`${r.span.field}\u0000${r.span.text}`, r.input.value]));
    this.reasons = [];
    for (const [name, flags] of this.flags) {
      const mine = spans.filter((s) => s.field === name);
      flags.hidden = mine.length === 0;
      this.inputs.get(name)?.setAttribute('aria-invalid', mine.some((s) => !s.justified) ? 'true' : 'false');
      if (!mine.length) {
        flags.replaceChildren();
        continue;
      }
      const text = this.inputs.get(name)?.value ?? '';
      flags.replaceChildren(
        h('p', { class: 'preview' }, ...highlighted(text, mine)),
        h(
          'ul',
          { class: 'span-list' },
          ...mine.map((span, i) => {
            const id = `reason-${name}-${i}`;
            const input = h('input', { id, class: 'justification' });
            input.value = kept.get(`${span.field}\u0000${span.text}`) ?? '';
            this.reasons.push({ span, input });
            return h(
              'li',
              { class: `span-item ${span.kind}`, 'data-kind': span.kind },
              h('mark', { class: 'span-text' }, span.text),
              ' ',
              h('strong', { class: 'kind' }, t(kKindLabel[span.kind] ?? 'spanOther')),
              ` — ${span.reason}`,
              h('label', { for: id }, t('caseJustifyLabel', { text: span.text })),
              input,
            );
          }),
        ),
      );
    }
    const open = spans.filter((s) => !s.justified).length;
    this.summary.hidden = spans.length === 0;
    this.summary.textContent = spans.length ? t('caseBlocked', { n: open }) : '';
    if (spans.length) {
      this.say('');
      this.focusField(spans[0].field);
    }
  }
}
