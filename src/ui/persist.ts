// Autosaves and study answers are the only copies of someone's work until exported: once there is such a
// thing, ask the browser (once per page) not to evict this site's storage when space runs low.
let asked = false;

export function keepStorage(): void {
  if (asked || !navigator.storage?.persist) return;
  asked = true;
  void navigator.storage.persist().catch(() => undefined);
}
