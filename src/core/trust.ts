// Which mails count as evidence. A Fail2Ban subject from an outside sender is not
// evidence: only senders (or reporting hosts) on the configured list are trusted.

function normalise(text: string): string {
  return text.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * True when the sender or the reporting host is on the list. Entries are addresses
 * ("fail2ban@web1.example.net"), domains (match the sender's domain and its
 * subdomains) or reporting host names (match the subject's host exactly).
 * An empty list trusts everyone.
 */
export function isTrustedSender(fromAddress: string | null, reporter: string | null, trusted: readonly string[]): boolean {
  if (trusted.length === 0) return true;
  const from = fromAddress ? normalise(fromAddress) : null;
  const at = from ? from.lastIndexOf('@') : -1;
  const domain = from && at >= 0 ? from.slice(at + 1) : null;
  const host = reporter ? normalise(reporter) : null;
  for (const raw of trusted) {
    const entry = normalise(raw);
    if (!entry) continue;
    if (entry.includes('@')) {
      if (from === entry) return true;
      continue;
    }
    // A bare local part ("fail2ban", the buffered actions' default sender) matches only itself.
    if (from !== null && at < 0 && from === entry) return true;
    if (domain !== null && (domain === entry || domain.endsWith(`.${entry}`))) return true;
    if (host !== null && host === entry) return true;
  }
  return false;
}
