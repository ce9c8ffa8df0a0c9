// Marked rows (mutt's tag): a set of keys, toggled with Space; bulk actions apply to all.
export function toggleMark(marks: ReadonlySet<string>, key: string): Set<string> {
  const next = new Set(marks);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}
