// Keyboard shortcuts never fire while the user types: a key pressed in a text field, a number field, a
// select or an editable element belongs to that element.

export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t || typeof t.tagName !== 'string') return false;
  return t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName);
}

/** Calls the handler of an unmodified key pressed outside a text field; returns the listener's remover. */
export function onShortcut(handlers: Record<string, () => void>): () => void {
  const listener = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e)) return;
    const handler = handlers[e.key];
    if (!handler) return;
    e.preventDefault(); // space would otherwise scroll the page or press the focused button again
    handler();
  };
  window.addEventListener('keydown', listener);
  return () => window.removeEventListener('keydown', listener);
}
