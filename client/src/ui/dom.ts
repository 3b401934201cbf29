// Tiny DOM helpers: build elements without a framework, and announce changes to screen readers.

type Attrs = Record<string, string | boolean | number | undefined | EventListener>;
type Child = Node | string | null | undefined | false;

/** h('button', {class: 'x', onclick: fn, 'aria-label': '…'}, 'text') */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2), value);
    } else if (value === true) {
      element.setAttribute(key, '');
    } else {
      element.setAttribute(key, String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** Polite live region in index.html: joins, leaves and connection changes are read out. */
export function announce(text: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  // Clearing first makes a repeated message ("Bob joined" twice) be read again.
  region.textContent = '';
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

export function initials(name: string): string {
  const all = name.trim().split(/\s+/).filter(Boolean);
  // Skip abbreviated titles ("Dr.", "Prof.") so "Dr. Zhang Wei" becomes ZW, not DW.
  const words = all.length > 1 ? all.filter((word) => !word.endsWith('.')) : all;
  if (words.length === 0) words.push(...all);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words.slice(0, 1);
  const result = letters.map((word) => [...word][0] ?? '').join('');
  return result.toLocaleUpperCase() || '?';
}
